"""The restore drill, on PostgreSQL: a site with published papers is backed up as
docs/deployment.md says (the shell blocks there are read and run as they are written),
restored into an empty database and an empty media folder, and every action's state as at
today and every published paper's SHA-256 are the originals'."""

import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.live import ROOT, live_database, manage, sql

pytestmark = pytest.mark.live

STATES = (
    "import datetime; from django.utils import timezone; "
    "from actionplans.models import Action; from actionplans.state import states; "
    "today = timezone.localdate(); "
    "print('\\n'.join(repr(s) for s in "
    "states(Action.objects.order_by('pk'), today)))"
)
PAPERS = (
    "from reports.models import PublishedFile; "
    "print('\\n'.join(f'{f.pk} {f.file.name} {f.sha256} {f.word_sha256}' "
    "for f in PublishedFile.objects.order_by('pk')))"
)


def drill_block(name: str) -> str:
    text = (ROOT / "docs" / "deployment.md").read_text()
    found = re.search(rf"<!-- restore-drill: {name} -->\n```sh\n(.*?)```", text, re.S)
    assert found, f"docs/deployment.md has no restore-drill block '{name}'"
    return found.group(1)


def run(block: str, env: dict) -> None:
    result = subprocess.run(["bash", "-c", block], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]


def test_a_backup_restores_to_the_same_states_and_papers(tmp_path):
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        pytest.skip("the restore drill is for PostgreSQL (CI runs it there)")
    with live_database(tmp_path) as env:
        sql(
            env,
            "from reports.models import CommitteeReport; from reports.services import "
            "publish_report; publish_report(CommitteeReport.objects.get("
            "council__slug='norwich', item_number='8'), by=None)",
        )
        states, papers = sql(env, STATES), sql(env, PAPERS)
        assert len(states.splitlines()) > 40 and len(papers.splitlines()) == 4
        restored = f"councilplans_restored_{uuid.uuid4().hex[:8]}"
        shell = {
            **os.environ,
            "PGHOST": db["HOST"] or "127.0.0.1",
            "PGPORT": str(db["PORT"] or 5432),
            "PGUSER": db["USER"],
            "DATABASE_NAME": env["DATABASE_URL"].rsplit("/", 1)[1],
            "MEDIA_ROOT": env["MEDIA_ROOT"],
            "BACKUP": str(tmp_path / "backups"),
            "RESTORE_DATABASE": restored,
            "RESTORE_MEDIA_ROOT": str(tmp_path / "restored-media"),
        }
        if db["PASSWORD"]:
            shell["PGPASSWORD"] = db["PASSWORD"]
        run(drill_block("backup"), shell)
        run(drill_block("restore"), shell)
        try:
            again = {
                **env,
                "DATABASE_URL": env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + restored,
                "MEDIA_ROOT": shell["RESTORE_MEDIA_ROOT"],
            }
            manage(again, "migrate", "--check")
            assert sql(again, STATES) == states
            assert sql(again, PAPERS) == papers
            verified = manage(again, "verify_papers")
            assert "All 8 published files are as they were published." in verified
            assert Path(shell["RESTORE_MEDIA_ROOT"], papers.split()[1]).is_file()
        finally:
            subprocess.run(
                ["dropdb", "--if-exists", "--force", restored], env=shell, capture_output=True
            )
