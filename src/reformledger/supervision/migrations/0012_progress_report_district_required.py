"""Every progress report has its district (copied in 0011): required from now on, and indexed for
a district's queue, oldest first. A migration of its own: PostgreSQL refuses to alter a table whose
rows the same transaction has just updated through a deferred foreign key."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0011_progress_report_district"),
    ]

    operations = [
        migrations.AlterField(
            model_name="progressreport",
            name="district",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit",
                verbose_name="district",
            ),
        ),
        migrations.AddIndex(
            model_name="progressreport",
            index=models.Index(fields=["district", "status", "created_at", "id"], name="report_district_queue"),
        ),
    ]
