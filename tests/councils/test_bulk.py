"""insert_rows stores exactly what Django's own save stores, in one statement, on SQLite
and PostgreSQL alike (CI runs this file on both)."""

import datetime
import decimal

import pytest
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actionplans.models import Action, Measure, ProgressUpdate, ReportingPeriod
from councils.bulk import insert_rows
from tests.conftest import make_plan

HARD_TEXT = "Line one\nline two, 'quoted' \"twice\", £ – é 😀 \\ back-slash, %s and {json}"


@pytest.fixture
def plan(council_a):
    return make_plan(council_a, "bulk-plan")


def _stored(model, pks, fields):
    return list(model.objects.filter(pk__in=pks).order_by("pk").values(*fields))


def test_actions_read_back_as_saved_ones_do(plan):
    values = {
        "plan_id": plan.pk,
        "order": 7,
        "title": HARD_TEXT,
        "reference": "1.2a",
        "description": "",
        "serves_advance_equality": True,
        "serves_foster_relations": False,
        "deadline_text": "March 2027",
        "deadline_date": datetime.date(2027, 3, 31),
        "percent_complete": None,
        "last_updated": datetime.date(2026, 9, 30),
    }
    saved = Action.objects.create(**{**values, "order": 6})
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows(Action, [values]) == 1
    assert len(queries) == 1
    inserted = Action.objects.get(plan=plan, order=7)
    # (save() also counts the version up from its default: not a stored value to compare.)
    skip = ("id", "order", "version")
    fields = [f.attname for f in Action._meta.concrete_fields if f.attname not in skip]
    by_save, by_insert = _stored(Action, [saved.pk, inserted.pk], fields)
    by_save.pop("created_at"), by_insert.pop("created_at")
    assert by_insert == by_save
    # Fields no row gave have their defaults, auto_now_add included.
    assert inserted.version == 0 and inserted.lead_officer_name == ""
    assert abs(inserted.created_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_decimals_datetimes_and_shared_values(plan, council_a):
    action = Action.objects.create(plan=plan, order=1, title="Measured")
    rows = [
        {"name": f"Measure {i}", "baseline": decimal.Decimal("12.50"), "order": i} for i in range(3)
    ] + [{"name": "No baseline", "baseline": None, "order": 3}]
    insert_rows(Measure, rows, same={"action_id": action.pk, "unit": "%"})
    stored = list(action.measures.order_by("order").values_list("name", "baseline", "unit"))
    assert stored == [
        ("Measure 0", decimal.Decimal("12.50"), "%"),
        ("Measure 1", decimal.Decimal("12.50"), "%"),
        ("Measure 2", decimal.Decimal("12.50"), "%"),
        ("No baseline", None, "%"),
    ]

    period = ReportingPeriod.objects.create(
        council=council_a,
        financial_year=2026,
        quarter=2,
        start=datetime.date(2026, 7, 1),
        end=datetime.date(2026, 9, 30),
    )
    when = timezone.make_aware(datetime.datetime(2026, 10, 1, 9, 30, 15, 123456))
    insert_rows(
        ProgressUpdate,
        [{"reported_on": datetime.date(2026, 9, 30), "reviewed_at": when, "commentary": "x"}],
        same={
            "action_id": action.pk,
            "period_id": period.pk,
            "period_end": period.end,
            "readings": [{"measure": 1}],
        },
    )
    update = ProgressUpdate.objects.get(action=action)
    assert update.reviewed_at == when
    assert update.readings == [{"measure": 1}]
    assert update.state == ProgressUpdate.State.APPROVED  # the field's default


def test_many_rows_one_statement(plan):
    rows = [{"order": i, "title": f"Action {i}"} for i in range(1, 2501)]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(Action, rows, same={"plan_id": plan.pk})
    assert len(queries) == 1
    titles = dict(plan.actions.values_list("order", "title"))
    assert len(titles) == 2500 and titles[1] == "Action 1" and titles[2500] == "Action 2500"


def test_nothing_to_insert_costs_nothing(plan):
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows(Action, []) == 0
    assert len(queries) == 0


def test_mistakes_are_named(plan):
    with pytest.raises(ValueError, match="Action has no column plan"):
        insert_rows(Action, [{"plan": plan, "order": 1, "title": "x"}])
    with pytest.raises(ValueError, match="readings"):
        insert_rows(ProgressUpdate, [{"readings": []}])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no length limit")
def test_text_too_long_is_refused_not_cut(plan):
    with pytest.raises(DataError):
        insert_rows(
            Action, [{"order": 1, "title": "x", "reference": "r" * 31}], same={"plan_id": plan.pk}
        )
