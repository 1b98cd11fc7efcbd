from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Committee reports"

    def ready(self) -> None:
        from councils.panels import register_panel
        from reports.panels import assessment_reports, plan_papers

        register_panel("assessment", assessment_reports)
        register_panel("plan", plan_papers)
