from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "impact"
    verbose_name = "Impact assessments"

    def ready(self) -> None:
        from councils.panels import register_panel
        from impact.panels import plan_assessments

        register_panel("plan", plan_assessments)
