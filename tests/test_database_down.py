"""PostgreSQL stopped while the site runs (a server of the test's own, behind gunicorn with
the production settings): a resident and an officer get a plain 503 page in the site's
design, /healthz says the database is down, and as soon as PostgreSQL is back the same
gunicorn serves again, with no restart."""

import os
import time

import pytest

from tests.live import Browser, gunicorn, kill, manage, sql, start_worker, wait_for, worker_output
from tests.pg_server import PostgresProcess

pytestmark = pytest.mark.live

PLAN = "/councils/norwich/plans/lakenham-pilot-activity/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    postgres = PostgresProcess()
    postgres.start()
    try:
        postgres.create_database()
        folder = tmp_path_factory.mktemp("site")
        env = {
            **os.environ,
            "DATABASE_URL": postgres.url,
            "MEDIA_ROOT": str(folder / "media"),
            # Every page made afresh: a public page in the cache can outlast a stop by a
            # couple of seconds (PUBLIC_VERSION_SECONDS), which is not what is tested here.
            "PUBLIC_CACHE_SECONDS": "0",
            "PUBLIC_VERSION_SECONDS": "0",
        }
        env.pop("DEBUG", None)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_demo", "--quiet-users")
        with gunicorn(env, workers=1) as base:
            yield postgres, base, env
    finally:
        postgres.remove()


def test_postgresql_stopped_and_started_again(site):
    postgres, base, _ = site
    resident, officer = Browser(base), Browser(base)
    officer.sign_in("norwich-plan-manager")
    assert resident.get(PLAN)[0] == 200
    assert officer.get("/my-actions/")[0] == 200

    postgres.stop()
    for who, path in [(resident, PLAN), (resident, "/"), (officer, "/my-actions/")]:
        status, html = who.get(path)
        assert status == 503, (path, status, html[:500])
        assert "Service unavailable, try again shortly" in html
        assert 'class="govuk-template' in html and "Traceback" not in html
    status, health = resident.get("/healthz")
    assert status == 503 and '"database": "unreachable"' in health

    postgres.start()
    wait_for(lambda: resident.get(PLAN)[0] == 200, 30, "the site did not come back")
    status, mine = officer.get("/my-actions/")  # still signed in
    assert status == 200 and "Sign out" in mine
    status, health = resident.get("/healthz")
    assert status == 200 and '"database": "ok"' in health


def test_the_worker_waits_for_the_database_and_goes_on(site, tmp_path):
    """PostgreSQL stopped under a waiting worker: the worker says so and keeps running, and
    once the database is back it publishes the next report asked for, with no restart."""
    postgres, base, env = site
    worker = start_worker({**env, "REPORT_WORKER_RETRY_SECONDS": "1"}, tmp_path / "worker")
    try:
        wait_for(lambda: "Starting worker" in worker_output(worker), 30, "no worker")
        postgres.stop()
        wait_for(
            lambda: "The database did not answer" in worker_output(worker),
            30,
            lambda: worker_output(worker),
        )
        time.sleep(3)  # upstream's worker had ended at once; this one retries each second
        assert worker.poll() is None, worker_output(worker)
        assert worker_output(worker).count("The database did not answer") == 1  # said once
        postgres.start()
        report = sql(
            env,
            "from reports.models import CommitteeReport; "
            "print(CommitteeReport.objects.get(council__slug='norwich', item_number='8').pk)",
        )
        page = f"/councils/norwich/reports/{report}/"
        clerk = Browser(base)
        clerk.sign_in("norwich-democratic-services")
        assert clerk.post(page + "publish/", {})[0] == 302
        wait_for(
            lambda: "Version 1 (latest)" in clerk.get(page)[1],
            120,
            lambda: worker_output(worker),
        )
        assert "The database answers again" in worker_output(worker)
    finally:
        kill(worker)
