"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py config.wsgi`.

Each value can be overridden from the environment (GUNICORN_*), or on the command line."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers a core plus one, as gunicorn advises; threads let a worker wait on the database
# while another request runs.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# Long enough for a large spreadsheet import (about 30 s for 1,000 rows on PostgreSQL, see
# docs/performance.md); PDFs are made by the background worker, never here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak can never build up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The reverse proxy on this machine sets X-Forwarded-Proto; trust it from there only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s, "agent": "%(a)s"}'
)
