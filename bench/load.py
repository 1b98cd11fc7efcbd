"""Load test: the public dashboard and an officer's update under concurrency, against
gunicorn on 127.0.0.1, next to a trivial view on the same server in the same run.

Run from the project root (needs `wrk`: apt-get install wrk):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/councilplans_load \\
        .venv/bin/python bench/load.py [--seconds 10] [--rounds 3] [--connections 16] [--workers 4]

It migrates the database and loads the demo (seed_demo), collects the static files into a
temporary folder, and starts gunicorn with the production settings (DEBUG off, the
manifest static storage, JSON logs at WARNING; HTTPS redirects and secure cookies off, as
there is no TLS on 127.0.0.1) and the project's gunicorn.conf.py: one server with the
public-page cache, and a second with it off (PUBLIC_CACHE_SECONDS=0). Then wrk, each run
bounded by --seconds, drives for --rounds rounds:

* /livez on the first server, a view that touches nothing: the reference, what Django and
  gunicorn cost here;
* the public plan dashboard (Norwich's 17-action plan) as signed-out visitors see it, from
  the public-page cache;
* /livez on the second server, the reference again;
* the same dashboard on the second server, uncached: what rendering it costs.

The machine's speed drifts over minutes, so each dashboard is compared with the /livez run
just before it, and the figure is the median of the rounds' ratios. Last, once:

* an officer posting progress updates to one action, signed in, with the form's CSRF
  token: each request either saves (302) or, when another request changed the action
  first, gets the conflict message (200). Both are correct answers; any other status is
  an error.

It prints requests per second, latency and error counts for each, and the dashboard's rate
as a share of the trivial view's. With DATABASE_URL unset, a throwaway SQLite file is used
(concurrent writes then queue on SQLite's lock: use PostgreSQL for figures).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import PROJECT_ROOT, database_label, setup_django, stop

# One key for this process and the servers, so the session made here signs the officer in
# there.
SECRET_KEY = secrets.token_urlsafe(50)
os.environ["SECRET_KEY"] = SECRET_KEY
TEMP_DIR = setup_django("bench-load-")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from actionplans.models import ProgressUpdate  # noqa: E402

PLAN_URL = "/councils/norwich/plans/reducing-inequalities-2015-16/"


def production_env(port: int, workers: int, static_root: str, **extra: str) -> dict:
    """The environment of a production server on 127.0.0.1 (no TLS there)."""
    return {
        **os.environ,
        "DEBUG": "",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "HSTS_SECONDS": "0",
        "HSTS_INCLUDE_SUBDOMAINS": "0",
        "HSTS_PRELOAD": "0",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        **extra,
    }


def collect_static(static_root: str) -> None:
    """collectstatic as production runs it: hashed names and a manifest."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=PROJECT_ROOT,
        env=production_env(0, 1, static_root),
        check=True,
        capture_output=True,
    )


def start_gunicorn(port: int, workers: int, static_root: str, **extra: str) -> subprocess.Popen:
    env = production_env(port, workers, static_root, **extra)
    process = subprocess.Popen(
        [str(PROJECT_ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=1) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    sys.exit("FAILED: gunicorn did not start:\n" + process.stderr.read().decode()[-2000:])


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        url,
    ]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    p50 = re.search(r"50%\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    return {
        "rate": rate,
        "requests": total,
        "errors": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
        "p50": p50,
        "p99": p99,
    }


def officer_script(folder: str, port: int) -> str:
    """A wrk script posting updates as the demo officer, with a real session and token."""
    from actionplans.models import Action
    from councils.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    action = Action.objects.get(title__startswith="Encourage residents to take up benefits")
    client = Client()
    client.force_login(User.objects.get(username="norwich-officer"))
    url = f"/councils/norwich/plans/{action.plan.slug}/actions/{action.pk}/update/"
    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status = action.plan.council.statuses.order_by("order")[1].pk
    session = client.cookies["sessionid"].value
    csrf = client.cookies["csrftoken"].value
    body = (
        f"csrfmiddlewaretoken={token}&version={action.version}&status={status}"
        "&percent_complete=40&commentary=Load+test+update"
    )
    path = Path(folder) / "officer.lua"
    path.write_text(
        'wrk.method = "POST"\n'
        f'wrk.path = "{url}"\n'
        f'wrk.body = "{body}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = "sessionid={session}; csrftoken={csrf}"\n'
        f'wrk.headers["Origin"] = "http://127.0.0.1:{port}"\n'
        f'wrk.headers["Referer"] = "http://127.0.0.1:{port}{url}"\n'
    )
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", quiet_users=True, stdout=io.StringIO())
    folder = tempfile.mkdtemp(prefix="bench-load-static-")
    rounds = []
    try:
        collect_static(folder)
        print(
            f"Load test: gunicorn with {args.workers} workers x 2 threads on 127.0.0.1; wrk, "
            f"2 threads, {args.connections} connections, {args.seconds} s per run, "
            f"{args.rounds} rounds; {database_label()}; {os.cpu_count()} cores."
        )
        cached_server = start_gunicorn(args.port, args.workers, folder)
        uncached_server = start_gunicorn(
            args.port + 1, args.workers, folder, PUBLIC_CACHE_SECONDS="0"
        )
        try:
            cached = f"http://127.0.0.1:{args.port}"
            uncached = f"http://127.0.0.1:{args.port + 1}"
            # Each dashboard run follows a run of /livez on the same server: the machine's
            # speed drifts over minutes, so each ratio is taken from neighbouring runs and
            # the figure is the median of the rounds'.
            for _ in range(args.rounds):
                rounds.append(
                    [
                        (
                            "/livez (reference)",
                            wrk(cached + "/livez", args.seconds, args.connections),
                        ),
                        (
                            "public dashboard, cached",
                            wrk(cached + PLAN_URL, args.seconds, args.connections),
                        ),
                        (
                            "/livez (reference)",
                            wrk(uncached + "/livez", args.seconds, args.connections),
                        ),
                        (
                            "public dashboard, uncached",
                            wrk(uncached + PLAN_URL, args.seconds, args.connections),
                        ),
                    ]
                )
            script = officer_script(folder, args.port)
            before = ProgressUpdate.objects.filter(commentary="Load test update").count()
            officer = wrk(cached + "/", args.seconds, args.connections, script)
            saved = ProgressUpdate.objects.filter(commentary="Load test update").count() - before
        finally:
            stop(cached_server)
            stop(uncached_server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"{'round':<5} {'run':<28} {'req/s':>9} {'x ref':>6} {'p50':>9} {'p99':>9} "
        f"{'requests':>9} {'errors':>7}"
    )
    ratios = {"cached": [], "uncached": []}
    for number, runs in enumerate(rounds, 1):
        for index, (name, row) in enumerate(runs):
            reference = runs[index - index % 2][1]["rate"]
            print(
                f"{number:<5} {name:<28} {row['rate']:>9.1f} {row['rate'] / reference:>6.2f} "
                f"{row['p50']:>9} {row['p99']:>9} {row['requests']:>9} "
                f"{row['errors'] + row['socket_errors']:>7}"
            )
        ratios["cached"].append(runs[1][1]["rate"] / runs[0][1]["rate"])
        ratios["uncached"].append(runs[3][1]["rate"] / runs[2][1]["rate"])
    print(
        f"{'':<5} {'officer update (POST)':<28} {officer['rate']:>9.1f} {'':>6} "
        f"{officer['p50']:>9} {officer['p99']:>9} {officer['requests']:>9} "
        f"{officer['errors'] + officer['socket_errors']:>7}"
    )
    for kind, values in ratios.items():
        each = ", ".join(f"{value:.2f}" for value in values)
        print(
            f"public dashboard ({kind}) / trivial view: {statistics.median(values):.2f}x "
            f"(median of rounds: {each})"
        )
    others = max(0, officer["requests"] - saved)
    print(
        f"officer posts: {saved} updates saved (the demo plan requires approval, so each waits "
        f"for a plan manager); {others} told the action had changed since the form was opened"
    )
    if not saved:
        sys.exit("FAILED: no officer update was saved: the session or form is wrong.")
    rows = [row for runs in rounds for _, row in runs] + [officer]
    if any(row["errors"] or row["socket_errors"] for row in rows):
        sys.exit("FAILED: some requests got an error status or a socket error.")


if __name__ == "__main__":
    main()
