from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    name = "scrutiny"
    verbose_name = "Scrutiny recommendations"

    def ready(self) -> None:
        from councils.panels import register_panel
        from scrutiny.panels import recommendations_answered

        register_panel("action", recommendations_answered)
