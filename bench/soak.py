"""Soak test: mixed traffic for a bounded time against two gunicorn servers and a worker
sharing PostgreSQL, Redis and an S3-compatible bucket, as docs/deployment.md sets them up.

Run from the project root (PostgreSQL and Redis on this machine; moto's S3 server is
started here):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/councilplans_soak \\
    REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/soak.py [--minutes 10] [--readers 6] [--officers 2]

It migrates the database and loads the demo, collects the static files, starts moto's
server with a new bucket, two gunicorn servers (production settings, 2 workers x 2
threads each, each in an empty working folder of its own) and one `db_worker`. Then, for
--minutes:

* readers: signed-out residents reading public pages (the council's page, its plans'
  dashboards and action pages), each request to either server;
* officers: signed in, each saving a progress update on one of their actions in turn,
  the form read from one server and posted to the other;
* a clerk publishing the Cabinet report every minute, through either server, and the
  papers downloaded once the worker has made them;
* the reference: /livez on the same servers throughout, a view that touches nothing.

Before the traffic, the report is published once and its papers downloaded through each
server by eight people at once, so that every gunicorn thread has opened its S3 connection
(which loads 26 MB of botocore's models, once). Memory is then taken a minute into the
traffic (a tenth of a shorter run), and every half minute to the end.

It prints the requests served, the errors (must be 0: any 5xx, or any status a page should
not give), the p95 latency of each kind of page next to /livez's, and each process's
resident memory at the start of the traffic and at the end (growth under 10%).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PROJECT_ROOT, stop  # noqa: E402

PYTHON = sys.executable
PASSWORD = "demo-council-2015"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, str(PROJECT_ROOT / "manage.py"), *args],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode:
        sys.exit(f"FAILED: manage.py {' '.join(args)}\n{result.stderr[-3000:]}")
    return result.stdout


LOGS: Path | None = None  # --logs: each process's output kept here


def start(command: list[str], env: dict, cwd: Path) -> subprocess.Popen:
    output = subprocess.DEVNULL
    if LOGS is not None:
        LOGS.mkdir(parents=True, exist_ok=True)
        output = open(LOGS / f"{cwd.name}-{len(list(LOGS.iterdir()))}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        command, env=env, cwd=cwd, stdout=output, stderr=output, start_new_session=True
    )


def wait_until_up(url: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"FAILED: nothing answered at {url}")


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children, in KB."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, AttributeError):
            continue
        pids.extend(int(child) for child in children)
    return total


class Person:
    """One person's cookies against the two servers (they share sessions through Redis)."""

    def __init__(self, servers: list[str], timings, errors) -> None:
        self.servers = servers
        self.timings, self.errors = timings, errors
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, kind: str, path: str, data: dict | None = None, ok=(200,)) -> str:
        base = random.choice(self.servers)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(urllib.request.Request(base + path, data=body), timeout=60) as r:
                status, text = r.status, r.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        except OSError as error:
            status, text = 0, str(error)
        self.timings[kind].append(time.perf_counter() - started)
        if status not in ok:
            self.errors.append(f"{kind} {path}: {status}")
        return text

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        self.request("sign-in", "/accounts/login/")
        return self.csrf()

    def sign_in(self, username: str) -> None:
        self.request(
            "sign-in",
            "/accounts/login/",
            {"csrfmiddlewaretoken": self.csrf(), "username": username, "password": PASSWORD},
            ok=(302,),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--officers", type=int, default=2)
    parser.add_argument("--logs", help="keep each process's output in this folder")
    args = parser.parse_args()
    global LOGS
    LOGS = Path(args.logs).resolve() if args.logs else None
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: see the docstring.")
    work = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    processes: list[subprocess.Popen] = []
    try:
        s3_port = free_port()
        processes.append(
            start([str(Path(PYTHON).with_name("moto_server")), "-H", "127.0.0.1", "-p",
                   str(s3_port)], dict(os.environ), work)
        )  # fmt: skip
        endpoint = f"http://127.0.0.1:{s3_port}"
        wait_until_up(endpoint)
        bucket = f"soak-{uuid.uuid4().hex[:8]}"
        credentials = {"AWS_ACCESS_KEY_ID": "soak", "AWS_SECRET_ACCESS_KEY": "soak"}
        import boto3

        boto3.client(
            "s3", endpoint_url=endpoint, region_name="eu-west-2",
            aws_access_key_id="soak", aws_secret_access_key="soak",
        ).create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )  # fmt: skip
        env = {
            **os.environ,
            **credentials,
            "DEBUG": "",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "STATIC_ROOT": str(work / "static"),
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": "eu-west-2",
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_demo", "--quiet-users")
        manage(env, "collectstatic", "--no-input", "-v0")
        servers = []
        for name in ("a", "b"):
            port = free_port()
            folder = work / name
            folder.mkdir()
            server_env = {
                **env,
                "MEDIA_ROOT": str(folder / "media"),
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": "2",
                "GUNICORN_THREADS": "2",
                "GUNICORN_ACCESS_LOG": "/dev/null",
                # Workers are not recycled during the soak: their growth is the site's own,
                # not hidden by a new worker replacing an old one.
                "GUNICORN_MAX_REQUESTS": "0",
            }
            processes.append(
                start([PYTHON, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"),
                       "config.wsgi"], server_env, folder)
            )  # fmt: skip
            servers.append(f"http://127.0.0.1:{port}")
        (work / "worker").mkdir()
        processes.append(
            start([PYTHON, str(PROJECT_ROOT / "manage.py"), "db_worker", "--no-reload",
                   "--interval", "0.5"], {**env, "MEDIA_ROOT": str(work / "worker")},
                  work / "worker")
        )  # fmt: skip
        for base in servers:
            wait_until_up(base + "/livez")
        run(args, env, servers, processes)
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(work, ignore_errors=True)


def run(args, env: dict, servers: list[str], processes: list[subprocess.Popen]) -> None:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    counts = {"published": 0, "downloads": 0, "updates": 0}
    deadline = time.monotonic() + args.minutes * 60
    pages = public_pages(Person(servers, defaultdict(list), []))
    warm_up_papers(servers, errors)
    names = ["moto S3 server", "gunicorn A", "gunicorn B", "db_worker"]
    # Memory at the start is taken after a warm-up of a minute (a tenth of a short run): the
    # first requests and the first publication load code, fonts and caches once.
    memory_start: dict[str, int] = {}
    warm_up = min(60.0, args.minutes * 6)

    samples: list[tuple[float, dict[str, int]]] = []  # (minutes in, {process: KB})
    began = time.monotonic()

    def sample() -> None:
        """Memory a minute in, then every half minute to the end: the trend, not two points."""
        time.sleep(warm_up)
        while time.monotonic() < deadline:
            now = {name: rss_kb(p.pid) for name, p in zip(names, processes, strict=True)}
            memory_start.update(memory_start or now)
            samples.append(((time.monotonic() - began) / 60, now))
            time.sleep(30)

    threading.Thread(target=sample, daemon=True).start()

    def reader() -> None:
        person = Person(servers, timings, errors)
        while time.monotonic() < deadline:
            kind, path = random.choice(pages)
            person.request(kind, path)
            person.request("/livez (reference)", "/livez")

    def officer(username: str) -> None:
        person = Person(servers, timings, errors)
        person.sign_in(username)
        actions = re.findall(r'href="(/councils/norwich/plans/[^"]+/actions/\d+/)"',
                             person.request("my actions", "/my-actions/"))  # fmt: skip
        while time.monotonic() < deadline and actions:
            path = random.choice(actions) + "update/"
            form = person.request("officer: update form", path)
            version = re.search(r'name="version"[^>]*value="(\d+)"', form)
            status = re.search(r'name="status" type="radio" value="(\d+)"', form)
            if not (version and status):
                errors.append(f"officer form {path}: no version or status")
                continue
            person.request(
                "officer: save update",
                path,
                {"csrfmiddlewaretoken": person.csrf(), "version": version.group(1),
                 "status": status.group(1), "percent_complete": str(random.randint(0, 100)),
                 "commentary": f"Soak test update {uuid.uuid4().hex[:6]}"},
                ok=(302, 200),  # saved, or told another save came first
            )  # fmt: skip
            counts["updates"] += 1
            time.sleep(1)

    def clerk() -> None:
        person = Person(servers, timings, errors)
        person.sign_in("norwich-democratic-services")
        report = re.search(
            r'href="(/councils/norwich/reports/\d+/)"',
            person.request("clerk", "/councils/norwich/reports/"),
        ).group(1)
        while time.monotonic() < deadline - 60:
            started = time.monotonic()
            person.request("clerk: publish", report + "publish/",
                           {"csrfmiddlewaretoken": person.csrf()}, ok=(302,))  # fmt: skip
            while time.monotonic() < started + 55:
                page = person.request("clerk: report page", report)
                if "data-status-url=" not in page:  # the build is no longer running
                    break
                time.sleep(2)
            counts["published"] += 1
            for link in re.findall(
                r'href="(/councils/norwich/reports/\d+/published/\d+\.pdf)"', page
            )[:2]:
                person.request("paper download", link)
                counts["downloads"] += 1
            time.sleep(max(0.0, started + 60 - time.monotonic()))

    threads = [threading.Thread(target=reader) for _ in range(args.readers)]
    officers = ["norwich-officer", "norwich-plan-manager"]
    threads += [
        threading.Thread(target=officer, args=(officers[i % len(officers)],))
        for i in range(args.officers)
    ]
    threads.append(threading.Thread(target=clerk))
    print(
        f"Soak: {args.minutes:g} minutes; 2 gunicorn servers (2 workers x 2 threads), 1 worker, "
        f"PostgreSQL, Redis, moto's S3 server; {args.readers} readers, {args.officers} "
        f"officers, a report published every minute; {os.cpu_count()} cores."
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    memory_end = {name: rss_kb(p.pid) for name, p in zip(names, processes, strict=True)}
    served = sum(len(values) for values in timings.values())
    print(f"\nRequests served: {served}; errors: {len(errors)}")
    for error in errors[:20]:
        print(f"  {error}")
    print(f"Reports published: {counts['published']}; papers downloaded: {counts['downloads']};"
          f" officers' saves: {counts['updates']}")  # fmt: skip
    reference = p95(timings.get("/livez (reference)", [0.0]))
    print(f"\n{'page':<32} {'requests':>9} {'p95 ms':>9} {'x /livez':>9}")
    for kind in sorted(timings):
        value = p95(timings[kind])
        ratio = f"{value / reference:.1f}" if reference else "-"
        print(f"{kind:<32} {len(timings[kind]):>9} {value * 1000:>9.1f} {ratio:>9}")
    print(f"\n{'process':<16} {'after warm-up MB':>17} {'end MB':>9} {'growth':>8}")
    worst = 0.0
    for name in names:
        start_mb, end_mb = memory_start[name] / 1024, memory_end[name] / 1024
        growth = (end_mb - start_mb) / start_mb if start_mb else 0.0
        if name != "moto S3 server":  # the test double keeps every object it is given
            worst = max(worst, growth)
        print(f"{name:<16} {start_mb:>17.1f} {end_mb:>9.1f} {growth:>7.1%}")
    print("\nResident memory (MB) through the run, minutes in:")
    print(f"{'process':<16} " + " ".join(f"{minute:>5.1f}" for minute, _ in samples))
    for name in names:
        print(f"{name:<16} " + " ".join(f"{kb[name] / 1024:>5.0f}" for _, kb in samples))
    print(f"\nErrors: {len(errors)} (target 0); largest growth of the site's processes: "
          f"{worst:.1%} (target under 10%)")  # fmt: skip
    if errors or worst >= 0.10:
        sys.exit(1)


def warm_up_papers(servers: list[str], errors: list[str]) -> None:
    """Publish the report once and download its papers many times at once through each
    server, before memory is first taken: the first request for a paper on each gunicorn
    thread opens that thread's S3 connection, which loads botocore's service models
    (26 MB and 0.6 s, once per thread), and that is loading, not growth."""
    clerk = Person(servers, defaultdict(list), errors)
    clerk.sign_in("norwich-democratic-services")
    report = re.search(
        r'href="(/councils/norwich/reports/\d+/)"',
        clerk.request("clerk", "/councils/norwich/reports/"),
    ).group(1)
    clerk.request("clerk: publish", report + "publish/", {"csrfmiddlewaretoken": clerk.csrf()},
                  ok=(302,))  # fmt: skip
    deadline = time.monotonic() + 120
    page = clerk.request("clerk: report page", report)
    while "data-status-url=" in page and time.monotonic() < deadline:
        time.sleep(1)
        page = clerk.request("clerk: report page", report)
    links = [  # as a resident downloads them, from the public papers page
        f"/councils/norwich/papers/{report_pk}/{file_pk}.pdf"
        for report_pk, file_pk in re.findall(
            r'href="/councils/norwich/reports/(\d+)/published/(\d+)\.pdf"', page
        )
    ]
    if not links:
        errors.append("warm-up: the report was not published")
        return
    for base in servers:
        downloader = Person([base], defaultdict(list), errors)

        def download(person=downloader) -> None:
            for _ in range(3):
                person.request("paper", random.choice(links))

        threads = [threading.Thread(target=download) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def public_pages(person: Person) -> list[tuple[str, str]]:
    """The council's page, its public plans' dashboards and some of their actions."""
    council = person.request("council page", "/councils/norwich/")
    plans = sorted(set(re.findall(r'href="(/councils/norwich/plans/[a-z0-9-]+/)"', council)))
    pages = [("council page", "/councils/norwich/")]
    pages += [("plan dashboard", plan) for plan in plans]
    for plan in plans[:2]:
        actions = re.findall(r'href="(/councils/norwich/plans/[^"]+/actions/\d+/)"',
                             person.request("plan dashboard", plan))  # fmt: skip
        pages += [("action page", action) for action in actions[:5]]
    return pages


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20)[-1]


if __name__ == "__main__":
    main()
