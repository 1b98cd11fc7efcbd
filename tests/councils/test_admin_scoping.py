"""The admin respects the same rules as the site: staff see and change only the rows of
councils they hold a role in (council admins the council's configuration, plan editors its
plans); superusers see every council's."""

import pytest
from django.contrib import admin
from django.urls import reverse

from actionplans.models import Action, Plan, ProgressUpdate, ReportingPeriod
from councils.models import Council, Department, Membership, Status, User, Ward
from tests.conftest import make_plan

pytestmark = pytest.mark.django_db

Role = Membership.Role


def staff(username: str, council: Council, role: str) -> User:
    user = User.objects.create_user(username=username, password="pw", is_staff=True)
    Membership.objects.create(user=user, council=council, role=role)
    return user


@pytest.fixture
def council_admin(council_a) -> User:
    return staff("council-admin-a", council_a, Role.COUNCIL_ADMIN)


@pytest.fixture
def plan_manager_staff(council_a) -> User:
    return staff("plan-manager-staff-a", council_a, Role.PLAN_MANAGER)


@pytest.fixture
def rows(council_a, council_b) -> dict:
    """One row of each kind in each council, named so that B's are easy to spot."""
    alpha = User.objects.create_user(username="alpha-person", password="pw")
    zeta = User.objects.create_user(username="zeta-person", password="pw")
    Membership.objects.create(user=alpha, council=council_a, role=Role.OFFICER)
    Membership.objects.create(user=zeta, council=council_b, role=Role.OFFICER)
    return {
        "a_department": Department.objects.create(council=council_a, name="Alpha Housing"),
        "b_department": Department.objects.create(council=council_b, name="Zeta Secret Dept"),
        "a_ward": Ward.objects.create(council=council_a, name="Alpha Ward"),
        "b_ward": Ward.objects.create(council=council_b, name="Zeta Hidden Ward"),
        "a_status": Status.objects.create(council=council_a, label="Alpha status", rag="green"),
        "b_status": Status.objects.create(council=council_b, label="Zeta status", rag="green"),
        "a_user": alpha,
        "b_user": zeta,
        "a_plan": make_plan(council_a, "alpha-plan", title="Alpha plan"),
        "b_plan": make_plan(council_b, "zeta-plan", title="Zeta secret plan"),
    }


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


# Council admins: their council's configuration, and its plans.


@pytest.mark.parametrize(
    "model, scoped_to, shown, hidden",
    [
        (Department, "council", "Alpha Housing", "Zeta Secret Dept"),
        (Ward, "council", "Alpha Ward", "Zeta Hidden Ward"),
        (Status, "council", "Alpha status", "Zeta status"),
        (Membership, "council", "alpha-person", "zeta-person"),
        (User, "memberships__council", "alpha-person", "zeta-person"),
        (Plan, "council", "Alpha plan", "Zeta secret plan"),
    ],
)
def test_council_admin_changelists_show_only_their_council(
    client, council_admin, council_a, rows, model, scoped_to, shown, hidden
):
    client.force_login(council_admin)
    response = client.get(changelist(model))
    assert response.status_code == 200
    html = response.content.decode()
    assert shown in html
    assert hidden not in html
    assert "Norwich" not in html  # nor the demo councils'
    expected = model.objects.filter(**{scoped_to: council_a}).distinct().count()
    assert response.context["cl"].result_count == expected


def test_council_filter_offers_only_their_council(client, council_admin, rows):
    client.force_login(council_admin)
    html = client.get(changelist(Department)).content.decode()
    assert "Anytown Borough Council" in html
    assert "Otherborough District Council" not in html


def test_council_admin_cannot_open_another_councils_department(client, council_admin, rows):
    client.force_login(council_admin)
    department = rows["b_department"]
    for url in [
        change_url(department),
        reverse("admin:councils_department_delete", args=[department.pk]),
        reverse("admin:councils_department_history", args=[department.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
    response = client.get(change_url(department), follow=True)
    assert "doesn’t exist" in response.content.decode()


def test_council_admin_cannot_change_or_delete_another_councils_department(
    client, council_admin, council_a, rows
):
    client.force_login(council_admin)
    department = rows["b_department"]
    response = client.post(
        change_url(department), {"name": "Renamed by A", "council": council_a.pk}
    )
    assert response.status_code in (302, 403, 404)
    client.post(reverse("admin:councils_department_delete", args=[department.pk]), {"post": "yes"})
    department.refresh_from_db()
    assert department.name == "Zeta Secret Dept"
    assert department.council_id != council_a.pk


def test_council_admin_changes_their_own_department(client, council_admin, council_a, rows):
    client.force_login(council_admin)
    department = rows["a_department"]
    response = client.post(change_url(department), {"name": "Alpha Homes", "council": council_a.pk})
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.name == "Alpha Homes"


def test_adding_a_department_offers_only_their_council(
    client, council_admin, council_a, council_b, rows
):
    client.force_login(council_admin)
    url = reverse("admin:councils_department_add")
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.fields["council"].queryset) == [council_a]
    assert set(form.fields["parent"].queryset) == set(Department.objects.filter(council=council_a))

    response = client.post(url, {"name": "Planted in B", "council": council_b.pk})
    assert response.status_code == 200
    assert "council" in response.context["adminform"].form.errors
    assert not Department.objects.filter(name="Planted in B").exists()
    response = client.post(url, {"name": "Parks", "council": council_a.pk})
    assert response.status_code == 302
    assert Department.objects.get(name="Parks").council == council_a


def test_a_department_cannot_hang_under_another_councils(client, council_admin, council_a, rows):
    client.force_login(council_admin)
    response = client.post(
        reverse("admin:councils_department_add"),
        {"name": "Stray", "council": council_a.pk, "parent": rows["b_department"].pk},
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Department.objects.filter(name="Stray").exists()


def autocomplete(client, app_label: str, model_name: str, field_name: str, term: str = ""):
    return client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )


def test_autocomplete_offers_only_their_councils_departments(
    client, council_admin, council_a, rows
):
    client.force_login(council_admin)
    response = autocomplete(client, "councils", "department", "parent")
    assert response.status_code == 200
    ids = {int(result["id"]) for result in response.json()["results"]}
    assert ids == set(Department.objects.filter(council=council_a).values_list("pk", flat=True))
    assert rows["b_department"].pk not in ids
    # Searching for another council's department by name finds nothing.
    assert autocomplete(client, "councils", "department", "parent", "Zeta").json()["results"] == []


def test_autocomplete_of_councils_offers_only_their_own(client, council_admin, council_a, rows):
    client.force_login(council_admin)
    response = autocomplete(client, "councils", "membership", "council")
    assert [r["text"] for r in response.json()["results"]] == [council_a.name]


def test_council_admin_changes_their_council_but_adds_or_deletes_none(
    client, council_admin, council_a, council_b
):
    client.force_login(council_admin)
    html = client.get(changelist(Council)).content.decode()
    assert council_a.name in html
    assert council_b.name not in html
    assert client.get(change_url(council_a)).status_code == 200
    assert client.get(change_url(council_b)).status_code == 302
    assert client.get(reverse("admin:councils_council_add")).status_code == 403
    response = client.get(reverse("admin:councils_council_delete", args=[council_a.pk]))
    assert response.status_code == 403


def membership_formset(prefix: str = "memberships", forms: list[dict] | None = None) -> dict:
    forms = forms or []
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(forms)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, form in enumerate(forms):
        for key, value in form.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def new_user_data(username: str, memberships: list[dict]) -> dict:
    return {
        "username": username,
        "usable_password": "true",
        "password1": "a-long-Passphrase-42",
        "password2": "a-long-Passphrase-42",
        **membership_formset(forms=memberships),
    }


def test_council_admin_adds_a_user_with_a_role_in_their_council(
    client, council_admin, council_a, council_b
):
    client.force_login(council_admin)
    url = reverse("admin:councils_user_add")
    page = client.get(url)
    assert page.status_code == 200
    formset = page.context["inline_admin_formsets"][0].formset
    assert list(formset.forms[0].fields["council"].queryset) == [council_a]

    # Without a role the new user would vanish from their list: refused.
    response = client.post(url, new_user_data("no-role", []))
    assert response.status_code == 200
    assert "Give the new user a role in your council." in response.content.decode()
    assert not User.objects.filter(username="no-role").exists()

    # A role in another council is not theirs to give.
    response = client.post(
        url, new_user_data("elsewhere", [{"council": council_b.pk, "role": Role.OFFICER}])
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="elsewhere").exists()

    response = client.post(
        url, new_user_data("new-officer", [{"council": council_a.pk, "role": Role.OFFICER}])
    )
    assert response.status_code == 302
    user = User.objects.get(username="new-officer")
    assert list(user.memberships.values_list("council", "role")) == [(council_a.pk, Role.OFFICER)]
    assert client.get(response["Location"]).status_code == 200  # the change page it opens


def test_council_admin_cannot_grant_superuser_or_touch_shared_accounts(
    client, council_admin, council_a, council_b, rows
):
    client.force_login(council_admin)
    html = client.get(change_url(rows["a_user"])).content.decode()
    assert 'name="is_staff"' in html
    assert 'name="is_superuser"' not in html
    assert 'name="user_permissions"' not in html

    # Someone who also has a role in council B: viewable, not changeable by A's admin.
    shared = rows["a_user"]
    Membership.objects.create(user=shared, council=council_b, role=Role.MEMBER)
    response = client.get(change_url(shared))
    assert response.status_code == 200
    assert 'name="username"' not in response.content.decode()
    password_url = reverse("admin:auth_user_password_change", args=[shared.pk])
    assert client.get(password_url).status_code == 403
    # The inline shows only their role in A.
    formset = response.context["inline_admin_formsets"][0].formset
    assert [m.council for m in formset.queryset] == [council_a]


def test_council_admin_sees_no_other_councils_users(client, council_admin, rows):
    client.force_login(council_admin)
    assert client.get(change_url(rows["b_user"])).status_code == 302
    response = autocomplete(client, "councils", "membership", "user", "zeta")
    assert response.json()["results"] == []


# Plan managers: their council's plans; none of its configuration.


def test_plan_manager_sees_only_their_councils_plans_and_actions(
    client, plan_manager_staff, council_a, rows, action_a
):
    b_action = Action.objects.create(plan=rows["b_plan"], title="Zeta secret action")
    client.force_login(plan_manager_staff)
    html = client.get(changelist(Plan)).content.decode()
    assert "Alpha plan" in html
    assert "Zeta secret plan" not in html
    html = client.get(changelist(Action)).content.decode()
    assert "Run a jobs fair" in html
    assert "Zeta secret action" not in html
    assert client.get(change_url(action_a)).status_code == 200
    assert client.get(change_url(b_action)).status_code == 302
    assert client.get(change_url(rows["b_plan"])).status_code == 302
    history = reverse("admin:actionplans_plan_history", args=[rows["b_plan"].pk])
    assert client.get(history).status_code in (302, 403, 404)


def test_plan_manager_cannot_open_council_configuration(client, plan_manager_staff, council_a):
    client.force_login(plan_manager_staff)
    for model in [Department, Ward, Status, Membership, User, Council]:
        assert client.get(changelist(model)).status_code == 403, model
    index = client.get(reverse("admin:index"))
    models = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    assert models == {
        "Plan",
        "Workstream",
        "Action",
        "Measure",
        "MeasureReading",
        "ReportingPeriod",
        "ProgressUpdate",
        # Plan managers also configure impact-assessment forms and correct assessments.
        "AssessmentTemplate",
        "Category",
        "Assessment",
        # ...and keep the scrutiny register's vocabulary and reports.
        "ResponseOption",
        "Source",
    }


def test_plan_manager_picks_departments_of_their_council_only(
    client, plan_manager_staff, council_a, rows
):
    client.force_login(plan_manager_staff)
    response = autocomplete(client, "actionplans", "plan", "lead_department")
    assert response.status_code == 200
    ids = {int(result["id"]) for result in response.json()["results"]}
    assert ids == set(Department.objects.filter(council=council_a).values_list("pk", flat=True))
    form = client.get(change_url(rows["a_plan"])).context["adminform"].form
    assert list(form.fields["council"].queryset) == [council_a]
    assert rows["b_department"] not in form.fields["lead_department"].queryset
    for field in ["requires_approval", "update_window_opens", "update_window_closes"]:
        assert field in form.fields


def test_plan_manager_records_progress_on_their_actions_only(
    client, plan_manager_staff, council_a, council_b, rows, action_a
):
    b_action = Action.objects.create(plan=rows["b_plan"], title="Zeta secret action")
    client.force_login(plan_manager_staff)
    url = reverse("admin:actionplans_progressupdate_add")
    on_track = Status.objects.get(council=council_a, label="On track")
    response = client.post(
        url, {"action": action_a.pk, "reported_on": "2016-01-15", "status": on_track.pk}
    )
    assert response.status_code == 302
    action_a.refresh_from_db()
    assert action_a.status == on_track

    b_on_track = Status.objects.get(council=council_b, label="On track")
    response = client.post(
        url, {"action": b_action.pk, "reported_on": "2016-01-15", "status": b_on_track.pk}
    )
    assert response.status_code == 200
    assert not ProgressUpdate.objects.filter(action=b_action).exists()

    update = action_a.updates.get()
    assert client.get(change_url(update)).status_code == 200
    delete = reverse("admin:actionplans_progressupdate_delete", args=[update.pk])
    assert client.get(delete).status_code == 403


# Everyone else with a staff flag: nothing (democratic services: committee reports only).


def test_democratic_services_see_only_reports_and_assessments(client, council_a, rows):
    client.force_login(staff("staff-dem", council_a, Role.DEMOCRATIC_SERVICES))
    index = client.get(reverse("admin:index"))
    labels = [app["app_label"] for app in index.context["app_list"]]
    assert labels == ["reports", "impact", "scrutiny"]
    for model in admin.site._registry:
        expected = 200 if model._meta.app_label in ("reports", "impact", "scrutiny") else 403
        assert client.get(changelist(model)).status_code == expected, model


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MEMBER])
def test_other_staff_see_no_models(client, council_a, rows, role):
    client.force_login(staff(f"staff-{role}", council_a, role))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert index.context["app_list"] == []
    for model in admin.site._registry:
        assert client.get(changelist(model)).status_code == 403, model
    assert autocomplete(client, "councils", "department", "parent").status_code == 403


def test_plan_manager_of_another_council_sees_nothing_of_this_one(
    client, council_b, rows, action_a
):
    client.force_login(staff("pm-b", council_b, Role.PLAN_MANAGER))
    html = client.get(changelist(Plan)).content.decode()
    assert "Zeta secret plan" in html
    assert "Alpha plan" not in html
    assert client.get(change_url(action_a)).status_code == 302


# Superusers: everything.


def test_superuser_sees_every_councils_rows(client, superuser, rows):
    client.force_login(superuser)
    html = client.get(changelist(Department)).content.decode()
    assert "Alpha Housing" in html
    assert "Zeta Secret Dept" in html
    assert client.get(change_url(rows["b_department"])).status_code == 200
    html = client.get(changelist(Plan)).content.decode()
    assert "Alpha plan" in html and "Zeta secret plan" in html
    assert "Norwich" in html


def test_action_assignees_are_people_of_the_actions_council(
    client, superuser, council_a, rows, action_a
):
    client.force_login(superuser)
    form = client.get(change_url(action_a)).context["adminform"].form
    assignees = set(form.fields["assignees"].queryset)
    assert rows["a_user"] in assignees
    assert rows["b_user"] not in assignees


def test_reporting_period_lock_is_shown_read_only(client, superuser, council_a):
    period = ReportingPeriod.objects.create(
        council=council_a,
        financial_year=2015,
        quarter=3,
        start="2015-10-01",
        end="2015-12-31",
        locked_by=superuser,
    )
    client.force_login(superuser)
    html = client.get(change_url(period)).content.decode()
    assert 'name="locked_by"' not in html
    assert 'name="locked_at"' not in html
    assert "Locked by" in html
