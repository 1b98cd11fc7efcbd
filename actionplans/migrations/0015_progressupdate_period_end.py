"""Each progress update keeps a copy of its reporting period's end (ProgressUpdate.period_end),
so the latest quarter an action reported is read from an index."""

from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def copy_period_ends(apps, schema_editor):
    ProgressUpdate = apps.get_model("actionplans", "ProgressUpdate")
    ReportingPeriod = apps.get_model("actionplans", "ReportingPeriod")
    ProgressUpdate.objects.update(
        period_end=Subquery(ReportingPeriod.objects.filter(pk=OuterRef("period_id")).values("end"))
    )


class Migration(migrations.Migration):
    dependencies = [("actionplans", "0014_history_of_links")]

    operations = [
        migrations.AddField(
            model_name="progressupdate",
            name="period_end",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(copy_period_ends, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="progressupdate",
            name="period_end",
            field=models.DateField(editable=False),
        ),
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(
                condition=Q(state__in=["approved", "submitted"]),
                fields=["action", "-period_end"],
                name="update_latest_period",
            ),
        ),
    ]
