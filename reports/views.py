from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify

from councils.models import Council
from councils.rules import roles_in
from reports.models import CommitteeReport, PublishedFile
from reports.rendering import render_appendix_html, render_appendix_pdf
from reports.services import publish_report


def _report_council(request, council_slug: str) -> Council:
    """A council whose reports the user prepares: outsiders 404, other roles 403."""
    council = get_object_or_404(Council, slug=council_slug)
    if not request.user.is_superuser and not roles_in(request.user, council.pk):
        raise Http404
    if not request.user.has_perm("reports.prepare_report", council):
        raise PermissionDenied
    return council


def _appendix(request, council_slug: str, pk: int, order: int):
    council = _report_council(request, council_slug)
    report = get_object_or_404(CommitteeReport, council=council, pk=pk)
    return get_object_or_404(
        report.appendices.select_related("plan__council", "report"), order=order
    )


@login_required
def report_list(request, council_slug: str):
    council = _report_council(request, council_slug)
    reports = council.reports.select_related("committee").prefetch_related("appendices")
    return render(request, "reports/report_list.html", {"council": council, "reports": reports})


@login_required
def report_detail(request, council_slug: str, pk: int):
    council = _report_council(request, council_slug)
    report = get_object_or_404(
        CommitteeReport.objects.select_related("committee").prefetch_related(
            "contacts", "corporate_priorities", "cabinet_members", "appendices__plan"
        ),
        council=council,
        pk=pk,
    )
    if request.method == "POST":
        if not report.appendices.exists():
            messages.error(request, "Add an appendix before publishing.")
        else:
            files = publish_report(report, by=request.user)
            messages.success(request, f"Published version {files[0].version}: {len(files)} PDFs.")
        return redirect(report.get_absolute_url())
    context = {
        "council": council,
        "report": report,
        "published": report.published.select_related("generated_by"),
    }
    return render(request, "reports/report_detail.html", context)


@login_required
def published_file(request, council_slug: str, pk: int, file_pk: int):
    """A published PDF exactly as it was published."""
    council = _report_council(request, council_slug)
    published = get_object_or_404(PublishedFile, pk=file_pk, report__pk=pk, report__council=council)
    response = FileResponse(published.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="v{published.version}-{published.file.name.rsplit("/", 1)[-1]}"'
    )
    return response


@login_required
def appendix_html(request, council_slug: str, pk: int, order: int):
    """The appendix's accessible HTML version: the same template as its PDF."""
    return HttpResponse(render_appendix_html(_appendix(request, council_slug, pk, order)))


@login_required
def appendix_pdf(request, council_slug: str, pk: int, order: int):
    appendix = _appendix(request, council_slug, pk, order)
    response = HttpResponse(render_appendix_pdf(appendix), content_type="application/pdf")
    filename = f"{slugify(appendix.label)}-{slugify(appendix.title)[:60]}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
