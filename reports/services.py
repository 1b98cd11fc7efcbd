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

from reports.models import (
    Appendix,
    CommitteeReport,
    Publication,
    PublicationSource,
    PublishedFile,
    ReportBuild,
)
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
    _progress(build, state=ReportBuild.State.RUNNING, steps_done=0, step_label="Front sheet")
    try:
        facts = publication_facts(build.report)
        documents = generate_documents(
            build.report,
            on_step=lambda done, label: _progress(build, steps_done=done, step_label=label),
        )
        files = _store(build, documents, facts)
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
def _store(build: ReportBuild, documents: list[Document], facts: Facts) -> list[PublishedFile]:
    report = CommitteeReport.objects.select_for_update().get(pk=build.report_id)
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
