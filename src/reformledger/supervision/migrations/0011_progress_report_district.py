"""Progress reports carry their task's district (as tasks carry their reform's): the office's queue
of reports to review is counted and listed by district without joining every task of it."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_districts(apps, schema_editor):
    ProgressReport = apps.get_model("supervision", "ProgressReport")
    Task = apps.get_model("supervision", "Task")
    ProgressReport.objects.update(district_id=Subquery(Task.objects.filter(pk=OuterRef("task_id")).values("district_id")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("supervision", "0010_task_follow_up"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressreport",
            name="district",
            field=models.ForeignKey(
                db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="org.unit", verbose_name="district",
            ),
        ),
        migrations.RunPython(copy_districts, migrations.RunPython.noop),
    ]
