"""A real site for the tests that need more than one process: a database of its own (a
SQLite file, or a new PostgreSQL database when the suite runs on PostgreSQL) migrated and
loaded with the demo data, gunicorn serving it, and `db_worker` processes beside it. The
tests talk to it over HTTP, as browsers do."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_database(folder: Path):
    """The environment of a site with its own database, migrated and seeded; the database
    is removed afterwards."""
    engine = settings.DATABASES["default"]["ENGINE"]
    env = {**os.environ, "MEDIA_ROOT": str(folder / "media")}
    env.pop("DEBUG", None)
    name = None
    if engine.endswith("postgresql"):
        import psycopg

        db = settings.DATABASES["default"]
        name = f"councilplans_live_{uuid.uuid4().hex[:8]}"
        admin = psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres",
            password=db["PASSWORD"] or None, autocommit=True,
        )  # fmt: skip
        admin.execute(f'CREATE DATABASE "{name}"')
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder / 'live.sqlite3'}"
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_demo", "--quiet-users")
        yield env
    finally:
        if name:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


def manage(env: dict, *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def sql(env: dict, code: str) -> str:
    """Run Python against the live database, in a process of its own."""
    return manage(env, "shell", "--no-imports", "-c", code).strip()


def own_folder(env: dict, folder: Path | None) -> tuple[dict, Path]:
    """A process's environment and working folder: the project's, or with `folder` an
    empty folder of its own with its own MEDIA_ROOT, the code found through PYTHONPATH, as
    on a machine of its own where only the shared services are shared."""
    if folder is None:
        return env, ROOT
    folder.mkdir(parents=True, exist_ok=True)
    return {**env, "MEDIA_ROOT": str(folder / "media"), "PYTHONPATH": str(ROOT)}, folder


@contextmanager
def gunicorn(env: dict, workers: int = 3, threads: int = 2, folder: Path | None = None):
    """The site served by gunicorn with the production configuration file."""
    port = free_port()
    env, cwd = own_folder(env, folder)
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "--no-control-socket", "config.wsgi"],
        cwd=cwd,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers),
             "GUNICORN_THREADS": str(threads), "GUNICORN_ACCESS_LOG": "/dev/null"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/livez", timeout=2)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read()[-3000:]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def start_worker(env: dict, folder: Path | None = None) -> subprocess.Popen:
    """`manage.py db_worker`, as `make run` and the systemd unit start it. What it prints
    goes to a temporary file, read by `worker_output()` when a test fails."""
    env, cwd = own_folder(env, folder)
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the process, by kill()
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), "db_worker", "--no-reload", "--interval", "0.2"],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    process.log = log
    return process


def worker_output(process: subprocess.Popen, characters: int = 3000) -> str:
    """The end of what a worker started by `start_worker` has printed so far."""
    process.log.seek(0)
    return process.log.read().decode(errors="replace")[-characters:]


def kill(process: subprocess.Popen) -> None:
    """As the kernel's OOM killer or a power cut would: no chance to tidy up."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    log = getattr(process, "log", None)
    if log is not None:
        log.close()


class Browser:
    """One person's cookies and CSRF token against the live site."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(errors="replace"), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers

    def upload(
        self, path: str, fields: dict, field: str, name: str, content: bytes
    ) -> tuple[int, str, dict]:
        """A form with a file, posted as a browser posts it (multipart/form-data)."""
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in {"csrfmiddlewaretoken": self.csrf(), **fields}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            self.base + path,
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(errors="replace"), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers

    def raw(self, path: str) -> tuple[int, bytes]:
        """A download: its status and bytes."""
        try:
            with self.opener.open(urllib.request.Request(self.base + path), timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def get(self, path: str) -> tuple[int, str]:
        status, text, _ = self.request(path)
        return status, text

    def post(self, path: str, data: dict) -> tuple[int, str, dict]:
        return self.request(path, {"csrfmiddlewaretoken": self.csrf(), **data})

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        self.get("/accounts/login/")
        return self.csrf()

    def sign_in(self, username: str, password: str = "demo-council-2015") -> None:
        status, _, headers = self.post(
            "/accounts/login/", {"username": username, "password": password}
        )
        assert status == 302, f"{username} could not sign in ({status})"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def form_value(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)


def wait_for(condition, seconds: float, message, *, interval: float = 0.1):
    """Poll `condition` until it gives something true; else fail with `message`, or what
    `message()` says when it is a function (read only then, as it explains the failure)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(message() if callable(message) else message)


def missing(what: str) -> None:
    """A server a test needs is not here: skipped on a developer's machine, where `make test`
    runs without everything installed or started; a failure in CI (.ci/run sets CI), which
    installs and starts every one, so that no test there is quietly left out."""
    if os.environ.get("CI"):
        pytest.fail(f"{what}: CI must provide it")
    pytest.skip(what)
