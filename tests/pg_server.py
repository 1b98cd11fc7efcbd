"""A PostgreSQL server of the test's own (initdb in a temporary folder, on a free port),
which the test stops and starts again: the machine's own server is never touched."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.live import free_port, missing


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


class PostgresProcess:
    """Its folder is made in the system's temporary folder, not pytest's (which only its
    owner may enter): as root, PostgreSQL runs as the postgres user, which must reach it."""

    def __init__(self) -> None:
        if not (_bin("initdb") and _bin("pg_ctl")):
            missing("PostgreSQL's server programs are not installed")
        folder = Path(tempfile.mkdtemp(prefix="councilplans-pg-"))
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            shutil.chown(folder, "postgres")
        self._run(_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
                  "UTF8", "--no-sync")  # fmt: skip

    def _run(self, *command: str) -> None:
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/councilplans"

    def start(self) -> None:
        self._run(
            _bin("pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.folder / "log"),
            "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop")

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as connection:
            connection.execute("CREATE DATABASE councilplans")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
