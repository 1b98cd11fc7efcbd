"""Appendices as HTML and as accessible A4 PDFs, from one template.

WeasyPrint is given our own static files and nothing else: a report must never fetch from
the network or read files outside the static folders, whatever text a user typed."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime
import gc
import mimetypes
import multiprocessing
import os
import threading
import time

import pydyf
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.formats import date_format
from weasyprint.urls import URLFetcher, URLFetcherResponse

from actionplans.charts import chart_numbers, stacked_bar_chart
from actionplans.dashboards import build_plan_dashboard
from actionplans.models import Plan, plan_outline
from actionplans.state import states
from councils.models import Rag
from reports import pdftags
from reports.models import Appendix, CommitteeReport


def _page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf's PDF.page_references, worked out once for each number of pages: pydyf builds
    the tuple of every page's reference afresh each time it is read, and WeasyPrint's
    tagging reads it for every tagged box (8,575 times for a 44-page appendix of 300
    actions), a tenth of writing the paper. Pages are only ever added, so the count says
    when it must be worked out again."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_page_references"] = cached
    return cached[1]


if isinstance(pydyf.PDF.__dict__.get("page_references"), property):
    pydyf.PDF.page_references = property(_page_references)

pdftags.stamp_elements()

STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")
BASE_URL = "https://report.invalid/"  # a base no fetch can reach: relative URLs hit the fetcher


class StaticOnlyFetcher(URLFetcher):
    """Serve our static files to WeasyPrint and refuse everything else: no network, no
    files outside the static folders, whatever a report's text contains."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        prefix = BASE_URL.rstrip("/") + STATIC_PREFIX
        if not url.startswith(prefix):
            raise ValueError(f"Reports may only use the site's own static files, not {url!r}.")
        name = url[len(prefix) :].split("?")[0]
        try:
            path = finders.find(name) or _collected(name)
        except SuspiciousFileOperation as error:  # "../" out of the static folders
            raise ValueError(f"No static file {url!r}.") from error
        if not path:
            raise ValueError(f"No static file {url!r}.")
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def _collected(name: str) -> str | None:
    """A collected static file (production's hashed names, "appendix.3f2a9c.css"), found in
    STATIC_ROOT by the storage, which refuses paths that leave it."""
    if not hasattr(staticfiles_storage, "path"):
        return None
    path = staticfiles_storage.path(name)
    return path if os.path.isfile(path) else None


def progress_context(
    plan: Plan, as_at: datetime.date, *, title: str, label: str = "", report=None, actions=None
) -> dict:
    """What a plan-progress document shows: every action grouped by workstream as the plan
    is written, with its status, commentary and deadline as at `as_at`."""
    statuses = {s.pk: s for s in plan.council.statuses.all()}
    rows = states(actions or plan.actions.all(), as_at, statuses=statuses)
    return {
        "label": label,
        "title": title,
        "as_at": as_at,
        "report": report,
        "council": plan.council,
        "plan": plan,
        "landscape": True,
        "outline": plan_outline(plan, [s.action for s in rows]),
        "has_references": any(s.action.reference for s in rows),
        "has_workstreams": plan.workstreams.exists(),
    }


TEMPLATES = {
    Appendix.Kind.PLAN_PROGRESS: "reports/sections/plan_progress.html",
    Appendix.Kind.PROGRESS_SUMMARY: "reports/sections/progress_summary.html",
    Appendix.Kind.EXCEPTIONS: "reports/sections/exceptions.html",
    Appendix.Kind.ACTIVITY_LIST: "reports/sections/activity_list.html",
    Appendix.Kind.IMPACT_ASSESSMENT: "reports/sections/impact_assessment.html",
    Appendix.Kind.RECOMMENDATIONS: "reports/sections/recommendations.html",
}


def appendix_context(appendix: Appendix) -> dict:
    """What an appendix of its kind shows, as at its date."""
    if appendix.is_recommendations:
        from scrutiny.rendering import responses_context

        return responses_context(
            appendix.scrutiny_source,
            label=appendix.label,
            title=appendix.title,
            report=appendix.report,
        )
    if appendix.is_assessment:
        from impact.rendering import assessment_context

        return assessment_context(
            appendix.assessment, label=appendix.label, title=appendix.title, report=appendix.report
        )
    plan, as_at = appendix.plan, appendix.as_at
    actions = plan.actions.all()
    if appendix.kind == Appendix.Kind.ACTIVITY_LIST:
        actions = actions.prefetch_related("partners")
    context = progress_context(
        plan,
        as_at,
        title=appendix.title,
        label=appendix.label,
        report=appendix.report,
        actions=actions,
    )
    context["landscape"] = appendix.is_landscape
    if appendix.kind == Appendix.Kind.PROGRESS_SUMMARY:
        previous = appendix.previous()
        dashboard = build_plan_dashboard(plan, as_at=as_at)
        chart = stacked_bar_chart(
            "Status of actions by " + plan.workstream_label.lower(), dashboard.chart_rows()
        )
        changes = []
        if previous is not None:
            rows = states(plan.actions.all(), as_at, previous=previous.as_at)
            changes = [state for state in rows if state.has_changed]
        columns, numbers = chart_numbers(chart)
        context.update(
            dashboard=dashboard,
            chart=dataclasses.replace(chart, summary=dashboard.chart_summary()),
            chart_columns=columns,
            chart_numbers=numbers,
            chart_rows_label=plan.workstream_label,
            previous=previous,
            changes=changes,
        )
    elif appendix.kind == Appendix.Kind.EXCEPTIONS:
        rows = [node_action.state for node_action in _actions(context["outline"])]
        context["exceptions"] = exceptions(rows)
    return context


# The exception report's order: overdue first, then red, then amber; by deadline in each.
EXCEPTION_ORDER = {"overdue": 0, Rag.RED: 1, Rag.AMBER: 2}


def exceptions(rows: list) -> list:
    """The actions an exception report lists: overdue, red or amber as at its date."""
    listed = [r for r in rows if r.is_overdue or r.rag in (Rag.RED, Rag.AMBER)]
    return sorted(
        listed,
        key=lambda r: (
            EXCEPTION_ORDER["overdue" if r.is_overdue else r.rag],
            r.deadline_date or datetime.date.max,
            r.action.order,
        ),
    )


def _actions(outline) -> list:
    """Every action of an outline, in plan order."""
    actions = []
    for node in outline:
        actions += node.actions + _actions(node.children)
    return actions


def render_assessment_html(assessment) -> str:
    """An impact assessment on its own, laid out as the council's form: a paper's HTML."""
    from impact.rendering import assessment_section

    council = assessment.council
    paper = Paper(
        f"{assessment.template.name}: {assessment.report_subject} – {council.name}",
        f"{assessment.template.name} of {assessment.report_subject}.",
    )
    return document_html([assessment_section(assessment)], paper, council=council)


def render_assessment_pdf(assessment) -> bytes:
    return html_to_pdf(render_assessment_html(assessment))


def meeting_line(report: CommitteeReport) -> str:
    committee = report.committee.name if report.committee else "Committee"
    item = f", item {report.item_number}" if report.item_number else ""
    return f"{committee}, {date_format(report.meeting_date, 'j F Y')}{item}"


@dataclasses.dataclass(frozen=True)
class Paper:
    """What a document is called, in its HTML <title> and its PDF's metadata."""

    title: str
    description: str


def document_html(sections: list[str], paper: Paper, *, council, numbered=True):
    """One HTML document of sections, each starting on a new page of its orientation: what
    the PDF is made from and what the browser shows as its accessible equivalent. Section
    n is wrapped in #sheet-n and ends at #sheet-n-end, so that its pages can be found and
    numbered on their own in a pack (see sheet_page_css)."""
    return render_to_string(
        "reports/document.html",
        {
            "sections": sections,
            "document_title": paper.title,
            "description": paper.description,
            "council": council,
            "show_page_numbers": numbered,
        },
    )


def appendix_section(appendix: Appendix) -> str:
    return render_to_string(TEMPLATES[appendix.kind], appendix_context(appendix))


def front_sheet_section(report: CommitteeReport) -> str:
    context = {
        "report": report,
        "council": report.council,
        "appendices": list(report.appendices.all()),
        "contacts": list(report.contacts.all()),
        "corporate_priorities": list(report.corporate_priorities.all()),
        "cabinet_members": list(report.cabinet_members.all()),
    }
    return render_to_string("reports/sections/front_sheet.html", context)


def appendix_paper(appendix: Appendix) -> Paper:
    report = appendix.report
    if appendix.is_assessment:
        what = "impact assessment"
    elif appendix.is_recommendations:
        what = "executive responses to scrutiny recommendations"
    else:
        what = f"progress as at {date_format(appendix.as_at, 'j F Y')}"
    return Paper(
        f"{appendix.label}: {appendix.title} – {report.council.name}",
        f"{appendix.title}: {what}. {appendix.label} to {report.subject} ({meeting_line(report)}).",
    )


def front_sheet_paper(report: CommitteeReport) -> Paper:
    return Paper(
        f"{report.subject}: report to {meeting_line(report)} – {report.council.name}",
        f"Report front sheet: {report.subject} ({meeting_line(report)}).",
    )


def pack_paper(report: CommitteeReport) -> Paper:
    return Paper(
        f"{report.subject}: report and appendices to {meeting_line(report)} – "
        f"{report.council.name}",
        f"{report.subject}: the report to {meeting_line(report)} with its appendices, as one "
        "document.",
    )


def render_appendix_html(appendix: Appendix) -> str:
    """An appendix as a document of its own."""
    report = appendix.report
    return document_html(
        [appendix_section(appendix)],
        appendix_paper(appendix),
        council=report.council,
        numbered=report.show_page_numbers,
    )


def render_front_sheet_html(report: CommitteeReport) -> str:
    return document_html(
        [front_sheet_section(report)],
        front_sheet_paper(report),
        council=report.council,
        numbered=report.show_page_numbers,
    )


def pack_sections(report: CommitteeReport):
    """The front sheet (appendix None), then each appendix, with its section's HTML: a
    generator, so a caller can show progress as each is made."""
    yield None, front_sheet_section(report)
    for appendix in report.appendices.select_related("plan__council", "report__committee"):
        yield appendix, appendix_section(appendix)


def render_pack_html(report: CommitteeReport) -> str:
    sections = [section for _, section in pack_sections(report)]
    return document_html(
        sections, pack_paper(report), council=report.council, numbered=report.show_page_numbers
    )


FOOTER_FONT = '9pt "Liberation Sans", Arial, sans-serif'


def sheet_page_css(count: int) -> str:
    """Page rules that number each of `count` sections from 1 ("Page 2 of 5"), so that a
    section's pages read right both in the pack and when written out as a file of their
    own. Section n is laid out on pages named portrait-n or landscape-n; the first page of
    that group resets the counter, and the total is the counter's value at #sheet-n-end.
    Without body.numbered (the agenda pack is numbered as a whole) none of it applies.
    WeasyPrint takes these as a user stylesheet, so what must win over appendix.css is
    !important; the landscape page's size and margins are appendix.css's `@page landscape`."""
    rules = ["@page { counter-increment: sheet-page; }"]
    for n in range(1, count + 1):
        footer = (
            f'@bottom-right {{ content: "Page " counter(sheet-page) " of " '
            f"target-counter(url(#sheet-{n}-end), sheet-page); font: {FOOTER_FONT}; }}"
        )
        rules += [
            f"@page portrait-{n} {{ {footer} }}",
            f"@page landscape-{n} {{ size: A4 landscape !important; "
            f"margin: 24mm 14mm 18mm !important; {footer} }}",
            f"@page :nth(1 of portrait-{n}) {{ counter-reset: sheet-page 0; }}",
            f"@page :nth(1 of landscape-{n}) {{ counter-reset: sheet-page 0; }}",
            f".numbered #sheet-{n} > .sheet--portrait {{ page: portrait-{n} !important; }}",
            f".numbered #sheet-{n} > .sheet--landscape {{ page: landscape-{n} !important; }}",
        ]
    return "\n".join(rules)


# While a paper is laid out or written, Python's full garbage collections come ten times
# less often (the third generation's threshold, 10 by default): laying out a paper makes
# hundreds of thousands of objects that live until it is written, and each full collection
# walked all of them and the rest of the process again, a tenth of the time. The cycles
# they leave are collected afterwards; a 300-action appendix peaks some 25 MB higher.
PAPER_FULL_COLLECTION_THRESHOLD = 100
_papers_in_hand = 0
_papers_lock = threading.Lock()
_threshold_before: tuple[int, ...] = ()


@contextlib.contextmanager
def fewer_full_collections():
    """Raise the garbage collector's last threshold while any paper is being made, on any
    thread, and put it back when the last one is done."""
    global _papers_in_hand, _threshold_before
    with _papers_lock:
        if _papers_in_hand == 0:
            _threshold_before = gc.get_threshold()
            young, middle, _ = _threshold_before
            gc.set_threshold(young, middle, PAPER_FULL_COLLECTION_THRESHOLD)
        _papers_in_hand += 1
    try:
        yield
    finally:
        with _papers_lock:
            _papers_in_hand -= 1
            if _papers_in_hand == 0:
                gc.set_threshold(*_threshold_before)


def lay_out(html: str, sections: int = 1):
    """The laid-out pages of a paper (a weasyprint.Document), fetching only our static
    files; `sections` is how many sections the HTML holds, each numbered on its own."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    with fewer_full_collections():
        return document.render(stylesheets=[weasyprint.CSS(string=sheet_page_css(sections))])


def write_pdf(document) -> bytes:
    """A tagged PDF/UA-1 file of laid-out pages, fonts embedded, its structure tree
    finished by reports.pdftags."""
    with fewer_full_collections(), pdftags.recording() as found:
        data = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdftags.finish(data, found)


def html_to_pdf(html: str) -> bytes:
    """A paper of one section as a tagged PDF/UA-1 document."""
    return write_pdf(lay_out(html))


def papers_to_pdf(sections: list[str], pack: Paper, parts: list[Paper], *, council, numbered):
    """The pack of every section as one PDF, then each section as a PDF of its own (its
    Paper from `parts`), with the pack laid out once: each file is written from the pack's
    pages, found by the section's #sheet-n anchor, under its own title and description."""
    document = lay_out(
        document_html(sections, pack, council=council, numbered=numbered), len(sections)
    )
    starts = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("sheet-") and anchor[6:].isdigit():
                starts.setdefault(int(anchor[6:]), index)
    bounds = [starts[n] for n in range(1, len(sections) + 1)] + [len(document.pages)]
    pieces = []
    for n, part in enumerate(parts):
        metadata = copy.copy(document.metadata)
        metadata.title, metadata.description = part.title, part.description
        piece = document.copy(document.pages[bounds[n] : bounds[n + 1]])
        piece.metadata = metadata
        pieces.append(piece)
    if _writes_in_parallel():
        return write_alongside(document, pieces)
    return write_pdfs([document, *pieces])


def _writes_in_parallel() -> bool:
    """Whether the pack and its parts are written on two processes at once: where this
    machine forks (Linux) and has a second core, unless PAPERS_WRITE_IN_PARALLEL is off."""
    return (
        settings.PAPERS_WRITE_IN_PARALLEL
        and "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) > 1
    )


def write_pdfs(documents) -> list[bytes]:
    return [write_pdf(document) for document in documents]


def write_alongside(pack, parts) -> list[bytes]:
    """The pack written here while a forked copy of this process writes its parts, which
    hold the same pages: writing (drawing, tagging and serialising every page) is a third
    of publishing, and the two halves are the same size. The child only writes and sends
    bytes back; it never touches the database. If it fails or dies, the parts are
    written here after all, so publishing never depends on it."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_write_and_send, args=(parts, sender), daemon=True)
    # The child turns its garbage collector off, so that it never scans (and so copies)
    # the heap it shares with this process. Not gc.freeze() here: gc.unfreeze() puts every
    # object, the garbage of the paper just laid out too, in the oldest generation without
    # counting it towards a full collection, and a worker grew by 10 MB a publication.
    try:
        child.start()
    except (AssertionError, OSError):  # a daemonic process may not fork; none to spare
        receiver.close()
        sender.close()
        return write_pdfs([pack, *parts])
    sender.close()
    written = None
    try:
        started = time.monotonic()
        pdfs = [write_pdf(pack)]
        # The parts are as long as the pack: a child far slower than that is stuck (a lock
        # another thread held when it was forked), and is stopped.
        if receiver.poll(max(30.0, 3 * (time.monotonic() - started))):
            written = receiver.recv()
    except EOFError:
        pass
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if not isinstance(written, list) or len(written) != len(parts):
        written = write_pdfs(parts)
    return [*pdfs, *written]


def _write_and_send(parts, sender) -> None:
    gc.disable()  # a short-lived copy: its garbage goes when it exits
    try:
        sender.send(write_pdfs(parts))
    except Exception:  # the parent writes them itself
        sender.send(None)
    finally:
        sender.close()


class Alongside:
    """`function(*args)` worked out in a forked copy of this process while this one goes on
    (laying out the PDFs), where writes_in_parallel allows; `result()` waits for it. Like
    write_alongside, the child never touches the database, and if it fails, dies or cannot
    be started, the work is done here after all."""

    def __init__(self, function, *args) -> None:
        self.function, self.args, self.child, self.receiver = function, args, None, None
        if not _writes_in_parallel():
            return
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_run_and_send, args=(function, args, sender), daemon=True)
        try:  # not gc.freeze(): see write_alongside
            child.start()
            self.child = child
        except (AssertionError, OSError):  # a daemonic process may not fork; none to spare
            self.receiver.close()
            self.receiver = None
        finally:
            sender.close()

    def result(self, timeout: float = 300.0):
        value = None
        if self.child is not None:
            try:
                if self.receiver.poll(timeout):
                    value = self.receiver.recv()
            except EOFError:
                pass
            finally:
                self.receiver.close()
                if self.child.is_alive():
                    self.child.kill()
                self.child.join()
        return value if value is not None else self.function(*self.args)


def _run_and_send(function, args, sender) -> None:
    gc.disable()  # a short-lived copy: its garbage goes when it exits
    try:
        sender.send(function(*args))
    except Exception:  # the parent works it out itself
        sender.send(None)
    finally:
        sender.close()


def render_appendix_pdf(appendix: Appendix) -> bytes:
    return html_to_pdf(render_appendix_html(appendix))


def plan_paper_html(plan: Plan, as_at: datetime.date) -> tuple[str, Paper]:
    """A plan's progress as a paper of its own, outside any committee report: its HTML, for
    the PDF and the Word document alike."""
    context = progress_context(plan, as_at, title=plan.title)
    section = render_to_string("reports/sections/plan_progress.html", context)
    paper = Paper(
        f"{plan.title}: progress as at {date_format(as_at, 'j F Y')} – {plan.council.name}",
        f"Every action of {plan.title} with its status as at {date_format(as_at, 'j F Y')}.",
    )
    return document_html([section], paper, council=plan.council), paper


def render_plan_pdf(plan: Plan, as_at: datetime.date) -> bytes:
    return html_to_pdf(plan_paper_html(plan, as_at)[0])
