"""Property-based tests (hypothesis): the deadline parser and the importer's header detection
hold their promises for any input, and posted forms filled with arbitrary data are answered
with a page or a 4xx, never a 500."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from actionplans.deadlines import Precision, parse_deadline
from actionplans.imports import ImportProblem, Row, Table, field_for_header, find_header

MONTHS = [datetime.date(2000, m, 1).strftime("%B") for m in range(1, 13)]


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_without_raising_and_keeps_its_words(text):
    parsed = parse_deadline(text)
    assert parsed.text == " ".join(text.split())
    assert parsed.precision in {p.value for p in Precision}
    if parsed.precision == Precision.NONE:
        assert parsed.date is None
    if parsed.date is not None:
        assert datetime.date(1900, 1, 1) <= parsed.date <= datetime.date(2200, 12, 31)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MONTHS), st.integers(1990, 2090), st.integers(1, 12))
def test_a_month_and_year_is_the_last_day_of_that_month(month, year, fy_start):
    parsed = parse_deadline(f"{month} {year}", fy_start_month=fy_start)
    assert parsed.precision == Precision.MONTH
    assert parsed.date.year == year and parsed.date.strftime("%B") == month
    assert (parsed.date + datetime.timedelta(days=1)).day == 1


@settings(max_examples=200, deadline=None)
@given(st.integers(1990, 2090), st.integers(1, 4), st.integers(1, 12))
def test_a_quarter_ends_within_its_financial_year(start_year, quarter, fy_start):
    label = f"Q{quarter} {start_year}/{(start_year + 1) % 100:02d}"
    parsed = parse_deadline(label, fy_start_month=fy_start)
    assert parsed.precision == Precision.QUARTER
    year_start = datetime.date(start_year, fy_start, 1)
    next_year_start = datetime.date(start_year + 1, fy_start, 1)
    assert year_start <= parsed.date < next_year_start
    assert (parsed.date + datetime.timedelta(days=1)).day == 1  # a month's last day


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(MONTHS), st.integers(1990, 2090), st.text(max_size=40))
def test_onwards_is_ongoing_whatever_follows(month, year, tail):
    assume("to" not in tail.lower() and "-" not in tail and "until" not in tail.lower())
    parsed = parse_deadline(f"{month} {year} onwards {tail}")
    assert parsed.precision == Precision.ONGOING


HEADER_WORDS = ["Action", "Lead", "Deadline", "Status", "Comments", "Ref", "Ward", "Partners"]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.lists(st.text(max_size=15), max_size=6), max_size=8),
    st.permutations(HEADER_WORDS),
    st.integers(2, 8),
)
def test_the_header_is_found_below_any_title_rows(title_rows, words, width):
    header = ["Action", *words[:width]]
    header = list(dict.fromkeys(header))  # each heading once
    assume(all(not any(field_for_header(c) for c in row if c) for row in title_rows))
    rows = [Row(i + 1, [c or None for c in row]) for i, row in enumerate(title_rows)]
    rows.append(Row(len(rows) + 1, list(header)))
    rows.append(Row(len(rows) + 1, ["Do something useful"] + ["x"] * (len(header) - 1)))
    width_all = max(len(r.cells) for r in rows)
    for row in rows:
        row.cells += [None] * (width_all - len(row.cells))
    found = find_header(Table(rows, sheet="Sheet1"))
    assert found.row == len(title_rows) + 1
    assert found.roles[0] == "title"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=6), max_size=10))
def test_header_detection_finds_one_or_says_why(cells):
    width = max([len(r) for r in cells] + [1])
    rows = [Row(i + 1, r + [None] * (width - len(r))) for i, r in enumerate(cells)]
    try:
        header = find_header(Table(rows, sheet="Sheet1"))
    except ImportProblem as problem:
        assert problem.message.startswith(
            ("No header row found", "No column holds the actions' titles", "This sheet is laid")
        )
    else:
        assert "title" in header.roles.values()


# Fuzzed form posts: arbitrary strings in every field, as a signed-in officer or clerk.

FORMS = [
    ("norwich-officer", lambda: reverse("actionplans:my-actions")),
    ("norwich-democratic-services", lambda: reverse("reports:report-create", args=["norwich"])),
    ("norwich-democratic-services", lambda: reverse("impact:assessment-create", args=["norwich"])),
    ("norwich-plan-manager", lambda: reverse("scrutiny:source-create", args=["norwich"])),
    ("norwich-plan-manager", lambda: reverse("actionplans:plan-import", args=["norwich"])),
]
FIELDS = [
    "status",
    "percent_complete",
    "commentary",
    "version",
    "committee",
    "meeting_date",
    "subject",
    "report_of",
    "template",
    "report_subject",
    "committee_date",
    "title",
    "date",
    "kind",
    "plan",
    "as_at",
    "contacts-TOTAL_FORMS",
    "contacts-INITIAL_FORMS",
    "page",
    "response_due",
    "is_published",
    "spreadsheet",
]
junk = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "-1",
            "0",
            "999999999999999999999",
            "1e309",
            "NaN",
            "2015-02-30",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "../../etc/passwd",
        ]
    ),
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(FORMS), st.dictionaries(st.sampled_from(FIELDS), junk, max_size=10))
def test_fuzzed_posts_get_a_page_or_a_4xx_never_a_500(client, form, data):
    from councils.models import User

    username, url = form
    client.force_login(User.objects.get(username=username))
    response = client.post(url(), data)
    assert response.status_code < 500


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(
            FIELDS + ["as_at", "q", "rag", "ward", "lead", "sort", "per_page", "row", "source"]
        ),
        junk,
        max_size=6,
    )
)
def test_fuzzed_query_strings_on_list_and_filter_pages_never_500(client, params):
    from actionplans.models import Department, Ward
    from councils.models import User

    norwich = "norwich"
    department = Department.objects.filter(council__slug=norwich, actions_led__isnull=False)
    ward = Ward.objects.filter(council__slug=norwich, actions__isnull=False)
    pages = [
        reverse("actionplans:plan-detail", args=[norwich, "reducing-inequalities-2015-16"]),
        reverse("actionplans:plan-actions", args=[norwich, "reducing-inequalities-2015-16"]),
        reverse("actionplans:department-detail", args=[norwich, department.first().pk]),
        reverse("actionplans:ward-detail", args=[norwich, ward.first().pk]),
        reverse("actionplans:department-list", args=[norwich]),
        reverse("actionplans:ward-list", args=[norwich]),
        reverse("impact:assessment-list", args=[norwich]),
        reverse("impact:all"),
        reverse("impact:areas", args=[norwich]),
        reverse("scrutiny:register", args=[norwich]),
        reverse("reports:papers", args=[norwich]),
    ]
    signed_in = [
        reverse("actionplans:my-actions"),
        reverse("actionplans:approvals", args=[norwich]),
        reverse("actionplans:missing-updates", args=[norwich]),
        reverse("reports:report-list", args=[norwich]),
    ]
    for url in pages:
        assert client.get(url, params).status_code < 500, url
    client.force_login(User.objects.get(username="norwich-admin"))
    for url in pages + signed_in:
        response = client.get(url, params)
        assert response.status_code < 500, url
        if any("\x00" in key + value for key, value in params.items()):
            assert response.status_code == 400
