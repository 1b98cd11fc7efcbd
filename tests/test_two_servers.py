"""Two app servers (two gunicorn processes on two ports) sharing one database and one Redis,
as docs/deployment.md sets them up: what one server saves, the other shows at once, from a
cache they share; a session made on one is good on the other."""

import os
import re

import pytest

from tests.live import Browser, form_value, gunicorn, live_database, sql
from tests.redis_server import redis_server

pytestmark = pytest.mark.live

REDIS_URL = os.environ.get("TEST_LIVE_REDIS_URL", "redis://127.0.0.1:6379/14")
PLAN = "/councils/norwich/plans/lakenham-pilot-activity/"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    server = redis_server(REDIS_URL)
    with live_database(tmp_path_factory.mktemp("two")) as env:
        env = {**env, "REDIS_URL": REDIS_URL, "PUBLIC_CACHE_SECONDS": "300"}
        with gunicorn(env, workers=1) as a, gunicorn(env, workers=1) as b:
            yield env, a, b, server
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
