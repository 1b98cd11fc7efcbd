"""Officers record updates; plan managers approve, return, lock and chase."""

import datetime
import re

import pytest
from django.urls import reverse

from actionplans.models import Action, Measure, MeasureReading
from actionplans.services import lock_period, record_update, reporting_period_for
from councils.models import Department, Membership, Status, User

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def jobs(council_a):
    return Department.objects.create(council=council_a, name="Jobs and Skills")


@pytest.fixture
def lead_officer(council_a, jobs):
    user = User.objects.create_user(
        "jobs-officer", password="pw", job_title="Employment support manager"
    )
    Membership.objects.create(user=user, council=council_a, role="officer", department=jobs)
    return user


@pytest.fixture
def action(action_a, jobs):
    action_a.lead_links.all().delete()
    action_a.lead_links.create(department=jobs, order=0)
    return action_a


def status(council, label):
    return Status.objects.get(council=council, label=label)


def update_url(action):
    return reverse(
        "actionplans:action-update", args=[action.plan.council.slug, action.plan.slug, action.pk]
    )


def post_update(client, action, **fields):
    action.refresh_from_db()
    data = {"version": action.version, "commentary": "", "percent_complete": ""}
    data.update(fields)
    return client.post(update_url(action), data)


def test_officer_records_an_update_that_the_public_then_sees(
    client, action, lead_officer, council_a
):
    client.force_login(lead_officer)
    form = client.get(update_url(action))
    assert form.status_code == 200
    assert "Update: 1. Run a jobs fair" in text(form)
    assert "Delayed Amber: say why in the commentary" in text(form)
    assert "On track Green" in text(form)
    response = post_update(
        client,
        action,
        status=status(council_a, "On track").pk,
        percent_complete="40",
        commentary="Venue booked for March",
    )
    assert response.status_code == 302
    client.logout()
    page = text(client.get(action.get_absolute_url()))
    assert "On track" in page and "40%" in page and "Venue booked for March" in page
    assert "by Employment support manager" in page


def test_amber_or_red_needs_a_commentary(client, action, lead_officer, council_a):
    client.force_login(lead_officer)
    response = post_update(client, action, status=status(council_a, "Delayed").pk)
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Explain why the action is delayed and what is being done." in page
    assert not action.updates.exists()


def test_percent_must_be_0_to_100(client, action, lead_officer, council_a):
    client.force_login(lead_officer)
    response = post_update(
        client, action, status=status(council_a, "On track").pk, percent_complete="140"
    )
    assert "Enter a % between 0 and 100" in text(response)
    assert not action.updates.exists()


def test_revised_deadline_keeps_the_original_as_baseline(client, action, lead_officer, council_a):
    client.force_login(lead_officer)
    on_track = status(council_a, "On track").pk
    response = post_update(client, action, status=on_track, revised_deadline="Q2 2016/17")
    assert "Give the reason the deadline has changed." in text(response)
    response = post_update(
        client, action, status=on_track, revised_deadline="when we can", deadline_reason="x"
    )
    assert "Enter a deadline a date can be read from" in text(response)
    response = post_update(
        client,
        action,
        status=on_track,
        revised_deadline="Q2 2016/17",
        deadline_reason="The venue is being rebuilt",
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.deadline_text, action.deadline_date) == (
        "Q2 2016/17",
        datetime.date(2016, 9, 30),
    )
    assert (action.baseline_deadline_text, action.baseline_deadline_date) == (
        "Q4 2015/16",
        datetime.date(2016, 3, 31),
    )
    page = text(client.get(action.get_absolute_url()))
    assert "Originally Q4 2015/16. Revised because: The venue is being rebuilt" in page


def test_measure_readings_are_stored_for_the_period(client, action, lead_officer, council_a):
    measure = Measure.objects.create(action=action, name="People into work", unit="people")
    client.force_login(lead_officer)
    response = post_update(
        client, action, status=status(council_a, "On track").pk, **{f"reading_{measure.pk}": "37"}
    )
    assert response.status_code == 302
    update = action.updates.get()
    reading = MeasureReading.objects.get(measure=measure)
    assert reading.value == 37 and reading.date == update.period.end


def test_a_stale_form_is_refused_with_what_changed(
    client, action, lead_officer, plan_manager, council_a
):
    client.force_login(lead_officer)
    action.refresh_from_db()
    opened_version = action.version
    # Someone else saves while the officer is typing.
    record_update(
        action, by=plan_manager, status=status(council_a, "Off track"), commentary="Funding cut"
    )
    response = client.post(
        update_url(action),
        {
            "version": opened_version,
            "status": status(council_a, "On track").pk,
            "commentary": "All fine",
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "This action changed while you were updating it" in page
    assert "plan-manager-a changed it after you opened this form" in page
    assert "Status was “(none)”, now “Off track”" in page
    assert "Commentary was “(none)”, now “Funding cut”" in page
    assert "All fine" in page  # what the officer typed is kept
    assert action.updates.count() == 1
    action.refresh_from_db()
    assert action.status.label == "Off track"
    # Saving again, knowingly, on top of the new version works.
    new_version = re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1)
    response = client.post(
        update_url(action),
        {
            "version": new_version,
            "status": status(council_a, "On track").pk,
            "commentary": "All fine",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status.label == "On track"


def test_locked_period_refuses_updates(client, action, lead_officer, plan_manager, council_a):
    today = datetime.date.today()
    period = reporting_period_for(council_a, today)
    lock_period(period, by=plan_manager)
    client.force_login(lead_officer)
    response = post_update(client, action, status=status(council_a, "On track").pk)
    assert f"{period.label} is locked: its updates can no longer change." in text(response)
    assert not action.updates.exists()


def test_plan_manager_locks_a_period_from_the_page(client, action, plan_manager, council_a):
    record_update(
        action,
        by=None,
        status=status(council_a, "On track"),
        reported_on=datetime.date(2015, 11, 1),
    )
    client.force_login(plan_manager)
    url = reverse("actionplans:reporting-periods", args=["anytown"])
    page = text(client.get(url))
    assert "Q3 2015/16" in page and "Lock Q3 2015/16" in page
    period = action.updates.get().period
    response = client.post(url, {"period": period.pk}, follow=True)
    assert "Q3 2015/16 is locked" in text(response)
    period.refresh_from_db()
    assert period.is_locked and period.locked_by == plan_manager


def approval_plan(action):
    action.plan.requires_approval = True
    action.plan.save()
    return action


def test_approval_flow(client, action, lead_officer, plan_manager, council_a):
    record_update(
        action,
        by=None,
        status=status(council_a, "On track"),
        reported_on=datetime.date(2015, 11, 1),
    )
    approval_plan(action)
    client.force_login(lead_officer)
    response = post_update(
        client, action, status=status(council_a, "Off track").pk, commentary="Funding cut"
    )
    assert response.status_code == 302
    submitted = action.updates.get(state="submitted")
    action.refresh_from_db()
    assert action.status.label == "On track"  # the public still sees the approved update
    client.logout()
    public = text(client.get(action.get_absolute_url()))
    assert "Off track" not in public and "Funding cut" not in public
    client.force_login(plan_manager)
    queue = text(client.get(reverse("actionplans:approvals", args=["anytown"])))
    assert "Run a jobs fair" in queue and "Off track" in queue
    review_url = reverse("actionplans:update-review", args=["anytown", submitted.pk])
    response = client.post(review_url, {"decision": "approve"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "approved" and submitted.reviewed_by == plan_manager
    action.refresh_from_db()
    assert action.status.label == "Off track"
    client.logout()
    assert "Funding cut" in text(client.get(action.get_absolute_url()))


def test_returned_update_reaches_the_officer_with_the_comment(
    client, action, lead_officer, plan_manager, council_a
):
    approval_plan(action)
    client.force_login(lead_officer)
    post_update(client, action, status=status(council_a, "On track").pk, percent_complete="90")
    submitted = action.updates.get()
    client.force_login(plan_manager)
    review_url = reverse("actionplans:update-review", args=["anytown", submitted.pk])
    response = client.post(review_url, {"decision": "return", "comment": ""})
    assert "Say what the officer needs to change." in text(response)
    client.post(
        review_url, {"decision": "return", "comment": "90% looks high: the venue is not booked"}
    )
    submitted.refresh_from_db()
    assert submitted.state == "returned"
    client.force_login(lead_officer)
    page = text(client.get(reverse("actionplans:my-actions")))
    assert "Returned" in page and "90% looks high: the venue is not booked" in page
    assert "1 returned to you" in page


def test_nobody_approves_their_own_update(client, action, plan_manager, council_a):
    approval_plan(action)
    update = record_update(action, by=plan_manager, status=status(council_a, "On track"))
    client.force_login(plan_manager)
    review_url = reverse("actionplans:update-review", args=["anytown", update.pk])
    assert "another plan manager must review it" in text(client.get(review_url))
    assert client.post(review_url, {"decision": "approve"}).status_code == 403
    update.refresh_from_db()
    assert update.state == "submitted"


def test_my_actions_lists_due_first_with_counts(client, plans_a, jobs, lead_officer, council_a):
    plan = plans_a["public"]
    late = Action(plan=plan, title="Late one", order=1)
    late.set_deadline("March 2015")
    later = Action(plan=plan, title="Not due", order=2)
    later.set_deadline("Ongoing")
    for a in (late, later):
        a.save()
        a.lead_links.create(department=jobs)
    client.force_login(lead_officer)
    response = client.get(reverse("actionplans:my-actions"))
    page = text(response)
    assert "2 actions you lead." in page
    rows = [r.action.title for r in response.context["rows"]]
    assert rows.index("Late one") < rows.index("Not due")
    assert "1 overdue" in page


def test_my_actions_puts_actions_due_an_update_first(
    client, plans_a, jobs, lead_officer, council_a, monkeypatch
):
    plan = plans_a["public"]
    due, done = (
        Action.objects.create(plan=plan, title=t, order=i) for i, t in enumerate(["Due", "Done"])
    )
    for a in (due, done):
        a.lead_links.create(department=jobs)
    today = datetime.date(2016, 1, 10)  # the Q3 2015/16 window is open until 21 January
    record_update(
        done,
        by=lead_officer,
        status=status(council_a, "On track"),
        reported_on=datetime.date(2016, 1, 5),
    )
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: today)
    client.force_login(lead_officer)
    response = client.get(reverse("actionplans:my-actions"))
    assert [r.action.title for r in response.context["rows"]][0] == "Due"
    page = text(response)
    assert "1 due an update now." in page
    assert "Due by 21 Jan 2016" in page


def test_missing_updates_page_groups_by_department(
    client, plans_a, jobs, plan_manager, council_a, monkeypatch
):
    plan = plans_a["public"]
    Action.objects.create(plan=plan, title="Nobody leads this", order=1)
    led = Action.objects.create(plan=plan, title="Jobs lead this", order=2)
    led.lead_links.create(department=jobs)
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2016, 1, 10)
    )
    client.force_login(plan_manager)
    page = text(client.get(reverse("actionplans:missing-updates", args=["anytown"])))
    assert "Jobs and Skills (1) " in page and "Jobs lead this" in page
    assert "No lead department (1)" in page and "Nobody leads this" in page
    assert "Q3 2015/16" in page and "21 Jan 2016" in page


def test_change_history_is_shown_to_editors_only(client, action, lead_officer, council_a, member):
    client.force_login(lead_officer)
    post_update(client, action, status=status(council_a, "On track").pk, commentary="Started")
    page = text(client.get(action.get_absolute_url()))
    assert "Change history" in page
    assert "Employment support manager" in page and "Status: “(none)” to “On track”" in page
    client.force_login(member)
    assert "Change history" not in text(client.get(action.get_absolute_url()))
    client.logout()
    assert "Change history" not in text(client.get(action.get_absolute_url()))


def test_update_button_only_for_those_who_may_update(client, action, lead_officer, member):
    client.force_login(lead_officer)
    assert "Update this action" in text(client.get(action.get_absolute_url()))
    client.force_login(member)
    assert "Update this action" not in text(client.get(action.get_absolute_url()))


def test_an_older_waiting_update_never_replaces_a_newer_published_one(
    client, action, lead_officer, plan_manager, council_a
):
    """The race: an officer's update submitted a moment before a council admin's, both from
    the same version of the form; the plan manager approves the admin's first, then the
    officer's. The officer's is kept as superseded and the approver is told why."""
    approval_plan(action)
    admin = User.objects.create_user("anytown-admin", password="pw", job_title="Head of policy")
    Membership.objects.create(user=admin, council=council_a, role="council_admin")
    action.refresh_from_db()
    version = action.version
    client.force_login(lead_officer)
    first = {"version": version, "status": status(council_a, "On track").pk, "commentary": "FIRST"}
    assert client.post(update_url(action), first | {"percent_complete": "40"}).status_code == 302
    client.force_login(admin)
    done = {"version": version, "status": status(council_a, "Complete").pk, "commentary": "Done"}
    assert client.post(update_url(action), done | {"percent_complete": ""}).status_code == 302
    officers = action.updates.get(commentary="FIRST")
    admins = action.updates.get(commentary="Done")
    assert officers.created_at < admins.created_at

    client.force_login(plan_manager)
    client.post(
        reverse("actionplans:update-review", args=["anytown", admins.pk]), {"decision": "approve"}
    )
    admins.refresh_from_db()
    assert admins.state == "approved", admins.state
    review = reverse("actionplans:update-review", args=["anytown", officers.pk])
    warning = text(client.get(review))
    assert "A newer update (Complete, reported" in warning
    assert "keeps it in the history as superseded" in warning
    page = text(client.post(review, {"decision": "approve"}, follow=True))
    assert "Not published: a newer update (Complete" in page and "superseded" in page
    officers.refresh_from_db()
    action.refresh_from_db()
    assert officers.state == "superseded" and officers.reviewed_by == plan_manager
    assert action.status.label == "Complete" and action.status_commentary == "Done"
    client.logout()
    public = text(client.get(action.get_absolute_url()))
    assert "Done" in public and "FIRST" not in public  # the public sees published updates
    client.force_login(plan_manager)
    history = text(client.get(action.get_absolute_url()))
    assert "FIRST" in history and "Superseded" in history


def test_approval_is_switched_off_only_once_waiting_updates_are_decided(
    client, action, lead_officer, plan_manager, council_a
):
    approval_plan(action)
    client.force_login(lead_officer)
    post_update(client, action, status=status(council_a, "On track").pk)
    waiting = action.updates.get()
    User.objects.filter(pk=plan_manager.pk).update(is_staff=True)  # plan managers use the admin
    client.force_login(plan_manager)
    url = reverse("admin:actionplans_plan_change", args=[action.plan.pk])
    response = client.post(url, admin_form(client.get(url), requires_approval=None))
    assert response.status_code == 200
    assert "1 update is waiting for approval on this plan" in text(response)
    action.plan.refresh_from_db()
    assert action.plan.requires_approval
    manager = User.objects.create_user("second-manager", password="pw", job_title="Policy lead")
    Membership.objects.create(user=manager, council=council_a, role="plan_manager")
    client.force_login(manager)
    client.post(
        reverse("actionplans:update-review", args=["anytown", waiting.pk]), {"decision": "approve"}
    )
    client.force_login(plan_manager)
    response = client.post(url, admin_form(client.get(url), requires_approval=None))
    assert response.status_code == 302
    action.plan.refresh_from_db()
    assert not action.plan.requires_approval
    switched, before = action.plan.history.order_by("-history_id")[:2]
    assert before.requires_approval and not switched.requires_approval
    assert switched.history_user == plan_manager and switched.history_date is not None
    history = text(client.get(reverse("admin:actionplans_plan_history", args=[action.plan.pk])))
    assert plan_manager.username in history


def admin_form(response, **changes) -> dict:
    """The admin form's fields as the page fills them, with `changes` (None unticks or
    removes a field): what a browser would send."""
    html = response.content.decode()
    form = re.search(r'<form[^>]*id="\w+_form".*?</form>', html, re.S).group(0)
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        data[name.group(1)] = value.group(1) if value else ("on" if "checkbox" in tag else "")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', body)
        if chosen:
            data[name] = chosen if "multiple" in body[:0] or len(chosen) > 1 else chosen[0]
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = body.strip()
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data
