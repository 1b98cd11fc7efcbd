"""Benchmark spreadsheet import and plan export against openpyxl's bare read and write.

Run from the project root:

    .venv/bin/python bench/import_export.py [--import-rows 1000] [--export-actions 10000]
                                            [--repeat 3]

It builds one council with a status vocabulary and ten departments, then times two things in
the same process, each next to a reference measured in the same run:

* IMPORT. A council-shaped .xlsx is generated in memory: two title rows, the header
  "Ref | Action | Lead | Deadline | Status | Comments", a workstream heading row ("Objective
  n: ...") every 25 actions, and N action rows with 80-150 character action texts, leads
  such as "Housing, Strategy", deadlines such as "March 2016", "Q3 2016/17" or "Ongoing"
  (every twelfth a real date cell), and a status from the vocabulary in every row, a third
  of them with a note after the word ("On track, consultation closed in June"). Timed:
  openpyxl's bare read of the same bytes (the reference: load_workbook(read_only=True),
  every row's values), reading and parsing it (read_table + find_header + parse_plan), the
  full import as a dry run (all of that plus create_plan(dry_run=True), which writes
  everything, the audit history and each row's progress update included, then rolls
  back), and one full import that is saved, timed once.
* EXPORT. A plan of M actions (a workstream every 100 actions, one to three lead
  departments each, current status fields set directly, no update history) is written with
  bulk_create. Timed: openpyxl's bare write of the same M rows x 18 columns of plain values
  (the reference: the values are taken from plan_rows() first, untimed, then Workbook(),
  append each row, save to a BytesIO), plan_rows(plan) on its own (the query and model
  work the three formats share, which the bare write does not do), render_xlsx(plan,
  as_at=today), render_csv(plan) and render_json(plan).

The references are the point. Absolute milliseconds depend on the machine and what else is
running; openpyxl reading or writing the same rows on the same machine in the same run is
slowed down alike, and it is the floor any .xlsx import or export built on openpyxl stands on.
So "the XLSX export costs 1.2 bare openpyxl writes" means something on any machine. (The
import's ratio also depends on the database: its writes are about 20 statements whatever the
number of rows, and the database's own work on them is most of their time on PostgreSQL.)

The scripts run Django with DEBUG=1 (so no SECRET_KEY is needed), but the timings are taken
with Django's debug cursor off, as a production server runs: with it on, every statement is
also logged with its parameters quoted (on SQLite by a query of its own). --debug-cursor
keeps it on.

Each timed step gets one untimed warm-up run, then --repeat timed runs (time.perf_counter;
the median and minimum are reported), except the saved import, which runs once. A step whose
runs have taken less than a second in all is run again until they have (at most 100 runs),
so the quick references are medians of many runs, not of three. The SQL statements of every
timed run are counted with a connection.execute_wrapper (one function call per statement).

The database: with DATABASE_URL unset, a throwaway SQLite file in a temporary directory that
is deleted at the end (the project's db.sqlite3 is never opened). With DATABASE_URL set (for
example to a PostgreSQL database), everything is created under a council with a unique slug,
and that council, its plans, their history rows and the user made here are deleted at the
end. Either way the schema is brought up to date with `migrate` first.
"""

from __future__ import annotations

import argparse
import datetime
import io
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from common import (
    DEADLINES,
    DEPARTMENTS,
    MAX_RUNS,
    MIN_SECONDS,
    NOTES,
    OBJECTS,
    VOCABULARY,
    action_text,
    create_council,
    database_label,
    setup_django,
)
from common import (
    HEADINGS as ALL_HEADINGS,
)

TEMP_DIR = setup_django("bench-import-export-")

import django  # noqa: E402
import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from actionplans.exports import (  # noqa: E402
    COLUMNS,
    ActionRow,
    plan_rows,
    render_csv,
    render_json,
    render_xlsx,
)
from actionplans.imports import create_plan, find_header, parse_plan, read_table  # noqa: E402
from actionplans.models import Action, ActionLead, Plan, Workstream  # noqa: E402
from councils.models import Council, Department, Status, User  # noqa: E402

# How often each status is reported, roughly as in a plan a year into its life.
STATUS_WEIGHTS = [15, 45, 15, 5, 20]
IMPORT_WORKSTREAM_EVERY = 25
EXPORT_WORKSTREAM_EVERY = 100
SEED = 20161130  # the generated plans are the same in every run

# Pieces of action texts: a verb, an object and qualifiers, joined to 80-150 characters.
PRIORITIES = ["Fairness", "Prosperity", "Health and wellbeing", "Safe communities", "Homes"]

HEADINGS = ALL_HEADINGS[:8]  # the set this benchmark's figures were measured with


@dataclass
class Fixture:
    council: Council
    statuses: list[Status]
    departments: list[Department]
    user: User


@dataclass
class Result:
    step: str
    timings: list[float]  # milliseconds
    rows: int
    queries: int | None = None
    kib: float | None = None
    reference: Result | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings)

    @property
    def min_ms(self) -> float:
        return min(self.timings)

    @property
    def rows_per_s(self) -> float:
        return self.rows / (self.median_ms / 1000)

    def ratio(self) -> float | None:
        return self.median_ms / self.reference.median_ms if self.reference else None


class QueryCounter:
    """Counts the SQL statements run through the connection (savepoints included)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


# Building the council -------------------------------------------------------------------


def build_council() -> Fixture:
    tag, council, statuses, departments = create_council(DEPARTMENTS)
    user = User.objects.create_superuser(f"bench-{tag}", f"bench-{tag}@example.invalid", None)
    return Fixture(council=council, statuses=statuses, departments=departments, user=user)


def lead_text(rng: random.Random) -> str:
    """A Lead cell: "Housing, Strategy", "Public Health", "Head of Planning",
    "Community Safety and Housing" or "Finance; Customer Services"."""
    first, second, third = rng.sample(DEPARTMENTS, 3)
    shape = rng.random()
    if shape < 0.4:
        return first
    if shape < 0.7:
        return f"{first}, {second}"
    if shape < 0.8:
        return f"{first}, {second}, {third}"
    if shape < 0.9:
        return f"Head of {first}"
    if shape < 0.95:
        return f"{first} and {second}"
    return f"{first}; {second}"


def status_and_comment(rng: random.Random) -> tuple[str, str | None]:
    """A Status cell (a word of the vocabulary, a third with a note after it) and a Comments
    cell. Delayed and Off track always carry a comment: the council's rules require one."""
    label, rag, _, _ = rng.choices(VOCABULARY, weights=STATUS_WEIGHTS)[0]
    status = f"{label}, {rng.choice(NOTES)}" if rng.random() < 1 / 3 else label
    needs_comment = rag in ("amber", "red")
    if needs_comment or rng.random() < 0.6:
        comment = f"{rng.choice(NOTES).capitalize()}; {rng.choice(NOTES)}."
        return status, comment
    return status, None


def deadline_value(rng: random.Random, index: int) -> str | datetime.datetime:
    if index % 12 == 11:  # a real date cell, as Excel stores a typed date
        return datetime.datetime(2016 + index % 3, rng.randint(1, 12), 28)
    return rng.choice(DEADLINES)


# The import sheet -----------------------------------------------------------------------


def import_sheet(actions: int) -> tuple[bytes, int, int]:
    """A council-shaped .xlsx of `actions` actions: (its bytes, its rows, its workstreams)."""
    rng = random.Random(SEED)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(["Benchmark Borough Council"])
    sheet.append(["Corporate Action Plan 2015-2019: progress report, September 2016"])
    sheet.append(["Ref", "Action", "Lead", "Deadline", "Status", "Comments"])
    workstream = 0
    for i in range(actions):
        if i % IMPORT_WORKSTREAM_EVERY == 0:
            workstream += 1
            heading = HEADINGS[(workstream - 1) % len(HEADINGS)]
            sheet.append([f"Objective {workstream}: {heading}"])
        number = i % IMPORT_WORKSTREAM_EVERY + 1
        status, comment = status_and_comment(rng)
        sheet.append(
            [
                f"{workstream}.{number}",
                action_text(rng),
                lead_text(rng),
                deadline_value(rng, i),
                status,
                comment,
            ]
        )
    rows = sheet.max_row
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows, workstream


# The export plan ------------------------------------------------------------------------


def build_export_plan(fixture: Fixture, actions: int) -> tuple[Plan, int]:
    """An approved plan of `actions` actions, written with bulk_create: no history rows, no
    signals, no progress updates (each action's current status fields are set directly)."""
    rng = random.Random(SEED + 1)
    council = fixture.council
    plan = Plan.objects.create(
        council=council,
        title="Benchmark Export Plan 2015-2019",
        slug="benchmark-export-plan",
        lifecycle=Plan.Lifecycle.APPROVED,
        visibility=Plan.Visibility.PUBLIC,
        period_start=datetime.date(2015, 4, 1),
        period_end=datetime.date(2019, 3, 31),
        approved_on=datetime.date(2015, 3, 10),
    )
    count = (actions + EXPORT_WORKSTREAM_EVERY - 1) // EXPORT_WORKSTREAM_EVERY
    workstreams = Workstream.objects.bulk_create(
        [
            Workstream(
                plan=plan,
                reference=f"Objective {n + 1}",
                title=HEADINGS[n % len(HEADINGS)],
                order=n,
            )
            for n in range(count)
        ]
    )
    rows = []
    for i in range(actions):
        ws_index = i // EXPORT_WORKSTREAM_EVERY
        label, rag, _, complete = rng.choices(VOCABULARY, weights=STATUS_WEIGHTS)[0]
        status = next(s for s in fixture.statuses if s.label == label)
        action = Action(
            plan=plan,
            workstream=workstreams[ws_index],
            reference=f"{ws_index + 1}.{i % EXPORT_WORKSTREAM_EVERY + 1}",
            order=i,
            title=action_text(rng),
            description=action_text(rng) if i % 2 else "",
            outcomes=f"{rng.choice(HEADINGS)}." if i % 3 == 0 else "",
            measures_text=(
                f"• {rng.choice(OBJECTS).capitalize()}\n• {rng.choice(OBJECTS).capitalize()}"
                if i % 3 == 1
                else ""
            ),
            priority=rng.choice(PRIORITIES),
            lead_officer_title=f"{rng.choice(DEPARTMENTS)} manager",
            status=status,
            status_commentary=f"{rng.choice(NOTES).capitalize()}; {rng.choice(NOTES)}.",
            percent_complete=100 if complete else rng.randrange(0, 100, 10),
            last_updated=datetime.date(2016, 9, 30) - datetime.timedelta(days=i % 60),
        )
        action.set_deadline(deadline_value(rng, i))
        rows.append(action)
    rows = Action.objects.bulk_create(rows, batch_size=1000)

    leads = []
    for action in rows:
        for order, department in enumerate(rng.sample(fixture.departments, rng.randint(1, 3))):
            leads.append(ActionLead(action=action, department=department, order=order))
    ActionLead.objects.bulk_create(leads, batch_size=2000)
    return plan, count


def plain_values(plan: Plan) -> list[list]:
    """The export's action rows as plain values, 18 columns each, for the bare write."""
    return [
        [item.values[name] for name in COLUMNS]
        for item in plan_rows(plan)
        if isinstance(item, ActionRow)
    ]


# Timing ---------------------------------------------------------------------------------


def measure(
    step: str,
    run: Callable[[], object],
    repeat: int,
    rows: int,
    *,
    warm_up: bool = True,
    reference: Result | None = None,
) -> tuple[Result, object]:
    """Warm up once (unless told not to), then time at least `repeat` runs, and as many more
    as fit in MIN_SECONDS (up to MAX_RUNS), counting their SQL statements."""
    if warm_up:
        run()
    timings: list[float] = []
    output = None
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        while len(timings) < repeat or (
            warm_up and sum(timings) < MIN_SECONDS * 1000 and len(timings) < MAX_RUNS
        ):
            start = time.perf_counter()
            output = run()
            timings.append((time.perf_counter() - start) * 1000)
    queries = counter.count // len(timings) if counter.count else None
    kib = len(output) / 1024 if isinstance(output, bytes) else None
    result = Result(step, timings, rows, queries=queries, kib=kib, reference=reference)
    return result, output


def bare_read(data: bytes) -> int:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return sum(1 for _ in workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()


def bare_write(values: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in values:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(fixture: Fixture, actions: int, repeat: int) -> tuple[list[Result], str]:
    data, sheet_rows, workstreams = import_sheet(actions)
    council, user = fixture.council, fixture.user

    def read_and_parse():
        table = read_table(data, "action-plan.xlsx")
        return parse_plan(table, find_header(table), council)

    def full_import(dry_run: bool):
        parsed = read_and_parse()
        return create_plan(parsed, council, title="Imported Action Plan", by=user, dry_run=dry_run)

    parsed = read_and_parse()
    if len(parsed.actions) != actions or parsed.errors or parsed.unknown_statuses:
        sys.exit(
            f"FAILED: the generated sheet parsed as {len(parsed.actions)} actions (expected "
            f"{actions}): " + " ".join(parsed.summary())
        )
    if bare_read(data) != sheet_rows:
        sys.exit(f"FAILED: openpyxl read {bare_read(data)} rows, expected {sheet_rows}.")

    bare, _ = measure("bare openpyxl read (reference)", lambda: bare_read(data), repeat, actions)
    parse, _ = measure(
        "read_table + find_header + parse_plan",
        read_and_parse,
        repeat,
        actions,
        reference=bare,
    )
    dry, _ = measure(
        "full import, dry run (rolled back)",
        lambda: full_import(dry_run=True),
        repeat,
        actions,
        reference=bare,
    )
    saved, plan = measure(
        "full import, saved (once)",
        lambda: full_import(dry_run=False),
        1,
        actions,
        warm_up=False,
        reference=bare,
    )
    if not isinstance(plan, Plan) or plan.actions.exclude(status=None).count() != actions:
        sys.exit("FAILED: the saved import did not create a plan with a status on every action.")
    description = (
        f"import: {actions} actions in {workstreams} workstreams, {sheet_rows} sheet rows, "
        f"{len(data) / 1024:.1f} KiB .xlsx"
    )
    return [bare, parse, dry, saved], description


def run_export(fixture: Fixture, actions: int, repeat: int) -> tuple[list[Result], str, float]:
    started = time.perf_counter()
    plan, workstreams = build_export_plan(fixture, actions)
    built = time.perf_counter() - started
    values = plain_values(plan)
    if len(values) != actions or any(len(row) != len(COLUMNS) for row in values):
        sys.exit(f"FAILED: plan_rows() gave {len(values)} action rows, expected {actions}.")
    today = timezone.localdate()

    bare, _ = measure(
        "bare openpyxl write (reference)", lambda: bare_write(values), repeat, actions
    )
    shared, _ = measure(
        "plan_rows (the rows all three share)",
        lambda: sum(1 for _ in plan_rows(plan)),
        repeat,
        actions,
        reference=bare,
    )
    xlsx, _ = measure(
        "render_xlsx (as at today)",
        lambda: render_xlsx(plan, as_at=today),
        repeat,
        actions,
        reference=bare,
    )
    csv_, _ = measure("render_csv", lambda: render_csv(plan), repeat, actions, reference=bare)
    json_, _ = measure("render_json", lambda: render_json(plan), repeat, actions, reference=bare)
    description = f"export: {actions} actions in {workstreams} workstreams, {len(COLUMNS)} columns"
    return [bare, shared, xlsx, csv_, json_], description, built


# Reporting ------------------------------------------------------------------------------


def report(sections: list[tuple[str, list[Result]]]) -> None:
    print(
        f"Import/export benchmark: {database_label()}, Python {platform.python_version()}, "
        f"Django {django.get_version()}, openpyxl {openpyxl.__version__}"
    )
    width = max(38, *(len(r.step) for _, results in sections for r in results))
    print(
        f"{'step':<{width}} {'runs':>4} {'median ms':>10} {'min ms':>10} {'rows/s':>7} "
        f"{'x ref':>6} {'queries':>7} {'KiB':>8}"
    )
    for description, results in sections:
        print(f"-- {description}")
        for r in results:
            ratio = r.ratio()
            print(
                f"{r.step:<{width}} {len(r.timings):>4} {r.median_ms:>10.1f} {r.min_ms:>10.1f} "
                f"{r.rows_per_s:>7.0f} {'-' if ratio is None else f'{ratio:.1f}':>6} "
                f"{'-' if r.queries is None else r.queries:>7} "
                f"{'-' if r.kib is None else f'{r.kib:.1f}':>8}"
            )
    (_, imports), (_, exports) = sections
    print(f"import (dry run) / bare openpyxl read: {imports[2].ratio():.1f}x")
    print(f"read + parse / bare openpyxl read: {imports[1].ratio():.1f}x")
    print(f"XLSX export / bare openpyxl write: {exports[2].ratio():.1f}x")


def clean_up(fixture: Fixture) -> None:
    """Delete everything this run made, history rows included, leaving the database as found."""
    plan_ids = list(Plan.objects.filter(council=fixture.council).values_list("pk", flat=True))
    # Actions RESTRICT their status, and progress updates their status and reporting period,
    # so the plans (and with them actions, leads and updates) go before the council
    # (statuses, periods, departments).
    Plan.objects.filter(pk__in=plan_ids).delete()
    fixture.council.delete()
    Plan.history.filter(id__in=plan_ids).delete()
    Workstream.history.filter(plan_id__in=plan_ids).delete()
    Action.history.filter(plan_id__in=plan_ids).delete()
    fixture.user.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--import-rows", type=int, default=1000, help="action rows in the imported sheet"
    )
    parser.add_argument(
        "--export-actions", type=int, default=10000, help="actions in the exported plan"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per step, at least")
    parser.add_argument(
        "--debug-cursor",
        action="store_true",
        help="keep Django's debug cursor on while timing (off by default, as in production)",
    )
    args = parser.parse_args()
    if args.import_rows < 1 or args.export_actions < 1 or args.repeat < 1:
        parser.error("--import-rows, --export-actions and --repeat must be at least 1")

    fixture: Fixture | None = None
    try:
        call_command("migrate", verbosity=0)
        # The scripts run with DEBUG=1 (no SECRET_KEY needed), which makes Django log every
        # statement with its parameters, quoted (on SQLite by a query of its own): work a
        # production server, with DEBUG off, does not do. Off for the timings unless asked.
        settings.DEBUG = args.debug_cursor
        fixture = build_council()
        imports, import_description = run_import(fixture, args.import_rows, args.repeat)
        exports, export_description, built = run_export(fixture, args.export_actions, args.repeat)
        print(
            f"(built the export plan in {built:.1f} s; at least {args.repeat} timed runs per "
            "step after one warm-up; Django's debug cursor "
            f"{'on' if args.debug_cursor else 'off, as in production'})"
        )
        report([(import_description, imports), (export_description, exports)])
    finally:
        try:
            if fixture is not None:
                clean_up(fixture)
        finally:
            connection.close()  # before the temporary directory goes, at exit


if __name__ == "__main__":
    main()
