from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    name = "scrutiny"
    verbose_name = "Scrutiny recommendations"

    def ready(self) -> None:
        from actionplans.caching import watch
        from councils.panels import register_panel
        from scrutiny.models import Recommendation, ResponseOption, Source
        from scrutiny.panels import plan_recommendations, recommendations_answered

        register_panel("action", recommendations_answered)
        register_panel("plan", plan_recommendations)
        # Public plan pages show these: a change to one is fresh there at once.
        watch(ResponseOption, Source, Recommendation)
