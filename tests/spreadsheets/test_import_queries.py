"""An import writes in bulk: the number of SQL statements grows with the workstreams (one
bulk write per level), not with the rows. SQLite caps a statement at 999 parameters, so
Django splits a bulk insert of wide rows (an action has about 30 columns) into batches of
about 30 rows there; PostgreSQL takes each table's rows in one statement."""

import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.imports import create_plan, read_plan

LEADS = ["Housing", "Planning", "Environmental Services", "Finance"]


def sheet(rows_per_theme: int) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Theme", "Ref", "Action", "Lead", "Deadline", "Status", "Progress"])
    for theme in range(5):
        for n in range(rows_per_theme):
            book.active.append(
                [
                    f"Theme {theme + 1}: a greener district",
                    f"{theme + 1}.{n + 1}",
                    f"Deliver improvement {n + 1} for theme {theme + 1}",
                    LEADS[n % len(LEADS)],
                    "March 2017",
                    ["On target", "Not started", "Complete"][n % 3],
                    "Work is going as planned.",
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_queries(council, importer, rows_per_theme: int) -> int:
    parsed = read_plan(sheet(rows_per_theme), f"plan-{rows_per_theme}.xlsx", council)
    assert parsed.errors == [] and parsed.unknown_statuses == {}
    with CaptureQueriesContext(connection) as queries:
        plan = create_plan(parsed, council, title=f"Plan {rows_per_theme}", by=importer)
    assert plan.actions.count() == 5 * rows_per_theme
    assert plan.actions.filter(updates__isnull=False).count() == 5 * rows_per_theme
    return len(queries)


def test_the_query_count_does_not_grow_with_the_rows(council, importer):
    import_queries(council, importer, 10)  # first: creates the departments and quarter
    small = import_queries(council, importer, 10)  # 50 actions
    large = import_queries(council, importer, 80)  # 400 actions
    assert small <= 40
    if connection.vendor == "postgresql":
        assert large == small, (small, large)
    else:
        # Only the parameter limit's batches: one statement per ~30 rows per table, where
        # writing row by row took 13 statements per action.
        assert large - small <= (400 - 50) // 10, (small, large)


def test_bulk_rows_are_whole_history_update_and_audit_alike(council, importer):
    """What the database copies in one statement is what the ORM would have written: each
    action's audit history starts with its imported state, by the importer; each update
    is an approved copy of the action's current fields, in the quarter of its day."""
    parsed = read_plan(sheet(2), "plan-q2-2016-17.xlsx", council, accept_suggestions=True)
    plan = create_plan(parsed, council, title="Audit check", by=importer)
    for action in plan.actions.select_related("status"):
        [created] = action.history.all()
        assert (created.history_type, created.history_user, created.version) == ("+", importer, 1)
        assert (created.status_id, created.status_commentary) == (
            action.status_id,
            action.status_commentary,
        )
        [update] = action.updates.select_related("period")
        assert update.state == "approved" and update.author == importer
        assert (update.status_id, update.percent_complete, update.commentary) == (
            action.status_id,
            action.percent_complete,
            action.status_commentary,
        )
        assert update.period.start <= update.reported_on <= update.period.end
        assert update.readings == [] and update.created_at is not None
    # The first edit after the import finds the version it started from.
    action = plan.actions.first()
    assert action.history.filter(version=action.version).exists()
