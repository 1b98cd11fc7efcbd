"""Publishing freezes a report's appendices: stored with their SHA-256, byte-identical years
later whatever happens to the plans, and re-publishing makes a new version."""

import hashlib

import pytest
from django.core.management import call_command
from django.urls import reverse

from actionplans.models import Action
from councils.models import User
from reports.models import CommitteeReport, PublishedFile, ReportBuild
from reports.rendering import render_appendix_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def report():
    return CommitteeReport.objects.get(council__slug="norwich", item_number="8")


def download(client, report, published) -> bytes:
    url = reverse("reports:published-file", args=["norwich", report.pk, published.pk])
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def publish(client, report, django_capture_on_commit_callbacks):
    """Press "Publish" as democratic services; the task runs as the transaction commits."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report-publish", args=["norwich", report.pk]))
    assert response.status_code == 302
    return response


def test_published_documents_never_change_and_new_versions_are_kept(
    client, report, django_capture_on_commit_callbacks
):
    officer = User.objects.get(username="norwich-democratic-services")
    client.force_login(officer)
    publish(client, report, django_capture_on_commit_callbacks)
    first = list(PublishedFile.objects.filter(report=report, version=1))
    assert [f.label for f in first] == [
        "Report and appendices (one PDF)",
        "Front sheet",
        "Appendix 1: Reducing Inequalities Action Plan 2015-16",
        "Appendix 2: Outline pilot activity within Lakenham",
    ]
    assert {f.generated_by for f in first} == {officer}
    appendix_file = first[2]
    original = download(client, report, appendix_file)
    assert (
        original.startswith(b"%PDF")
        and hashlib.sha256(original).hexdigest() == appendix_file.sha256
    )
    pack = download(client, report, first[0])

    # The plan moves on after publication: an action is renamed.
    action = Action.objects.get(title__startswith="Review Go for Less")
    action.title = "Review Go for Less after Universal Credit"
    action.save()
    assert render_appendix_pdf(appendix_file.appendix) != original  # a fresh render differs
    assert download(client, report, appendix_file) == original  # the published one does not
    assert download(client, report, first[0]) == pack

    publish(client, report, django_capture_on_commit_callbacks)
    assert PublishedFile.objects.filter(report=report, version=2).count() == 4
    assert download(client, report, appendix_file) == original  # version 1 is still there
    page = client.get(reverse("reports:report-detail", args=["norwich", report.pk]))
    text = page.content.decode()
    assert "Publish a new version" in text and appendix_file.sha256 in text
    assert "Version 2 (latest)" in text and "Version 1," in text
    title = "Reducing inequalities action plan – Norwich City Council – Council action plans"
    assert f"<title>{title}</title>" in text


def test_the_page_follows_a_build_the_worker_has_not_started(client, report, settings, monkeypatch):
    """With the database queue and no worker running, publishing returns at once: the page
    shows the build waiting, and a second press does not queue it twice. The worker (the
    `db_worker` command `make run` starts) then publishes it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(User.objects.get(username="norwich-democratic-services"))
    url = reverse("reports:report-publish", args=["norwich", report.pk])
    client.post(url)
    build = ReportBuild.objects.get(report=report)
    assert build.state == ReportBuild.State.QUEUED and build.steps_total == 4  # sheet, 2, pack
    page = client.get(reverse("reports:report-detail", args=["norwich", report.pk])).content
    text = page.decode()
    assert "Waiting to start" in text and "0 of 4" in text
    assert 'data-status-url="' in text and "disabled" in text
    response = client.post(url, follow=True)
    assert "already being generated" in response.content.decode()
    assert ReportBuild.objects.filter(report=report).count() == 1

    status = reverse("reports:build-status", args=["norwich", report.pk, build.pk])
    assert client.get(status).json()["state"] == "queued"
    # The transaction the test runs in stands in for the request's: queue its task now.
    from reports.tasks import generate_report

    generate_report.enqueue(build.pk)
    # The worker closes connections it finds in a transaction; here that transaction is the
    # test's own, which PostgreSQL must keep open.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    data = client.get(status).json()
    assert data["state"] == "done" and data["percent"] == 100 and data["version"] == 1
    assert [f["label"] for f in data["files"]][:2] == [
        "Report and appendices (one PDF)",
        "Front sheet",
    ]
    assert PublishedFile.objects.filter(report=report).count() == 4


def test_a_failed_build_publishes_nothing_and_says_so(
    client, report, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(User.objects.get(username="norwich-democratic-services"))

    def fail_on_the_pack(sections, pack, parts, **kw):
        raise OSError("disk full")

    monkeypatch.setattr("reports.services.papers_to_pdf", fail_on_the_pack)
    publish(client, report, django_capture_on_commit_callbacks)  # the worker logs the error
    build = ReportBuild.objects.get(report=report)
    assert build.state == ReportBuild.State.FAILED and "disk full" in build.error
    assert not PublishedFile.objects.filter(report=report).exists()
    page = client.get(reverse("reports:report-detail", args=["norwich", report.pk]))
    assert "failed and published nothing" in page.content.decode()


def test_only_report_writers_publish_and_download(
    client, report, council_b, django_capture_on_commit_callbacks
):
    client.force_login(User.objects.get(username="norwich-democratic-services"))
    publish(client, report, django_capture_on_commit_callbacks)
    published = PublishedFile.objects.filter(report=report).first()
    url = reverse("reports:published-file", args=["norwich", report.pk, published.pk])
    client.force_login(User.objects.get(username="norwich-councillor"))
    publish_url = reverse("reports:report-publish", args=["norwich", report.pk])
    assert client.post(publish_url).status_code == 403
    assert client.get(url).status_code == 403
    assert PublishedFile.objects.filter(report=report).count() == 4
    other = User.objects.create_user("b-dem", password="pw")
    other.memberships.create(council=council_b, role="democratic_services")
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(publish_url).status_code == 404


def test_a_build_without_a_heartbeat_is_lost_and_one_with_a_heartbeat_is_not(client, report):
    """A worker on another machine can only be judged by its heartbeat: silent for longer
    than any real step, the build is failed with a clear message and publishing can go on."""
    import datetime

    from django.utils import timezone

    from reports.services import STALLED_AFTER, fail_if_lost

    build = report.builds.create(
        state=ReportBuild.State.RUNNING,
        steps_total=4,
        steps_done=2,
        worker="worker-2.council.internal:4242",
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=20),
    )
    assert not fail_if_lost(build)  # 20 s: a long step, not a lost worker
    client.force_login(User.objects.get(username="norwich-democratic-services"))
    status = reverse("reports:build-status", args=["norwich", report.pk, build.pk])
    assert client.get(status).json()["state"] == "running"
    ReportBuild.objects.filter(pk=build.pk).update(
        heartbeat_at=timezone.now() - STALLED_AFTER - datetime.timedelta(seconds=1)
    )
    data = client.get(status).json()
    assert data["state"] == "failed"
    assert data["error"] == (
        "The worker making the documents stopped before it finished (2 of 4 done), so nothing "
        "was published. Publish again."
    )
    build.refresh_from_db()
    assert build.worker_lost and "worker-2.council.internal:4242" in build.error


def test_a_queued_build_whose_task_ended_is_lost(client, report, settings):
    """The task queue's own record says the task ended, yet the build never started."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from reports.tasks import generate_report

    build = report.builds.create(state=ReportBuild.State.QUEUED, steps_total=4)
    result = generate_report.enqueue(build.pk)
    ReportBuild.objects.filter(pk=build.pk).update(task_id=str(result.id))
    client.force_login(User.objects.get(username="norwich-democratic-services"))
    page = reverse("reports:report-detail", args=["norwich", report.pk])
    assert "Waiting to start" in client.get(page).content.decode()
    DBTaskResult.objects.filter(id=result.id).update(status=TaskResultStatus.FAILED)
    html = client.get(page).content.decode()
    assert "failed and published nothing" in html and "stopped before it finished" in html


def test_a_build_declared_lost_while_still_running_publishes_nothing(report, monkeypatch):
    """If a slow worker was taken for lost, its late result is dropped: the page said the
    build had failed, and someone may have published again since."""
    from reports.services import BuildLost, run_build

    build = ReportBuild.objects.create(report=report, steps_total=4)

    def declared_lost_meanwhile(sections, pack, parts, **kw):
        ReportBuild.objects.filter(pk=build.pk).update(state="failed", worker_lost=True)
        return [b"%PDF-1.7 stand-in"] * (len(parts) + 1)

    monkeypatch.setattr("reports.services.papers_to_pdf", declared_lost_meanwhile)
    with pytest.raises(BuildLost):
        run_build(build)
    assert not PublishedFile.objects.filter(report=report).exists()
