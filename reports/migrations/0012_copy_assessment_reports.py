from django.db import migrations


def copy(apps, schema_editor):
    """Each assessment's report, as impact recorded it, becomes one of the report's
    assessments."""
    Assessment = apps.get_model("impact", "Assessment")
    # By name: while impact's old field stands, "assessments" is also its reverse accessor.
    through = apps.get_model("reports", "CommitteeReport_assessments")
    through.objects.bulk_create(
        through(committeereport_id=report_id, assessment_id=pk)
        for pk, report_id in Assessment.objects.exclude(report=None).values_list("pk", "report_id")
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_report_assessments"), ("impact", "0001_initial")]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
