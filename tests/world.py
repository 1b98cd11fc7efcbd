"""The test world the permission walk, the choosers' walk and the query-string probe share:
two councils built alike, each with a plan at every visibility, a user in every role, an
update waiting for approval, published reports, assessments and scrutiny registers; and
every URL of a council's pages."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from actionplans.models import Action, Plan
from actionplans.services import record_update
from councils.models import Council, Department, Membership, Status, User, Ward
from impact.models import Assessment
from impact.standard import INTEGRATED, install
from reports.models import CommitteeReport, Publication, PublishedFile
from scrutiny.models import Recommendation, Source

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
        publication = Publication.objects.create(report=report, version=1, was_exempt=exempt)
        publication.sources.create(
            kind="plan",
            plan=plans[plan_key],
            title=plans[plan_key].title,
            was_public=plan_key == "public",
        )
        published = PublishedFile(
            report=report,
            publication=publication,
            label="Front sheet",
            version=1,
            sha256="0" * 64,
            size=9,
        )
        published.file.save("front-sheet.pdf", ContentFile(b"%PDF-test"), save=False)
        published.word.save("front-sheet.docx", ContentFile(b"PK-test"), save=False)
        published.word_sha256, published.word_size = "1" * 64, 7
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
        "account": reverse("api:account"),
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
        "accessibility statement": reverse("councils:council-accessibility", args=[slug]),
        "privacy notice": reverse("councils:council-privacy", args=[slug]),
        "site accessibility statement": reverse("councils:accessibility"),
        "site privacy notice": reverse("councils:privacy"),
        **report_urls(c),
        **impact_urls(c),
        **scrutiny_urls(c),
        **following_urls(c),
        **api_urls(c),
    }


def api_urls(c: dict) -> dict[str, str]:
    """The open-data API's addresses: GETs, with and without a plan one may not see."""
    slug = c["council"].slug
    a = c["actions"]
    found = {
        "api docs": reverse("api:docs"),
        "api schema": reverse("api:schema"),
        "open data": reverse("api:open-data", args=[slug]),
        "api councils": reverse("api:council-list"),
        "api council": reverse("api:council-detail", args=[slug]),
        "api plans": reverse("api:plan-list", args=[slug]),
        "api council actions": reverse("api:council-actions", args=[slug]),
        "api recommendations": reverse("api:recommendations", args=[slug]),
        "api assessments": reverse("api:assessments", args=[slug]),
        "api papers": reverse("api:papers", args=[slug]),
    }
    for key in ("public", "members", "private"):
        plan = [slug, f"{key}-plan"]
        action = [*plan, a[key].pk]
        found |= {
            f"api {key} plan": reverse("api:plan-detail", args=plan),
            f"api {key} plan workstreams": reverse("api:workstreams", args=plan),
            f"api {key} plan actions": reverse("api:plan-actions", args=plan),
            f"api {key} plan updates": reverse("api:plan-updates", args=plan),
            f"api {key} plan measures": reverse("api:measures", args=plan),
            f"api {key} action": reverse("api:action-detail", args=action),
            f"api {key} action updates": reverse("api:action-updates", args=action),
        }
    return found


def following_urls(c: dict) -> dict[str, str]:
    slug = c["council"].slug
    return {
        "council feed": reverse("following:council-feed", args=[slug]),
        "public plan feed": reverse("following:plan-feed", args=[slug, "public-plan"]),
        "members plan feed": reverse("following:plan-feed", args=[slug, "members-plan"]),
        "private plan feed": reverse("following:plan-feed", args=[slug, "private-plan"]),
        "public plan calendar": reverse("following:plan-calendar", args=[slug, "public-plan"]),
        "private plan calendar": reverse("following:plan-calendar", args=[slug, "private-plan"]),
        "email updates on public plan": reverse("following:plan-email", args=[slug, "public-plan"]),
        "email updates on members plan": reverse(
            "following:plan-email", args=[slug, "members-plan"]
        ),
        "email updates on private plan": reverse(
            "following:plan-email", args=[slug, "private-plan"]
        ),
        "email updates on ward": reverse("following:ward-email", args=[slug, c["ward"].pk]),
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
        "published assessment pdf": reverse("reports:assessment-pdf", args=[slug, published]),
        "published assessment form": reverse("reports:assessment-document", args=[slug, published]),
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
        # The same papers in Word: the same rules.
        "front sheet docx": reverse("reports:front-sheet-docx", args=r),
        "whole report docx": reverse("reports:pack-docx", args=r),
        "appendix docx": reverse("reports:appendix-docx", args=[*r, 1]),
        "published word": reverse("reports:published-word", args=[*r, published.pk]),
        "public paper word": reverse("reports:paper-word", args=[*r, published.pk]),
        "exempt paper word": reverse(
            "reports:paper-word",
            args=[slug, c["reports"]["exempt"][0].pk, c["reports"]["exempt"][1].pk],
        ),
        "members paper word": reverse(
            "reports:paper-word",
            args=[slug, c["reports"]["members"][0].pk, c["reports"]["members"][1].pk],
        ),
    }


def login_as(client, world, role: str, council_index: int) -> None:
    own, other, root = world
    if role == "anonymous":
        return
    if role == "superuser":
        client.force_login(root)
        return
    client.force_login((own, other)[council_index]["users"][role])
