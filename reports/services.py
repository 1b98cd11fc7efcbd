"""Publishing: a report's front sheet, appendices and whole pack are generated once and kept
as they were. Generation runs in the background worker: laying out a large plan takes
WeasyPrint seconds, which must never hold up a web request."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import socket
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from reports.models import (
    Appendix,
    CommitteeReport,
    Publication,
    PublicationSource,
    PublishedFile,
    ReportBuild,
)
from reports.rendering import (
    Alongside,
    appendix_paper,
    front_sheet_paper,
    pack_paper,
    pack_sections,
    papers_to_pdf,
)
from reports.wordpapers import papers_to_docx

PACK_LABEL = "Report and appendices (one PDF)"
PACK_NAME = "report-and-appendices"

logger = logging.getLogger(__name__)


class BuildInProgress(Exception):
    """The report is already being generated: one build at a time per report."""


class StorageFailed(Exception):
    """File storage did not take a paper: nothing of the version is kept, in the database
    or in storage, and publishing again may work."""


def missing_from_storage(error: Exception) -> bool:
    """Whether `error`, from reading a stored file, says storage has no such file (rather
    than that storage did not answer): the disk's FileNotFoundError, or S3's 404."""
    if isinstance(error, FileNotFoundError):
        return True
    response = getattr(error, "response", None)  # botocore's ClientError
    code = str(response.get("Error", {}).get("Code")) if isinstance(response, dict) else ""
    return code in ("404", "NoSuchKey")


class BuildLost(Exception):
    """The build was declared lost (its worker seemed gone) while it was still running."""


# A running build's worker writes a heartbeat every REPORT_HEARTBEAT_SECONDS from a thread
# of its own, whatever the step; a build with no heartbeat for this long has lost its worker.
# Generous: a database restart or a busy machine must not fail a healthy build.
STALLED_AFTER = datetime.timedelta(seconds=90)


def start_build(report: CommitteeReport, *, by) -> ReportBuild:
    """Queue the report for publishing and return the build the page follows. The worker
    picks it up once this transaction commits."""
    from reports.tasks import generate_report

    with transaction.atomic():
        CommitteeReport.objects.select_for_update().filter(pk=report.pk).first()
        for active in report.builds.filter(state__in=ACTIVE):
            fail_if_lost(active)
        if report.builds.filter(state__in=ACTIVE).exists():
            raise BuildInProgress
        build = ReportBuild.objects.create(
            report=report, requested_by=by, steps_total=steps_for(report)
        )

        def enqueue() -> None:
            result = generate_report.enqueue(build.pk)
            ReportBuild.objects.filter(pk=build.pk, task_id="").update(task_id=str(result.id))

        transaction.on_commit(enqueue)
    return build


ACTIVE = [ReportBuild.State.QUEUED, ReportBuild.State.RUNNING]


# Building a report: its appendices in order ---------------------------------------------


@transaction.atomic
def save_appendix(appendix: Appendix) -> Appendix:
    """Save an appendix; a new one goes at the end of its report."""
    if appendix.pk is None:
        last = appendix.report.appendices.aggregate(last=Max("order"))["last"] or 0
        appendix.order = last + 1
    appendix.save()
    return appendix


@transaction.atomic
def remove_appendix(appendix: Appendix) -> None:
    """Remove an appendix; those after it move up a place, so the numbering has no gap.
    Published versions keep it as it was."""
    report = appendix.report
    appendix.delete()
    for position, later in enumerate(report.appendices.order_by("order", "id"), start=1):
        if later.order != position:
            Appendix.objects.filter(pk=later.pk).update(order=position)


@transaction.atomic
def move_appendix(appendix: Appendix, *, up: bool) -> None:
    """Swap an appendix with the one before it (or after it); at either end, nothing."""
    other_order = appendix.order - 1 if up else appendix.order + 1
    other = appendix.report.appendices.filter(order=other_order).first()
    if other is not None:
        Appendix.objects.filter(pk=other.pk).update(order=appendix.order)
        Appendix.objects.filter(pk=appendix.pk).update(order=other_order)


def _this_machine_process_gone(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's worker: only its heartbeat can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, under another user
    return False


def is_lost(build: ReportBuild, now: datetime.datetime | None = None) -> bool:
    """Whether a queued or running build's worker is gone: its process has ended (when it ran
    on this machine), it has sent no heartbeat for STALLED_AFTER, or the task queue says the
    task finished or has been running that long without the build starting."""
    now = now or timezone.now()
    if build.state == ReportBuild.State.RUNNING:
        if build.worker and _this_machine_process_gone(build.worker):
            return True
        last = build.heartbeat_at or build.created_at
        return now - last > STALLED_AFTER
    if build.state == ReportBuild.State.QUEUED and build.task_id:
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        task = DBTaskResult.objects.filter(id=build.task_id).first()
        if task is None:
            return False  # queued with another backend, or not yet written
        if task.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            return True  # the task ended without starting the build
        started = task.started_at or task.enqueued_at
        return task.status == TaskResultStatus.RUNNING and now - started > STALLED_AFTER
    return False


def fail_if_lost(build: ReportBuild) -> bool:
    """Mark a build whose worker is gone as failed, so the page says so and publishing can
    be tried again. True if it was marked."""
    if not is_lost(build):
        return False
    marked = ReportBuild.objects.filter(pk=build.pk, state__in=ACTIVE).update(
        state=ReportBuild.State.FAILED,
        worker_lost=True,
        error=f"Worker {build.worker or 'unknown'} stopped; last heartbeat {build.heartbeat_at}.",
        finished_at=timezone.now(),
    )
    if marked:
        logger.warning("Report build %s lost its worker %s", build.pk, build.worker)
        build.refresh_from_db()
    return bool(marked)


class _Heartbeat(threading.Thread):
    """Writes the build's heartbeat every few seconds while the worker lays it out."""

    def __init__(self, build: ReportBuild, seconds: float) -> None:
        super().__init__(daemon=True, name=f"heartbeat-build-{build.pk}")
        self.build_pk = build.pk
        self.seconds = seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.seconds):
                try:
                    ReportBuild.objects.filter(pk=self.build_pk).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.warning("Heartbeat of build %s not written", self.build_pk)
        finally:
            connection.close()


def publishing_problems(report: CommitteeReport) -> list[str]:
    """What stops the report being published as it stands (empty if nothing): no appendices,
    or an appendix that is no longer valid, such as a plan made private since it was added
    to a report that is not exempt."""
    from django.core.exceptions import ValidationError

    appendices = list(report.appendices.select_related("plan", "assessment", "scrutiny_source"))
    if not appendices:
        return ["Add an appendix before publishing."]
    problems = []
    for appendix in appendices:
        appendix.report = report
        try:
            appendix.clean()
        except ValidationError as error:
            problems += [f"{appendix.label}: {message}" for message in error.messages]
    return problems


def steps_for(report: CommitteeReport) -> int:
    """Front sheet, each appendix, then the pack."""
    return report.appendices.count() + 2


@dataclass(frozen=True)
class Document:
    """One generated PDF of a report."""

    part: str
    label: str
    name: str  # the file name, without ".pdf" or ".docx"
    pdf: bytes
    appendix: Appendix | None = None
    docx: bytes = b""


def generate_documents(report: CommitteeReport, on_step=None) -> list[Document]:
    """Every PDF of a report: the whole report first, then the front sheet and each appendix
    on its own. Each section is rendered once and the pack laid out once; each file of its
    own is written from the pack's pages. `on_step(done, next_label)` is called as each
    section is made, and before the pack is laid out."""
    sections, files = [], []  # files: (its Paper, then the Document's part, label, name, appendix)
    appendices = list(report.appendices.all())
    for done, (appendix, section) in enumerate(pack_sections(report), start=1):
        sections.append(section)
        if appendix is None:
            front = (PublishedFile.Part.FRONT_SHEET, "Front sheet", "front-sheet", None)
            files.append((front_sheet_paper(report), *front))
        else:
            name = f"{slugify(appendix.label)}-{slugify(appendix.title)[:60]}"
            part = (PublishedFile.Part.APPENDIX, str(appendix), name, appendix)
            files.append((appendix_paper(appendix), *part))
        if on_step:
            on_step(done, str(appendices[done - 1]) if done <= len(appendices) else PACK_LABEL)
    papers = [paper for paper, *_ in files]
    # The same papers in Word, from the same sections' HTML: made on the second core while
    # the PDFs are laid out here (a tenth of a second for the front sheet, a second for a
    # 300-action pack).
    word = Alongside(
        papers_to_docx, sections, pack_paper(report), papers, report.council,
        report.show_page_numbers,
    )  # fmt: skip
    pack, *pdfs = papers_to_pdf(
        sections,
        pack_paper(report),
        papers,
        council=report.council,
        numbered=report.show_page_numbers,
    )
    pack_docx, *docxs = word.result()
    return [Document(PublishedFile.Part.PACK, PACK_LABEL, PACK_NAME, pack, docx=pack_docx)] + [
        Document(part, label, name, pdf, appendix, docx=docx)
        for (_, part, label, name, appendix), pdf, docx in zip(files, pdfs, docxs, strict=True)
    ]


@dataclass(frozen=True)
class Facts:
    """What a report is published as: exempt or not, and each plan, assessment and register
    its appendices show, public or not."""

    is_exempt: bool
    sources: dict[tuple[str, int], tuple[str, bool]]  # (kind, id): (title, public)

    def stricter(self, other: Facts) -> Facts:
        """These facts and `other` together, each at its least public: for facts read
        before and after the documents were laid out, so a change while they were being made
        can only keep the version off the public papers page."""
        sources = dict(self.sources)
        for key, (title, public) in other.sources.items():
            sources[key] = (title, public and sources.get(key, (title, True))[1])
        return Facts(self.is_exempt or other.is_exempt, sources)


def publication_facts(report: CommitteeReport) -> Facts:
    """Read now: whether the report is exempt, and what each appendix draws on."""
    from django.contrib.auth.models import AnonymousUser

    from actionplans.models import Action, Plan
    from impact.models import Assessment
    from scrutiny.models import Source

    anyone = AnonymousUser()
    report = CommitteeReport.objects.get(pk=report.pk)
    appendices = list(report.appendices.select_related("plan", "assessment", "scrutiny_source"))
    plans = {a.plan for a in appendices if a.plan_id}
    assessments = {a.assessment for a in appendices if a.assessment_id}
    registers = {a.scrutiny_source for a in appendices if a.scrutiny_source_id}
    # A register's appendix shows the actions delivering its recommendations, from public
    # plans only; if one of those plans stops being public, so does the paper.
    shown = Action.objects.visible_to(anyone).filter(recommendations__source__in=registers)
    plans |= set(Plan.objects.filter(pk__in=shown.values("plan")))
    public_plans = set(Plan.objects.public().filter(pk__in=[p.pk for p in plans]))
    public_assessments = set(
        Assessment.objects.visible_to(anyone).filter(pk__in=[a.pk for a in assessments])
    )
    public_registers = set(
        Source.objects.visible_to(anyone).filter(pk__in=[r.pk for r in registers])
    )
    sources = {}
    for kind, things, public in [
        (PublicationSource.Kind.PLAN, plans, public_plans),
        (PublicationSource.Kind.ASSESSMENT, assessments, public_assessments),
        (PublicationSource.Kind.REGISTER, registers, public_registers),
    ]:
        for thing in things:
            sources[(kind, thing.pk)] = (str(thing)[:300], thing in public)
    return Facts(report.is_exempt, sources)


def run_build(build: ReportBuild) -> list[PublishedFile]:
    """Lay out every document, recording progress as each is done, then store them all as
    the report's next version in one transaction: a failure part-way publishes nothing."""
    _progress(
        build,
        state=ReportBuild.State.RUNNING,
        steps_done=0,
        step_label="Front sheet",
        worker=f"{socket.gethostname()}:{os.getpid()}",
        heartbeat_at=timezone.now(),
    )
    heartbeat = None
    if settings.REPORT_HEARTBEAT_SECONDS:
        heartbeat = _Heartbeat(build, settings.REPORT_HEARTBEAT_SECONDS)
        heartbeat.start()
    try:
        facts = publication_facts(build.report)
        documents = generate_documents(
            build.report,
            on_step=lambda done, label: _progress(build, steps_done=done, step_label=label),
        )
        files = _store(build, documents, facts)
    except BuildLost:
        logger.warning("Build %s finished after it was declared lost: not published", build.pk)
        raise
    except Exception as error:
        logger.exception("Generating report %s failed", build.report_id)
        _progress(
            build,
            state=ReportBuild.State.FAILED,
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
        raise
    finally:
        if heartbeat is not None:
            heartbeat.stopped.set()
            heartbeat.join()
    return files


@transaction.atomic
def _store(build: ReportBuild, documents: list[Document], facts: Facts) -> list[PublishedFile]:
    report = CommitteeReport.objects.select_for_update().get(pk=build.report_id)
    if ReportBuild.objects.get(pk=build.pk).state != ReportBuild.State.RUNNING:
        # Declared lost while it was slow, and perhaps published again since: a second
        # version must not appear from a build the page said had failed.
        raise BuildLost
    version = (report.publications.aggregate(v=Max("version"))["v"] or 0) + 1
    facts = facts.stricter(publication_facts(report))
    publication = Publication.objects.create(
        report=report, version=version, was_exempt=facts.is_exempt, published_by=build.requested_by
    )
    PublicationSource.objects.bulk_create(
        PublicationSource(
            publication=publication,
            kind=kind,
            title=title,
            was_public=public,
            **{_SOURCE_FIELD[kind]: pk},
        )
        for (kind, pk), (title, public) in sorted(facts.sources.items())
    )
    files = []
    written: list[tuple[object, str]] = []  # (storage, name) of each file stored so far
    try:
        _write_files(report, publication, version, build, documents, files, written)
    except Exception:
        # The transaction rolls back the version; take back what storage did take, so
        # that no file is left that no version points at.
        for storage, name in written:
            try:
                storage.delete(name)
            except Exception:
                logger.exception("Could not remove %s after a failed publication", name)
        raise
    _progress(
        build,
        state=ReportBuild.State.DONE,
        steps_done=build.steps_total,
        step_label="",
        version=version,
        finished_at=timezone.now(),
    )
    return files


def _write_files(report, publication, version, build, documents, files, written) -> None:
    """Each document's PDF and Word file written to storage, with its row; `written` and
    `files` grow as each is done."""
    for order, document in enumerate(documents):
        published = PublishedFile(
            report=report,
            publication=publication,
            appendix=document.appendix,
            part=document.part,
            order=order,
            label=document.label,
            version=version,
            sha256=hashlib.sha256(document.pdf).hexdigest(),
            size=len(document.pdf),
            generated_by=build.requested_by,
        )
        _stored(published.file, f"{document.name}.pdf", document.pdf, written)
        if document.docx:
            published.word_sha256 = hashlib.sha256(document.docx).hexdigest()
            published.word_size = len(document.docx)
            _stored(published.word, f"{document.name}.docx", document.docx, written)
        published.save()
        files.append(published)


def _stored(field, name: str, data: bytes, written: list) -> None:
    """`data` saved to storage as the file of `field`, noted in `written`; any failure of
    storage (a disk, a bucket that does not answer) is a StorageFailed."""
    try:
        field.save(name, ContentFile(data), save=False)
    except Exception as error:
        raise StorageFailed(
            f"File storage did not take {name} ({type(error).__name__}: {error})"
        ) from error
    written.append((field.storage, field.name))


_SOURCE_FIELD = {
    PublicationSource.Kind.PLAN: "plan_id",
    PublicationSource.Kind.ASSESSMENT: "assessment_id",
    PublicationSource.Kind.REGISTER: "scrutiny_source_id",
}


def _progress(build: ReportBuild, **fields) -> None:
    for name, value in fields.items():
        setattr(build, name, value)
    ReportBuild.objects.filter(pk=build.pk).update(**fields)


def publish_report(report: CommitteeReport, *, by) -> list[PublishedFile]:
    """Publish now, in this process (the command line and tests): the same steps the
    background worker runs."""
    build = ReportBuild.objects.create(
        report=report, requested_by=by, steps_total=steps_for(report)
    )
    return run_build(build)
