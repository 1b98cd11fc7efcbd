"""schemathesis against the API's own schema, anonymous and with an officer's token: no
answer is a server error, and every answer (status, content type, headers and body) is one
the schema describes.

The cases run in process against the demo data. Most cases have their council, plan and
action swapped for real ones, so that the filters, dates and pages schemathesis makes up
reach the code behind a real plan; the rest keep the made-up addresses, which must be 404s
of the documented shape."""

from __future__ import annotations

import random

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from actionplans.models import Action, Plan
from api.models import ApiToken
from councils.models import Membership, User

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def load_schema():
    """The schema, as the site serves it (it needs no database)."""
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


schema = load_schema()


def real_places() -> list[dict]:
    """Council, plan and action of every demo plan anyone may read, and of the private ones
    for the token's plan manager."""
    places = []
    for plan in Plan.objects.select_related("council"):
        action = plan.actions.order_by("pk").first()
        places.append(
            {
                "council_slug": plan.council.slug,
                "plan_slug": plan.slug,
                "id": action.pk if action else 1,
            }
        )
    return places


def token_for_a_plan_manager() -> str:
    membership = Membership.objects.filter(role=Membership.Role.PLAN_MANAGER).first()
    user = membership.user if membership else User.objects.create_user("api-pm")
    return ApiToken.issue(user, "schemathesis", can_write=True)[1]


def place(case) -> None:
    """Put three in four cases at a real plan's address (chosen from what was made up)."""
    params = case.path_parameters or {}
    if not params:
        return
    seed = repr(sorted(params.items()))
    chooser = random.Random(seed)
    if chooser.random() < 0.25:
        return
    real = chooser.choice(real_places())
    case.path_parameters = {key: real.get(key, value) for key, value in params.items()}


HYPOTHESIS = settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@pytest.fixture(autouse=True)
def connections_kept_open():
    """Each request through the WSGI application ends by closing the database connection if
    it is old (Django's request_finished signal); in a test that connection holds the test's
    transaction, so, as Django's own test client does, the signal is off meanwhile."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call_and_validate(case, django_settings, headers: dict) -> None:
    django_settings.API_ANON_RATE = "100000/hour"
    django_settings.API_TOKEN_RATE = "100000/hour"
    place(case)
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@HYPOTHESIS
def test_the_api_answers_anyone_as_its_schema_says(case, settings):
    call_and_validate(case, settings, {})


@schema.parametrize()
@HYPOTHESIS
def test_the_api_answers_a_token_as_its_schema_says(case, settings):
    call_and_validate(case, settings, {"Authorization": f"Bearer {token_for_a_plan_manager()}"})


def test_the_cases_reach_real_plans(client):
    """The swap above is not idle: the demo has public plans with actions to reach."""
    assert any(p["id"] != 1 for p in real_places())
    assert Action.objects.filter(plan__in=Plan.objects.public()).exists()
