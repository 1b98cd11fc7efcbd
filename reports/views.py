"""Report pages. Democratic services (and council admins) build, preview and publish
reports, and see every version they published; anyone may download a version that was
published as a public paper and still is one (Publication.objects.public). People outside a
council get 404 on its report-building pages."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from config.unavailable import StorageUnavailable
from councils.models import Council
from councils.rules import council_for
from impact.models import Assessment
from impact.rendering import with_form
from reports.forms import AppendixForm, ContactFormSet, ReportForm
from reports.models import (
    Appendix,
    CommitteeReport,
    Publication,
    PublishedFile,
    ReportBuild,
    public_now_ids,
)
from reports.rendering import (
    appendix_paper,
    appendix_section,
    document_html,
    front_sheet_paper,
    pack_paper,
    render_appendix_html,
    render_appendix_pdf,
    render_assessment_html,
    render_assessment_pdf,
    render_front_sheet_html,
    render_pack_html,
)
from reports.services import (
    BuildInProgress,
    fail_if_lost,
    missing_from_storage,
    move_appendix,
    publishing_problems,
    remove_appendix,
    save_appendix,
    start_build,
)
from reports.wordpapers import html_to_docx

logger = logging.getLogger(__name__)

# Above this many actions an appendix is laid out only by the background worker: WeasyPrint
# takes about 25 ms a row, so this keeps a request under about two seconds.
IN_REQUEST_ACTION_LIMIT = 80


def _report(request, council_slug: str, pk: int) -> CommitteeReport:
    council = council_for(request, council_slug, "reports.prepare_report")
    return get_object_or_404(
        CommitteeReport.objects.select_related("council", "committee"), council=council, pk=pk
    )


def _appendix(request, council_slug: str, pk: int, order: int) -> Appendix:
    report = _report(request, council_slug, pk)
    return get_object_or_404(
        report.appendices.select_related("plan__council", "report__council"), order=order
    )


@login_required
def report_list(request, council_slug: str):
    council = council_for(request, council_slug, "reports.prepare_report")
    reports = council.reports.select_related("committee").prefetch_related("appendices")
    return render(request, "reports/report_list.html", {"council": council, "reports": reports})


@login_required
def report_detail(request, council_slug: str, pk: int):
    report = _report(request, council_slug, pk)
    report = (
        CommitteeReport.objects.select_related("council", "committee")
        .prefetch_related("contacts", "corporate_priorities", "cabinet_members")
        .get(pk=report.pk)
    )
    appendices = list(
        report.appendices.select_related(
            "plan__council", "assessment__council", "scrutiny_source__council"
        ).annotate(action_count=Count("plan__actions"))
    )
    for appendix in appendices:
        appendix.report = report
        appendix.renders_in_request = appendix.action_count <= IN_REQUEST_ACTION_LIMIT
    publications = list(
        report.publications.select_related("published_by").prefetch_related("files", "sources")
    )
    public = set(report.publications.public().values_list("pk", flat=True))
    public_now = public_now_ids() if publications else {}
    for publication in publications:
        publication.is_public = publication.pk in public
        publication.reasons = (
            []
            if publication.is_public
            else publication.reasons_not_public(report.is_exempt, public_now)
        )
    context = {
        "council": report.council,
        "report": report,
        "appendices": appendices,
        "publications": publications,
        "build": _latest_build(report),
    }
    return render(request, "reports/report_detail.html", context)


def _latest_build(report: CommitteeReport) -> ReportBuild | None:
    """The report's latest build, failed if its worker has gone."""
    build = report.builds.select_related("requested_by").first()
    if build is not None and build.is_active:
        fail_if_lost(build)
    return build


@login_required
def report_form(request, council_slug: str, pk: int | None = None):
    """Create a report, or change its front sheet and contact officers."""
    council = council_for(request, council_slug, "reports.prepare_report")
    report = get_object_or_404(CommitteeReport, council=council, pk=pk) if pk else None
    instance = report or CommitteeReport(council=council, created_by=request.user)
    form = ReportForm(request.POST or None, instance=instance, council=council, user=request.user)
    contacts = ContactFormSet(request.POST or None, instance=instance, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        with transaction.atomic():
            saved = form.save()
            contacts.instance = saved
            for order, contact in enumerate(contacts.save(commit=False)):
                contact.order = order
                contact.save()
            for contact in contacts.deleted_objects:
                contact.delete()
        messages.success(request, "Report saved." if report else "Report created.")
        if report is None:
            return redirect("reports:appendix-add", council.slug, saved.pk)
        return redirect(saved.get_absolute_url())
    context = {"council": council, "report": report, "form": form, "contacts": contacts}
    return render(request, "reports/report_form.html", context)


@login_required
def appendix_form(request, council_slug: str, pk: int, order: int | None = None):
    """Add an appendix at the end of the report, or change one."""
    report = _report(request, council_slug, pk)
    appendix = get_object_or_404(report.appendices, order=order) if order else None
    form = AppendixForm(request.POST or None, instance=appendix, report=report, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_appendix(form.save(commit=False))
        messages.success(request, f"{saved.label} saved.")
        return redirect(report.get_absolute_url())
    context = {"council": report.council, "report": report, "appendix": appendix, "form": form}
    return render(request, "reports/appendix_form.html", context)


@login_required
def appendix_delete(request, council_slug: str, pk: int, order: int):
    """Confirm, then remove an appendix; those after it move up a place."""
    appendix = _appendix(request, council_slug, pk, order)
    report = appendix.report
    if request.method == "POST":
        label = str(appendix)
        remove_appendix(appendix)
        messages.success(request, f"Removed {label}. Published versions keep it.")
        return redirect(report.get_absolute_url())
    context = {"council": report.council, "report": report, "appendix": appendix}
    return render(request, "reports/appendix_delete.html", context)


@login_required
@require_POST
def appendix_move(request, council_slug: str, pk: int, order: int):
    """Swap an appendix with the one before it (or after it)."""
    appendix = _appendix(request, council_slug, pk, order)
    move_appendix(appendix, up=request.POST.get("direction") == "up")
    return redirect(appendix.report.get_absolute_url() + "#appendices")


@login_required
@require_POST
def report_publish(request, council_slug: str, pk: int):
    """Queue the report for the background worker; the report page follows its progress."""
    report = _report(request, council_slug, pk)
    problems = publishing_problems(report)
    for problem in problems:
        messages.error(request, problem)
    if not problems:
        try:
            start_build(report, by=request.user)
        except BuildInProgress:
            messages.error(request, "This report is already being generated. Wait for it.")
    return redirect(report.get_absolute_url() + "#publishing")


@login_required
def build_status(request, council_slug: str, pk: int, build_pk: int):
    """What the report page's progress indicator shows, as JSON."""
    report = _report(request, council_slug, pk)
    build = get_object_or_404(report.builds, pk=build_pk)
    if build.is_active:
        fail_if_lost(build)
    files = []
    if build.state == ReportBuild.State.DONE:
        files = [
            {
                "label": file.label,
                "url": reverse("reports:published-file", args=[council_slug, pk, file.pk]),
                "size": file.size,
            }
            for file in report.published.filter(version=build.version)
        ]
    return JsonResponse(
        {
            "state": build.state,
            "state_label": build.get_state_display(),
            "percent": build.percent,
            "steps_done": build.steps_done,
            "steps_total": build.steps_total,
            "step_label": build.step_label,
            "version": build.version,
            "error": build.failure_message if build.state == ReportBuild.State.FAILED else "",
            "files": files,
        }
    )


@login_required
def published_file(request, council_slug: str, pk: int, file_pk: int):
    """A published PDF exactly as it was published."""
    return _download(_published(request, council_slug, pk, file_pk))


@login_required
def published_word(request, council_slug: str, pk: int, file_pk: int):
    """The same paper as a Word document, as it was published with the PDF."""
    return _download_word(_published(request, council_slug, pk, file_pk))


def _published(request, council_slug: str, pk: int, file_pk: int) -> PublishedFile:
    council = council_for(request, council_slug, "reports.prepare_report")
    return get_object_or_404(PublishedFile, pk=file_pk, report__pk=pk, report__council=council)


def assessment_document(request, council_slug: str, pk: int):
    """An impact assessment's form as a paper: the accessible HTML its PDF is made from.
    Anyone who may read the assessment may read its paper."""
    return HttpResponse(render_assessment_html(_assessment(request, council_slug, pk)))


def assessment_pdf(request, council_slug: str, pk: int):
    assessment = _assessment(request, council_slug, pk)
    response = HttpResponse(render_assessment_pdf(assessment), content_type="application/pdf")
    name = slugify(f"{assessment.template.name} {assessment.report_subject}")[:80]
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _assessment(request, council_slug: str, pk: int) -> Assessment:
    return get_object_or_404(
        with_form(Assessment.objects.visible_to(request.user)), council__slug=council_slug, pk=pk
    )


def _opened(field):
    """A stored paper opened for reading: Http404 if storage no longer has it (logged: a
    published paper must never go missing; verify_papers finds such), StorageUnavailable
    (a 503 page) if storage does not answer."""
    try:
        handle = field.open("rb")
        handle.read(0)  # S3 fetches on first read: fail here, not half-way through sending
        return handle
    except Exception as error:
        if missing_from_storage(error):
            logger.error("Published file %s is missing from storage", field.name)
            raise Http404 from error
        raise StorageUnavailable(f"Could not read {field.name}") from error


def _download(published: PublishedFile) -> FileResponse:
    return FileResponse(
        _opened(published.file),
        content_type="application/pdf",
        as_attachment=True,
        filename=published.filename,
    )


WORD_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download_word(published: PublishedFile) -> FileResponse:
    """A version published before Word papers has none: 404."""
    if not published.word:
        raise Http404
    return FileResponse(
        _opened(published.word),
        content_type=WORD_TYPE,
        as_attachment=True,
        filename=published.word_filename,
    )


@login_required
def appendix_html(request, council_slug: str, pk: int, order: int):
    """The appendix's accessible HTML version: the same template as its PDF."""
    return HttpResponse(render_appendix_html(_appendix(request, council_slug, pk, order)))


@login_required
def front_sheet_html(request, council_slug: str, pk: int):
    return HttpResponse(render_front_sheet_html(_report(request, council_slug, pk)))


@login_required
def pack_html(request, council_slug: str, pk: int):
    """The whole report as one web page: the front sheet, then every appendix."""
    return HttpResponse(render_pack_html(_report(request, council_slug, pk)))


@login_required
def appendix_pdf(request, council_slug: str, pk: int, order: int):
    """A draft PDF of one appendix as the data stands, for appendices small enough to lay
    out while the person waits; larger ones are generated by publishing."""
    appendix = _appendix(request, council_slug, pk, order)
    if too_large := _too_large(request, appendix.report, [appendix]):
        return too_large
    response = HttpResponse(render_appendix_pdf(appendix), content_type="application/pdf")
    filename = f"draft-{slugify(appendix.label)}-{slugify(appendix.title)[:60]}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def appendix_docx(request, council_slug: str, pk: int, order: int):
    """A draft of one appendix as a Word document, under the same limit as its draft PDF:
    a larger one is made by publishing, in the background, with the PDFs."""
    appendix = _appendix(request, council_slug, pk, order)
    if too_large := _too_large(request, appendix.report, [appendix]):
        return too_large
    report = appendix.report
    paper = appendix_paper(appendix)
    html = document_html(
        [appendix_section(appendix)], paper, council=report.council,
        numbered=report.show_page_numbers,
    )  # fmt: skip
    name = f"draft-{slugify(appendix.label)}-{slugify(appendix.title)[:60]}"
    return _word_response(html, paper, report, name)


@login_required
def front_sheet_docx(request, council_slug: str, pk: int):
    report = _report(request, council_slug, pk)
    paper = front_sheet_paper(report)
    html = render_front_sheet_html(report)
    return _word_response(html, paper, report, f"draft-front-sheet-{slugify(report.subject)[:60]}")


@login_required
def pack_docx(request, council_slug: str, pk: int):
    """The whole report as a draft Word document, if every appendix is small enough."""
    report = _report(request, council_slug, pk)
    appendices = list(report.appendices.select_related("plan"))
    if too_large := _too_large(request, report, appendices):
        return too_large
    html = render_pack_html(report)
    return _word_response(html, pack_paper(report), report, f"draft-{slugify(report.subject)[:60]}")


def _too_large(request, report: CommitteeReport, appendices: list[Appendix]):
    """The page saying a draft is made only by publishing, if any of `appendices` draws on a
    plan too large to lay out while the person waits (assessments and scrutiny responses
    are a few pages whatever the plan); None otherwise."""
    for appendix in appendices:
        if appendix.plan_id and appendix.plan.actions.count() > IN_REQUEST_ACTION_LIMIT:
            context = {"council": report.council, "report": report}
            context |= {"appendix": appendix, "limit": IN_REQUEST_ACTION_LIMIT}
            return render(request, "reports/appendix_too_large.html", context, status=409)
    return None


def _word_response(html: str, paper, report: CommitteeReport, name: str) -> HttpResponse:
    data = html_to_docx(
        html, paper, brand_colour=report.council.brand_colour, numbered=report.show_page_numbers
    )
    response = HttpResponse(data, content_type=WORD_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


# Public pages: published committee papers.


def papers(request, council_slug: str):
    """A council's public committee papers, latest meeting first: for each report, the files
    of its latest version that anyone may download (Publication.objects.public)."""
    council = get_object_or_404(Council, slug=council_slug)
    public = Publication.objects.public().prefetch_related("files").order_by("-version")
    reports = (
        CommitteeReport.objects.with_public_papers()
        .filter(council=council)
        .select_related("committee")
        .prefetch_related(Prefetch("publications", queryset=public, to_attr="public_versions"))
        .order_by("-meeting_date", "item_number")
    )
    for report in reports:
        report.latest = report.public_versions[0]
    return render(request, "reports/papers.html", {"council": council, "reports": reports})


def paper_file(request, council_slug: str, pk: int, file_pk: int):
    """A published PDF, for anyone, if its version is a public paper."""
    return _download(_public_paper(council_slug, pk, file_pk))


def paper_word(request, council_slug: str, pk: int, file_pk: int):
    """A public paper as a Word document: the same rule as its PDF."""
    return _download_word(_public_paper(council_slug, pk, file_pk))


def _public_paper(council_slug: str, pk: int, file_pk: int) -> PublishedFile:
    return get_object_or_404(
        PublishedFile,
        pk=file_pk,
        report__pk=pk,
        report__council__slug=council_slug,
        publication__in=Publication.objects.public(),
    )
