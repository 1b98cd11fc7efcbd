"""Publishing: a report's front sheet, appendices and whole pack are generated once and kept
as they were. Generation runs in the background worker: laying out a large plan takes
WeasyPrint seconds, which must never hold up a web request."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from reports.models import Appendix, CommitteeReport, PublishedFile, ReportBuild
from reports.rendering import (
    html_to_pdf,
    pack_document,
    pack_sections,
    render_appendix_html,
    render_front_sheet_html,
)

PACK_LABEL = "Report and appendices (one PDF)"
PACK_NAME = "report-and-appendices"

logger = logging.getLogger(__name__)


class BuildInProgress(Exception):
    """The report is already being generated: one build at a time per report."""


def start_build(report: CommitteeReport, *, by) -> ReportBuild:
    """Queue the report for publishing and return the build the page follows. The worker
    picks it up once this transaction commits."""
    from reports.tasks import generate_report

    with transaction.atomic():
        CommitteeReport.objects.select_for_update().filter(pk=report.pk).first()
        if report.builds.filter(state__in=[ReportBuild.State.QUEUED, ReportBuild.State.RUNNING]):
            raise BuildInProgress
        build = ReportBuild.objects.create(
            report=report, requested_by=by, steps_total=steps_for(report)
        )

        def enqueue() -> None:
            result = generate_report.enqueue(build.pk)
            ReportBuild.objects.filter(pk=build.pk, task_id="").update(task_id=str(result.id))

        transaction.on_commit(enqueue)
    return build


def steps_for(report: CommitteeReport) -> int:
    """Front sheet, each appendix, then the pack."""
    return report.appendices.count() + 2


@dataclass(frozen=True)
class Document:
    """One generated PDF of a report."""

    part: str
    label: str
    name: str  # the file name, without ".pdf"
    pdf: bytes
    appendix: Appendix | None = None


def generate_documents(report: CommitteeReport, on_step=None) -> list[Document]:
    """Every PDF of a report: the whole report first, then the front sheet and each appendix
    on its own. Each section is rendered once and laid out twice (alone and in the pack).
    `on_step(done, next_label)` is called as each document is made."""
    documents = []
    sections = []
    appendices = list(report.appendices.all())
    for done, (appendix, section) in enumerate(pack_sections(report), start=1):
        sections.append(section)
        if appendix is None:
            pdf = html_to_pdf(render_front_sheet_html(report, section))
            documents.append(
                Document(PublishedFile.Part.FRONT_SHEET, "Front sheet", "front-sheet", pdf)
            )
        else:
            pdf = html_to_pdf(render_appendix_html(appendix, section))
            name = f"{slugify(appendix.label)}-{slugify(appendix.title)[:60]}"
            documents.append(
                Document(PublishedFile.Part.APPENDIX, str(appendix), name, pdf, appendix)
            )
        if on_step:
            on_step(done, str(appendices[done - 1]) if done <= len(appendices) else PACK_LABEL)
    pack = html_to_pdf(pack_document(sections, report))
    documents.insert(0, Document(PublishedFile.Part.PACK, PACK_LABEL, PACK_NAME, pack))
    return documents


def run_build(build: ReportBuild) -> list[PublishedFile]:
    """Lay out every document, recording progress as each is done, then store them all as
    the report's next version in one transaction: a failure part-way publishes nothing."""
    _progress(build, state=ReportBuild.State.RUNNING, steps_done=0, step_label="Front sheet")
    try:
        documents = generate_documents(
            build.report,
            on_step=lambda done, label: _progress(build, steps_done=done, step_label=label),
        )
        files = _store(build, documents)
    except Exception as error:
        logger.exception("Generating report %s failed", build.report_id)
        _progress(
            build,
            state=ReportBuild.State.FAILED,
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
        raise
    return files


@transaction.atomic
def _store(build: ReportBuild, documents: list[Document]) -> list[PublishedFile]:
    report = CommitteeReport.objects.select_for_update().get(pk=build.report_id)
    version = (report.published.aggregate(v=Max("version"))["v"] or 0) + 1
    files = []
    for order, document in enumerate(documents):
        published = PublishedFile(
            report=report,
            appendix=document.appendix,
            part=document.part,
            order=order,
            label=document.label,
            version=version,
            sha256=hashlib.sha256(document.pdf).hexdigest(),
            size=len(document.pdf),
            generated_by=build.requested_by,
        )
        published.file.save(f"{document.name}.pdf", ContentFile(document.pdf), save=False)
        published.save()
        files.append(published)
    _progress(
        build,
        state=ReportBuild.State.DONE,
        steps_done=build.steps_total,
        step_label="",
        version=version,
        finished_at=timezone.now(),
    )
    return files


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
