"""The plan dashboard's figures, as at a date, counted as Cabinet reports count them."""

import datetime

import pytest

from actionplans.dashboards import build_plan_dashboard, headline
from actionplans.models import Action, Plan, Workstream
from actionplans.services import record_update
from councils.models import Status

pytestmark = pytest.mark.django_db

NORWICH = "reducing-inequalities-2015-16"
CITY = "equalities-action-plan-2013-2016"


def test_norwich_as_at_end_of_q3_2015_16():
    plan = Plan.objects.get(slug=NORWICH)
    dashboard = build_plan_dashboard(plan, as_at=datetime.date(2015, 12, 31))
    assert dashboard.total == 17
    assert dashboard.period_label == "Q3 2015/16"
    # "Promote food growing" was due in October 2015 and had not started: overdue, whatever
    # its status word said, and never counted among those not yet started.
    assert dashboard.headline == (
        "9 (53%) of 17 actions are complete or on target; 1 (6%) are overdue; "
        "7 (41%) have not started."
    )
    assert sum(dashboard.tally.counts.values()) == dashboard.total
    assert [(c.label, c.count, c.percent) for c in dashboard.by_status] == [
        ("On target", 1, 6),
        ("Ongoing", 8, 47),
        ("Due to start", 1, 6),
        ("Yet to start", 7, 41),
    ]
    assert [(c.label, c.count) for c in dashboard.by_rag] == [("Green", 9), ("Grey", 8)]


def test_status_as_at_an_earlier_date_uses_the_history():
    plan = Plan.objects.get(slug=NORWICH)
    dashboard = build_plan_dashboard(plan, as_at=datetime.date(2015, 9, 30))
    # Only the illustrative Q2 updates existed then; the rest had no status reported.
    assert dashboard.headline == (
        "1 (6%) of 17 actions are complete or on target; 2 (12%) have not started; "
        "14 (82%) have no status reported."
    )


def test_changes_since_the_previous_quarter():
    plan = Plan.objects.get(slug=CITY)
    dashboard = build_plan_dashboard(plan, as_at=datetime.date(2013, 9, 30))
    assert dashboard.previous_date == datetime.date(2013, 6, 30)
    changes = {
        (s.action.reference, str(s.previous_status), str(s.status)) for s in dashboard.changes
    }
    assert changes == {
        ("2.", "Under control", "Complete"),
        ("3.", "None", "Achieved or on target"),
        ("11.", "Behind schedule", "Achieved or on target"),
        ("17.", "None", "Under control"),
    }


def test_overdue_and_upcoming_as_at_a_date():
    plan = Plan.objects.get(slug=NORWICH)
    dashboard = build_plan_dashboard(plan, as_at=datetime.date(2015, 12, 31))
    assert [s.action.title for s in dashboard.overdue] == ["Promote food growing"]
    upcoming = [s.action.deadline_text for s in dashboard.upcoming]
    assert upcoming[:2] == ["December 2015", "Dec 2015"]  # due on the day itself counts
    assert "March 2016" in upcoming
    assert "November 2015 onwards" not in upcoming  # ongoing work has no due date


def test_complete_actions_are_never_overdue_and_count_as_100_percent(plans_a, council_a):
    plan = plans_a["public"]
    complete = Status.objects.get(council=council_a, label="Complete")
    delayed = Status.objects.get(council=council_a, label="Delayed")
    done = Action(plan=plan, title="Done", order=1)
    done.set_deadline("March 2015")
    done.save()
    late = Action(plan=plan, title="Late", order=2)
    late.set_deadline("March 2015")
    late.save()
    record_update(done, by=None, status=complete, reported_on=datetime.date(2015, 3, 1))
    record_update(
        late,
        by=None,
        status=delayed,
        percent_complete=50,
        commentary="Supplier late",
        reported_on=datetime.date(2015, 3, 1),
    )
    dashboard = build_plan_dashboard(plan, as_at=datetime.date(2015, 6, 1))
    assert [s.action.title for s in dashboard.overdue] == ["Late"]
    assert dashboard.completion.average == 75 and dashboard.completion.reported == 2
    # Late is behind schedule and past its deadline: overdue, not behind.
    assert dashboard.headline == (
        "1 (50%) of 2 actions are complete or on target; 1 (50%) are overdue."
    )


def test_workstream_counts_feed_the_chart(plans_a, council_a):
    plan = plans_a["public"]
    jobs = Workstream.objects.create(plan=plan, title="Jobs", order=1)
    homes = Workstream.objects.create(plan=plan, title="Homes", order=2)
    on_track = Status.objects.get(council=council_a, label="On track")
    for i, ws in enumerate([jobs, jobs, homes]):
        action = Action.objects.create(plan=plan, workstream=ws, title=f"A{i}", order=i)
        record_update(action, by=None, status=on_track, reported_on=datetime.date(2016, 1, 1))
    dashboard = build_plan_dashboard(plan, as_at=datetime.date(2016, 2, 1))
    assert [(w.label, w.total, w.tally.done_or_on_target) for w in dashboard.workstreams] == [
        ("Jobs", 2, 2),
        ("Homes", 1, 1),
    ]
    assert [(w.label, cells) for w, cells in dashboard.workstream_table()] == [
        ("Jobs", [2]),
        ("Homes", [1]),
    ]


def test_headline_for_an_empty_plan_and_one_action():
    assert headline([]) == "This plan has no actions yet."


@pytest.mark.parametrize("size", [10, 500])
def test_dashboard_queries_do_not_grow_with_actions(
    plans_a, council_a, size, django_assert_max_num_queries
):
    plan = plans_a["public"]
    ws = Workstream.objects.create(plan=plan, title="Everything", order=1)
    Action.objects.bulk_create(
        Action(
            plan=plan,
            workstream=ws,
            title=f"Action {i}",
            order=i,
            deadline_date=datetime.date(2016, 1, 1),
            deadline_precision="month",
            deadline_text="January 2016",
        )
        for i in range(size)
    )
    plan = Plan.objects.select_related("council").get(pk=plan.pk)
    with django_assert_max_num_queries(5):
        dashboard = build_plan_dashboard(plan, as_at=datetime.date(2016, 6, 1))
    assert dashboard.total == size
    assert len(dashboard.overdue) == size


def test_the_chart_shows_the_headlines_groups():
    """The chart's bars are the headline's groups, so chart and sentence agree: on target,
    overdue, and the grey rest named by the groups it holds."""
    plan = Plan.objects.get(slug=NORWICH)
    dashboard = build_plan_dashboard(plan, as_at=datetime.date(2015, 12, 31))
    label, segments = dashboard.chart_rows()[0]
    assert label.startswith("Coordinate and maximise advice")
    assert [(key, words, colour, n) for key, words, colour, n in segments] == [
        ("on_target", "On target", "green", 2),
        ("overdue", "Overdue", "red", 0),
        ("other", "Not started", "grey", 2),
    ]
    totals = {}
    for _, segments in dashboard.chart_rows():
        for key, _, _, n in segments:
            totals[key] = totals.get(key, 0) + n
    assert totals == {"on_target": 9, "overdue": 1, "other": 7}  # the headline's numbers
    earlier = build_plan_dashboard(plan, as_at=datetime.date(2015, 9, 30))
    grey = [seg for seg in earlier.chart_rows()[0][1] if seg[0] == "other"]
    assert grey[0][1] == "Not started / No status reported"
