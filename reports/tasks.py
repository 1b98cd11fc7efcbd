"""Background tasks, run by the worker (`manage.py db_worker`)."""

import gc

from django_tasks import task

from reports.models import ReportBuild


@task()
def generate_report(build_id: int) -> int:
    """Publish a report: every PDF of it, as its next version. Returns the version."""
    from reports.services import run_build

    build = ReportBuild.objects.select_related("report__council").get(pk=build_id)
    if build.state != ReportBuild.State.QUEUED:
        return build.version or 0  # already run: a retried or duplicated task does nothing
    try:
        run_build(build)
    finally:
        # A paper's layout leaves cycles (WeasyPrint's boxes) that the collector would
        # reach only now and then; collected here, between tasks, each publication starts
        # from the same heap and the worker's memory stays level from one to the next.
        gc.collect()
    return build.version
