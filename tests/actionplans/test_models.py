import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from actionplans.models import (
    Action,
    Plan,
    ReportingPeriod,
    Workstream,
    plan_outline,
)
from actionplans.services import record_update, reporting_period_for
from councils.models import Status

pytestmark = pytest.mark.django_db


def slugs(queryset) -> set[str]:
    return set(queryset.values_list("slug", flat=True))


def test_public_sees_only_published_public_plans(plans_a, council_a):
    visible = Plan.objects.visible_to(AnonymousUser()).for_council(council_a)
    assert slugs(visible) == {"public-plan"}


def test_member_also_sees_members_plans_but_not_drafts_or_private(plans_a, member, council_a):
    visible = Plan.objects.visible_to(member).for_council(council_a)
    assert slugs(visible) == {"public-plan", "members-plan"}


def test_plan_manager_sees_drafts_and_private_plans_of_own_council(
    plans_a, plan_manager, council_a
):
    visible = Plan.objects.visible_to(plan_manager).for_council(council_a)
    assert slugs(visible) == {"public-plan", "members-plan", "private-plan", "draft-plan"}


def test_plan_manager_of_other_council_sees_only_public_plans(plans_a, outsider, council_a):
    visible = Plan.objects.visible_to(outsider).for_council(council_a)
    assert slugs(visible) == {"public-plan"}


def test_superuser_sees_everything(plans_a, superuser, council_a):
    assert len(slugs(Plan.objects.visible_to(superuser).for_council(council_a))) == 4


def test_actions_visible_to_follows_plan_visibility(plans_a, member):
    for plan in plans_a.values():
        Action.objects.create(plan=plan, title=f"Action of {plan.slug}")
    titles = set(Action.objects.visible_to(member).values_list("title", flat=True))
    assert "Action of members-plan" in titles
    assert "Action of private-plan" not in titles
    assert "Action of draft-plan" not in titles


def test_reporting_period_is_created_once_and_labelled(council_a):
    first = reporting_period_for(council_a, datetime.date(2015, 10, 20))
    again = reporting_period_for(council_a, datetime.date(2015, 12, 31))
    assert first == again
    assert first.label == "Q3 2015/16"
    assert ReportingPeriod.objects.filter(council=council_a).count() == 1


def test_set_deadline_keeps_words_and_derives_date(action_a):
    assert action_a.deadline_text == "Q4 2015/16"
    assert action_a.deadline_date == datetime.date(2016, 3, 31)
    assert action_a.deadline_precision == "quarter"


def _overdue(action, day):
    return Action.objects.filter(pk=action.pk).overdue(day).exists()


def test_overdue_only_when_deadline_passed_and_not_closed(action_a, council_a, today):
    on_track = Status.objects.get(council=council_a, label="On track")
    complete = Status.objects.get(council=council_a, label="Complete")
    assert _overdue(action_a, today)
    assert list(Action.objects.for_council(council_a).overdue(today)) == [action_a]
    record_update(action_a, by=None, status=complete, reported_on=today)
    assert not _overdue(action_a, today)
    assert not Action.objects.for_council(council_a).overdue(today).exists()
    record_update(action_a, by=None, status=on_track, reported_on=today)
    assert _overdue(action_a, today)
    assert not _overdue(action_a, datetime.date(2016, 3, 31))


@pytest.mark.parametrize(
    "words", ["Ongoing", "November 2015 onwards", "Following conclusion of Scrutiny Inquiry"]
)
def test_ongoing_and_undated_deadlines_are_never_overdue(action_a, words):
    action_a.set_deadline(words)
    action_a.save()
    assert not _overdue(action_a, datetime.date(2030, 1, 1))


def test_record_update_sets_current_status_and_history(action_a, council_a, officer):
    delayed = Status.objects.get(council=council_a, label="Delayed")
    update = record_update(
        action_a,
        by=officer,
        status=delayed,
        percent_complete=40,
        commentary="Venue fell through",
        reported_on=datetime.date(2015, 11, 2),
    )
    action_a.refresh_from_db()
    assert action_a.status == delayed
    assert action_a.percent_complete == 40
    assert action_a.status_commentary == "Venue fell through"
    assert action_a.last_updated == datetime.date(2015, 11, 2)
    assert update.period.label == "Q3 2015/16"
    assert update.author_title == "officer-a"
    assert action_a.history.first().history_user == officer


def test_backdated_update_is_kept_but_does_not_replace_newer_status(action_a, council_a):
    on_track = Status.objects.get(council=council_a, label="On track")
    delayed = Status.objects.get(council=council_a, label="Delayed")
    record_update(action_a, by=None, status=on_track, reported_on=datetime.date(2015, 12, 1))
    record_update(
        action_a, by=None, status=delayed, commentary="Late", reported_on=datetime.date(2015, 8, 1)
    )
    action_a.refresh_from_db()
    assert action_a.status == on_track
    assert [u.status.label for u in action_a.updates.all()] == ["On track", "Delayed"]


def test_record_update_refuses_another_councils_status(action_a, council_b):
    foreign = Status.objects.get(council=council_b, label="On track")
    with pytest.raises(ValidationError):
        record_update(action_a, by=None, status=foreign)
    assert not action_a.updates.exists()


def test_record_update_uses_the_status_default_percent(action_a, council_a):
    complete = Status.objects.get(council=council_a, label="Complete")
    complete.default_percent = 100
    complete.save()
    record_update(action_a, by=None, status=complete)
    action_a.refresh_from_db()
    assert action_a.percent_complete == 100


def test_plan_outline_nests_workstreams_and_keeps_order(plans_a):
    plan = plans_a["public"]
    strand = Workstream.objects.create(plan=plan, title="Strand", order=1)
    objective = Workstream.objects.create(
        plan=plan, parent=strand, reference="Objective 1", title="Obj", order=1
    )
    first = Action.objects.create(plan=plan, workstream=objective, title="First", order=1)
    second = Action.objects.create(plan=plan, workstream=objective, title="Second", order=2)
    loose = Action.objects.create(plan=plan, title="Loose", order=3)
    outline = plan_outline(plan, list(plan.actions.all()))
    assert [n.workstream for n in outline] == [strand, None]
    assert outline[0].children[0].workstream == objective
    assert outline[0].children[0].actions == [first, second]
    assert outline[0].action_count() == 2
    assert outline[1].actions == [loose]


def test_workstreams_nest_one_level_only(plans_a):
    plan = plans_a["public"]
    top = Workstream.objects.create(plan=plan, title="Top")
    middle = Workstream.objects.create(plan=plan, parent=top, title="Middle")
    with pytest.raises(ValidationError):
        Workstream(plan=plan, parent=middle, title="Too deep").full_clean()


def test_action_rejects_status_of_another_council(action_a, council_b):
    action_a.status = Status.objects.get(council=council_b, label="On track")
    with pytest.raises(ValidationError):
        action_a.full_clean()


def test_complete_status_is_always_closed_and_started(council_a):
    status = Status.objects.create(
        council=council_a, label="Done", rag="blue", is_started=False, is_complete=True
    )
    status.refresh_from_db()
    assert status.is_closed and status.is_started


def test_plan_period_cannot_end_before_it_starts(council_a):
    plan = Plan(
        council=council_a,
        title="T",
        slug="t",
        period_start=datetime.date(2016, 1, 1),
        period_end=datetime.date(2015, 1, 1),
    )
    with pytest.raises(ValidationError):
        plan.full_clean()


def test_lead_display_keeps_the_order_the_plan_names(action_a, council_a):
    from councils.models import Department

    second = Department.objects.create(council=council_a, name="Adult Learning")
    action_a.lead_links.create(department=second, order=1)
    assert action_a.lead_display() == "Economic Development, Adult Learning"


def test_a_status_in_use_cannot_be_deleted_but_its_council_can(action_a, council_a):
    from django.db.models import RestrictedError

    on_track = Status.objects.get(council=council_a, label="On track")
    record_update(action_a, by=None, status=on_track, reported_on=datetime.date(2016, 1, 4))
    with pytest.raises(RestrictedError):
        on_track.delete()
    council_a.delete()
    assert not Action.objects.filter(pk=action_a.pk).exists()
    assert not Status.objects.filter(pk=on_track.pk).exists()


def test_an_update_keeps_its_periods_end_however_it_is_written(action_a, council_a):
    """ProgressUpdate.period_end is its period's end, whether the update is saved, written in
    bulk (with the period or only its id) or its period is moved in the admin; the read
    model's last quarter reported follows it."""
    from actionplans.models import ProgressUpdate
    from actionplans.state import states

    on_track = council_a.statuses.get(label="On track")
    q3 = reporting_period_for(council_a, datetime.date(2015, 11, 1))
    q4 = reporting_period_for(council_a, datetime.date(2016, 2, 1))
    saved = record_update(
        action_a, by=None, status=on_track, reported_on=datetime.date(2015, 11, 2)
    )
    assert saved.period == q3 and saved.period_end == datetime.date(2015, 12, 31)
    with_period, with_id = ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(action=action_a, period=q4, reported_on=datetime.date(2016, 2, 1)),
            ProgressUpdate(
                action=action_a, period_id=q3.pk, reported_on=datetime.date(2015, 11, 3)
            ),
        ]
    )
    assert (with_period.period_end, with_id.period_end) == (q4.end, q3.end)
    (row,) = states(action_a.plan.actions.filter(pk=action_a.pk), datetime.date(2016, 3, 1))
    assert row.action.state_last_period_end == datetime.date(2016, 3, 31)
    q4.end = datetime.date(2016, 4, 30)  # moved in the admin
    q4.save()
    assert set(q4.updates.values_list("period_end", flat=True)) == {datetime.date(2016, 4, 30)}
    assert set(q3.updates.values_list("period_end", flat=True)) == {datetime.date(2015, 12, 31)}
    (row,) = states(action_a.plan.actions.filter(pk=action_a.pk), datetime.date(2016, 3, 1))
    assert row.action.state_last_period_end == datetime.date(2016, 4, 30)
