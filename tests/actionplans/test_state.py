"""The read model: for any history and any day, with_state() agrees with a slow reference
worked out straight from the history, and the headline's numbers add up."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionplans.deadlines import Precision, parse_deadline
from actionplans.models import Action, Plan, ProgressUpdate
from actionplans.services import reporting_period_for
from actionplans.state import Completion, Tally, states
from councils.models import Council, Status, StatusGroup

pytestmark = pytest.mark.django_db

D = datetime.date
VOCABULARY = [
    # label, rag, started, complete, closed
    ("Not started", "grey", False, False, False),
    ("On track", "green", True, False, False),
    ("In progress", "grey", True, False, False),
    ("Delayed", "amber", True, False, False),
    ("Late to start", "red", False, False, False),
    ("Off track", "red", True, False, False),
    ("Complete", "blue", True, True, True),
    ("On hold", "grey", True, False, True),
]
DEADLINES = ["March 2016", "Q2 2016/17", "31/12/2015", "Ongoing", "2017", "Autumn 2016", ""]
STATES = ["approved", "approved", "approved", "submitted", "returned", "superseded"]


@pytest.fixture
def vocabulary(db):
    council = Council.objects.create(name="Reference Council", slug="reference")
    for order, (label, rag, started, complete, closed) in enumerate(VOCABULARY):
        Status.objects.create(
            council=council,
            label=label,
            rag=rag,
            is_started=started,
            is_complete=complete,
            is_closed=closed,
            order=order,
        )
    plan = Plan.objects.create(
        council=council, slug="p", title="Plan", lifecycle="approved", approved_on=D(2015, 4, 1)
    )
    return council, plan, list(council.statuses.all())


update = st.tuples(
    st.dates(min_value=D(2015, 4, 1), max_value=D(2017, 6, 30)),  # reported on
    st.integers(0, len(VOCABULARY) - 1),  # status
    st.one_of(st.none(), st.integers(0, 100)),  # percent
    st.sampled_from(STATES),
    st.one_of(st.just(""), st.sampled_from(DEADLINES[:-1])),  # a revised deadline
)
history = st.lists(
    st.tuples(st.sampled_from(DEADLINES), st.lists(update, max_size=6)), min_size=1, max_size=4
)


def build(plan, statuses, actions):
    made = []
    for index, (deadline, updates) in enumerate(actions):
        action = Action(plan=plan, title=f"Action {index}", order=index)
        action.set_deadline(deadline)
        action.save()
        original = (action.deadline_text, action.deadline_date, action.deadline_precision)
        revised = False
        # Created in order, as the services would record them; a back-dated update
        # (reported before an earlier one) is a real case.
        for n, (reported_on, status, percent, state, revision) in enumerate(updates):
            parsed = parse_deadline(revision)
            ProgressUpdate.objects.create(
                action=action,
                period=reporting_period_for(plan.council, reported_on),
                reported_on=reported_on,
                status=statuses[status],
                percent_complete=percent,
                commentary=f"Update {n}",
                state=state,
                revised_deadline_text=revision,
                revised_deadline_date=parsed.date if revision else None,
                revised_deadline_precision=parsed.precision if revision else "",
                created_at=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)
                + datetime.timedelta(minutes=n),
            )
            if revision and state == "approved":
                # As services._apply does: the newest approved revision is the deadline,
                # the first deadline is kept as the baseline.
                action.set_deadline(revision)
                revised = True
        if revised:
            action.baseline_deadline_text, action.baseline_deadline_date = original[:2]
            action.baseline_deadline_precision = original[2]
        action.save()
        made.append(action)
    return made


def reference(action, day):
    """The state on `day` worked out the slow way, from the history itself."""
    history = sorted(
        (u for u in action.updates.all() if u.state == "approved" and u.reported_on <= day),
        key=lambda u: (u.reported_on, u.created_at),
    )
    latest = history[-1] if history else None
    group = latest.status.group if latest else StatusGroup.NO_STATUS
    revisions = [u for u in history if u.revised_deadline_text]
    later = [
        u
        for u in action.updates.all()
        if u.state == "approved" and u.reported_on > day and u.revised_deadline_text
    ]
    if not later:
        deadline = (action.deadline_date, action.deadline_precision)
    elif revisions:
        deadline = (revisions[-1].revised_deadline_date, revisions[-1].revised_deadline_precision)
    else:
        deadline = (action.baseline_deadline_date, action.baseline_deadline_precision)
    overdue = (
        deadline[0] is not None
        and deadline[0] < day
        and deadline[1] not in (Precision.ONGOING, Precision.NONE)
        and group not in (StatusGroup.COMPLETE, StatusGroup.CLOSED)
    )
    return {
        "status": latest.status if latest else None,
        "group": group,
        "percent": latest.percent_complete if latest else None,
        "commentary": latest.commentary if latest else "",
        "deadline": deadline,
        "overdue": overdue,
        "revised": bool(revisions),
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    history,
    st.lists(st.dates(min_value=D(2015, 1, 1), max_value=D(2018, 1, 1)), min_size=1, max_size=4),
)
def test_the_read_model_equals_the_history_for_any_day(vocabulary, actions, days):
    council, plan, statuses = vocabulary
    plan.actions.all().delete()
    made = build(plan, statuses, actions)
    for day in days:
        rows = {r.action.pk: r for r in states(Action.objects.filter(plan=plan), day)}
        for action in made:
            expected = reference(action, day)
            got = rows[action.pk]
            assert got.status == expected["status"], (day, expected)
            assert got.group == expected["group"]
            assert got.percent == expected["percent"]
            assert got.commentary == expected["commentary"]
            assert (got.deadline_date, got.deadline_precision) == expected["deadline"], day
            assert got.is_overdue == expected["overdue"], (day, expected)
            assert got.deadline_revised == expected["revised"]
        tally = Tally.of(list(rows.values()))
        assert sum(tally.counts.values()) == tally.total == len(made)
        assert sum(n for _, n, _ in tally.parts()) == tally.total


def test_an_overdue_action_is_never_on_target(vocabulary):
    council, plan, statuses = vocabulary
    on_track = next(s for s in statuses if s.label == "On track")
    (action,) = build(plan, statuses, [("March 2016", [(D(2016, 1, 5), 1, 50, "approved", "")])])
    assert on_track.group == StatusGroup.ON_TARGET
    (row,) = states(Action.objects.filter(pk=action.pk), D(2016, 6, 1))
    assert row.status == on_track and row.is_overdue and row.overdue_days == 62
    assert row.headline_group == "overdue"
    assert Tally.of([row]).sentence() == "1 (100%) of 1 action are overdue."


def test_the_headline_counts_every_action_once():
    tally = Tally.from_counts({"complete": 3, "on_target": 2, "overdue": 10, "not_started": 2})
    assert tally.sentence() == (
        "5 (29%) of 17 actions are complete or on target; 10 (59%) are overdue; "
        "2 (12%) have not started."
    )


def test_average_completion_counts_only_actions_that_reported_one(vocabulary):
    council, plan, statuses = vocabulary
    made = build(
        plan,
        statuses,
        [
            ("2017", [(D(2016, 1, 5), 1, 40, "approved", "")]),
            ("2017", [(D(2016, 1, 5), 6, None, "approved", "")]),  # complete counts as 100
            ("2017", [(D(2016, 1, 5), 1, None, "approved", "")]),
            ("2017", []),
        ],
    )
    rows = states(Action.objects.filter(pk__in=[a.pk for a in made]), D(2016, 6, 1))
    completion = Completion.of(rows)
    assert (completion.average, completion.reported, completion.total) == (70, 2, 4)
    assert completion.sentence() == "Average 70% across the 2 actions that reported one"
    assert completion.is_representative


def test_the_read_model_is_the_same_inside_another_query(vocabulary):
    """with_state's columns are SQL compiled once (StateColumn): used as a subquery of
    another query, where Django renames the actions' table, and two levels down, they
    still read each action's own history."""
    council, plan, statuses = vocabulary
    other = Plan.objects.create(council=council, slug="q", title="Other", lifecycle="approved")
    late, on_time = build(
        plan,
        statuses,
        [
            ("March 2016", [(D(2016, 1, 5), 1, 50, "approved", "")]),
            ("March 2018", [(D(2016, 1, 5), 3, 20, "approved", "")]),
        ],
    )
    (done,) = build(other, statuses, [("March 2016", [(D(2016, 1, 5), 6, 100, "approved", "")])])
    day = D(2016, 6, 1)
    mine = Action.objects.filter(plan__council=council)
    overdue = mine.overdue(day)
    assert list(overdue.values_list("pk", flat=True)) == [late.pk]
    assert list(Plan.objects.filter(actions__in=overdue).values_list("slug", flat=True)) == ["p"]
    # Two levels down: plans with an action in a plan that has an overdue action.
    plans = Plan.objects.filter(pk__in=overdue.values("plan_id"))
    actions = mine.filter(plan__in=plans).with_state(day)
    assert {a.pk: a.state_is_overdue for a in actions} == {late.pk: True, on_time.pk: False}
    delayed = mine.with_state(day).filter(state_group=StatusGroup.BEHIND)
    assert list(Plan.objects.filter(actions__in=delayed).values_list("slug", flat=True)) == ["p"]
    # Sorted, filtered and counted by columns rows never read (aliases).
    by_status = mine.with_state(day).order_by("-state_status_order")
    assert [a.pk for a in by_status] == [done.pk, on_time.pk, late.pk]
    assert mine.with_state(day).filter(state_rag="amber").get() == on_time


def test_the_read_model_compiles_its_sql_once_a_day(vocabulary, monkeypatch):
    council, plan, statuses = vocabulary
    build(plan, statuses, [("March 2016", [(D(2016, 1, 5), 1, 50, "approved", "")])])
    day = D(2016, 6, 3)
    mine = Action.objects.filter(plan=plan)
    states(mine, day)
    compiled = []
    original = Action.objects.none()._state_by_orm
    monkeypatch.setattr(
        type(Action.objects.none()),
        "_state_by_orm",
        lambda self, d: compiled.append(d) or original.__func__(self, d),
    )
    (row,) = states(mine, day)
    assert row.is_overdue and compiled == []
    (row,) = states(mine, D(2016, 1, 1))
    assert not row.is_overdue and compiled == [D(2016, 1, 1)]


@pytest.mark.parametrize(
    "words, shown",
    [
        ("March 2016", None),  # the words give the day: its last
        ("31/03/2016", None),
        ("31 March 2016", None),
        ("Mar-16", "Counts as 31 Mar 2016"),
        ("March '16", "Counts as 31 Mar 2016"),
        ("Q3 2016/17", "Counts as 31 Dec 2016"),
        ("2016/17", "Counts as 31 Mar 2017"),
        ("Autumn 2016", "Counts as 30 Nov 2016"),
        ("Ongoing", None),
    ],
)
def test_a_deadline_says_the_day_it_counts_as_unless_its_words_give_it(vocabulary, words, shown):
    from django.template.loader import render_to_string
    from django.utils.html import escape

    council, plan, statuses = vocabulary
    (action,) = build(plan, statuses, [(words, [])])
    (row,) = states(Action.objects.filter(pk=action.pk), D(2016, 1, 1))
    html = render_to_string("actionplans/partials/state_deadline.html", {"state": row})
    assert html.startswith(escape(words))
    if shown:
        assert f'app-deadline__date">{shown}</span>' in html
    else:
        assert "Counts as" not in html
