"""Every URL x every role x (own council, other council): the status each person gets.

Outsiders get 404 (nothing of another council's private side is acknowledged), signed-in
people without the right role 403, signed-out visitors a redirect to sign in for pages that
need an account; public pages are 200 for everyone."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from actionplans.models import Action, Plan
from actionplans.services import record_update
from councils.models import Council, Department, Membership, Status, User, Ward
from impact.models import Assessment
from impact.standard import INTEGRATED, install
from reports.models import CommitteeReport, PublishedFile
from scrutiny.models import Recommendation, Source

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "member",
    "officer",
    "democratic_services",
    "plan_manager",
    "council_admin",
    "superuser",
]


def build_council(slug: str) -> dict:
    council = Council.objects.create(name=f"{slug.title()} Council", slug=slug)
    on_track = Status.objects.create(council=council, label="On track", rag="green")
    dept = Department.objects.create(council=council, name="Housing")
    ward = Ward.objects.create(council=council, name="Central")
    plans = {
        visibility: Plan.objects.create(
            council=council,
            slug=f"{visibility}-plan",
            title=f"{visibility} plan",
            lifecycle="approved",
            visibility=visibility,
            requires_approval=True,
        )
        for visibility in ("public", "members", "private")
    }
    actions = {}
    for key, plan in plans.items():
        action = Action.objects.create(plan=plan, title=f"Action in {key}", order=1)
        action.lead_links.create(department=dept)
        action.wards.add(ward)
        actions[key] = action
    users = {}
    for role in ROLES[1:-1]:
        user = User.objects.create_user(f"{slug}-{role}", password="pw", job_title=role)
        Membership.objects.create(
            user=user, council=council, role=role, department=dept if role == "officer" else None
        )
        users[role] = user
    # An update waiting for approval, written by the officer.
    update = record_update(actions["public"], by=users["officer"], status=on_track)
    # Committee reports, published: one on the public plan, one exempt, one drawing on the
    # members-only plan. The stored files are stand-ins: these tests are about who gets them.
    reports = {}
    for key, plan_key, exempt in [
        ("public", "public", False),
        ("exempt", "public", True),
        ("members", "members", False),
    ]:
        report = CommitteeReport.objects.create(
            council=council,
            meeting_date=datetime.date(2025, 1, 1),
            item_number=key,
            report_of="Chief executive",
            subject=f"{key} report",
            is_exempt=exempt,
        )
        report.appendices.create(
            order=1, title="Progress", plan=plans[plan_key], as_at=datetime.date(2024, 12, 31)
        )
        published = PublishedFile(
            report=report, label="Front sheet", version=1, sha256="0" * 64, size=9
        )
        published.file.save("front-sheet.pdf", ContentFile(b"%PDF-test"), save=False)
        published.save()
        build = report.builds.create(state="done", steps_total=3, steps_done=3, version=1)
        reports[key] = (report, published, build)
    # Impact assessments: one published, one draft, on the standard integrated form.
    template = install(council, INTEGRATED)
    assessments = {
        state: Assessment.objects.create(
            council=council, template=template, report_subject=f"{state} decision", state=state
        )
        for state in ("published", "draft")
    }
    # A scrutiny register, published, with an unpublished one beside it.
    registers = {
        key: Source.objects.create(
            council=council,
            title=f"{key} inquiry",
            date=datetime.date(2025, 1, 1),
            is_published=key == "published",
        )
        for key in ("published", "unpublished")
    }
    recommendations = {
        key: Recommendation.objects.create(source=source, reference="1", text="Do better")
        for key, source in registers.items()
    }
    return {
        "council": council,
        "plans": plans,
        "registers": registers,
        "recommendations": recommendations,
        "actions": actions,
        "dept": dept,
        "ward": ward,
        "update": update,
        "users": users,
        "reports": reports,
        "assessments": assessments,
    }


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    own = build_council("ownshire")
    other = build_council("othershire")
    root = User.objects.create_user("root-user", password="pw", is_superuser=True, is_staff=True)
    return own, other, root


def urls(c: dict) -> dict[str, str]:
    slug = c["council"].slug
    a = c["actions"]
    return {
        "home": reverse("actionplans:home"),
        "council": reverse("actionplans:council-detail", args=[slug]),
        "public plan": reverse("actionplans:plan-detail", args=[slug, "public-plan"]),
        "public plan table": reverse("actionplans:plan-actions", args=[slug, "public-plan"]),
        "public plan equality": reverse("actionplans:plan-equality", args=[slug, "public-plan"]),
        "public action": a["public"].get_absolute_url(),
        "members plan": reverse("actionplans:plan-detail", args=[slug, "members-plan"]),
        "members action": a["members"].get_absolute_url(),
        "private plan": reverse("actionplans:plan-detail", args=[slug, "private-plan"]),
        "private plan table": reverse("actionplans:plan-actions", args=[slug, "private-plan"]),
        "private action": a["private"].get_absolute_url(),
        "departments": reverse("actionplans:department-list", args=[slug]),
        "department": reverse("actionplans:department-detail", args=[slug, c["dept"].pk]),
        "ward": reverse("actionplans:ward-detail", args=[slug, c["ward"].pk]),
        "portfolios": reverse("actionplans:portfolio-list", args=[slug]),
        "committees": reverse("actionplans:committee-list", args=[slug]),
        "alignment": reverse("actionplans:alignment", args=[slug]),
        "my actions": reverse("actionplans:my-actions"),
        "update public action": reverse(
            "actionplans:action-update", args=[slug, "public-plan", a["public"].pk]
        ),
        "update private action": reverse(
            "actionplans:action-update", args=[slug, "private-plan", a["private"].pk]
        ),
        "approvals": reverse("actionplans:approvals", args=[slug]),
        "review update": reverse("actionplans:update-review", args=[slug, c["update"].pk]),
        "reporting periods": reverse("actionplans:reporting-periods", args=[slug]),
        "missing updates": reverse("actionplans:missing-updates", args=[slug]),
        "import a plan": reverse("actionplans:plan-import", args=[slug]),
        "upload to public plan": reverse("actionplans:plan-upload", args=[slug, "public-plan"]),
        "export public plan": reverse("actionplans:plan-export", args=[slug, "public-plan", "csv"]),
        "export private plan": reverse(
            "actionplans:plan-export", args=[slug, "private-plan", "xlsx"]
        ),
        **report_urls(c),
        **impact_urls(c),
        **scrutiny_urls(c),
    }


def scrutiny_urls(c: dict) -> dict[str, str]:
    slug = c["council"].slug
    published, unpublished = c["registers"]["published"], c["registers"]["unpublished"]
    rec = c["recommendations"]["published"]
    return {
        "scrutiny register": reverse("scrutiny:register", args=[slug]),
        "published scrutiny report": reverse("scrutiny:source-detail", args=[slug, published.pk]),
        "unpublished scrutiny report": reverse(
            "scrutiny:source-detail", args=[slug, unpublished.pk]
        ),
        "published recommendation": reverse("scrutiny:recommendation-detail", args=[slug, rec.pk]),
        "unpublished recommendation": reverse(
            "scrutiny:recommendation-detail",
            args=[slug, c["recommendations"]["unpublished"].pk],
        ),
        "new scrutiny report": reverse("scrutiny:source-create", args=[slug]),
        "edit scrutiny report": reverse("scrutiny:source-edit", args=[slug, published.pk]),
        "new recommendation": reverse("scrutiny:recommendation-create", args=[slug, published.pk]),
        "edit recommendation": reverse(
            "scrutiny:recommendation-edit", args=[slug, published.pk, rec.pk]
        ),
        "link actions": reverse("scrutiny:link-actions", args=[slug, rec.pk]),
        "new action from recommendation": reverse("scrutiny:new-action", args=[slug, rec.pk]),
        "import recommendations": reverse("scrutiny:import", args=[slug]),
    }


def impact_urls(c: dict) -> dict[str, str]:
    slug = c["council"].slug
    published, draft = c["assessments"]["published"].pk, c["assessments"]["draft"].pk
    return {
        "assessments": reverse("impact:assessment-list", args=[slug]),
        "assessments of all councils": reverse("impact:all"),
        "assessments xlsx": reverse("impact:assessment-list", args=[slug]) + "?format=xlsx",
        "impact across decisions": reverse("impact:areas", args=[slug]),
        "new assessment": reverse("impact:assessment-create", args=[slug]),
        "published assessment": reverse("impact:assessment-detail", args=[slug, published]),
        "published assessment pdf": reverse("impact:assessment-pdf", args=[slug, published]),
        "published assessment form": reverse("impact:assessment-document", args=[slug, published]),
        "draft assessment": reverse("impact:assessment-detail", args=[slug, draft]),
        "rate draft assessment": reverse("impact:assessment-edit", args=[slug, draft]),
        "draft assessment details": reverse("impact:assessment-header", args=[slug, draft]),
        "rate published assessment": reverse("impact:assessment-edit", args=[slug, published]),
    }


def report_urls(c: dict) -> dict[str, str]:
    slug = c["council"].slug
    report, published, build = c["reports"]["public"]
    r = [slug, report.pk]
    return {
        "reports": reverse("reports:report-list", args=[slug]),
        "new report": reverse("reports:report-create", args=[slug]),
        "report": reverse("reports:report-detail", args=r),
        "edit report": reverse("reports:report-edit", args=r),
        "front sheet": reverse("reports:front-sheet-html", args=r),
        "whole report": reverse("reports:pack-html", args=r),
        "add appendix": reverse("reports:appendix-add", args=r),
        "appendix": reverse("reports:appendix-html", args=[*r, 1]),
        "appendix pdf": reverse("reports:appendix-pdf", args=[*r, 1]),
        "edit appendix": reverse("reports:appendix-edit", args=[*r, 1]),
        "remove appendix": reverse("reports:appendix-delete", args=[*r, 1]),
        "build status": reverse("reports:build-status", args=[*r, build.pk]),
        "published file": reverse("reports:published-file", args=[*r, published.pk]),
        "papers": reverse("reports:papers", args=[slug]),
        "public paper": reverse("reports:paper-file", args=[*r, published.pk]),
        "exempt paper": reverse(
            "reports:paper-file",
            args=[slug, c["reports"]["exempt"][0].pk, c["reports"]["exempt"][1].pk],
        ),
        "members paper": reverse(
            "reports:paper-file",
            args=[slug, c["reports"]["members"][0].pk, c["reports"]["members"][1].pk],
        ),
    }


PUBLIC = {role: 200 for role in ROLES}
MEMBERS_ONLY = {"anonymous": 404, **{r: 200 for r in ROLES[1:]}}
EDITORS_ONLY = {r: 404 for r in ROLES} | {
    "plan_manager": 200,
    "council_admin": 200,
    "superuser": 200,
}
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
    "democratic_services": 404,
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
    "members plan": MEMBERS_ONLY,
    "members action": MEMBERS_ONLY,
    "private plan": EDITORS_ONLY,
    "private plan table": EDITORS_ONLY,
    "private action": EDITORS_ONLY,
    "my actions": SIGNED_IN,
    "update public action": UPDATERS,
    "update private action": PRIVATE_UPDATERS,
    "approvals": REVIEWERS,
    "review update": REVIEWERS,
    "reporting periods": REVIEWERS,
    "missing updates": REVIEWERS,
    "import a plan": REVIEWERS,
    "upload to public plan": UPDATERS,
    "export public plan": PUBLIC,
    "export private plan": EDITORS_ONLY,
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
        ],
        REPORTERS,
    ),
    "papers": PUBLIC,
    "public paper": PUBLIC,
    "exempt paper": NOBODY,
    "members paper": MEMBERS_ONLY,
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
    "my actions",
    "export public plan",
    "papers",
    "public paper",
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
}


def login_as(client, world, role: str, council_index: int) -> None:
    own, other, root = world
    if role == "anonymous":
        return
    if role == "superuser":
        client.force_login(root)
        return
    client.force_login((own, other)[council_index]["users"][role])


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
