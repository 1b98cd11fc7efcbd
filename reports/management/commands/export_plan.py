"""Write a plan's actions to a file: an Excel workbook, CSV or JSON open data, or a PDF or
Word document of its progress.

    python manage.py export_plan reducing-inequalities-2015-16 --format xlsx --out plan.xlsx

This is an administrator's tool: it exports any plan, published or not."""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actionplans.emails import count_actions
from actionplans.exports import FORMATS, render
from actionplans.models import Plan
from councils.models import Council
from reports.rendering import render_plan_pdf
from reports.wordpapers import render_plan_docx


def iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD.") from None


def find_plan(identifier: str, council_slug: str | None = None) -> Plan:
    """The plan with this id or slug (of this council, if given). A slug several councils
    use needs the council: guessing would export the wrong council's plan."""
    plans = Plan.objects.select_related("council", "approved_by")
    where = ""
    if council_slug:
        if not Council.objects.filter(slug=council_slug).exists():
            raise CommandError(f"No council has the slug {council_slug!r}.")
        plans = plans.filter(council__slug=council_slug)
        where = f" in {council_slug}"
    if identifier.isdigit():
        by_id = plans.filter(pk=int(identifier)).first()
        if by_id is not None:
            return by_id
    matches = list(plans.filter(slug=identifier))
    if not matches:
        raise CommandError(f"No plan has the id or slug {identifier!r}{where}.")
    if len(matches) > 1:
        councils = ", ".join(sorted(plan.council.slug for plan in matches))
        raise CommandError(
            f"Several councils have a plan with the slug {identifier!r} ({councils}): "
            "choose one with --council SLUG."
        )
    return matches[0]


class Command(BaseCommand):
    help = "Export a plan's actions as an Excel workbook (xlsx), CSV, JSON, PDF or Word (docx)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("plan", help="The plan's id or slug.")
        parser.add_argument("--format", choices=[*FORMATS, "pdf", "docx"], required=True)
        parser.add_argument("--out", type=Path, required=True, help="The file to write.")
        parser.add_argument(
            "--council", help="The council's slug, when several councils use the plan's slug."
        )
        parser.add_argument(
            "--as-at",
            type=iso_date,
            help="Statuses as they stood on this date (YYYY-MM-DD). Default: current; "
            "a spreadsheet is dated today.",
        )

    def handle(self, *args, **options) -> None:
        plan = find_plan(options["plan"], options["council"])
        fmt = options["format"]
        as_at = options["as_at"]
        if fmt in ("xlsx", "pdf", "docx") and as_at is None:
            as_at = timezone.localdate()
        # Papers come from the reports app, which builds on the plan exports.
        if fmt == "pdf":
            data = render_plan_pdf(plan, as_at)
        elif fmt == "docx":
            data = render_plan_docx(plan, as_at)
        else:
            data = render(plan, fmt, as_at=as_at)
        path = Path(options["out"])  # call_command passes a string
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror or exc}") from exc
        self.stdout.write(f"Wrote {path}: {count_actions(plan.actions.count())}, {fmt}")
