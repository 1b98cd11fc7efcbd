"""Every URL x every role x (own council, other council): the status each person gets.

Outsiders get 404 (nothing of another council's private side is acknowledged), signed-in
people without the right role 403, signed-out visitors a redirect to sign in for pages that
need an account; public pages are 200 for everyone."""

import datetime
import re

import pytest
from django.urls import reverse

from councils.models import Department, Membership, Status, User
from tests.world import ROLES, login_as, urls

pytestmark = pytest.mark.django_db

PUBLIC = {role: 200 for role in ROLES}
MEMBERS_ONLY = {"anonymous": 404, **{r: 200 for r in ROLES[1:]}}
EDITORS_ONLY = {r: 404 for r in ROLES} | {
    "plan_manager": 200,
    "council_admin": 200,
    "superuser": 200,
}
# Drafts and private plans: their editors, and democratic services, who may put a private
# plan into an exempt report (councils.rules.PLAN_READER_ROLES).
PLAN_READERS = EDITORS_ONLY | {"democratic_services": 200}
SIGNED_IN = {"anonymous": 302, **{r: 200 for r in ROLES[1:]}}
UPDATERS = {
    "anonymous": 302,
    "member": 403,
    "officer": 200,
    "democratic_services": 403,
    "plan_manager": 200,
    "council_admin": 200,
    "superuser": 200,
}
PRIVATE_UPDATERS = {
    "anonymous": 302,
    "member": 404,
    "officer": 404,
    "democratic_services": 403,
    "plan_manager": 200,
    "council_admin": 200,
    "superuser": 200,
}
REVIEWERS = {
    "anonymous": 302,
    "member": 403,
    "officer": 403,
    "democratic_services": 403,
    "plan_manager": 200,
    "council_admin": 200,
    "superuser": 200,
}

REPORTERS = {
    "anonymous": 302,
    "member": 403,
    "officer": 403,
    "democratic_services": 200,
    "plan_manager": 403,
    "council_admin": 200,
    "superuser": 200,
}
NOBODY = {role: 404 for role in ROLES}
ASSESSORS = {
    "anonymous": 302,
    "member": 403,
    "officer": 200,
    "democratic_services": 200,
    "plan_manager": 200,
    "council_admin": 200,
    "superuser": 200,
}
DRAFT_READERS = ASSESSORS | {"anonymous": 404, "member": 404}
NO_CHANGE_AFTER_PUBLISHING = ASSESSORS | {r: 403 for r in ASSESSORS if ASSESSORS[r] == 200}
KEEPERS = REVIEWERS | {"democratic_services": 200}

# The accessible HTML of a committee paper, not a page of the site.
DOCUMENTS = {"front sheet", "whole report", "appendix", "published assessment form"}

API_PLAN_PARTS = [
    "plan",
    "plan workstreams",
    "plan actions",
    "plan updates",
    "plan measures",
    "action",
    "action updates",
]
API_PUBLIC = [
    "api docs",
    "api schema",
    "open data",
    "api councils",
    "api council",
    "api plans",
    "api council actions",
    "api recommendations",
    "api assessments",
    "api papers",
    *(f"api public {what}" for what in API_PLAN_PARTS),
]

# Expected status for a user of the OWN council (rows) on the own council's URLs.
OWN = {
    "home": PUBLIC,
    "council": PUBLIC,
    "public plan": PUBLIC,
    "public plan table": PUBLIC,
    "public plan equality": PUBLIC,
    "public action": PUBLIC,
    "departments": PUBLIC,
    "department": PUBLIC,
    "ward": PUBLIC,
    "portfolios": PUBLIC,
    "committees": PUBLIC,
    "alignment": PUBLIC,
    "accessibility statement": PUBLIC,
    "privacy notice": PUBLIC,
    "site accessibility statement": PUBLIC,
    "site privacy notice": PUBLIC,
    "members plan": MEMBERS_ONLY,
    "members action": MEMBERS_ONLY,
    "private plan": PLAN_READERS,
    "private plan table": PLAN_READERS,
    "private action": PLAN_READERS,
    "my actions": SIGNED_IN,
    "account": SIGNED_IN,
    "update public action": UPDATERS,
    "update private action": PRIVATE_UPDATERS,
    "approvals": REVIEWERS,
    "review update": REVIEWERS,
    "reporting periods": REVIEWERS,
    "missing updates": REVIEWERS,
    "import a plan": REVIEWERS,
    "upload to public plan": UPDATERS,
    "export public plan": PUBLIC,
    "export private plan": PLAN_READERS,
    **dict.fromkeys(
        [
            "reports",
            "new report",
            "report",
            "edit report",
            "front sheet",
            "whole report",
            "add appendix",
            "appendix",
            "appendix pdf",
            "edit appendix",
            "remove appendix",
            "build status",
            "published file",
            "front sheet docx",
            "whole report docx",
            "appendix docx",
            "published word",
        ],
        REPORTERS,
    ),
    "public paper word": PUBLIC,
    "exempt paper word": NOBODY,
    "members paper word": NOBODY,
    "papers": PUBLIC,
    "public paper": PUBLIC,
    "exempt paper": NOBODY,
    "members paper": NOBODY,  # a members-only plan's paper is not a public paper
    "assessments": PUBLIC,
    "assessments of all councils": PUBLIC,
    "assessments xlsx": PUBLIC,
    "impact across decisions": PUBLIC,
    "new assessment": ASSESSORS,
    "published assessment": PUBLIC,
    "published assessment pdf": PUBLIC,
    "published assessment form": PUBLIC,
    "draft assessment": DRAFT_READERS,
    "rate draft assessment": ASSESSORS,
    "draft assessment details": ASSESSORS,
    "rate published assessment": NO_CHANGE_AFTER_PUBLISHING,
    "scrutiny register": PUBLIC,
    "published scrutiny report": PUBLIC,
    "unpublished scrutiny report": MEMBERS_ONLY,
    "published recommendation": PUBLIC,
    "unpublished recommendation": MEMBERS_ONLY,
    "new scrutiny report": KEEPERS,
    "edit scrutiny report": KEEPERS,
    "new recommendation": KEEPERS,
    "edit recommendation": KEEPERS,
    "link actions": KEEPERS,
    "new action from recommendation": REVIEWERS,  # plan editors add actions to plans
    "import recommendations": KEEPERS,
    # Feeds and calendars are open data: only a public plan has them.
    "council feed": PUBLIC,
    "public plan feed": PUBLIC,
    "members plan feed": NOBODY,
    "private plan feed": NOBODY,
    "public plan calendar": PUBLIC,
    "private plan calendar": NOBODY,
    # Anyone who may see a plan gets its page; one not public says it has no email updates.
    "email updates on public plan": PUBLIC,
    "email updates on members plan": MEMBERS_ONLY,
    "email updates on private plan": PLAN_READERS,
    "email updates on ward": PUBLIC,
    # The API answers what the website shows the same person (tests.world.api_urls).
    **dict.fromkeys(API_PUBLIC, PUBLIC),
    **{f"api members {what}": MEMBERS_ONLY for what in API_PLAN_PARTS},
    **{f"api private {what}": PLAN_READERS for what in API_PLAN_PARTS},
}
# For a user of ANOTHER council, only public pages answer; everything else is 404
# (signed-out visitors are still asked to sign in first).
OTHER_PUBLIC = {
    "home",
    "council",
    "public plan",
    "public plan table",
    "public plan equality",
    "public action",
    "departments",
    "department",
    "ward",
    "portfolios",
    "committees",
    "alignment",
    "accessibility statement",
    "privacy notice",
    "site accessibility statement",
    "site privacy notice",
    "my actions",
    "account",
    "export public plan",
    "papers",
    "public paper",
    "public paper word",
    "assessments",
    "assessments of all councils",
    "assessments xlsx",
    "impact across decisions",
    "published assessment",
    "published assessment pdf",
    "published assessment form",
    "scrutiny register",
    "published scrutiny report",
    "published recommendation",
    "council feed",
    "public plan feed",
    "public plan calendar",
    "email updates on public plan",
    "email updates on ward",
    *API_PUBLIC,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(OWN))
def test_own_council(client, world, role, name):
    login_as(client, world, role, 0)
    url = urls(world[0])[name]
    response = client.get(url)
    assert response.status_code == OWN[name][role], f"{role} on {name}"
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        if name in DOCUMENTS:  # a paper's own HTML, titled as the paper; a pack has an h1 each
            assert title.endswith(f"– {world[0]['council'].name}"), title
            assert "<h1" in html
            return
        assert "<" not in title and title.endswith("– Council action plans"), title
        assert html.count("<h1") == 1, f"{name} should have one main heading"


@pytest.mark.parametrize("role", ROLES[1:-1])
@pytest.mark.parametrize("name", list(OWN))
def test_other_council(client, world, role, name):
    """A user of council B on council A's URLs: public pages only, 404 for the rest."""
    login_as(client, world, role, 1)
    url = urls(world[0])[name]
    expected = PUBLIC[role] if name in OTHER_PUBLIC else 404
    assert client.get(url).status_code == expected, f"{role} of the other council on {name}"


@pytest.mark.parametrize("role", ROLES[1:-1])
def test_other_council_cannot_change_anything_by_guessed_ids(client, world, role):
    own, other, _ = world
    client.force_login(other["users"][role])
    action = own["actions"]["public"]
    status_id = Status.objects.get(council=own["council"]).pk
    post = {"version": action.version, "status": status_id, "commentary": "hijack"}
    assert client.post(urls(own)["update public action"], post).status_code == 404
    assert client.post(urls(own)["review update"], {"decision": "approve"}).status_code == 404
    assert (
        client.post(urls(own)["reporting periods"], {"period": own["update"].period_id}).status_code
        == 404
    )
    own["update"].refresh_from_db()
    own["update"].period.refresh_from_db()
    assert own["update"].state == "submitted"
    assert not own["update"].period.is_locked
    assert not action.updates.filter(commentary="hijack").exists()
    # Their own council's update-review URL with our update's id: not found either.
    guessed = reverse("actionplans:update-review", args=[other["council"].slug, own["update"].pk])
    assert client.get(guessed).status_code in (403, 404)
    assert "hijack" not in client.get(urls(own)["public action"]).content.decode()


@pytest.mark.parametrize("role", ["member", "officer", "democratic_services"])
def test_read_only_roles_cannot_review_or_lock(client, world, role):
    own = world[0]
    client.force_login(own["users"][role])
    assert client.post(urls(own)["review update"], {"decision": "approve"}).status_code == 403
    assert (
        client.post(urls(own)["reporting periods"], {"period": own["update"].period_id}).status_code
        == 403
    )
    own["update"].refresh_from_db()
    assert own["update"].state == "submitted"


def test_officer_of_another_department_cannot_update(client, world):
    own = world[0]
    elsewhere = Department.objects.create(council=own["council"], name="Parks")
    officer = User.objects.create_user("parks-officer", password="pw")
    Membership.objects.create(
        user=officer, council=own["council"], role="officer", department=elsewhere
    )
    client.force_login(officer)
    assert client.get(urls(own)["update public action"]).status_code == 403


def test_officer_assigned_to_an_action_may_update_it(client, world):
    own = world[0]
    elsewhere = Department.objects.create(council=own["council"], name="Parks")
    officer = User.objects.create_user("parks-officer", password="pw")
    Membership.objects.create(
        user=officer, council=own["council"], role="officer", department=elsewhere
    )
    own["actions"]["public"].assignees.add(officer)
    client.force_login(officer)
    assert client.get(urls(own)["update public action"]).status_code == 200


# Choosers: every option a page offers is something that person may open -------------------

OPTION = re.compile(r'<option value="(\d+)"')
INPUT = re.compile(r"<input[^>]*>")


def offered(html: str, field: str) -> list[int]:
    """The ids a form offers for `field`, as a select's options or as radios and checkboxes."""
    select = re.search(rf'<select[^>]*name="{field}".*?</select>', html, re.S)
    if select:
        return [int(value) for value in OPTION.findall(select.group(0))]
    values = []
    for tag in INPUT.findall(html):
        if f'name="{field}"' in tag and (value := re.search(r'value="(\d+)"', tag)):
            values.append(int(value.group(1)))
    return values


def page_of(kind: str, pk: int, user) -> str:
    """The page an offered object has for this person."""
    from actionplans.models import Action, Plan
    from impact.models import Assessment
    from reports.models import CommitteeReport, Publication
    from scrutiny.models import Source

    if kind == "plan":
        return Plan.objects.get(pk=pk).get_absolute_url()
    if kind == "action":
        return Action.objects.get(pk=pk).get_absolute_url()
    if kind == "assessment":
        return Assessment.objects.get(pk=pk).get_absolute_url()
    if kind == "register":
        return Source.objects.get(pk=pk).get_absolute_url()
    report = CommitteeReport.objects.get(pk=pk)
    if user.has_perm("reports.prepare_report", report.council):
        return report.get_absolute_url()
    file = Publication.objects.public().filter(report=report).first().files.first()
    return reverse("reports:paper-file", args=[report.council.slug, report.pk, file.pk])


CHOOSERS = {
    "add appendix": {"plan": "plan", "assessment": "assessment", "scrutiny_source": "register"},
    "new assessment": {"plan": "plan"},
    "draft assessment details": {"plan": "plan"},
    "edit report": {"assessments": "assessment"},
    "link actions": {"plan": "plan"},
    "new action from recommendation": {"plan": "plan"},
}


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize("name", list(CHOOSERS))
def test_every_choice_offered_is_a_page_that_person_may_open(client, world, role, name):
    own, other, _ = world
    # Things that must never be offered to those who may not open them: a draft plan, an
    # assessment of the private plan, a report in preparation.
    from actionplans.models import Plan
    from impact.models import Assessment
    from reports.models import CommitteeReport

    draft = Plan.objects.create(
        council=own["council"], slug="draft-plan", title="Draft plan", lifecycle="draft"
    )
    Assessment.objects.create(
        council=own["council"],
        template=own["assessments"]["draft"].template,
        report_subject="Completed, of the private plan",
        state="completed",
        plan=own["plans"]["private"],
    )
    CommitteeReport.objects.create(
        council=own["council"],
        meeting_date=datetime.date(2025, 3, 1),
        report_of="Chief executive",
        subject="In preparation",
    )
    login_as(client, world, role, 0)
    user = own["users"].get(role) or world[2]
    response = client.get(urls(own)[name])
    if response.status_code != 200:
        return  # the permission walk above says who may open the chooser at all
    html = response.content.decode()
    checked = 0
    for field, kind in CHOOSERS[name].items():
        for pk in offered(html, field):
            url = page_of(kind, pk, user)
            assert client.get(url).status_code == 200, f"{role} offered {kind} {pk} on {name}"
            checked += 1
            if kind == "plan" and name == "link actions":
                # Choosing a plan offers its actions: each must open too.
                actions = client.get(urls(own)[name], {"plan": pk}).content.decode()
                for action in offered(actions, "actions"):
                    assert client.get(page_of("action", action, user)).status_code == 200
                    checked += 1
    assert checked, f"{name} offered {role} nothing to check"
    sees_drafts = user.has_perm("actionplans.view_unpublished_plans", own["council"])
    assert (draft.pk in offered(html, "plan")) == (sees_drafts and "plan" in CHOOSERS[name])
