from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Committee reports"

    def ready(self) -> None:
        from actionplans.caching import watch
        from councils.panels import register_panel
        from reports.models import Appendix, CommitteeReport, Publication, PublicationSource
        from reports.panels import assessment_reports, plan_papers

        register_panel("assessment", assessment_reports)
        register_panel("plan", plan_papers)
        # Public plan pages show these: a change to one is fresh there at once.
        watch(CommitteeReport, Appendix, Publication, PublicationSource)
