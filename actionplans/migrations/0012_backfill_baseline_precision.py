from django.db import migrations

from actionplans.deadlines import parse_deadline


def backfill(apps, schema_editor):
    """The precision of each original deadline kept when a deadline was revised."""
    Action = apps.get_model("actionplans", "Action")
    for action in (
        Action.objects.exclude(baseline_deadline_text="").select_related("plan__council").iterator()
    ):
        parsed = parse_deadline(
            action.baseline_deadline_text,
            fy_start_month=action.plan.council.financial_year_start_month,
        )
        Action.objects.filter(pk=action.pk).update(baseline_deadline_precision=parsed.precision)


class Migration(migrations.Migration):
    dependencies = [("actionplans", "0011_baseline_deadline_precision")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
