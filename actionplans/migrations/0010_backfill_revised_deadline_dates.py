from django.db import migrations

from actionplans.deadlines import parse_deadline


def backfill(apps, schema_editor):
    """Read the date of every revised deadline already recorded."""
    ProgressUpdate = apps.get_model("actionplans", "ProgressUpdate")
    updates = ProgressUpdate.objects.exclude(revised_deadline_text="").select_related(
        "action__plan__council"
    )
    for update in updates.iterator():
        parsed = parse_deadline(
            update.revised_deadline_text,
            fy_start_month=update.action.plan.council.financial_year_start_month,
        )
        ProgressUpdate.objects.filter(pk=update.pk).update(
            revised_deadline_date=parsed.date, revised_deadline_precision=parsed.precision
        )


class Migration(migrations.Migration):
    dependencies = [("actionplans", "0009_revised_deadline_dates")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
