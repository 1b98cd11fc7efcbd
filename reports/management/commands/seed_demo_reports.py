"""Load the demo councils' committee reports from the "reports" part of fixtures/demo/*.json,
and link the demo assessments to the reports they go with. Run by seed_demo after the plans
and assessments exist; safe to run again (reports are matched by council, meeting date and
item)."""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from actionplans.models import Plan
from councils.models import Committee, Council
from impact.models import Assessment
from reports.models import Appendix, CommitteeReport, ContactOfficer

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
FIELDS = [
    "report_of",
    "subject",
    "purpose",
    "recommendations",
    "financial_implications",
    "wards_text",
    "background_documents",
    "report_text",
]


class Command(BaseCommand):
    help = "Load the demo committee reports (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for path in sorted(DEMO_DIR.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            council = Council.objects.get(slug=data["council"]["slug"])
            for row in data.get("reports", []):
                self._load(council, row)
            for row in data.get("assessments", []):
                self._link_assessment(council, row)

    def _link_assessment(self, council: Council, row: dict) -> None:
        """A demo assessment goes with the report of its committee date and item."""
        if not row.get("report_item"):
            return
        day = datetime.date.fromisoformat(row["committee_date"])
        report = CommitteeReport.objects.get(
            council=council, meeting_date=day, item_number=row["report_item"]
        )
        report.assessments.add(
            *Assessment.objects.filter(
                council=council, report_subject=row["report_subject"], committee_date=day
            )
        )

    def _load(self, council: Council, row: dict) -> None:
        report, _ = CommitteeReport.objects.update_or_create(
            council=council,
            meeting_date=datetime.date.fromisoformat(row["meeting_date"]),
            item_number=row["item_number"],
            defaults={
                "committee": Committee.objects.get(council=council, name=row["committee"]),
                **{field: row.get(field, "") for field in FIELDS},
            },
        )
        report.corporate_priorities.set(
            council.corporate_priorities.filter(title__in=row.get("corporate_priorities", []))
        )
        report.wards.set(council.wards.filter(name__in=row.get("wards", [])))
        report.cabinet_members.set(
            council.portfolio_holders.filter(title__in=row.get("cabinet_members", []))
        )
        report.contacts.all().delete()
        ContactOfficer.objects.bulk_create(
            ContactOfficer(report=report, order=i, **contact)
            for i, contact in enumerate(row.get("contacts", []))
        )
        for order, appendix in enumerate(row.get("appendices", []), start=1):
            Appendix.objects.update_or_create(
                report=report,
                order=order,
                defaults={
                    "title": appendix["title"],
                    "kind": appendix.get("kind", Appendix.Kind.PLAN_PROGRESS),
                    "plan": Plan.objects.get(council=council, slug=appendix["plan"]),
                    "as_at": datetime.date.fromisoformat(appendix["as_at"]),
                },
            )
        self.stdout.write(f"{council.name}: report '{report.subject}' with {order} appendices")
