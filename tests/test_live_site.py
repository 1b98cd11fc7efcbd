"""The site as it runs: gunicorn in front of the database, and db_worker beside it, each a
process of its own. What no in-process test can show: several people saving at once on
SQLite, and a worker killed in the middle of publishing a report."""

import re
import threading

import pytest
from django.db import connection

from tests.live import (
    Browser,
    form_value,
    gunicorn,
    kill,
    live_database,
    sql,
    start_worker,
    wait_for,
    worker_output,
)

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_database(tmp_path_factory.mktemp("live")) as env, gunicorn(env) as base:
        yield env, base


def find_action(env: dict) -> str:
    """An action of the Lakenham plan, which publishes updates without approval."""
    return sql(
        env,
        "from actionplans.models import Action; "
        "a = Action.objects.filter(plan__slug='lakenham-pilot-activity').order_by('pk').first(); "
        "print(a.get_absolute_url())",
    )


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's own locking; on PostgreSQL tests/actionplans/test_concurrency.py",
)
def test_six_people_saving_the_same_form_at_once_on_sqlite(site):
    """Six plan managers' browsers hold the same update form and press Save together: one
    saves, five see the conflict page, none gets an error."""
    env, base = site
    action = find_action(env)
    browsers = []
    for _ in range(6):
        browser = Browser(base)
        browser.sign_in("norwich-plan-manager")
        status, form = browser.get(action + "update/")
        assert status == 200
        browsers.append((browser, form))
    versions = {form_value(form, "version") for _, form in browsers}
    assert len(versions) == 1  # all opened the same version
    version = versions.pop()
    status_id = re.search(r'name="status" type="radio" value="(\d+)"', browsers[0][1]).group(1)
    results = [None] * 6
    start = threading.Barrier(6)

    def save(i):
        browser, _ = browsers[i]
        data = {"version": version, "status": status_id}
        data |= {"commentary": f"Parallel save {i}", "percent_complete": "50"}
        start.wait()
        results[i] = browser.post(action + "update/", data)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    codes = sorted(result[0] for result in results)
    assert codes == [200] * 5 + [302], codes
    for code, html, _ in results:
        if code == 200:
            assert "This action changed while you were updating it" in html
    saved = sql(
        env,
        "from actionplans.models import ProgressUpdate; "
        "print(ProgressUpdate.objects.filter(commentary__startswith='Parallel save').count())",
    )
    assert saved == "1"


def test_a_worker_killed_mid_build_is_detected_and_publishing_works_again(site):
    env, base = site
    report = sql(
        env,
        "from reports.models import CommitteeReport; "
        "print(CommitteeReport.objects.get(council__slug='norwich', item_number='8').pk)",
    )
    # The demo report is laid out in well under a second, too quick to be sure of catching
    # the worker in the middle on a busy machine: its first plan gains 500 actions, so the
    # build takes some seconds, as a real corporate plan's does.
    sql(
        env,
        "import copy\n"
        "from actionplans.models import Action\n"
        "from reports.models import CommitteeReport\n"
        f"report = CommitteeReport.objects.get(pk={report})\n"
        "plan = report.appendices.order_by('order').first().plan\n"
        "base = plan.actions.order_by('pk').first()\n"
        "copies = []\n"
        "for i in range(500):\n"
        "    action = copy.copy(base)\n"
        "    action.pk, action.reference, action.order = None, f'{i + 100}.', 1000 + i\n"
        "    action.title = f'Further action {i + 1}: {base.title}'\n"
        "    copies.append(action)\n"
        "Action.objects.bulk_create(copies)\n",
    )
    page = f"/councils/norwich/reports/{report}/"
    clerk = Browser(base)
    clerk.sign_in("norwich-democratic-services")
    worker = start_worker(env)
    try:
        status, _, headers = clerk.post(page + "publish/", {})
        assert status == 302
        html = clerk.get(page)[1]
        found = re.search(r'data-status-url="([^"]+)"', html)
        assert found, "the build is not shown as under way:\n" + worker_output(worker)
        status_url = found.group(1)

        seen = []

        def running():
            data = clerk.request(status_url)[1]
            if not seen or seen[-1] != data:
                seen.append(data)
            return '"state": "running"' in data and '"steps_done": 0' not in data

        wait_for(
            running,
            60,
            lambda: (
                "the worker never got past the front sheet; the status went "
                + " then ".join(seen)
                + "\nThe worker printed:\n"
                + worker_output(worker)
            ),
        )
    finally:
        kill(worker)
    # The page finds the worker gone (its process has ended on this machine).
    html = clerk.get(page)[1]
    assert "failed and published nothing" in html
    assert "The worker making the documents stopped before it finished" in html
    data = clerk.request(status_url)[1]
    assert '"state": "failed"' in data and "stopped before it finished" in data
    assert "Publish the report" in html  # nothing was published

    # Publishing again is allowed, and a new worker publishes version 1.
    status, _, _ = clerk.post(page + "publish/", {})
    assert status == 302
    assert "already being generated" not in clerk.get(page)[1]
    worker = start_worker(env)
    try:
        wait_for(
            lambda: "Version 1 (latest)" in clerk.get(page)[1], 120, "the new build never finished"
        )
    finally:
        kill(worker)
    html = clerk.get(page)[1]
    assert html.count("Report and appendices (one PDF)") == 1
    builds = sql(
        env,
        "from reports.models import ReportBuild; "
        "print(sorted((b.state, b.worker_lost) for b in ReportBuild.objects.all()))",
    )
    assert builds == "[('done', False), ('failed', True)]"
