from django.db import migrations


class Migration(migrations.Migration):
    """The report an assessment goes with is now recorded by reports (CommitteeReport
    .assessments), copied there by reports 0012 before this field goes."""

    dependencies = [
        ("impact", "0001_initial"),
        ("reports", "0012_copy_assessment_reports"),
    ]

    operations = [migrations.RemoveField(model_name="assessment", name="report")]
