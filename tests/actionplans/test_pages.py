"""Every page with the demo data, read as a person would read it."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from actionplans.models import Action, Plan
from councils.models import Council, User
from reports.tasks import generate_report
from scrutiny.models import ResponseOption, Source

pytestmark = pytest.mark.django_db

NORWICH_PLAN = ("norwich", "reducing-inequalities-2015-16")
CITY_PLAN = ("example-city", "equalities-action-plan-2013-2016")


def plan_url(council_slug: str, plan_slug: str) -> str:
    return reverse("actionplans:plan-detail", args=[council_slug, plan_slug])


def login(client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


def test_home_lists_councils_with_the_plans_the_public_can_see(client):
    response = client.get(reverse("actionplans:home"))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ["Norwich City Council", "Warwickshire County Council", "Example City Council"]:
        assert name in html
    councils = {c.slug: c.plan_count for c in response.context["councils"]}
    assert councils["norwich"] == 2
    assert councils["warwickshire"] == 1
    assert councils["example-city"] == 0  # its only plan is for councillors and officers


def test_home_counts_members_plans_for_a_councillor(client):
    login(client, "city-councillor")
    councils = {
        c.slug: c.plan_count for c in client.get(reverse("actionplans:home")).context["councils"]
    }
    assert councils["example-city"] == 1


def test_council_page_lists_its_published_plans(client):
    response = client.get(reverse("actionplans:council-detail", args=["norwich"]))
    html = response.content.decode()
    assert "Reducing Inequalities Action Plan 2015-16" in html
    assert "Outline pilot activity within Lakenham" in html
    assert "April 2015 to March 2016" in html
    assert "Cabinet 4 November 2015" in html


def test_council_page_explains_when_nothing_is_public(client):
    html = client.get(reverse("actionplans:council-detail", args=["example-city"])).content.decode()
    assert "Example City Council has not published any plans yet" in html
    assert "Draft Equalities Action Plan" not in html


def test_unknown_council_is_404_with_a_helpful_page(client):
    response = client.get(reverse("actionplans:council-detail", args=["nowhere"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_plan_page_shows_workstreams_actions_and_statuses(client, django_assert_max_num_queries):
    # 12 for the dashboard, one each for its papers, assessments and recommendations, and
    # the council's version under which a signed-out visitor's plan lookup is kept.
    with django_assert_max_num_queries(16):
        response = client.get(plan_url(*NORWICH_PLAN))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Coordinate and maximise advice and support for residents hardest hit by welfare changes"
        in html
    )
    assert "Delivery mechanisms" in html
    assert (
        "Ensure a smooth transition to Universal Credit which minimises negative impacts on"
        " residents" in html
    )
    assert "Jobs Fair delivered and local activity trialled in Lakenham" in html
    assert "November 2015 onwards" in html
    assert "Local Neighbourhood Services, Strategy, Housing, Strategic Housing" in html
    outline = html[html.index("Actions by workstream") :]
    assert outline.count('govuk-tag--green status status--green">On target<') == 1
    assert "Cabinet member for fairness and equality" in html
    assert "A fair city" in html
    assert ">Ref<" not in html  # the paper has no references, so no empty column


def test_plan_page_query_count_does_not_grow_with_actions(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = plan_url(*NORWICH_PLAN)
    with CaptureQueriesContext(connection) as cold:
        client.get(url)  # draws the body
    with CaptureQueriesContext(connection) as warm:
        client.get(url)  # reads it from the cache
    assert len(warm) < len(cold)
    plan = Plan.objects.get(slug=NORWICH_PLAN[1])
    template = plan.actions.first()
    for i in range(10):
        Action.objects.create(
            plan=plan, workstream=template.workstream, title=f"Extra {i}", order=100 + i
        )
    # The new actions raised the council's version: the body is drawn again, shows them, and
    # costs the same queries as before; then it is read from the cache again.
    with django_assert_num_queries(len(cold)):
        html = client.get(url).content.decode()
    assert "Extra 9" in html
    with django_assert_num_queries(len(warm)):
        client.get(url)


def test_a_big_plans_outline_links_each_workstream_to_its_actions(client, monkeypatch):
    from actionplans import views

    url = plan_url(*NORWICH_PLAN)
    plan = Plan.objects.get(slug=NORWICH_PLAN[1])
    assert "Promote food growing" in client.get(url).content.decode()  # listed in full
    monkeypatch.setattr(views, "OUTLINE_ACTIONS", 5)
    Plan.objects.get(pk=plan.pk).save()  # a new content version: drawn afresh
    html = client.get(url).content.decode()
    assert "This plan has 17 actions, too many to list on one page" in html
    workstream = plan.workstreams.get(title__startswith="Coordinate and maximise advice")
    count = plan.actions.filter(workstream=workstream).count()
    link = reverse("actionplans:plan-actions", args=NORWICH_PLAN) + f"?workstream={workstream.pk}"
    assert f'{count} actions. <a class="govuk-link" href="{link}">' in html
    # The dashboard's lists of overdue and upcoming actions still name them.
    outline = html[html.index("Actions by workstream") :]
    assert "Promote food growing" not in outline
    listed = client.get(link).content.decode()
    assert f"of {count} action" in listed


def test_action_table_queries_do_not_grow_with_its_rows(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("actionplans:plan-actions", args=NORWICH_PLAN)
    client.get(url)  # a signed-out visitor's plan lookup is kept from the first request on
    with CaptureQueriesContext(connection) as five:
        client.get(url + "?per_page=5&sort=status")
    # Twenty rows read their state from the read model, not a status query each.
    with django_assert_num_queries(len(five)):
        html = client.get(url + "?per_page=20&sort=status").content.decode()
    assert html.count('data-label="Status"') == 17


def test_two_level_plan_shows_strands_and_objectives(client):
    login(client, "city-councillor")
    html = client.get(plan_url(*CITY_PLAN)).content.decode()
    assert "Strategic Planning" in html
    assert "Objective 1: To consider the needs of and impact on diverse communities" in html
    assert ">Ref<" in html and ">18.<" in html


def test_strategy_page_shows_budget_per_financial_year(client):
    html = client.get(plan_url("warwickshire", "tackling-social-inequalities")).content.decode()
    assert "2021/22" in html and "£300,000" in html
    assert "2023/24" in html and "£250,000" in html
    assert "Preventing Vulnerability fund" in html
    assert "Supporting people to maximise and manage their income" in html


def test_action_page_shows_every_field_and_history(client, django_assert_max_num_queries):
    login(client, "city-councillor")
    action_url = Action.objects.get(plan__slug=CITY_PLAN[1], reference="3.").get_absolute_url()
    # 15: one of them lists the scrutiny recommendations the action delivers.
    with django_assert_max_num_queries(16):
        response = client.get(action_url)
    html = response.content.decode()
    assert "3. Improving the quality of life for vulnerable and disabled residents" in html
    assert "Agree specific action by March 2013" in html
    assert "Counted as 31 March 2013 (month)" in html
    assert "Overdue" in html
    assert "Director of Health and Adult Social Care" in html
    assert "Advance equality of opportunity" in html
    assert "Q2 2013/14: Achieved or on target, 50% complete" in html
    assert "by Senior Manager, Customer and Business Improvement" in html
    assert "41.5" in html and "41.50" not in html
    assert "Last updated" in html and "30 September 2013" in html


def test_action_page_with_fuzzy_and_ongoing_deadlines(client):
    action = Action.objects.get(title__startswith="Maximising external funding")
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Ongoing: never counted as overdue" in html
    assert "Review of policies and opportunities as they come up" in html
    assert "Overdue" not in html


def test_action_page_shows_partners_and_ward(client):
    action = Action.objects.get(title="Get Active sessions")
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Lakenham" in html
    assert "Walk Norwich" in html
    assert "As written in the plan: Bicycle Links, Walk Norwich, Active Norfolk" in html
    assert "Reducing excess weight, reducing isolation" in html


def test_officer_names_shown_only_when_the_council_allows(client):
    action = Action.objects.get(title="Get Active sessions")
    action.lead_officer_name = "Named Person"
    action.save()
    assert "Named Person" not in client.get(action.get_absolute_url()).content.decode()
    council = action.plan.council
    council.show_officer_names = True
    council.save()
    assert "Named Person" in client.get(action.get_absolute_url()).content.decode()


def test_members_plan_is_404_for_the_public_and_200_for_its_councillor(client):
    url = plan_url(*CITY_PLAN)
    assert client.get(url).status_code == 404
    login(client, "norwich-councillor")  # a councillor, but of another council
    assert client.get(url).status_code == 404
    login(client, "city-councillor")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("key", ["private", "draft"])
def test_private_and_draft_plans_are_hidden_from_members_and_outsiders(
    client, plans_a, key, member, outsider, plan_manager
):
    plan = plans_a[key]
    action = Action.objects.create(plan=plan, title="Secret action")
    for user, expected in [(None, 404), (member, 404), (outsider, 404), (plan_manager, 200)]:
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(plan.get_absolute_url()).status_code == expected
        assert client.get(action.get_absolute_url()).status_code == expected
        council_html = client.get(
            reverse("actionplans:council-detail", args=[plan.council.slug])
        ).content.decode()
        assert (plan.title in council_html) == (expected == 200)


def test_action_cannot_be_reached_through_another_plans_url(client, plans_a):
    hidden = Action.objects.create(plan=plans_a["private"], title="Hidden")
    guessed = reverse("actionplans:action-detail", args=["anytown", "public-plan", hidden.pk])
    assert client.get(guessed).status_code == 404


def test_sign_in_and_sign_out(client):
    response = client.post(
        reverse("login"),
        {"username": "city-councillor", "password": "demo-council-2015"},
        follow=True,
    )
    assert response.context["user"].username == "city-councillor"
    assert "Sign out" in response.content.decode()
    response = client.post(reverse("logout"), follow=True)
    assert not response.context["user"].is_authenticated
    assert "Sign in" in response.content.decode()


def test_wrong_password_shows_an_error_summary(client):
    response = client.post(reverse("login"), {"username": "city-councillor", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a correct username and password" in html
    assert "<title>Error: Sign in" in html


ADMIN_MODELS = [
    pytest.param((m._meta.app_label, m._meta.model_name), id=m._meta.label_lower)
    for m in admin.site._registry
]


@pytest.mark.parametrize("info", ADMIN_MODELS)
def test_admin_changelist_and_first_object_open(client, info, settings):
    login(client, "admin")
    model = next(m for m in admin.site._registry if (m._meta.app_label, m._meta.model_name) == info)
    if model is Group and not Group.objects.exists():
        Group.objects.create(name="Performance team")
    if info == ("scrutiny", "responseoption"):  # a council's words, made when first needed
        ResponseOption.for_council(Council.objects.get(slug="norwich"))
    if info == ("scrutiny", "source") and not Source.objects.exists():  # no demo register
        Source.objects.create(
            council=Council.objects.get(slug="norwich"),
            title="Welfare reforms scrutiny inquiry",
            date=datetime.date(2014, 3, 10),
        )
    if info == ("django_tasks_database", "dbtaskresult"):  # the worker's queue, for operators
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        generate_report.enqueue(0)
    if info == ("api", "apitoken"):  # made by people on their account page
        from api.models import ApiToken

        ApiToken.issue(User.objects.get(username="admin"), "Power BI refresh", can_write=False)
    if info == ("following", "emailfollow"):  # made by residents on a plan's page
        from following.models import EmailFollow

        EmailFollow.objects.create(email="resident@example.org", plan=Plan.objects.public()[0])
    prefix = "admin:{}_{}".format(*info)
    response = client.get(reverse(f"{prefix}_changelist"))
    assert response.status_code == 200
    obj = model.objects.order_by("pk").first()
    if obj is None and model._meta.app_label == "axes":
        return  # login-throttling records exist only after failed sign-ins
    assert obj is not None, f"demo data has no {info[1]}"
    assert str(obj) in response.content.decode() or model.__name__ in ("User", "DBTaskResult")
    assert client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200
    assert client.get(reverse(f"{prefix}_add")).status_code in (200, 403)


def test_admin_is_closed_to_non_staff(client):
    login(client, "norwich-councillor")
    response = client.get(reverse("admin:actionplans_plan_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
