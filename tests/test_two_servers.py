"""Two app servers (two gunicorn processes on two ports) and a worker sharing one database,
one Redis and one S3-compatible bucket, as docs/deployment.md sets them up, each in an empty
working folder with a MEDIA_ROOT of its own, so that nothing can pass between them through
the disk: what one server saves, the other shows at once, from a cache they share; a
session made on one is good on the other; a paper published through one downloads through
the other; a spreadsheet uploaded to one is previewed and confirmed through the other."""

import hashlib
import os
import re
import urllib.parse
from types import SimpleNamespace

import pytest

from tests.forms import form_fields
from tests.live import (
    Browser,
    form_value,
    gunicorn,
    kill,
    live_database,
    sql,
    start_worker,
    wait_for,
)
from tests.redis_server import redis_server
from tests.s3_server import bucket_env, make_bucket

pytestmark = pytest.mark.live

REDIS_URL = os.environ.get("TEST_LIVE_REDIS_URL", "redis://127.0.0.1:6379/14")
PLAN = "/councils/norwich/plans/lakenham-pilot-activity/"


@pytest.fixture(scope="module")
def servers(tmp_path_factory, s3_endpoint):
    server = redis_server(REDIS_URL)
    bucket = make_bucket(s3_endpoint)
    with live_database(tmp_path_factory.mktemp("two")) as env:
        env = {
            **env,
            **bucket_env(s3_endpoint, bucket),
            "REDIS_URL": REDIS_URL,
            "PUBLIC_CACHE_SECONDS": "300",
        }
        machines = tmp_path_factory.mktemp("machines")
        with (
            gunicorn(env, workers=1, folder=machines / "a") as a,
            gunicorn(env, workers=1, folder=machines / "b") as b,
        ):
            yield env, a, b, server
        for machine in ("a", "b"):  # nothing was written to either server's own disk
            assert not any((machines / machine).rglob("*.*")), machine
    server.flushdb()
    server.close()


def public_page(base: str, path: str) -> tuple[int, str, str]:
    status, html, headers = Browser(base).request(path)
    return status, html, headers.get("X-Cache", "")


def test_an_update_saved_on_one_server_shows_at_once_on_the_other(servers):
    env, a, b, redis_server = servers
    # Both servers serve the public page, the second time from the shared cache.
    assert public_page(a, PLAN)[2] == "miss"
    status, before, cached = public_page(b, PLAN)
    assert status == 200 and cached == "hit"
    assert redis_server.keys("pages:*")

    action = sql(
        env,
        "from actionplans.models import Action; "
        "print(Action.objects.filter(plan__slug='lakenham-pilot-activity')"
        ".order_by('pk').first().get_absolute_url())",
    )
    officer = Browser(a)
    officer.sign_in("norwich-plan-manager")
    status, form = officer.get(action + "update/")
    assert status == 200
    status_id = re.search(r'name="status" type="radio" value="(\d+)"', form).group(1)
    saved, _, _ = officer.post(
        action + "update/",
        {
            "version": form_value(form, "version"),
            "status": status_id,
            "percent_complete": "60",
            "commentary": "Saved through server A for the two-server test",
        },
    )
    assert saved == 302
    assert "Saved through server A" not in before
    status, after, cached = public_page(b, PLAN)
    assert status == 200 and cached == "miss"
    assert "Saved through server A for the two-server test" in after
    assert "Saved through server A" in public_page(b, action)[1]

    # The session made on A is good on B: sessions are in the Redis both read.
    officer.base = b
    status, mine = officer.get("/my-actions/")
    assert status == 200 and "Sign out" in mine


def test_a_plan_made_private_is_not_found_on_either_server_at_once(servers):
    env, a, b, _ = servers
    assert public_page(a, PLAN)[0] == 200 and public_page(b, PLAN)[0] == 200
    sql(
        env,
        "from actionplans.models import Plan; "
        "p = Plan.objects.get(slug='lakenham-pilot-activity'); "
        "p.visibility = Plan.Visibility.PRIVATE; p.save()",
    )
    assert public_page(a, PLAN)[0] == 404
    assert public_page(b, PLAN)[0] == 404
    sql(  # public again, for the report the next tests publish
        env,
        "from actionplans.models import Plan; "
        "p = Plan.objects.get(slug='lakenham-pilot-activity'); "
        "p.visibility = Plan.Visibility.PUBLIC; p.save()",
    )


def test_a_paper_published_through_one_server_downloads_through_the_other(servers, tmp_path):
    env, a, b, _ = servers
    report = sql(
        env,
        "from reports.models import CommitteeReport; "
        "print(CommitteeReport.objects.get(council__slug='norwich', item_number='8').pk)",
    )
    page = f"/councils/norwich/reports/{report}/"
    clerk = Browser(a)
    clerk.sign_in("norwich-democratic-services")
    worker = start_worker(env, tmp_path / "worker")
    try:
        assert clerk.post(page + "publish/", {})[0] == 302
        wait_for(
            lambda: "Version 1 (latest)" in clerk.get(page)[1],
            180,
            lambda: re.sub(r"<[^>]+>", " ", clerk.get(page)[1])[-3000:],
        )
    finally:
        kill(worker)
    assert not any((tmp_path / "worker").rglob("*.*"))  # the worker kept nothing either
    files = sql(
        env,
        "from reports.models import PublishedFile; "
        "print(';'.join(f'{f.pk},{f.sha256},{f.word_sha256}' "
        "for f in PublishedFile.objects.filter(report__item_number='8', version=1)))",
    )
    reader = Browser(b)  # a resident, on the other server
    for line in files.split(";"):
        pk, sha256, word_sha256 = line.split(",")
        for suffix, expected in ((".pdf", sha256), (".docx", word_sha256)):
            status, body = reader.raw(f"/councils/norwich/papers/{report}/{pk}{suffix}")
            assert status == 200, (pk, suffix)
            assert hashlib.sha256(body).hexdigest() == expected, (pk, suffix)


def test_a_spreadsheet_uploaded_to_one_server_is_confirmed_through_the_other(servers):
    env, a, b, _ = servers
    manager = Browser(a)
    manager.sign_in("norwich-plan-manager")
    sheet = (
        b"Ref,Action,Lead,Deadline\r\n"
        b"1,Open a second advice surgery in Lakenham,Neighbourhoods,March 2017\r\n"
        b"2,Train ward councillors in benefits advice,Strategy,Q3 2016/17\r\n"
    )
    status, _, headers = manager.upload(
        "/councils/norwich/import/",
        {"title": "Two-server import plan", "sheet": ""},
        "spreadsheet",
        "two-servers.csv",
        sheet,
    )
    assert status == 302, status
    preview = urllib.parse.urlparse(headers["Location"]).path
    manager.base = b  # the same person's next request lands on the other server
    status, html = manager.get(preview)
    assert status == 200 and "Open a second advice surgery in Lakenham" in html
    page = SimpleNamespace(content=html.encode())  # what tests.forms reads
    status, html, headers = manager.post(preview, form_fields(page, confirm="1"))
    assert status == 302, re.sub(r"<[^>]+>", " ", html)[:3000]
    plan = headers["Location"]
    manager.base = a  # and the new plan (a draft) is there on the first server too
    status, html = manager.get(plan)
    assert status == 200 and "Train ward councillors in benefits advice" in html
