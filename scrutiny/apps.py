from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    name = "scrutiny"
    verbose_name = "Scrutiny recommendations"

    def ready(self) -> None:
        from councils.panels import register_panel
        from scrutiny.panels import plan_recommendations, recommendations_answered

        register_panel("action", recommendations_answered)
        register_panel("plan", plan_recommendations)
