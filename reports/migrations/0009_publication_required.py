import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_record_earlier_versions")]

    operations = [
        migrations.AlterField(
            model_name="publishedfile",
            name="publication",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="files",
                to="reports.publication",
            ),
        ),
    ]
