"""What a council's IT team does before going live, as one test: two app servers and a
worker, each in an empty folder of its own, with a PostgreSQL, a Redis and an S3-compatible
server that belong to this test alone, so that each can be stopped and started again.

A clerk publishes through one server and a resident downloads through the other; then Redis,
PostgreSQL and the object storage are stopped one at a time while a resident and an officer
go on using the site; and verify_papers finds a stored file that someone altered."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess

import pytest

from tests.live import (
    PYTHON,
    ROOT,
    Browser,
    free_port,
    gunicorn,
    kill,
    manage,
    sql,
    start_worker,
    wait_for,
    worker_output,
)
from tests.pg_server import PostgresProcess
from tests.redis_server import RedisProcess
from tests.s3_server import bucket_env, make_bucket, s3_client, start_moto

pytestmark = pytest.mark.live

PLAN = "/councils/norwich/plans/lakenham-pilot-activity/"
COUNCIL = "/councils/norwich/"


class Estate:
    """The servers of the walkthrough and the people using them."""

    def __init__(self, env, a, b, worker, postgres, redis, moto, endpoint, bucket, report):
        self.env, self.a, self.b, self.worker = env, a, b, worker
        self.postgres, self.redis, self.moto = postgres, redis, moto
        self.endpoint, self.bucket, self.report = endpoint, bucket, report
        self.page = f"/councils/norwich/reports/{report}/"

    def restart_storage(self) -> None:
        """moto's server keeps its objects in memory: started again, the bucket is empty, as
        a store restored from nothing would be."""
        self.moto = start_moto(int(self.endpoint.rsplit(":", 1)[1]))
        make_bucket(self.endpoint, self.bucket)

    def s3(self):
        return s3_client(self.endpoint)


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    postgres = PostgresProcess()
    redis = RedisProcess()
    postgres.start()
    redis.start()
    port = free_port()
    moto = start_moto(port)
    endpoint = f"http://127.0.0.1:{port}"
    bucket = make_bucket(endpoint)
    try:
        postgres.create_database()
        env = {
            **os.environ,
            **bucket_env(endpoint, bucket),
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "PUBLIC_CACHE_SECONDS": "300",
        }
        env.pop("DEBUG", None)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_demo", "--quiet-users")
        report = sql(
            env,
            "from reports.models import CommitteeReport; "
            "print(CommitteeReport.objects.get(council__slug='norwich', item_number='8').pk)",
        )
        machines = tmp_path_factory.mktemp("machines")
        with (
            gunicorn(env, workers=1, folder=machines / "a") as a,
            gunicorn(env, workers=1, folder=machines / "b") as b,
        ):
            worker = start_worker(env, machines / "worker")
            estate = Estate(env, a, b, worker, postgres, redis, moto, endpoint, bucket, report)
            try:
                yield estate
            finally:
                kill(worker)
                moto = estate.moto  # started again by the test
        for machine in ("a", "b", "worker"):  # no server kept a file on its own disk
            assert not any((machines / machine).rglob("*.*")), machine
    finally:
        if redis.process.poll() is None:
            redis.stop()
        moto.terminate()
        postgres.remove()


def verify_papers(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", "verify_papers"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_an_it_teams_walkthrough(estate):
    e = estate
    clerk, resident, officer = Browser(e.a), Browser(e.b), Browser(e.a)
    clerk.sign_in("norwich-democratic-services")
    officer.sign_in("norwich-plan-manager")

    # Published through A, downloaded through B, byte for byte; the page quotes its SHA-256.
    assert clerk.post(e.page + "publish/", {})[0] == 302
    wait_for(
        lambda: "Version 1 (latest)" in clerk.get(e.page)[1],
        180,
        lambda: text_of(clerk.get(e.page)[1])[-2000:] + worker_output(e.worker),
    )
    files = sql(
        e.env,
        "from reports.models import PublishedFile; "
        "print(';'.join(f'{f.pk},{f.sha256},{f.file.name}' for f in "
        f"PublishedFile.objects.filter(report_id={e.report}, version=1).order_by('pk')))",
    )
    files = [line.split(",") for line in files.split(";")]
    assert len(files) == 4  # the pack, the front sheet and two appendices
    report_page = clerk.get(e.page)[1]
    paper = f"/councils/norwich/papers/{e.report}/{files[0][0]}.pdf"
    for pk, sha256, _ in files:
        assert sha256 in report_page
        status, body = resident.raw(f"/councils/norwich/papers/{e.report}/{pk}.pdf")
        assert status == 200 and hashlib.sha256(body).hexdigest() == sha256, pk
    original = resident.raw(paper)[1]
    assert original[:5] == b"%PDF-" and original == Browser(e.a).raw(paper)[1]

    # Redis stopped: every page still answers, nobody is signed out; back, it caches again.
    e.redis.stop()
    for server in (e.a, e.b):
        for path in (COUNCIL, PLAN):
            status, html = Browser(server).get(path)
            assert status == 200 and "Lakenham" in html, (server, path)
    officer.base = e.b
    status, mine = officer.get("/my-actions/")
    assert status == 200 and "Sign out" in mine
    status, health = resident.get("/healthz")
    assert status == 200 and '"cache": "unreachable"' in health
    e.redis.start()
    wait_for(
        lambda: (
            resident.get(PLAN)[0] == 200
            and any(key.startswith(b"pages:") for key in e.redis.stored())
        ),
        20,
        "caching did not resume once Redis was back",
    )
    assert '"cache": "ok"' in resident.get("/healthz")[1]
    assert "Sign out" in officer.get("/my-actions/")[1]

    # PostgreSQL stopped: a plain 503 page for the resident and the officer, on both servers.
    e.postgres.stop()

    def unavailable(who: Browser, path: str) -> bool:
        status, html = who.get(path)
        return status == 503 and "Service unavailable, try again shortly" in html

    # A public page in the shared cache may be served for the few seconds before the
    # site next asks the database whether it is still current.
    wait_for(lambda: unavailable(Browser(e.a), PLAN), 15, "A did not answer 503")
    wait_for(lambda: unavailable(Browser(e.b), PLAN), 15, "B did not answer 503")
    assert unavailable(officer, "/my-actions/")
    status, html = resident.get(PLAN)
    assert 'class="govuk-template' in html and "Traceback" not in html
    status, health = resident.get("/healthz")
    assert status == 503 and '"database": "unreachable"' in health
    e.postgres.start()
    wait_for(lambda: resident.get(PLAN)[0] == 200, 30, "the site did not come back")
    status, mine = officer.get("/my-actions/")
    assert status == 200 and "Sign out" in mine  # signed in all along
    status, health = resident.get("/healthz")
    assert status == 200 and '"status": "ok"' in health
    assert '"last_picked_up_seconds_ago"' in health  # the worker has picked up a task

    # Someone alters one stored file: verify_papers names it and fails; put back, it passes.
    checked = verify_papers(e.env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert re.search(r"All \d+ published files are as they were published", checked.stdout)
    pk, _, key = files[0]
    e.s3().put_object(Bucket=e.bucket, Key=key, Body=original + b"% altered\n")
    checked = verify_papers(e.env)
    assert checked.returncode != 0
    said = checked.stdout.strip().splitlines()
    assert len(said) == 1 and "version 1" in said[0] and key in said[0], said
    assert re.search(r"\b1 of \d+ published files are not as they were", checked.stderr)
    e.s3().put_object(Bucket=e.bucket, Key=key, Body=original)
    assert verify_papers(e.env).returncode == 0

    # Object storage unreachable: dashboards work, a paper is a 503 page, publishing fails
    # cleanly; once storage is back (empty), publishing again works.
    e.moto.terminate()
    e.moto.wait(10)
    for server in (e.a, e.b):
        for path in (COUNCIL, PLAN):
            assert Browser(server).get(path)[0] == 200, (server, path)
    status, html = resident.get(paper)
    assert status == 503 and "committee papers cannot be fetched" in html
    status, health = resident.get("/healthz")
    assert status == 200 and '"storage": "unreachable"' in health
    assert clerk.post(e.page + "publish/", {})[0] == 302
    wait_for(
        lambda: "The file storage the papers are kept in did not answer" in clerk.get(e.page)[1],
        120,
        lambda: text_of(clerk.get(e.page)[1])[-2000:] + worker_output(e.worker),
    )
    assert "Version 2" not in clerk.get(e.page)[1]
    e.restart_storage()
    assert clerk.post(e.page + "publish/", {})[0] == 302
    wait_for(
        lambda: "Version 2 (latest)" in clerk.get(e.page)[1],
        180,
        lambda: text_of(clerk.get(e.page)[1])[-2000:] + worker_output(e.worker),
    )
    # The store came back empty: verify_papers says version 1's files are missing.
    checked = verify_papers(e.env)
    assert checked.returncode != 0
    ours = [line for line in checked.stdout.splitlines() if f"report {e.report} " in line]
    assert len(ours) == 8 and all("version 1," in line for line in ours), ours
