"""Dashboards, the action table and the cross-plan views, read as a person would read them."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplans.models import Action, ActionLead, Plan, Workstream
from councils.models import (
    Committee,
    CorporatePriority,
    Council,
    Department,
    PortfolioHolder,
    User,
    Ward,
)

pytestmark = pytest.mark.django_db

NORWICH = ("norwich", "reducing-inequalities-2015-16")
CITY = ("example-city", "equalities-action-plan-2013-2016")


def url(name, *args):
    return reverse(f"actionplans:{name}", args=args)


def text(response) -> str:
    """The page as a person reads it: tags stripped, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".").strip()


def login(client, username):
    client.force_login(User.objects.get(username=username))


# Plan dashboard ------------------------------------------------------------------------------


def test_dashboard_as_at_a_quarter_end_shows_cabinet_figures(client):
    response = client.get(url("plan-detail", *NORWICH), {"as_at": "2015-12-31"})
    page = text(response)
    assert response.status_code == 200
    assert "Progress as at 31 December 2015 Q3 2015/16" in page
    assert (
        "9 (53%) of 17 actions are complete or on target; 1 (6%) are overdue; "
        "7 (41%) have not started." in page
    )
    assert "Overdue (1)" in page and "Promote food growing" in page
    assert "Status of actions by workstream" in page
    assert "<svg" in response.content.decode()
    assert "The numbers in this chart" in page


def test_a_finished_plan_opens_at_its_end_and_offers_today_and_past_quarters(client):
    """Norwich's plan ran to March 2016: its page opens as at 31 March 2016, not as a page
    of red today, and offers today beside the quarters."""
    response = client.get(url("plan-detail", *NORWICH))
    page = text(response)
    assert "Progress as at 31 March 2016 Q4 2015/16" in page
    assert "The plan's period ended on 31 March 2016" in page
    assert "Show progress as at today" in page
    options = re.findall(r'<option value="([^"]*)"', response.content.decode())
    assert options[0] == "" and options[1] == datetime.date.today().isoformat()
    assert "2015-12-31" in options and "2015-06-30" in options
    assert "2016-03-31" not in options  # the default, already first
    assert "2014-03-31" not in options  # before the plan started
    today = client.get(url("plan-detail", *NORWICH), {"as_at": options[1]})
    assert "Progress as at today" in text(today)


def test_a_running_plan_opens_today(client):
    Plan.objects.filter(slug=NORWICH[1]).update(period_end=None)
    page = text(client.get(url("plan-detail", *NORWICH)))
    assert "Progress as at today" in page and "Show progress as at today" not in page


def test_dashboard_rejects_a_date_it_did_not_offer(client):
    response = client.get(url("plan-detail", *NORWICH), {"as_at": "1999-01-01"})
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose today or the end of one of the listed quarters." in page
    assert "Progress as at 31 March 2016" in page
    assert "<title>Error:" in response.content.decode()


def test_dashboard_lists_changes_since_last_quarter(client):
    login(client, "city-councillor")
    page = text(client.get(url("plan-detail", *CITY), {"as_at": "2013-09-30"}))
    assert "Changed since 30 June 2013 (4)" in page
    assert "Under control Complete" in page  # was, now


def test_dashboard_shows_outline_with_status_as_at_the_date(client):
    page = text(client.get(url("plan-detail", *NORWICH), {"as_at": "2015-09-30"}))
    # Universal Credit was "Yet to start" in July 2015 and "On target" by 20 October.
    section = page[page.index("Actions by workstream") :]
    assert "Ensure a smooth transition to Universal Credit" in section
    uc = section[section.index("Ensure a smooth transition") :][:300]
    assert "Yet to start" in uc and "On target" not in uc


def test_council_colour_and_name_brand_the_pages(client):
    council = Council.objects.get(slug="norwich")
    council.brand_colour = "#8a1538"
    council.save()
    html = client.get(url("plan-detail", *NORWICH)).content.decode()
    theme = url("council-theme", "norwich", "8a1538")
    assert theme in html
    assert 'class="govuk-generic-header__homepage-link">Norwich City Council<' in html
    css = client.get(theme)
    assert css["Content-Type"].startswith("text/css")
    assert "background-color: #8a1538" in css.content.decode()
    assert client.get(url("council-theme", "norwich", "000000")).status_code == 404
    assert "crown" not in html.lower() and "GDS Transport" not in html


def test_brand_colour_must_be_readable_under_white_text():
    council = Council.objects.get(slug="norwich")
    council.brand_colour = "#ffdd00"
    with pytest.raises(ValidationError, match="contrast"):
        council.full_clean()
    council.brand_colour = "red"
    with pytest.raises(ValidationError):
        council.full_clean()


# Action table --------------------------------------------------------------------------------


def table_records(response) -> list[Action]:
    return [row.record for row in response.context["table"].page.object_list]


def table_titles(response) -> list[str]:
    return [action.title for action in table_records(response)]


def test_action_table_lists_filters_and_sorts(client):
    actions_url = url("plan-actions", *NORWICH)
    response = client.get(actions_url)
    assert response.status_code == 200
    assert "Showing 1 to 17 of 17 actions" in text(response)
    on_target = response.context["filter"].form.fields["status"].queryset.get(label="On target")
    response = client.get(actions_url, {"status": on_target.pk})
    assert [t[:40] for t in table_titles(response)] == ["Ensure a smooth transition to Universal "]
    lns = Department.objects.get(council__slug="norwich", name="Local Neighbourhood Services")
    response = client.get(actions_url, {"lead": lns.pk, "rag": "grey"})
    titles = table_titles(response)
    assert "Encourage residents to take up benefits they are eligible for" in titles
    assert all(
        Action.objects.get(plan__slug=NORWICH[1], title=t).status.rag == "grey" for t in titles
    )
    response = client.get(actions_url, {"q": "Lakenham"})
    assert [t[:40] for t in table_titles(response)] == [
        "Maximise opportunities for residents to ",
        "Plan and instigate delivery of an area-b",
    ]
    response = client.get(
        actions_url,
        {"deadline_from": "2016-01-01", "deadline_to": "2016-12-31", "sort": "deadline"},
    )
    deadlines = [a.deadline_date for a in table_records(response)]
    assert deadlines == sorted(deadlines) and deadlines[0] >= datetime.date(2016, 1, 1)


def test_action_table_filters_by_ward_partner_aim_and_overdue(client):
    login(client, "city-councillor")
    response = client.get(url("plan-actions", *CITY), {"aim": "foster"})
    assert sorted(a.reference for a in table_records(response)) == sorted(
        ["7.", "13.", "16.", "17."]
    )
    response = client.get(url("plan-actions", *CITY), {"overdue": "true"})
    refs = {a.reference for a in table_records(response)}
    assert "2." not in refs  # complete
    assert "5." not in refs and "18." not in refs  # ongoing, undated
    assert "12." in refs
    lakenham = Ward.objects.get(council__slug="norwich", name="Lakenham")
    response = client.get(
        url("plan-actions", "norwich", "lakenham-pilot-activity"),
        {"ward": lakenham.pk, "partner": ""},
    )
    assert len(table_records(response)) == 7


def test_filters_survive_sorting_and_paging(client, plans_a, council_a):
    plan = plans_a["public"]
    Action.objects.bulk_create(
        Action(plan=plan, title=f"Jobs fair {i:02d}", order=i) for i in range(30)
    )
    Action.objects.create(plan=plan, title="Unrelated", order=99)
    response = client.get(
        url("plan-actions", "anytown", "public-plan"), {"q": "jobs", "sort": "-title"}
    )
    html = response.content.decode()
    assert "Showing 1 to 25 of 30 actions" in text(response)
    next_link = (
        re.search(r'href="([^"]*page=2[^"]*)" rel="next"', html).group(1).replace("&amp;", "&")
    )
    assert "q=jobs" in next_link and "sort=-title" in next_link
    page2 = client.get(url("plan-actions", "anytown", "public-plan") + next_link)
    assert table_titles(page2) == [f"Jobs fair {i:02d}" for i in range(4, -1, -1)]
    sort_links = re.findall(r'href="(\?[^"]*sort=[^"]*)"', html)
    assert sort_links and all("q=jobs" in link for link in sort_links)


def test_action_table_reports_a_bad_date(client):
    response = client.get(url("plan-actions", *NORWICH), {"deadline_from": "31/02/2016"})
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem with the filters" in page
    assert "Deadline from: The earliest deadline must be a real date" in page


def test_action_table_never_shows_hidden_plans(client, plans_a, member):
    for plan in plans_a.values():
        Action.objects.create(plan=plan, title=f"Action in {plan.slug}")
    client.force_login(member)
    assert client.get(url("plan-actions", "anytown", "private-plan")).status_code == 404
    assert client.get(url("plan-actions", "anytown", "draft-plan")).status_code == 404


# Cross-plan views ----------------------------------------------------------------------------


def hidden_action_setup(plans_a, council_a):
    dept = Department.objects.create(council=council_a, name="Secret Service")
    ward = Ward.objects.create(council=council_a, name="Hidden Ward")
    for key in ("private", "draft", "members", "public"):
        action = Action.objects.create(plan=plans_a[key], title=f"Led in {key}")
        ActionLead.objects.create(action=action, department=dept)
        action.wards.add(ward)
    return dept, ward


def test_department_and_ward_views_count_only_visible_actions(client, plans_a, council_a, member):
    dept, ward = hidden_action_setup(plans_a, council_a)
    response = client.get(url("department-list", "anytown"))
    assert [(d.name, d.action_count) for d in response.context["departments"]] == [
        ("Secret Service", 1)
    ]
    titles = table_titles(client.get(url("department-detail", "anytown", dept.pk)))
    assert titles == ["Led in public"]
    client.force_login(member)
    titles = table_titles(client.get(url("ward-detail", "anytown", ward.pk)))
    assert sorted(titles) == ["Led in members", "Led in public"]
    assert [
        (w.name, w.action_count) for w in client.get(url("ward-list", "anytown")).context["wards"]
    ] == [("Hidden Ward", 2)]


def test_an_action_led_jointly_is_listed_once_and_the_list_needs_no_distinct(
    client, plans_a, council_a
):
    """An action with two lead departments in two wards comes once on the department and
    ward pages, filtered by lead, ward or partner too: the links are matched in subqueries,
    so the database pages and counts the actions without working out every one's state
    first (SELECT DISTINCT over the state's columns did, 100 ms at 1,000 actions)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from councils.models import Partner

    first = Department.objects.create(council=council_a, name="Joint lead one")
    second = Department.objects.create(council=council_a, name="Joint lead two")
    wards = [Ward.objects.create(council=council_a, name=f"Joint ward {n}") for n in (1, 2)]
    partner = Partner.objects.create(council=council_a, name="Joint partner")
    action = Action.objects.create(plan=plans_a["public"], title="Led jointly")
    ActionLead.objects.create(action=action, department=first, order=0)
    ActionLead.objects.create(action=action, department=second, order=1)
    action.wards.add(*wards)
    action.partners.add(partner)
    pages = [
        url("department-detail", "anytown", first.pk),
        url("department-detail", "anytown", first.pk) + f"?lead={second.pk}",
        url("ward-detail", "anytown", wards[0].pk) + f"?ward={wards[1].pk}&lead={first.pk}",
        url("ward-detail", "anytown", wards[1].pk) + f"?partner={partner.pk}",
        url("plan-actions", "anytown", plans_a["public"].slug) + f"?lead={second.pk}",
    ]
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert table_titles(response) == ["Led jointly"], page
        assert response.context["table"].page.paginator.count == 1, page
        listing = [
            q["sql"] for q in queries.captured_queries if 'FROM "actionplans_action" ' in q["sql"]
        ]
        assert listing and not any("DISTINCT" in sql for sql in listing), page


def test_department_of_another_council_is_404(client, council_b):
    other = Department.objects.create(council=council_b, name="Elsewhere")
    assert client.get(url("department-detail", "norwich", other.pk)).status_code == 404


def test_ward_view_shows_lakenham_work(client):
    lakenham = Ward.objects.get(council__slug="norwich", name="Lakenham")
    page = text(client.get(url("ward-detail", "norwich", lakenham.pk)))
    assert "Actions in Lakenham ward" in page
    assert "GP referrals to debt advice" in page
    assert "Plan and instigate delivery of an area-based initiative in Lakenham" in page


def test_portfolio_and_committee_views(client, plans_a, council_a):
    holder = PortfolioHolder.objects.create(
        council=council_a, title="Cabinet member for jobs", portfolio="Jobs"
    )
    cabinet = Committee.objects.create(council=council_a, name="Cabinet", kind="cabinet")
    for plan in plans_a.values():
        plan.portfolio_holders.add(holder)
        plan.approved_by = cabinet
        plan.save()
    page = text(client.get(url("portfolio-list", "anytown")))
    assert "Cabinet member for jobs" in page and "Public Plan" in page
    assert "Private Plan" not in page and "Draft Plan" not in page and "Members Plan" not in page
    page = text(client.get(url("committee-list", "anytown")))
    assert "Public Plan" in page and "Private Plan" not in page
    norwich = text(client.get(url("portfolio-list", "norwich")))
    assert "Cabinet member for fairness and equality" in norwich
    assert "Reducing Inequalities Action Plan 2015-16" in norwich


def test_alignment_matrix_ticks_priorities(client, plans_a, council_a):
    fair = CorporatePriority.objects.create(council=council_a, title="A fair borough", order=1)
    CorporatePriority.objects.create(council=council_a, title="A green borough", order=2)
    plans_a["public"].corporate_priorities.add(fair)
    plans_a["private"].corporate_priorities.add(fair)
    response = client.get(url("alignment", "anytown"))
    assert [(p.title, ticks) for p, ticks in response.context["rows"]] == [
        ("Public Plan", [True, False])
    ]
    page = text(response)
    assert "A fair borough" in page and "A green borough" in page
    assert "Serves this priority" in page


def test_equality_duty_matrix(client):
    login(client, "city-councillor")
    response = client.get(url("plan-equality", *CITY))
    page = text(response)
    assert "Eliminate discrimination, harassment and victimisation: 5 actions" in page
    assert "Advance equality of opportunity: 12 actions" in page
    assert "Foster good relations: 4 actions" in page
    assert "Serving none of the aims: 2 actions" in page
    row = next(flags for action, flags in response.context["rows"] if action.reference == "13.")
    assert row == [False, True, True]


def test_council_page_summarises_each_plan_and_links_the_views(client):
    response = client.get(url("council-detail", "norwich"))
    page = text(response)
    plan = next(p for p in response.context["plans"] if p.slug == NORWICH[1])
    # The same first sentence as the plan's own page, which opens at the plan's end.
    own_page = text(client.get(url("plan-detail", *NORWICH)))
    assert plan.tally.sentence() in own_page
    assert f"As at 31 March 2016, when the plan ended: {plan.tally.sentence()}" in page
    assert plan.tally.total == 17 == sum(plan.tally.counts.values())
    for link in [
        "Actions by lead department",
        "Actions by ward",
        "Plans by portfolio holder",
        "Plans by committee",
        "How plans align with corporate priorities",
    ]:
        assert link in page


# Query counts: constant in the number of actions ---------------------------------------------


@pytest.fixture
def big_plan(request, plans_a, council_a):
    size = request.param
    plan = plans_a["public"]
    ws = Workstream.objects.create(plan=plan, title="Everything", order=1)
    dept = Department.objects.create(council=council_a, name="Big Department")
    ward = Ward.objects.create(council=council_a, name="Big Ward")
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            workstream=ws,
            title=f"Action {i}",
            order=i,
            serves_advance_equality=i % 2 == 0,
            deadline_date=datetime.date(2016, 1, 1),
            deadline_precision="month",
            deadline_text="January 2016",
        )
        for i in range(size)
    )
    ActionLead.objects.bulk_create(ActionLead(action=a, department=dept) for a in actions)
    Action.wards.through.objects.bulk_create(
        Action.wards.through(action=a, ward=ward) for a in actions
    )
    return plan, dept, ward


@pytest.mark.parametrize("big_plan", [10, 500], indirect=True)
def test_page_queries_do_not_grow_with_actions(client, big_plan, django_assert_max_num_queries):
    plan, dept, ward = big_plan
    pages = {
        url(
            "plan-detail", "anytown", plan.slug
        ): 13,  # 12, and the council's version that keeps a visitor's plan lookup
        url("plan-actions", "anytown", plan.slug): 14,
        url("plan-equality", "anytown", plan.slug): 8,
        url("council-detail", "anytown"): 6,
        url("department-list", "anytown"): 6,
        url("department-detail", "anytown", dept.pk): 14,
        url("ward-list", "anytown"): 6,
        url("ward-detail", "anytown", ward.pk): 14,
        url("portfolio-list", "anytown"): 8,
        url("committee-list", "anytown"): 8,
        url("alignment", "anytown"): 8,
    }
    for page_url, limit in pages.items():
        with django_assert_max_num_queries(limit):
            assert client.get(page_url).status_code == 200, page_url


def test_plan_is_listed_once_whatever_its_statuses(client):
    page = text(client.get(url("council-detail", "norwich")))
    assert page.count("Reducing Inequalities Action Plan 2015-16") == 1
    assert Plan.objects.filter(council__slug="norwich").count() == 2


def test_long_lists_on_the_dashboard_are_capped_with_a_link_to_all(client, plans_a):
    plan = plans_a["public"]
    Action.objects.bulk_create(
        Action(
            plan=plan,
            title=f"Late {i:02d}",
            order=i,
            deadline_date=datetime.date(2015, 1, 1),
            deadline_precision="month",
            deadline_text="January 2015",
        )
        for i in range(25)
    )
    response = client.get(url("plan-detail", "anytown", plan.slug))
    page = text(response)
    assert "Overdue (25)" in page
    assert "Late 19" in page and "Late 20" not in page.split("Actions by workstream")[0]
    assert "See all 25 overdue actions" in page
    table = client.get(url("plan-actions", "anytown", plan.slug), {"overdue": "true"})
    assert "Showing 1 to 25 of 25 actions" in text(table)
