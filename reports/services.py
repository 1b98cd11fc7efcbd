"""Publishing: a report's appendices are generated once and kept as they were."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from reports.models import CommitteeReport, PublishedFile
from reports.rendering import render_appendix_pdf


@transaction.atomic
def publish_report(report: CommitteeReport, *, by) -> list[PublishedFile]:
    """Generate every appendix as a PDF and store it as the report's next version, with its
    SHA-256 and who published it. Earlier versions stay as they were, downloadable; later
    changes to the plans never alter a published file."""
    report = CommitteeReport.objects.select_for_update().get(pk=report.pk)
    version = (report.published.aggregate(v=Max("version"))["v"] or 0) + 1
    files = []
    for appendix in report.appendices.select_related("plan__council", "report"):
        pdf = render_appendix_pdf(appendix)
        published = PublishedFile(
            report=report,
            appendix=appendix,
            label=f"{appendix.label}: {appendix.title}",
            version=version,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            generated_by=by,
        )
        name = f"{slugify(appendix.label)}-{slugify(appendix.title)[:60]}.pdf"
        published.file.save(name, ContentFile(pdf), save=False)
        published.save()
        files.append(published)
    return files
