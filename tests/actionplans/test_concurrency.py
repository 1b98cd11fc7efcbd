"""Many officers saving the same action at once, on PostgreSQL: exactly one save per form
version wins, every other one gets the conflict, nothing is lost or half-written."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from actionplans.models import Action, Plan, ProgressUpdate
from actionplans.services import UpdateConflict, record_update
from councils.models import Council, Department, Membership, Status, User

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL: CI runs this there (SQLite locks the whole file)",
    ),
]

THREADS = 12


@pytest.fixture
def action():
    council = Council.objects.create(name="Concurrency Council", slug="concurrency")
    Status.objects.create(council=council, label="On track", rag="green", is_started=True)
    Status.objects.create(council=council, label="Delayed", rag="amber", is_started=True)
    plan = Plan.objects.create(
        council=council, slug="p", title="Plan", lifecycle="approved", visibility="public"
    )
    action = Action.objects.create(plan=plan, title="Contended action")
    department = Department.objects.create(council=council, name="Housing")
    action.lead_links.create(department=department)
    for i in range(THREADS):
        user = User.objects.create_user(f"officer-{i}", password="pw", job_title="Officer")
        Membership.objects.create(user=user, council=council, role="officer", department=department)
    return action


def run_all(target) -> list:
    results = [None] * THREADS
    start = threading.Barrier(THREADS)

    def worker(i):
        try:
            start.wait()
            results[i] = target(i)
        except Exception as error:  # collected, asserted below
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_one_save_per_version_wins_and_the_rest_get_the_conflict(action):
    version = action.version
    status = Status.objects.get(council=action.plan.council, label="Delayed")

    def save(i):
        officer = User.objects.get(username=f"officer-{i}")
        return record_update(
            Action.objects.get(pk=action.pk),
            by=officer,
            status=status,
            commentary=f"Delayed: update from officer {i}",
            expected_version=version,
        )

    results = run_all(save)
    saved = [r for r in results if isinstance(r, ProgressUpdate)]
    conflicts = [r for r in results if isinstance(r, UpdateConflict)]
    assert len(saved) == 1 and len(conflicts) == THREADS - 1, results
    action.refresh_from_db()
    assert action.version == version + 1
    assert action.status_commentary == saved[0].commentary  # the winner's words, not lost
    assert ProgressUpdate.objects.filter(action=action).count() == 1


def test_through_the_form_every_refused_save_gets_the_message(action, client):
    url = reverse("actionplans:action-update", args=["concurrency", "p", action.pk])
    status = Status.objects.get(council=action.plan.council, label="On track")
    version = action.version

    def post(i):
        from django.test import Client

        officer_client = Client()
        officer_client.force_login(User.objects.get(username=f"officer-{i}"))
        data = {"version": version, "status": status.pk, "commentary": f"On track ({i})"}
        response = officer_client.post(url, data)
        return response.status_code, response.content.decode()

    results = run_all(post)
    codes = sorted(code for code, _ in results)
    assert codes.count(302) == 1 and codes.count(200) == THREADS - 1, codes
    for code, html in results:
        if code == 200:
            assert "This action changed while you were updating it" in html
    assert ProgressUpdate.objects.filter(action=action).count() == 1
