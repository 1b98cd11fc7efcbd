"""The update form as an officer sees it: the last update (from the read model), "No change
this quarter" in one press, and error messages in plain words linked from the summary."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.models import Measure, ProgressUpdate
from actionplans.services import (
    lock_period,
    period_to_report,
    record_update,
    reporting_period_for,
)
from councils.models import Department, Membership, Status, User
from scrutiny.models import Source

pytestmark = pytest.mark.django_db

NO_CHANGE = "No change this quarter"


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def summary(response) -> str:
    """The error summary's HTML."""
    html = response.content.decode()
    start = html.index('<div class="govuk-error-summary"')
    return html[start : html.index("</ul>", start)]


@pytest.fixture
def jobs(council_a):
    return Department.objects.create(council=council_a, name="Jobs and Skills")


def officer_of(council, department, username, title) -> User:
    user = User.objects.create_user(username, password="pw", job_title=title)
    Membership.objects.create(user=user, council=council, role="officer", department=department)
    return user


@pytest.fixture
def lead_officer(council_a, jobs):
    return officer_of(council_a, jobs, "jobs-officer", "Employment support manager")


@pytest.fixture
def colleague(council_a, jobs):
    return officer_of(council_a, jobs, "jobs-colleague", "Skills coordinator")


@pytest.fixture
def action(action_a, jobs):
    action_a.lead_links.all().delete()
    action_a.lead_links.create(department=jobs, order=0)
    return action_a


def status(council, label) -> Status:
    return Status.objects.get(council=council, label=label)


def update_url(action) -> str:
    return reverse(
        "actionplans:action-update", args=[action.plan.council.slug, action.plan.slug, action.pk]
    )


def today() -> datetime.date:
    return timezone.localdate()


def earlier() -> datetime.date:
    """A day in an earlier quarter than the one an update written today reports on."""
    return today() - datetime.timedelta(days=120)


@pytest.fixture
def last_update(action, colleague, council_a) -> ProgressUpdate:
    return record_update(
        action,
        by=colleague,
        status=status(council_a, "Delayed"),
        percent_complete=40,
        commentary="The venue fell through; a new one is booked for March",
        reported_on=earlier(),
    )


def press_no_change(client, action, **extra):
    action.refresh_from_db()
    return client.post(update_url(action), {"version": action.version, "no_change": "1", **extra})


# The last update -------------------------------------------------------------------------


def test_the_form_shows_the_last_update_with_its_author(client, action, last_update, lead_officer):
    client.force_login(lead_officer)
    response = client.get(update_url(action))
    page = text(response)
    assert "Last update" in page
    assert (
        "Status Delayed % complete 40% Commentary The venue fell through; a new one is booked "
        f"for March Reported {earlier():%-d %B %Y} by Skills coordinator" in page
    )
    # The word in its colour, as on every other page.
    assert (
        '<strong class="govuk-tag govuk-tag--orange">Delayed</strong>' in response.content.decode()
    )


def test_the_last_update_is_the_approved_one_not_one_waiting(
    client, action, last_update, lead_officer, colleague, council_a
):
    action.plan.requires_approval = True
    action.plan.save()
    record_update(action, by=colleague, status=status(council_a, "Complete"), commentary="Done")
    client.force_login(lead_officer)
    page = text(client.get(update_url(action)))
    assert "Status Delayed" in page and "Status Complete" not in page
    assert "An update (Complete," in page and "is waiting for approval" in page


def test_with_no_earlier_update_it_says_so_and_offers_no_shortcut(client, action, lead_officer):
    client.force_login(lead_officer)
    page = text(client.get(update_url(action)))
    assert "No update has been recorded on this action yet." in page
    assert NO_CHANGE not in page


def test_the_form_starts_from_the_last_update(client, action, last_update, lead_officer):
    client.force_login(lead_officer)
    html = client.get(update_url(action)).content.decode()
    delayed = status(action.plan.council, "Delayed").pk
    assert re.search(rf'value="{delayed}" checked', html)
    assert (
        'name="percent_complete" type="text" inputmode="numeric" spellcheck="false" value="40"'
        in html
    )


# No change this quarter -------------------------------------------------------------------


def test_no_change_records_the_last_update_again_in_one_press(
    client, action, last_update, lead_officer
):
    client.force_login(lead_officer)
    quarter = period_to_report(action, today())
    assert f"as the update for {quarter.label}, reported today by you" in text(
        client.get(update_url(action))
    )
    response = press_no_change(client, action)
    assert response.status_code == 302 and response.url == action.get_absolute_url()
    latest = action.updates.order_by("-created_at").first()
    assert latest.pk != last_update.pk
    assert (latest.status, latest.percent_complete, latest.commentary) == (
        last_update.status,
        40,
        "The venue fell through; a new one is booked for March",
    )
    assert (latest.reported_on, latest.period, latest.author, latest.author_title) == (
        today(),
        quarter,
        lead_officer,
        "Employment support manager",
    )
    assert latest.state == ProgressUpdate.State.APPROVED
    page = text(client.get(action.get_absolute_url()))
    assert f"No change recorded for {quarter.label}: the action is still Delayed." in page
    assert f"Reported {today():%-d %B %Y} by Employment support manager" in page


def test_no_change_waits_for_approval_where_the_plan_needs_it(
    client, action, last_update, lead_officer
):
    action.plan.requires_approval = True
    action.plan.save()
    client.force_login(lead_officer)
    response = press_no_change(client, action)
    quarter = period_to_report(action, today())
    assert response.status_code == 302
    latest = action.updates.get(state=ProgressUpdate.State.SUBMITTED)
    assert latest.author == lead_officer and latest.commentary == last_update.commentary
    action.refresh_from_db()
    assert action.last_updated == earlier()  # not published until approved
    page = text(client.get(action.get_absolute_url()))
    assert f"No change submitted for {quarter.label}: a plan manager will approve it." in page
    # While it waits, there is nothing unchanged to confirm.
    page = text(client.get(update_url(action)))
    assert NO_CHANGE not in page and "An update is waiting for approval" in page


def test_a_quarter_with_an_update_is_not_confirmed_twice(client, action, last_update, lead_officer):
    client.force_login(lead_officer)
    press_no_change(client, action)
    quarter = period_to_report(action, today())
    page = text(client.get(update_url(action)))
    assert NO_CHANGE not in page
    assert f"{quarter.label} already has an update." in page
    # A second press (a double click, an old tab) records nothing more.
    response = press_no_change(client, action)
    assert response.status_code == 200
    assert "“No change this quarter” was not recorded" in text(response)
    assert f"{quarter.label} already has an update." in summary(response)
    assert action.updates.count() == 2


def test_no_change_is_refused_in_a_locked_quarter(
    client, action, last_update, lead_officer, plan_manager
):
    period = period_to_report(action, today())
    lock_period(period, by=plan_manager)
    client.force_login(lead_officer)
    response = press_no_change(client, action)
    assert response.status_code == 200
    assert f"{period.label} is locked: its updates can no longer change." in summary(response)
    assert action.updates.count() == 1


def test_no_change_keeps_the_rule_that_amber_needs_a_commentary(
    client, action, lead_officer, council_a
):
    # Imported history can hold an amber status without words; a new report cannot.
    ProgressUpdate.objects.create(
        action=action,
        period=reporting_period_for(council_a, earlier()),
        reported_on=earlier(),
        status=status(council_a, "Delayed"),
        state=ProgressUpdate.State.APPROVED,
    )
    client.force_login(lead_officer)
    response = press_no_change(client, action)
    assert response.status_code == 200
    assert "Explain why the action is delayed and what is being done." in summary(response)
    assert action.updates.count() == 1


def test_no_change_on_a_page_that_is_out_of_date_records_nothing(
    client, action, last_update, lead_officer, colleague, council_a
):
    client.force_login(lead_officer)
    action.refresh_from_db()
    opened = action.version
    record_update(
        action,
        by=colleague,
        status=status(council_a, "Off track"),
        commentary="Funding cut",
        reported_on=earlier() + datetime.timedelta(days=1),
    )
    response = client.post(update_url(action), {"version": opened, "no_change": "1"}, follow=True)
    page = text(response)
    assert "Nothing was recorded: the action changed after you opened the page." in page
    assert "Status Off track" in page  # the page now shows what is true
    assert action.updates.count() == 2


def test_only_those_who_may_update_can_press_it(
    client, action, last_update, member, outsider, plan_manager
):
    client.force_login(member)
    assert press_no_change(client, action).status_code == 403
    client.force_login(outsider)
    assert press_no_change(client, action).status_code == 404
    assert action.updates.count() == 1
    client.force_login(plan_manager)  # plan editors may update any action of their council
    assert press_no_change(client, action).status_code == 302


# Plain error messages ---------------------------------------------------------------------


def post_update(client, action, **fields):
    action.refresh_from_db()
    return client.post(update_url(action), {"version": action.version, **fields})


@pytest.mark.parametrize(
    ("fields", "message", "anchor"),
    [
        ({}, "Select a status", "id_status_0"),
        ({"status": "999999"}, "Select a status from the list", "id_status_0"),
        (
            {"status": "on-track", "percent_complete": "140"},
            "Enter a % between 0 and 100",
            "id_percent_complete",
        ),
        (
            {"status": "on-track", "percent_complete": "-1"},
            "Enter a % between 0 and 100",
            "id_percent_complete",
        ),
        (
            {"status": "on-track", "percent_complete": "forty"},
            "Enter the % complete as a whole number, like 40",
            "id_percent_complete",
        ),
        (
            {"status": "on-track", "revised_deadline": "x" * 501, "deadline_reason": "Moved"},
            "The revised deadline must be 500 characters or fewer",
            "id_revised_deadline",
        ),
        (
            {"status": "delayed"},
            "Explain why the action is delayed and what is being done.",
            "id_commentary",
        ),
    ],
)
def test_bad_values_are_named_in_plain_words(
    client, action, lead_officer, council_a, fields, message, anchor
):
    labels = {"on-track": "On track", "delayed": "Delayed"}
    if fields.get("status") in labels:
        fields["status"] = status(council_a, labels[fields["status"]]).pk
    client.force_login(lead_officer)
    response = post_update(client, action, **fields)
    assert response.status_code == 200
    assert f'<li><a href="#{anchor}">{message}</a></li>' in summary(response)
    html = response.content.decode()
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
    assert "Ensure this value" not in html and "This field is required" not in html
    assert "<title>Error: Update:" in html
    assert not action.updates.exists()


def test_a_bad_measure_reading_is_named(client, action, lead_officer, council_a):
    measure = Measure.objects.create(action=action, name="People into work", unit="people")
    client.force_login(lead_officer)
    response = post_update(
        client,
        action,
        status=status(council_a, "On track").pk,
        **{f"reading_{measure.pk}": "lots"},
    )
    assert (
        f'<a href="#id_reading_{measure.pk}">Enter the figure for People into work as a number, '
        "like 37 or 12.5</a>" in summary(response)
    )


# Dates in three boxes ---------------------------------------------------------------------


def test_a_date_filter_reads_the_boxes_and_old_links(client, action):
    url = reverse("actionplans:plan-actions", args=["anytown", action.plan.slug])
    old = client.get(url, {"deadline_from": "2016-04-01"})  # a link as links give it
    html = old.content.decode()
    assert 'type="date"' not in html
    assert (
        'name="deadline_from-day" type="text" inputmode="numeric" spellcheck="false" value="1"'
        in html
    )
    assert 'id="id_deadline_from-month"' in html and 'value="4"' in html
    assert 'id="id_deadline_from-year"' in html and 'value="2016"' in html
    assert "Run a jobs fair" not in text(old)  # its deadline is 31 March 2016
    boxes = {"deadline_from-day": "1", "deadline_from-month": "4", "deadline_from-year": "2016"}
    assert "Run a jobs fair" not in text(client.get(url, boxes))
    boxes["deadline_from-month"] = "3"
    assert "Run a jobs fair" in text(client.get(url, boxes))


def test_a_date_filter_says_which_box_is_wrong(client, action):
    url = reverse("actionplans:plan-actions", args=["anytown", action.plan.slug])
    response = client.get(
        url, {"deadline_to-day": "30", "deadline_to-month": "", "deadline_to-year": "2016"}
    )
    assert (
        '<a href="#id_deadline_to-month">Deadline to: The latest deadline must include a month</a>'
        in summary(response)
    )
    assert 'govuk-input--error" id="id_deadline_to-month"' in response.content.decode()


def test_a_scrutiny_report_date_is_typed_in_three_boxes(client, democratic_services, council_a):
    client.force_login(democratic_services)
    url = reverse("scrutiny:source-create", args=["anytown"])
    form = client.get(url).content.decode()
    assert "For example, 27 3 2026" in form and 'name="date-day"' in form
    response = client.post(
        url, {"title": "Welfare reforms", "date-day": "31", "date-month": "2", "date-year": "2014"}
    )
    assert '<a href="#id_date-day">The date of the report must be a real date</a>' in summary(
        response
    )
    response = client.post(
        url, {"title": "Welfare reforms", "date-day": "10", "date-month": "3", "date-year": "2014"}
    )
    assert response.status_code == 302
    source = Source.objects.get(council=council_a, title="Welfare reforms")
    assert source.date == datetime.date(2014, 3, 10)


# Queries --------------------------------------------------------------------------------


def test_update_page_queries_do_not_grow_with_history_or_measures(
    client, action, last_update, lead_officer, colleague, council_a, django_assert_num_queries
):
    client.force_login(lead_officer)
    client.get(update_url(action))
    with CaptureQueriesContext(connection) as before:
        client.get(update_url(action))
    for days in range(2, 12):
        record_update(
            action,
            by=colleague,
            status=status(council_a, "On track"),
            commentary=f"Update {days}",
            reported_on=earlier() - datetime.timedelta(days=days * 100),
        )
    for i in range(5):
        Measure.objects.create(action=action, name=f"Measure {i}")
    with django_assert_num_queries(len(before)):
        client.get(update_url(action))
