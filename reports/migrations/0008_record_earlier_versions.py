from django.db import migrations


def record_earlier_versions(apps, schema_editor):
    """Versions published before now have no record of what they were published as: they
    get one saying "unknown" (was_exempt None), which keeps them off the public papers page
    until a new version is published."""
    PublishedFile = apps.get_model("reports", "PublishedFile")
    Publication = apps.get_model("reports", "Publication")
    for report_id, version in (
        PublishedFile.objects.values_list("report_id", "version").distinct().order_by()
    ):
        first = PublishedFile.objects.filter(report_id=report_id, version=version).order_by("id")[0]
        publication = Publication.objects.create(
            report_id=report_id,
            version=version,
            was_exempt=None,
            published_by_id=first.generated_by_id,
            published_at=first.generated_at,
        )
        PublishedFile.objects.filter(report_id=report_id, version=version).update(
            publication=publication
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_publications")]

    operations = [migrations.RunPython(record_earlier_versions, migrations.RunPython.noop)]
