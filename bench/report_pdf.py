"""Benchmark the plan-progress appendix PDF against WeasyPrint on a bare table of the same rows.

Run from the project root:

    .venv/bin/python bench/report_pdf.py [--actions 300] [--repeat 3]

It builds one council with a status vocabulary, ten departments and a Cabinet committee, and
one approved plan of N actions in 10 workstreams, worded as council papers word them: action
texts of 80 to 150 characters, one to three lead departments (a tenth with only a lead
officer's job title), deadlines such as "March 2016", "Q3 2016/17" or "Ongoing", and two
approved progress updates per action (written with bulk_create, reported before the as-at
date) whose statuses cycle through the vocabulary with commentary of 50 to 200 characters.
A committee report with one plan-progress appendix as at 30 September 2016 draws on it.
Then it times, in the same process:

* the reference: weasyprint.HTML(string=bare_html).write_pdf(), where bare_html is a
  minimal <table> of the same N rows' text in six plain columns (Ref, Action, Lead,
  Deadline, Status, Commentary), no CSS at all: WeasyPrint's floor for these rows;
* two variants of the reference, each with a few rules: `table { width: 100%;
  table-layout: fixed }`, to show what the automatic table layout costs, and the
  appendix's page and body text (A4 landscape, its margins, 10pt Liberation Sans), to show
  what the page size and font alone change;
* render_appendix_pdf(appendix), as the report page makes it: the queries, the template and
  the PDF/UA-1 document with its stylesheet, fonts, running headers and page numbers;
* the same split in two: render_appendix_html(appendix) (queries and template) and
  html_to_pdf(html) on the HTML rendered once beforehand (WeasyPrint alone);
* the report's pack laid out alone: html_to_pdf(html) on the whole report's HTML (front
  sheet and appendix) rendered once beforehand, the second reference;
* publishing the report, as the background worker does (generate_documents): the queries
  and templates, the pack laid out once and written as one PDF, and the front sheet and the
  appendix each written as a file of its own from the pack's pages. Its ratio is to the
  pack laid out alone: what writing the other files costs on top.

The reference is the point. Absolute milliseconds depend on the machine and what else is
running; WeasyPrint laying out the same words on the same machine in the same run is slowed
down alike. So "the appendix costs 0.9 bare tables" means something on any machine.

Each step gets one untimed warm-up run, then --repeat timed runs (time.perf_counter; the
median and minimum are reported). A step whose runs have taken less than a second in all is
run again until they have (at most 100 runs), so the HTML render is a median of many runs.
Pages are counted with poppler's `pdfinfo` (a dash if it is not installed).

The database: with DATABASE_URL unset, a throwaway SQLite file in a temporary directory that
is deleted at the end (the project's db.sqlite3 is never opened). With DATABASE_URL set (for
example to a PostgreSQL database), everything is created under a council with a unique slug,
and that council, its report, its plan and their history rows are deleted at the end.
Either way the schema is brought up to date with `migrate` first.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import html
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from common import (
    DEADLINES,
    DEPARTMENTS,
    HEADINGS,
    MAX_RUNS,
    MIN_SECONDS,
    NOTES,
    action_text,
    create_council,
    database_label,
    setup_django,
)

TEMP_DIR = setup_django("bench-report-pdf-")

import django  # noqa: E402
import weasyprint  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from actionplans.models import (  # noqa: E402
    Action,
    ActionLead,
    Plan,
    ProgressUpdate,
    Workstream,
)
from actionplans.services import reporting_period_for  # noqa: E402
from councils.models import Committee, Council  # noqa: E402
from reports.models import Appendix, CommitteeReport  # noqa: E402
from reports.rendering import (  # noqa: E402
    appendix_context,
    html_to_pdf,
    render_appendix_html,
    render_appendix_pdf,
    render_pack_html,
)
from reports.services import generate_documents  # noqa: E402

WORKSTREAMS = 10
SEED = 20160930  # the generated plan is the same in every run
AS_AT = datetime.date(2016, 9, 30)  # the end of Q2 2016/17
UPDATES_ON = [datetime.date(2016, 6, 24), datetime.date(2016, 9, 23)]  # both before AS_AT
MEETING = datetime.date(2016, 11, 30)

# Pieces of action texts: a verb, an object and qualifiers, joined to 80-150 characters.
BARE_COLUMNS = ["Ref", "Action", "Lead", "Deadline", "Status", "Commentary"]
FIXED_LAYOUT_CSS = "table { width: 100%; table-layout: fixed; }"
# The appendix's page and body text (static/reports/appendix.css), nothing else.
APPENDIX_PAGE_CSS = (
    "@page { size: A4 landscape; margin: 24mm 14mm 18mm; } "
    "body { font: 10pt/1.35 'Liberation Sans', Arial, Helvetica, sans-serif; }"
)


@dataclass
class Fixture:
    council: Council
    plan: Plan
    report: CommitteeReport
    appendix: Appendix


@dataclass
class Result:
    step: str
    timings: list[float]  # milliseconds
    rows: int
    pages: int | None = None
    size: int | None = None  # bytes
    reference: Result | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings)

    @property
    def min_ms(self) -> float:
        return min(self.timings)

    @property
    def ms_per_row(self) -> float:
        return self.median_ms / self.rows

    def ratio(self) -> float | None:
        return self.median_ms / self.reference.median_ms if self.reference else None


# Building the plan ----------------------------------------------------------------------


def commentary_text(rng: random.Random) -> str:
    """An officer's commentary, 50 to 200 characters: one to three notes."""
    while True:
        notes = rng.sample(NOTES, rng.randint(1, 3))
        text = notes[0].capitalize() + "".join(f"; {note}" for note in notes[1:]) + "."
        if 50 <= len(text) <= 200:
            return text


def build(actions: int) -> Fixture:
    """A council, a plan of `actions` actions with two approved updates each, and a committee
    report with one plan-progress appendix. Bulk writes: no history rows, no signals."""
    rng = random.Random(SEED)
    tag, council, statuses, departments = create_council(DEPARTMENTS)
    committee = Committee.objects.create(
        council=council, name="Cabinet", kind=Committee.Kind.CABINET
    )
    plan = Plan.objects.create(
        council=council,
        title="Reducing Inequalities Action Plan 2015-2019",
        slug="benchmark-plan",
        lifecycle=Plan.Lifecycle.APPROVED,
        visibility=Plan.Visibility.PUBLIC,
        period_start=datetime.date(2015, 4, 1),
        period_end=datetime.date(2019, 3, 31),
        approved_on=datetime.date(2015, 3, 10),
    )
    workstreams = Workstream.objects.bulk_create(
        [
            Workstream(plan=plan, reference=f"Objective {n + 1}", title=HEADINGS[n], order=n)
            for n in range(WORKSTREAMS)
        ]
    )

    rows = []
    for i in range(actions):
        ws_index = i * WORKSTREAMS // actions
        first = (ws_index * actions + WORKSTREAMS - 1) // WORKSTREAMS  # first action of it
        action = Action(
            plan=plan,
            workstream=workstreams[ws_index],
            reference=f"{ws_index + 1}.{i - first + 1}",
            order=i,
            title=action_text(rng),
            lead_officer_title=f"Head of {rng.choice(DEPARTMENTS)}",
        )
        action.set_deadline(rng.choice(DEADLINES))
        rows.append(action)
    rows = Action.objects.bulk_create(rows)

    leads = []
    for i, action in enumerate(rows):
        if i % 10 == 9:
            continue  # a tenth name only a lead officer's job title
        for order, department in enumerate(rng.sample(departments, rng.randint(1, 3))):
            leads.append(ActionLead(action=action, department=department, order=order))
    ActionLead.objects.bulk_create(leads)

    periods = [reporting_period_for(council, day) for day in UPDATES_ON]
    now = timezone.now()
    progress = []
    for i, action in enumerate(rows):
        for j, (day, period) in enumerate(zip(UPDATES_ON, periods, strict=True)):
            status = statuses[(i + j) % len(statuses)]
            progress.append(
                ProgressUpdate(
                    action=action,
                    period=period,
                    reported_on=day,
                    author_title="Strategy manager",
                    status=status,
                    percent_complete=100 if status.is_complete else 10 * rng.randint(0, 9),
                    commentary=commentary_text(rng),
                    state=ProgressUpdate.State.APPROVED,
                    created_at=now,
                )
            )
        latest = progress[-1]
        action.status = latest.status
        action.status_commentary = latest.commentary
        action.percent_complete = latest.percent_complete
        action.last_updated = latest.reported_on
    ProgressUpdate.objects.bulk_create(progress, batch_size=1000)
    Action.objects.bulk_update(
        rows, ["status", "status_commentary", "percent_complete", "last_updated"], batch_size=500
    )

    report = CommitteeReport.objects.create(
        council=council,
        committee=committee,
        meeting_date=MEETING,
        item_number="7",
        report_of="Executive head of strategy",
        subject="Reducing inequalities action plan: progress to September 2016",
    )
    appendix = Appendix.objects.create(
        report=report,
        order=1,
        kind=Appendix.Kind.PLAN_PROGRESS,
        title=plan.title,
        plan=plan,
        as_at=AS_AT,
    )
    return Fixture(council=council, plan=plan, report=report, appendix=appendix)


# The bare table -------------------------------------------------------------------------


def appendix_rows(appendix: Appendix) -> list[list[str]]:
    """The six cells of each action row as the appendix prints them, in plan order."""
    rows = []

    def walk(nodes) -> None:
        for node in nodes:
            for action in node.actions:
                state = action.state
                status = state.status.label if state.status else "No status reported"
                if state.percent is not None:
                    status += f" {state.percent}%"
                lead = action.lead_display() or action.lead_officer_title
                cells = [action.reference, action.title, lead, action.deadline_text]
                rows.append([*cells, status, state.commentary])
            walk(node.children)

    walk(appendix_context(appendix)["outline"])
    return rows


def bare_html(rows: list[list[str]], css: str = "") -> str:
    """A minimal HTML document: one <table> of the rows, no CSS unless given."""
    style = f"<style>{css}</style>" if css else ""
    head = "".join(f"<th>{name}</th>" for name in BARE_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>Bare table</title>{style}</head><body><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>"
    )


def bare_pdf(document: str) -> bytes:
    return weasyprint.HTML(string=document).write_pdf()


# Timing ---------------------------------------------------------------------------------


def page_count(pdf: bytes) -> int | None:
    """Pages of a PDF, from poppler's pdfinfo; None if pdfinfo is not installed."""
    if shutil.which("pdfinfo") is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(
            ["pdfinfo", handle.name], capture_output=True, text=True, check=True
        ).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match.group(1)) if match else None


def measure(
    step: str, run: Callable[[], object], repeat: int, rows: int, reference: Result | None = None
) -> tuple[Result, object]:
    """Warm up once, then time at least `repeat` runs, and as many more as fit in
    MIN_SECONDS (up to MAX_RUNS)."""
    run()
    timings: list[float] = []
    output = None
    while len(timings) < repeat or (sum(timings) < MIN_SECONDS * 1000 and len(timings) < MAX_RUNS):
        start = time.perf_counter()
        output = run()
        timings.append((time.perf_counter() - start) * 1000)
    result = Result(step, timings, rows, reference=reference)
    if isinstance(output, bytes):
        result.pages, result.size = page_count(output), len(output)
    elif isinstance(output, str):
        result.size = len(output.encode())
    return result, output


def paired(reference: Callable[[], object], measured: Callable[[], object], rounds: int):
    """The ratio of `measured` to `reference`, each run just after the other, for `rounds`
    rounds: the median of the rounds' ratios, and each round's. This machine's speed drifts
    by a fifth from one minute to the next, and the steps above run each step's repeats
    one after another, so their ratio can hold that drift; a ratio of neighbours does not.
    Each run ends with a full garbage collection, timed with it: a paper leaves its laid-out
    document behind as cyclic garbage, and without it the run after (the other one) would
    pay to collect it."""
    ratios = []
    gc.collect()
    for _ in range(rounds):
        started = time.perf_counter()
        reference()
        gc.collect()
        between = time.perf_counter()
        measured()
        gc.collect()
        ratios.append((time.perf_counter() - between) / (between - started))
    return statistics.median(ratios), ratios


def run(fixture: Fixture, actions: int, repeat: int, rounds: int) -> tuple[list[Result], dict]:
    appendix = fixture.appendix
    rows = appendix_rows(appendix)
    if len(rows) != actions:
        sys.exit(f"FAILED: the appendix lists {len(rows)} actions, expected {actions}.")
    if any(row[4].startswith("No status reported") or not row[5] for row in rows):
        sys.exit("FAILED: some actions show no status or commentary as at the appendix's date.")
    plain = bare_html(rows)
    fixed = bare_html(rows, FIXED_LAYOUT_CSS)
    paged = bare_html(rows, APPENDIX_PAGE_CSS)

    bare, _ = measure("bare table, no CSS (reference)", lambda: bare_pdf(plain), repeat, actions)
    bare_fixed, _ = measure(
        "bare table, table-layout: fixed",
        lambda: bare_pdf(fixed),
        repeat,
        actions,
        reference=bare,
    )
    bare_paged, _ = measure(
        "bare table, appendix page and font",
        lambda: bare_pdf(paged),
        repeat,
        actions,
        reference=bare,
    )
    full, _ = measure(
        "render_appendix_pdf (DB + HTML + PDF)",
        lambda: render_appendix_pdf(appendix),
        repeat,
        actions,
        reference=bare,
    )
    page, document = measure(
        "  render_appendix_html (DB + HTML)",
        lambda: render_appendix_html(appendix),
        repeat,
        actions,
        reference=bare,
    )
    pdf, _ = measure(
        "  html_to_pdf (WeasyPrint)",
        lambda: html_to_pdf(document),
        repeat,
        actions,
        reference=bare,
    )
    if document.count('<th scope="row">') != actions:
        sys.exit("FAILED: the appendix HTML does not hold one row per action.")
    pack_html = render_pack_html(appendix.report)
    pack, _ = measure(
        "the pack laid out alone (reference 2)",
        lambda: html_to_pdf(pack_html),
        repeat,
        actions,
        reference=bare,
    )
    publish, documents = measure(
        "publishing: all documents (worker task)",
        lambda: generate_documents(appendix.report),
        repeat,
        actions,
        reference=pack,
    )
    publish.pages = sum(page_count(d.pdf) or 0 for d in documents)
    publish.size = sum(len(d.pdf) for d in documents)
    rounds_of = {
        "appendix PDF / bare table on the same page and font": paired(
            lambda: bare_pdf(paged), lambda: render_appendix_pdf(appendix), rounds
        ),
        "publishing / the pack laid out alone": paired(
            lambda: html_to_pdf(pack_html), lambda: generate_documents(appendix.report), rounds
        ),
    }
    return [bare, bare_fixed, bare_paged, full, page, pdf, pack, publish], rounds_of


# Reporting ------------------------------------------------------------------------------


def report(results: list[Result], rounds_of: dict, actions: int) -> None:
    print(
        f"Appendix PDF benchmark: {actions} actions in {WORKSTREAMS} workstreams, as at "
        f"{AS_AT}, {database_label()}, Python {platform.python_version()}, "
        f"Django {django.get_version()}, WeasyPrint {weasyprint.__version__}"
    )
    width = max(38, *(len(r.step) for r in results))
    print(
        f"{'step':<{width}} {'runs':>4} {'median ms':>10} {'min ms':>10} {'ms/row':>7} "
        f"{'x ref':>6} {'pages':>5} {'KiB':>8}"
    )
    for r in results:
        ratio = r.ratio()
        print(
            f"{r.step:<{width}} {len(r.timings):>4} {r.median_ms:>10.1f} {r.min_ms:>10.1f} "
            f"{r.ms_per_row:>7.2f} {'-' if ratio is None else f'{ratio:.2f}':>6} "
            f"{'-' if r.pages is None else r.pages:>5} "
            f"{'-' if r.size is None else f'{r.size / 1024:.1f}':>8}"
        )
    bare, fixed, paged, full, _, pdf, _, publish = results
    print(f"appendix PDF / bare table: {full.ratio():.2f}x")
    print(f"appendix PDF, WeasyPrint alone / bare table: {pdf.ratio():.2f}x")
    print(f"bare table with table-layout: fixed / bare table: {fixed.ratio():.2f}x")
    print(f"bare table on the appendix's page and font / bare table: {paged.ratio():.2f}x")
    # Issue 17's reference for the appendix: the bare table on the same page and font.
    print(
        "appendix PDF / bare table on the same page and font: "
        f"{full.median_ms / paged.median_ms:.2f}x "
        f"(WeasyPrint alone {pdf.median_ms / paged.median_ms:.2f}x)"
    )
    print(
        f"publishing (whole report, front sheet, appendix) / the pack alone: {publish.ratio():.2f}x"
    )
    for name, (median, ratios) in rounds_of.items():
        each = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"{name}, each run beside its reference: {median:.2f}x (median of rounds: {each})")


def clean_up(fixture: Fixture) -> None:
    """Delete everything this run made, history rows included, leaving the database as found."""
    plan_ids = list(Plan.objects.filter(council=fixture.council).values_list("pk", flat=True))
    # Appendices RESTRICT their plan, so the reports (and their appendices) go first; then the
    # plans (actions, leads, updates), which RESTRICT the council's statuses and periods;
    # then the council with its statuses, departments, committee and reporting periods.
    CommitteeReport.objects.filter(council=fixture.council).delete()
    Plan.objects.filter(pk__in=plan_ids).delete()
    fixture.council.delete()
    Plan.history.filter(id__in=plan_ids).delete()
    Workstream.history.filter(plan_id__in=plan_ids).delete()
    Action.history.filter(plan_id__in=plan_ids).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=300, help="actions in the appendix")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per step, at least")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of each ratio run beside its reference"
    )
    args = parser.parse_args()
    if args.actions < WORKSTREAMS or args.repeat < 1 or args.rounds < 1:
        parser.error(f"--actions must be at least {WORKSTREAMS}, --repeat and --rounds at least 1")

    fixture: Fixture | None = None
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        fixture = build(args.actions)
        built = time.perf_counter() - started
        print(
            f"(built the plan in {built:.1f} s; at least {args.repeat} timed runs per step "
            "after one warm-up)"
        )
        results, rounds_of = run(fixture, args.actions, args.repeat, args.rounds)
        report(results, rounds_of, args.actions)
    finally:
        try:
            if fixture is not None:
                clean_up(fixture)
        finally:
            connection.close()  # before the temporary directory goes, at exit


if __name__ == "__main__":
    main()
