"""Reminder emails for missing quarterly updates: who is chased, what the email says, and
that a day's run sends each person at most one email."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import NoReverseMatch, reverse

from actionplans import emails
from actionplans.management.commands.send_update_reminders import remind
from actionplans.models import Action, Plan, ReminderLog
from actionplans.services import record_update
from councils.models import Department, Membership, Status, User

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2016, 1, 10)  # inside the Q3 2015/16 window, due 21 January 2016
SITE = "https://plans.example.gov.uk"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "plans@example.gov.uk"


@pytest.fixture
def department(council_a) -> Department:
    return Department.objects.create(council=council_a, name="Economic Development")


@pytest.fixture
def lead(officer, department) -> User:
    """The officer persona, with an address and a department that leads actions."""
    Membership.objects.filter(user=officer).update(department=department)
    officer.email = "officer-a@example.gov.uk"
    officer.save()
    return officer


def make_action(plan: Plan, department: Department, reference: str, title: str) -> Action:
    action = Action.objects.create(
        plan=plan, reference=reference, title=title, order=Action.objects.count() + 1
    )
    action.lead_links.create(department=department)
    return action


@pytest.fixture
def actions(plans_a, department, lead, council_a) -> dict[str, Action]:
    """Two actions of the approved public plan: one updated for Q3, one not."""
    plan = plans_a["public"]
    done = make_action(plan, department, "1.", "Run a jobs fair")
    pending = make_action(plan, department, "2.", "Pay the Living Wage & tell suppliers")
    record_update(
        done,
        by=lead,
        status=Status.objects.get(council=council_a, label="On track"),
        reported_on=datetime.date(2016, 1, 5),
    )
    return {"done": done, "pending": pending}


@pytest.fixture
def only_test_users(db):
    """The demo data's officers stay out of the command's output (rolled back after)."""

    def keep(*users):
        User.objects.exclude(pk__in=[u.pk for u in users]).update(is_active=False)

    return keep


def run(*args) -> str:
    out = StringIO()
    call_command("send_update_reminders", *args, stdout=out)
    return out.getvalue()


def test_one_email_lists_only_the_action_without_an_update(lead, actions, mailoutbox):
    assert remind(lead, TODAY) == 1

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["officer-a@example.gov.uk"]
    assert email.from_email == "plans@example.gov.uk"
    assert email.subject == "Action plan updates due by 21 January 2016: 1 action"
    pending = actions["pending"]
    body = email.body
    assert body.startswith("Dear officer-a,")  # the job title, never a name
    assert "Public Plan (Anytown Borough Council)" in body
    assert "2. Pay the Living Wage & tell suppliers" in body  # plain text: not &amp;
    assert "Reporting on: Q3 2015/16" in body
    assert "Update due by: 21 January 2016" in body
    assert f"{SITE}{pending.get_absolute_url()}" in body
    assert "Run a jobs fair" not in body
    assert "sign in and go to My actions" in body
    log = ReminderLog.objects.get(user=lead)
    assert (log.sent_on, log.action_count) == (TODAY, 1)


def test_actions_are_grouped_by_plan(lead, actions, plans_a, department, mailoutbox):
    make_action(plans_a["members"], department, "A1", "Publish the pay gap")
    make_action(plans_a["public"], department, "3.", "Hold a job club")

    assert remind(lead, TODAY) == 3

    body = mailoutbox[0].body
    assert mailoutbox[0].subject == "Action plan updates due by 21 January 2016: 3 actions"
    # Plans in their usual order (by title here), each plan's actions under it in plan order.
    positions = [
        body.index(text)
        for text in [
            "Members Plan (Anytown Borough Council)",
            "A1 Publish the pay gap",
            "Public Plan (Anytown Borough Council)",
            "2. Pay the Living Wage",
            "3. Hold a job club",
        ]
    ]
    assert positions == sorted(positions)
    assert body.count("(Anytown Borough Council)") == 2


def test_the_closing_line_falls_back_to_home_until_my_actions_exists(lead, actions, mailoutbox):
    remind(lead, TODAY)
    try:
        expected = reverse("actionplans:my-actions")
    except NoReverseMatch:
        expected = reverse("actionplans:home")
    assert f"My actions:\n{SITE}{expected}\n" in mailoutbox[0].body


def test_site_url_defaults_to_the_development_server(settings, lead, actions, mailoutbox):
    del settings.SITE_URL
    remind(lead, TODAY)
    assert f"http://127.0.0.1:8000{actions['pending'].get_absolute_url()}" in mailoutbox[0].body


def test_a_second_run_the_same_day_sends_nothing(lead, actions, mailoutbox):
    assert remind(lead, TODAY) == 1
    assert remind(lead, TODAY) == 0
    assert len(mailoutbox) == 1


def test_the_next_day_reminds_again(lead, actions, mailoutbox):
    remind(lead, TODAY)
    assert remind(lead, TODAY + datetime.timedelta(days=1)) == 1
    assert len(mailoutbox) == 2
    assert ReminderLog.objects.filter(user=lead).count() == 2


def test_dry_run_sends_nothing_and_logs_nothing(lead, actions, mailoutbox):
    assert remind(lead, TODAY, dry_run=True) == 1
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_a_mail_failure_leaves_no_log_so_the_next_run_retries(
    lead, actions, mailoutbox, monkeypatch
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(emails.EmailMessage, "send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        remind(lead, TODAY)
    assert not ReminderLog.objects.exists()

    monkeypatch.undo()
    assert remind(lead, TODAY) == 1
    assert len(mailoutbox) == 1


def test_after_the_window_closes_an_overdue_update_is_chased_weekly_then_copied(
    lead, actions, plan_manager, council_a, mailoutbox
):
    """Q3's window closed on 21 January. From the 22nd the missing update is overdue: one
    reminder, then one a week (the council's interval), copied to the plan managers from two
    weeks after the window closed (the council's threshold)."""
    plan_manager.email = "plans-manager@example.gov.uk"
    plan_manager.save()
    assert remind(lead, datetime.date(2016, 1, 21)) == 1  # the last day of the window
    assert remind(lead, datetime.date(2016, 1, 22)) == 0  # reminded yesterday
    assert remind(lead, datetime.date(2016, 1, 27)) == 0  # a week not yet passed
    assert remind(lead, datetime.date(2016, 1, 28)) == 1
    overdue = mailoutbox[-1]
    assert overdue.subject == "Action plan updates overdue since 21 January 2016: 1 action"
    assert "Update overdue: it was due by 21 January 2016" in overdue.body
    assert overdue.cc == []  # a week overdue: the officer alone
    assert remind(lead, datetime.date(2016, 2, 4)) == 1  # two weeks: copied
    assert mailoutbox[-1].cc == ["plans-manager@example.gov.uk"]
    assert "copied to your council's plan managers" in mailoutbox[-1].body
    council_a.overdue_reminder_days = 3
    council_a.save()
    assert remind(lead, datetime.date(2016, 2, 7)) == 1


def test_nothing_is_sent_once_the_update_is_in(lead, actions, council_a, mailoutbox):
    record_update(
        actions["pending"],
        by=lead,
        status=Status.objects.get(council=council_a, label="On track"),
        reported_on=datetime.date(2016, 2, 1),
        period=actions["done"].updates.get().period,
    )
    assert remind(lead, datetime.date(2016, 2, 15)) == 0
    assert mailoutbox == []


def test_nothing_is_sent_when_everything_is_updated(lead, actions, council_a, mailoutbox):
    record_update(
        actions["pending"],
        by=lead,
        status=Status.objects.get(council=council_a, label="Delayed"),
        commentary="Waiting for the supplier survey.",
        reported_on=datetime.date(2016, 1, 8),
    )
    assert remind(lead, TODAY) == 0
    assert mailoutbox == []


def test_draft_archived_and_closed_actions_are_not_chased(
    lead, plans_a, department, council_a, mailoutbox
):
    make_action(plans_a["draft"], department, "D1", "Draft action")
    archived = plans_a["private"]
    archived.lifecycle = Plan.Lifecycle.ARCHIVED
    archived.save()
    make_action(archived, department, "X1", "Archived action")
    closed = make_action(plans_a["public"], department, "C1", "Closed action")
    # Completed last quarter, so nothing is reported for Q3: closed actions need none.
    record_update(
        closed,
        by=lead,
        status=Status.objects.get(council=council_a, label="Complete"),
        reported_on=datetime.date(2015, 9, 1),
    )
    assert remind(lead, TODAY) == 0
    assert mailoutbox == []


def test_other_departments_actions_are_not_listed(lead, actions, plans_a, council_a, mailoutbox):
    elsewhere = Department.objects.create(council=council_a, name="Housing")
    make_action(plans_a["public"], elsewhere, "9.", "Someone else's action")
    remind(lead, TODAY)
    assert "Someone else's action" not in mailoutbox[0].body


def test_assigned_actions_are_chased(officer, plans_a, mailoutbox):
    officer.email = "officer-a@example.gov.uk"
    officer.save()
    action = Action.objects.create(plan=plans_a["public"], reference="7.", title="Assigned")
    action.assignees.add(officer)
    assert remind(officer, TODAY) == 1
    assert "7. Assigned" in mailoutbox[0].body


def test_the_command_reminds_each_officer_once(lead, actions, only_test_users, mailoutbox):
    only_test_users(lead)

    assert run("--date", "2016-01-10") == (
        "Reminded officer-a (officer-a): 1 action\n"
        "Reminded 1 person about 1 action due for update on 10/01/2016.\n"
    )
    assert len(mailoutbox) == 1
    assert run("--date", "2016-01-10") == (
        "Reminded 0 people about 0 actions due for update on 10/01/2016.\n"
    )
    assert len(mailoutbox) == 1


def test_the_command_dry_run(lead, actions, only_test_users, mailoutbox):
    only_test_users(lead)

    assert run("--dry-run", "--date", "2016-01-10") == (
        "Would remind officer-a (officer-a): 1 action\n"
        "Would remind 1 person about 1 action due for update on 10/01/2016.\n"
    )
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_the_command_reports_officers_without_an_email_address(
    lead, actions, only_test_users, council_a, department, mailoutbox
):
    nameless = User.objects.create_user(
        username="officer-no-email", job_title="Jobs officer", first_name="Alex"
    )
    Membership.objects.create(
        user=nameless, council=council_a, role=Membership.Role.OFFICER, department=department
    )
    only_test_users(lead, nameless)

    output = run("--date", "2016-01-10")

    assert output == (
        "Reminded officer-a (officer-a): 1 action\n"
        "No email address for officer-no-email: 1 action\n"
        "Reminded 1 person about 1 action due for update on 10/01/2016.\n"
    )
    assert "Alex" not in output
    assert [m.to for m in mailoutbox] == [["officer-a@example.gov.uk"]]


def test_the_command_skips_inactive_users_and_non_officers(
    lead, actions, only_test_users, council_a, department, mailoutbox
):
    manager = User.objects.create_user(
        username="manager", job_title="Manager", email="manager@example.gov.uk"
    )
    Membership.objects.create(
        user=manager, council=council_a, role=Membership.Role.PLAN_MANAGER, department=department
    )
    only_test_users(lead, manager)
    lead.is_active = False
    lead.save()

    assert run("--date", "2016-01-10") == (
        "Reminded 0 people about 0 actions due for update on 10/01/2016.\n"
    )
    assert mailoutbox == []


def test_the_command_carries_on_after_a_mail_failure_and_then_fails(
    lead, actions, only_test_users, monkeypatch, mailoutbox
):
    only_test_users(lead)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({lead.email: (550, b"No such user")})

    monkeypatch.setattr(emails.EmailMessage, "send", refuse)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 reminder"):
        call_command("send_update_reminders", "--date", "2016-01-10", stdout=out, stderr=err)
    assert err.getvalue() == "Could not email officer-a (officer-a): SMTPRecipientsRefused\n"
    assert lead.email not in out.getvalue() + err.getvalue()
    assert not ReminderLog.objects.exists()


def test_my_actions_url_falls_back_to_home_when_not_routed(monkeypatch):
    def without_my_actions(name, *args, **kwargs):
        if name == "actionplans:my-actions":
            raise NoReverseMatch(name)
        return reverse(name, *args, **kwargs)

    monkeypatch.setattr(emails, "reverse", without_my_actions)
    assert emails.my_actions_url() == f"{SITE}{reverse('actionplans:home')}"
