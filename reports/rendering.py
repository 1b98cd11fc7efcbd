"""Appendices as HTML and as accessible A4 PDFs, from one template.

WeasyPrint is given our own static files and nothing else: a report must never fetch from
the network or read files outside the static folders, whatever text a user typed."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint.urls import URLFetcher, URLFetcherResponse

from actionplans.dashboards import action_states
from actionplans.models import plan_outline
from reports.models import Appendix

STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")
BASE_URL = "https://report.invalid/"  # a base no fetch can reach: relative URLs hit the fetcher


class StaticOnlyFetcher(URLFetcher):
    """Serve our static files to WeasyPrint and refuse everything else: no network, no
    files outside the static folders, whatever a report's text contains."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        prefix = BASE_URL.rstrip("/") + STATIC_PREFIX
        if not url.startswith(prefix):
            raise ValueError(f"Reports may only use the site's own static files, not {url!r}.")
        try:
            path = finders.find(url[len(prefix) :].split("?")[0])
        except SuspiciousFileOperation as error:  # "../" out of the static folders
            raise ValueError(f"No static file {url!r}.") from error
        if not path:
            raise ValueError(f"No static file {url!r}.")
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def appendix_context(appendix: Appendix) -> dict:
    """What a plan-progress appendix shows: every action grouped by workstream as the plan
    is written, with its status, commentary and deadline as at the appendix's date."""
    plan = appendix.plan
    statuses = {s.pk: s for s in plan.council.statuses.all()}
    states = action_states(plan.actions.all(), statuses, as_at=appendix.as_at)
    for state in states:
        state.action.state = state
    report = appendix.report
    return {
        "appendix": appendix,
        "report": report,
        "council": report.council,
        "plan": plan,
        "outline": plan_outline(plan, [s.action for s in states]),
        "has_references": any(s.action.reference for s in states),
        "has_workstreams": plan.workstreams.exists(),
        "generated_on": timezone.localdate(),
    }


def render_appendix_html(appendix: Appendix) -> str:
    return render_to_string("reports/appendix_plan_progress.html", appendix_context(appendix))


def render_appendix_pdf(appendix: Appendix) -> bytes:
    """The appendix as a tagged PDF/UA-1 document, A4, fonts embedded."""
    import weasyprint

    html = render_appendix_html(appendix)
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")
