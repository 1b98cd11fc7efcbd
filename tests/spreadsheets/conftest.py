"""The council every spreadsheet test imports into.

Its status vocabulary deliberately differs from the words the sheets use ("On track",
"Completed", "Slipped", "R/A/G"), so matching, suggesting and confirming are all exercised:
only its own labels are exact matches."""

import pytest

from councils.models import Council, Membership, Status, User

VOCABULARY = [
    # label, rag, is_started, is_complete, is_closed
    ("Not started", "grey", False, False, False),
    ("On target", "green", True, False, False),
    ("Some slippage", "amber", True, False, False),
    ("Behind schedule", "red", True, False, False),
    ("Complete", "blue", True, True, True),
    ("On hold", "grey", True, False, True),
]


@pytest.fixture
def council(db) -> Council:
    council = Council.objects.create(
        name="Marshwood Vale District Council",
        slug="marshwood-vale",
        kind=Council.Kind.DISTRICT,
    )
    for order, (label, rag, started, complete, closed) in enumerate(VOCABULARY):
        Status.objects.create(
            council=council,
            label=label,
            rag=rag,
            is_started=started,
            is_complete=complete,
            is_closed=closed,
            order=order,
        )
    return council


@pytest.fixture
def statuses(council) -> dict[str, Status]:
    """The council's statuses by label."""
    return {status.label: status for status in Status.objects.filter(council=council)}


@pytest.fixture
def importer(council) -> User:
    """The plan manager who uploads the spreadsheets (known by job title only)."""
    user = User.objects.create_user(
        username="performance-officer",
        password="pw",
        job_title="Performance and Policy Officer",
    )
    Membership.objects.create(user=user, council=council, role=Membership.Role.PLAN_MANAGER)
    return user
