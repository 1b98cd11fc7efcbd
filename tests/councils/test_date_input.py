"""The GOV.UK date input (Day, Month and Year boxes) and plain error messages, as a form sees
them: what is read, what is said, which boxes are marked, what a link's one value means."""

import datetime

import pytest
from django import forms
from django.template.loader import render_to_string

from councils.forms import DateField, PlainForm


class MeetingForm(PlainForm):
    meeting_date = DateField(label="Meeting date")
    review_on = DateField(label="Review", required=False, noun="the date of the review")
    percent = forms.IntegerField(label="% complete", min_value=0, max_value=100, required=False)
    committee = forms.ChoiceField(label="Committee", choices=[("cabinet", "Cabinet")])
    title = forms.CharField(label="Title (optional)", max_length=5, required=False)


def boxes(day="", month="", year="", name="meeting_date") -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def errors(data: dict) -> dict[str, list[str]]:
    form = MeetingForm({"committee": "cabinet", **data})
    form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def faults(data: dict, name="meeting_date") -> list[str]:
    form = MeetingForm({"committee": "cabinet", **data})
    return [box.part for box in form[name].boxes if box.has_error]


def test_three_boxes_make_a_date():
    form = MeetingForm({"committee": "cabinet", **boxes("7", "03", "2026")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["meeting_date"] == datetime.date(2026, 3, 7)


@pytest.mark.parametrize("month", ["March", "mar", "MAR.", " 3 "])
def test_a_month_can_be_written_as_a_word(month):
    form = MeetingForm({"committee": "cabinet", **boxes("27", month, "2026")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["meeting_date"] == datetime.date(2026, 3, 27)


@pytest.mark.parametrize(
    ("typed", "message", "at_fault"),
    [
        (("", "", ""), "Enter the meeting date", ["day", "month", "year"]),
        (("27", "", "2026"), "The meeting date must include a month", ["month"]),
        (("", "", "2026"), "The meeting date must include a day and month", ["day", "month"]),
        (("27", "3", ""), "The meeting date must include a year", ["year"]),
        (("31", "2", "2026"), "The meeting date must be a real date", ["day", "month", "year"]),
        (("32", "3", "2026"), "The meeting date must be a real date", ["day"]),
        (("27", "13", "2026"), "The meeting date must be a real date", ["month"]),
        (("x", "3", "2026"), "The meeting date must be a real date", ["day"]),
        (("1", "1", "999999999999999999999999"), "must include a year of 4 numbers", ["year"]),
        (("999999999999999999999999", "1", "2026"), "must be a real date", ["day"]),
        (
            ("27", "3", "26"),
            "The meeting date must include a year of 4 numbers, like 2026",
            ["year"],
        ),
    ],
)
def test_what_is_wrong_is_said_and_its_boxes_marked(typed, message, at_fault):
    (said,) = errors(boxes(*typed))["meeting_date"]
    assert message in said
    assert faults(boxes(*typed)) == at_fault


def test_an_optional_date_may_be_left_empty_but_not_half_filled():
    assert "review_on" not in errors({**boxes("1", "1", "2026"), **boxes(name="review_on")})
    assert errors({**boxes("1", "1", "2026"), **boxes("1", name="review_on")})["review_on"] == [
        "The date of the review must include a month and year"
    ]


def test_a_date_sent_as_one_value_is_read_as_links_send_it():
    form = MeetingForm({"committee": "cabinet", "meeting_date": "2026-03-07"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["meeting_date"] == datetime.date(2026, 3, 7)
    assert [box.value for box in form["meeting_date"].boxes] == ["7", "3", "2026"]
    for value in ("2015-02-30", "07/03/2026", "<script>", "9" * 30):
        assert errors({"meeting_date": value}) == {
            "meeting_date": ["The meeting date must be a real date"]
        }


def test_the_boxes_keep_what_was_typed():
    form = MeetingForm({"committee": "cabinet", **boxes("31", "2", "2026")})
    assert [box.value for box in form["meeting_date"].boxes] == ["31", "2", "2026"]


def test_the_boxes_start_from_the_initial_date():
    form = MeetingForm(initial={"meeting_date": datetime.date(2026, 3, 7)})
    html = render_to_string("partials/govuk_field.html", {"field": form["meeting_date"]})
    assert 'name="meeting_date-day" type="text" inputmode="numeric"' in html
    assert 'id="id_meeting_date-day"' in html and 'value="7"' in html
    assert 'id="id_meeting_date-month"' in html and 'value="3"' in html
    assert 'id="id_meeting_date-year"' in html and 'value="2026"' in html


def test_rendered_in_the_govuk_date_input_pattern():
    form = MeetingForm({"committee": "cabinet", **boxes("27", "", "2026")})
    html = render_to_string("partials/govuk_field.html", {"field": form["meeting_date"]})
    assert 'type="date"' not in html
    assert '<fieldset class="govuk-fieldset" role="group"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Meeting date' in html
    assert "For example, 27 3 2026" in html
    assert html.count('class="govuk-date-input__item"') == 3
    assert html.count("govuk-input--width-2") == 2 and html.count("govuk-input--width-4") == 1
    # Only the month is marked: it is the box at fault.
    assert html.count("govuk-input--error") == 1
    assert 'govuk-input--width-2 govuk-input--error" id="id_meeting_date-month"' in html
    assert "The meeting date must include a month" in html
    summary = render_to_string("partials/error_summary.html", {"form": form})
    assert '<a href="#id_meeting_date-month">The meeting date must include a month</a>' in summary


def test_a_help_text_comes_before_the_example():
    form = MeetingForm()
    form.fields["meeting_date"].help_text = "The day of the meeting"
    html = render_to_string("partials/govuk_field.html", {"field": form["meeting_date"]})
    assert "The day of the meeting. For example, 27 3 2026" in html


def test_djangos_generic_messages_give_way_to_plain_ones():
    said = errors(
        {**boxes("1", "1", "2026"), "percent": "140", "committee": "x", "title": "long!!"}
    )
    assert said == {
        "percent": ["The % complete must be between 0 and 100"],
        "committee": ["Select a committee from the list"],
        "title": ["The title must be 5 characters or fewer"],
    }
    assert errors({**boxes("1", "1", "2026"), "percent": "4.5"})["percent"] == [
        "Enter the % complete as a whole number"
    ]
    form = MeetingForm({**boxes("1", "1", "2026")})
    assert form.errors["committee"] == ["Select a committee"]


def test_a_forms_own_messages_are_kept():
    class Own(PlainForm):
        title = forms.CharField(error_messages={"required": "Enter the report's subject"})

    assert Own({}).errors["title"] == ["Enter the report's subject"]


@pytest.mark.django_db
def test_the_account_forms_speak_plainly_too(client, officer):
    response = client.post("/accounts/password_reset/", {"email": "not-an-address"})
    assert "Enter your email address in the correct format, like name@example.com" in (
        response.content.decode()
    )
    assert "Enter a valid email address" not in response.content.decode()
    client.force_login(officer)
    page = client.post("/accounts/password_change/", {}).content.decode()
    assert "Enter a new password" in page
    assert "This field is required" not in page
