"""Shared test data: the demo councils (loaded once per run) and named personas in two
councils of their own, so permission tests never depend on demo wording."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command

from actionplans.models import Action, Plan, Workstream
from councils.models import Council, Department, Membership, Status, User
from tests.s3_server import s3_endpoint, s3_storage  # noqa: F401  (an S3-compatible server)
from tests.world import world  # noqa: F401  (a fixture: two councils, every role)


def pytest_configure(config):
    # A fast hasher for the whole run, set before the demo users get their passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_public_page_cache(settings):
    """Pages render afresh in tests; tests of the cache turn it on and clear it. What one
    test kept in the cache (a plan's rendered body, under a key another test's database
    would repeat: the same ids and content version) is gone before the next."""
    settings.PUBLIC_CACHE_SECONDS = 0
    caches["default"].clear()


@pytest.fixture(autouse=True)
def no_heartbeat_thread(settings):
    """In-process builds run inside the test's transaction, which a second thread's
    connection could not see; the live worker tests keep the heartbeat."""
    settings.REPORT_HEARTBEAT_SECONDS = 0


@pytest.fixture(autouse=True)
def run_tasks_at_once(settings):
    """Background tasks run as they are queued; tests of the queue itself set a backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The demo data is what a new user sees after `make run`; every page test reads it.
    with django_db_blocker.unblock():
        call_command("seed_demo", quiet_users=True)


def _council(name: str, slug: str) -> Council:
    council = Council.objects.create(name=name, slug=slug, kind=Council.Kind.DISTRICT)
    for order, (label, rag, started, complete) in enumerate(
        [
            ("Not started", "grey", False, False),
            ("On track", "green", True, False),
            ("Delayed", "amber", True, False),
            ("Off track", "red", True, False),
            ("Complete", "blue", True, True),
        ]
    ):
        Status.objects.create(
            council=council,
            label=label,
            rag=rag,
            is_started=started,
            is_complete=complete,
            order=order,
        )
    return council


@pytest.fixture
def council_a(db) -> Council:
    return _council("Anytown Borough Council", "anytown")


@pytest.fixture
def council_b(db) -> Council:
    return _council("Otherborough District Council", "otherborough")


def _user(username: str, council: Council | None, role: str | None, **extra) -> User:
    user = User.objects.create_user(username=username, password="pw", job_title=username, **extra)
    if council and role:
        Membership.objects.create(user=user, council=council, role=role)
    return user


@pytest.fixture
def officer(council_a) -> User:
    return _user("officer-a", council_a, Membership.Role.OFFICER)


@pytest.fixture
def member(council_a) -> User:
    return _user("member-a", council_a, Membership.Role.MEMBER)


@pytest.fixture
def plan_manager(council_a) -> User:
    return _user("plan-manager-a", council_a, Membership.Role.PLAN_MANAGER)


@pytest.fixture
def democratic_services(council_a) -> User:
    return _user("democratic-services-a", council_a, Membership.Role.DEMOCRATIC_SERVICES)


@pytest.fixture
def outsider(council_b) -> User:
    """A plan manager, but of the other council."""
    return _user("plan-manager-b", council_b, Membership.Role.PLAN_MANAGER)


@pytest.fixture
def superuser(db) -> User:
    return _user("root", None, None, is_staff=True, is_superuser=True)


def make_plan(council: Council, slug: str, **fields) -> Plan:
    defaults = {
        "title": slug.replace("-", " ").title(),
        "lifecycle": Plan.Lifecycle.APPROVED,
        "visibility": Plan.Visibility.PUBLIC,
    }
    return Plan.objects.create(council=council, slug=slug, **{**defaults, **fields})


@pytest.fixture
def plans_a(council_a) -> dict[str, Plan]:
    """One plan of council A at each visibility and lifecycle that matters."""
    return {
        "public": make_plan(council_a, "public-plan"),
        "members": make_plan(council_a, "members-plan", visibility=Plan.Visibility.MEMBERS),
        "private": make_plan(council_a, "private-plan", visibility=Plan.Visibility.PRIVATE),
        "draft": make_plan(council_a, "draft-plan", lifecycle=Plan.Lifecycle.DRAFT),
    }


@pytest.fixture
def action_a(plans_a, council_a) -> Action:
    plan = plans_a["public"]
    workstream = Workstream.objects.create(plan=plan, title="Jobs and skills", order=1)
    action = Action(
        plan=plan, workstream=workstream, reference="1.", title="Run a jobs fair", order=1
    )
    action.set_deadline("Q4 2015/16")
    action.save()
    dept = Department.objects.create(council=council_a, name="Economic Development")
    action.lead_links.create(department=dept, order=0)
    return action


@pytest.fixture
def today() -> datetime.date:
    return datetime.date(2016, 6, 1)
