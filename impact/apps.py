from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "impact"
    verbose_name = "Impact assessments"

    def ready(self) -> None:
        from actionplans.caching import watch
        from councils.panels import register_panel
        from impact.models import Assessment
        from impact.panels import plan_assessments

        register_panel("plan", plan_assessments)
        # Public plan pages show these: a change to one is fresh there at once.
        watch(Assessment)
