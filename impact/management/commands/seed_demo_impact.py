"""Give each demo council the standard assessment forms, and load the demo assessments from
the "assessments" part of fixtures/demo/*.json (seed 000's integrated impact assessment,
every rating and comment as printed). Run by seed_demo (the report it goes with is linked
by seed_demo_reports); safe to run again."""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from councils.models import Committee, Council
from impact.models import Assessment, AssessmentTemplate, ClosingAnswer, Rating
from impact.standard import STANDARD, install

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


class Command(BaseCommand):
    help = "Load the demo impact-assessment forms and assessments (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for path in sorted(DEMO_DIR.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            council = Council.objects.get(slug=data["council"]["slug"])
            for spec in STANDARD:
                install(council, spec)
            for row in data.get("assessments", []):
                self._load(council, row)

    def _load(self, council: Council, row: dict) -> None:
        template = AssessmentTemplate.objects.filter(
            council=council, name=row["template"]
        ).order_by("version")[0]
        moment = timezone.make_aware(
            datetime.datetime.combine(_date(row["date_assessed"]), datetime.time(12))
        )
        assessment, _ = Assessment.objects.update_or_create(
            council=council,
            template=template,
            report_subject=row["report_subject"],
            committee_date=_date(row["committee_date"]),
            defaults={
                "committee": Committee.objects.filter(
                    council=council, name=row["committee"]
                ).first(),
                "head_of_service": row["head_of_service"],
                "date_assessed": _date(row["date_assessed"]),
                "description": row.get("description", ""),
                "plan": council.plans.filter(slug=row.get("plan")).first(),
                "state": row.get("state", Assessment.State.PUBLISHED),
                "completed_at": moment,
                "published_at": moment if row.get("state") == "published" else None,
            },
        )
        rows = {r.label: r for c in template.categories.all() for r in c.rows.all()}
        options = {o.label: o for o in template.ratings.all()}
        for label, rating, comment in row["ratings"]:
            Rating.objects.update_or_create(
                assessment=assessment,
                row=rows[label],
                defaults={"option": options.get(rating), "comment": comment},
            )
        sections = {s.title: s for s in template.closing_sections.all()}
        for title, text in row.get("closing", {}).items():
            ClosingAnswer.objects.update_or_create(
                assessment=assessment, section=sections[title], defaults={"text": text}
            )
        self.stdout.write(f"{council.name}: {assessment}")
