"""The plan editor: a plan manager creates and runs a plan in the app, never the admin, and
every change is in the plan's and the action's history, links included."""

import pytest
from django.urls import reverse

from actionplans.models import Action, ActionLead, BudgetLine, Measure, Plan, Workstream
from councils.models import Committee, Department, Partner, Ward
from tests.conftest import make_plan
from tests.forms import form_fields


def url(name, *args):
    return reverse(f"actionplans:{name}", args=args)


@pytest.fixture
def setting(council_a):
    """The council's lists a plan manager chooses from."""
    return {
        "housing": Department.objects.create(council=council_a, name="Housing"),
        "planning": Department.objects.create(council=council_a, name="Planning"),
        "parks": Department.objects.create(council=council_a, name="Parks"),
        "mancroft": Ward.objects.create(council=council_a, name="Mancroft"),
        "eaton": Ward.objects.create(council=council_a, name="Eaton"),
        "nhs": Partner.objects.create(council=council_a, name="NHS Norfolk"),
        "cabinet": Committee.objects.create(
            council=council_a, name="Cabinet", kind=Committee.Kind.CABINET
        ),
    }


@pytest.fixture
def draft(council_a, setting):
    plan = make_plan(council_a, "housing-plan", title="Housing plan", lifecycle="draft")
    return plan


def _action_post(page, **changes):
    fields = form_fields(page)
    fields.setdefault("title", "")
    return {**fields, **changes}


def test_a_plan_manager_creates_a_plan_and_builds_it(client, plan_manager, council_a, setting):
    client.force_login(plan_manager)
    council_page = client.get(url("council-detail", "anytown"))
    assert url("plan-create", "anytown") in council_page.content.decode()

    page = client.get(url("plan-create", "anytown"))
    assert page.status_code == 200
    fields = form_fields(
        page,
        title="Homes for everyone",
        summary="Our housing plan.",
        visibility="members",
        approved_by=str(setting["cabinet"].pk),
        **{
            "budget-0-financial_year": "2026",
            "budget-0-amount": "300000",
            "budget-0-source": "Housing fund",
        },
    )
    response = client.post(url("plan-create", "anytown"), fields, follow=True)
    plan = Plan.objects.get(council=council_a, title="Homes for everyone")
    assert response.redirect_chain[-1][0] == url("plan-manage", "anytown", plan.slug)
    assert plan.lifecycle == Plan.Lifecycle.DRAFT
    assert plan.visibility == Plan.Visibility.MEMBERS
    assert plan.approved_by == setting["cabinet"]
    assert list(plan.budget_lines.values_list("financial_year", "source")) == [
        (2026, "Housing fund")
    ]
    body = response.content.decode()
    assert "Created the draft plan ‘Homes for everyone’" in body
    assert "Cabinet" in body and "Draft" in body
    assert "/admin/" not in body

    # A workstream, then one inside it.
    client.post(url("workstream-create", "anytown", plan.slug), {"title": "New homes"})
    top = plan.workstreams.get(title="New homes")
    client.post(
        url("workstream-create", "anytown", plan.slug),
        {"title": "Council homes", "parent": str(top.pk)},
    )
    nested = plan.workstreams.get(title="Council homes")
    assert nested.parent == top

    # An action with every kind of field.
    page = client.get(url("action-create", "anytown", plan.slug) + f"?workstream={nested.pk}")
    assert f'value="{nested.pk}" selected' in page.content.decode()
    fields = _action_post(
        page,
        reference="1.1",
        title="Build 200 council homes",
        description="On three sites.",
        outcomes="More families housed; advance equality of opportunity.",
        lead_0=str(setting["planning"].pk),
        lead_1=str(setting["housing"].pk),
        lead_officer_title="Head of housing delivery",
        deadline_text="March 2028",
        priority="Homes",
        serves_advance_equality="on",
        partners=[str(setting["nhs"].pk)],
        wards=[str(setting["mancroft"].pk), str(setting["eaton"].pk)],
        **{
            "measures-0-name": "Homes completed",
            "measures-0-unit": "homes",
            "measures-0-baseline": "0",
            "measures-0-target": "200",
            "measures-0-direction": "up",
        },
    )
    response = client.post(url("action-create", "anytown", plan.slug), fields, follow=True)
    assert "Added ‘1.1 Build 200 council homes’" in response.content.decode()
    action = plan.actions.get()
    assert action.workstream == nested
    assert [d.name for d in action.ordered_leads()] == ["Planning", "Housing"]
    assert sorted(action.wards.values_list("name", flat=True)) == ["Eaton", "Mancroft"]
    assert list(action.partners.values_list("name", flat=True)) == ["NHS Norfolk"]
    assert action.deadline_text == "March 2028" and action.deadline_date.isoformat() == "2028-03-31"
    assert action.serves_advance_equality and not action.serves_foster_relations
    measure = action.measures.get()
    assert (measure.name, measure.target, measure.direction) == ("Homes completed", 200, "up")

    # Publish it, on a confirmation page.
    page = client.get(url("plan-lifecycle", "anytown", plan.slug, "approve"))
    assert "Publish the plan as approved: ‘Homes for everyone’?" in page.content.decode()
    plan.refresh_from_db()
    assert plan.lifecycle == Plan.Lifecycle.DRAFT  # looking is not doing
    client.post(url("plan-lifecycle", "anytown", plan.slug, "approve"))
    plan.refresh_from_db()
    assert plan.lifecycle == Plan.Lifecycle.APPROVED


def test_editing_an_action_records_its_links_in_its_history(client, plan_manager, draft, setting):
    client.force_login(plan_manager)
    workstream = Workstream.objects.create(plan=draft, title="Repairs", order=1)
    other = Workstream.objects.create(plan=draft, title="Standards", order=2)
    action = Action.objects.create(plan=draft, workstream=workstream, title="Fix roofs", order=1)
    ActionLead.objects.create(action=action, department=setting["housing"], order=0)
    action.save()  # the history entry as it stands, its lead included

    page = client.get(url("action-edit", "anytown", draft.slug, action.pk))
    assert f'value="{setting["housing"].pk}" selected' in page.content.decode()
    fields = _action_post(
        page,
        title="Fix roofs and windows",
        workstream=str(other.pk),
        lead_0=str(setting["parks"].pk),
        lead_1=str(setting["housing"].pk),
        wards=[str(setting["eaton"].pk)],
    )
    response = client.post(url("action-edit", "anytown", draft.slug, action.pk), fields)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.workstream == other
    assert [d.name for d in action.ordered_leads()] == ["Parks", "Housing"]

    history = client.get(url("action-history", "anytown", draft.slug, action.pk))
    body = history.content.decode()
    assert "“Fix roofs” to “Fix roofs and windows”" in body
    assert "“Housing” to “Parks, Housing”" in body  # leads in order
    assert "“(none)” to “Eaton”" in body  # wards
    assert "“Repairs” to “Standards”" in body  # moved between workstreams
    assert plan_manager.display_name() in body

    plan_history = client.get(url("plan-history", "anytown", draft.slug)).content.decode()
    assert "Action Fix roofs and windows" in plan_history
    assert "“Housing” to “Parks, Housing”" in plan_history


def test_a_lead_named_twice_is_refused_with_a_clear_message(client, plan_manager, draft, setting):
    client.force_login(plan_manager)
    page = client.get(url("action-create", "anytown", draft.slug))
    fields = _action_post(
        page,
        title="An action",
        lead_0=str(setting["housing"].pk),
        lead_1=str(setting["housing"].pk),
    )
    response = client.post(url("action-create", "anytown", draft.slug), fields)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Each lead department can be named once" in body
    assert "There is a problem" in body
    assert not draft.actions.exists()

    response = client.post(url("action-create", "anytown", draft.slug), _action_post(page))
    assert "Enter what the action is" in response.content.decode()


def test_workstreams_reorder_and_delete(client, plan_manager, draft):
    client.force_login(plan_manager)
    first = Workstream.objects.create(plan=draft, title="First", order=1)
    child = Workstream.objects.create(plan=draft, title="Inside first", parent=first, order=2)
    second = Workstream.objects.create(plan=draft, title="Second", order=3)
    action = Action.objects.create(plan=draft, workstream=second, title="Kept", order=1)

    client.post(url("workstream-move", "anytown", draft.slug, second.pk), {"direction": "up"})
    titles = list(draft.workstreams.order_by("order").values_list("title", flat=True))
    assert titles == ["Second", "First", "Inside first"]  # the child moves with its parent

    page = client.get(url("plan-manage", "anytown", draft.slug)).content.decode()
    assert page.index("Second") < page.index("First") < page.index("Inside first")

    refused = client.post(url("workstream-delete", "anytown", draft.slug, first.pk))
    assert "has workstreams inside it" in refused.content.decode()
    assert Workstream.objects.filter(pk=first.pk).exists()

    response = client.post(url("workstream-delete", "anytown", draft.slug, second.pk), follow=True)
    assert "Its 1 action stay in the plan" in response.content.decode()
    action.refresh_from_db()
    assert action.workstream is None
    assert child.pk in set(draft.workstreams.values_list("pk", flat=True))


def test_lifecycle_moves_are_the_allowed_ones(client, plan_manager, council_a, setting):
    client.force_login(plan_manager)
    plan = make_plan(council_a, "live-plan")  # approved
    Action.objects.create(plan=plan, title="Something", order=1)
    page = client.get(url("plan-manage", "anytown", plan.slug)).content.decode()
    assert "Open for revision" in page and "Archive the plan" in page
    assert "Publish the plan" not in page

    wrong = client.post(url("plan-lifecycle", "anytown", plan.slug, "approve"))
    assert "cannot do that" in wrong.content.decode()
    assert client.get(url("plan-lifecycle", "anytown", plan.slug, "explode")).status_code == 404

    client.post(url("plan-lifecycle", "anytown", plan.slug, "revise"))
    plan.refresh_from_db()
    assert plan.lifecycle == Plan.Lifecycle.DRAFT
    history = client.get(url("plan-history", "anytown", plan.slug)).content.decode()
    assert "“Approved” to “Draft”" in history or "“approved” to “draft”" in history

    empty = make_plan(council_a, "empty-plan", lifecycle="draft")
    refused = client.post(url("plan-lifecycle", "anytown", empty.slug, "approve"))
    assert "Add at least one action before publishing" in refused.content.decode()


def test_an_action_with_progress_is_not_deleted(client, plan_manager, action_a):
    client.force_login(plan_manager)
    plan = action_a.plan
    from actionplans.services import record_update

    record_update(action_a, status=plan.council.statuses.first(), by=plan_manager)
    response = client.post(url("action-delete", "anytown", plan.slug, action_a.pk))
    assert "has progress updates" in response.content.decode()
    assert Action.objects.filter(pk=action_a.pk).exists()

    fresh = Action.objects.create(plan=plan, title="Never started", order=9)
    Measure.objects.create(action=fresh, name="Count")
    client.post(url("action-delete", "anytown", plan.slug, fresh.pk))
    assert not Action.objects.filter(pk=fresh.pk).exists()


@pytest.mark.parametrize(
    "name, args",
    [
        ("plan-manage", ()),
        ("plan-edit", ()),
        ("plan-history", ()),
        ("plan-lifecycle", ("archive",)),
        ("workstream-create", ()),
        ("action-create", ()),
    ],
)
def test_only_plan_managers_of_the_council(
    client, name, args, draft, officer, member, outsider, plan_manager
):
    address = url(name, "anytown", draft.slug, *args)
    assert client.get(address).status_code == 302  # sign in first
    client.force_login(outsider)
    assert client.get(address).status_code == 404
    for person in (officer, member):
        client.force_login(person)
        assert client.get(address).status_code == 403
        assert client.post(address, {"title": "x"}).status_code == 403
    client.force_login(plan_manager)
    assert client.get(address).status_code == 200


def test_choosers_offer_only_the_councils_own(client, plan_manager, draft, council_b, setting):
    theirs = Department.objects.create(council=council_b, name="Their housing")
    their_committee = Committee.objects.create(council=council_b, name="Their cabinet")
    client.force_login(plan_manager)
    page = client.get(url("action-create", "anytown", draft.slug)).content.decode()
    assert "Their housing" not in page and "Housing" in page
    details = client.get(url("plan-edit", "anytown", draft.slug)).content.decode()
    assert "Their cabinet" not in details
    fields = _action_post(
        client.get(url("action-create", "anytown", draft.slug)),
        title="Sneaky",
        lead_0=str(theirs.pk),
    )
    response = client.post(url("action-create", "anytown", draft.slug), fields)
    assert "Select a first lead department from the list" in response.content.decode()
    edit = form_fields(
        client.get(url("plan-edit", "anytown", draft.slug)),
        title="Housing plan",
        approved_by=str(their_committee.pk),
    )
    response = client.post(url("plan-edit", "anytown", draft.slug), edit)
    assert "Select an approving committee from the list" in response.content.decode()
    draft.refresh_from_db()
    assert draft.approved_by is None


def test_the_dashboard_links_plan_managers_to_the_editor(client, plan_manager, member, draft):
    live = make_plan(draft.council, "live")
    client.force_login(member)
    assert (
        url("plan-manage", "anytown", "live")
        not in client.get(live.get_absolute_url()).content.decode()
    )
    client.force_login(plan_manager)
    assert (
        url("plan-manage", "anytown", "live")
        in client.get(live.get_absolute_url()).content.decode()
    )


def test_budget_lines_are_edited_and_removed(client, plan_manager, draft):
    line = BudgetLine.objects.create(plan=draft, financial_year=2026, amount=1000, source="Fund")
    client.force_login(plan_manager)
    page = client.get(url("plan-edit", "anytown", draft.slug))
    fields = form_fields(page, title="Housing plan", **{"budget-0-DELETE": "on"})
    response = client.post(url("plan-edit", "anytown", draft.slug), fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    history = client.get(url("plan-history", "anytown", draft.slug)).content.decode()
    assert "Budget 2026/27" in history and "Deleted" in history


def test_a_measure_with_a_bad_number_is_named_in_the_summary(client, plan_manager, draft):
    client.force_login(plan_manager)
    page = client.get(url("action-create", "anytown", draft.slug))
    fields = _action_post(
        page,
        title="Count things",
        **{
            "measures-0-name": "Things",
            "measures-0-baseline": "lots",
            "measures-0-direction": "up",
        },
    )
    response = client.post(url("action-create", "anytown", draft.slug), fields)
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert 'href="#id_measures-0-baseline"' in body
    assert "Enter the baseline as a number" in body
    assert not draft.actions.exists()  # nothing half-written
