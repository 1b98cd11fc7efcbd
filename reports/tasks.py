"""Background tasks, run by the worker (`manage.py db_worker`)."""

from django_tasks import task

from reports.models import ReportBuild


@task()
def generate_report(build_id: int) -> int:
    """Publish a report: every PDF of it, as its next version. Returns the version."""
    from reports.services import run_build

    build = ReportBuild.objects.select_related("report__council").get(pk=build_id)
    if build.state != ReportBuild.State.QUEUED:
        return build.version or 0  # already run: a retried or duplicated task does nothing
    run_build(build)
    return build.version
