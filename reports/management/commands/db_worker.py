"""`manage.py db_worker`: django-tasks' database worker, made to outlast the database.

Upstream's worker ends with an OperationalError when PostgreSQL stops or restarts (a
failover, a minor-version upgrade, a network blip), and systemd gives up restarting a unit
that fails five times in ten seconds. This one logs that the database did not answer, waits
(a second, then longer, up to REPORT_WORKER_RETRY_SECONDS) and tries again, and says when it
answers once more; nothing else changes. A build that was running when the database went is
found lost by its heartbeat (reports.services.is_lost), and can be published again.

The reports app is listed before django_tasks_db in INSTALLED_APPS so that this command is
the one `db_worker` runs."""

from __future__ import annotations

import contextlib
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django_tasks_db.management.commands import db_worker as upstream

logger = logging.getLogger("reports.worker")


class SteadyWorker(upstream.Worker):
    def run(self) -> None:
        waited_since = None
        pause = 1.0
        while self.running:
            try:
                if waited_since is not None:
                    connections["default"].ensure_connection()
                    logger.warning(
                        "The database answers again after %.0f s; the worker goes on",
                        time.monotonic() - waited_since,
                    )
                    waited_since, pause = None, 1.0
                super().run()
                return  # --batch or --max-tasks: finished
            except DatabaseError as error:
                if waited_since is None:
                    waited_since = time.monotonic()
                    logger.warning(
                        "The database did not answer (%s); the worker waits for it",
                        next(iter(str(error).splitlines()), type(error).__name__),
                    )
                for connection in connections.all(initialized_only=True):
                    with contextlib.suppress(DatabaseError):  # already gone
                        connection.close()
                self.startup_delay = False
                time.sleep(pause)
                pause = min(pause * 2, settings.REPORT_WORKER_RETRY_SECONDS)


class Command(upstream.Command):
    help = upstream.Command.help

    def handle(self, *args, **options) -> None:
        original = upstream.Worker
        upstream.Worker = SteadyWorker  # the class upstream's handle() makes its worker from
        try:
            super().handle(*args, **options)
        finally:
            upstream.Worker = original
