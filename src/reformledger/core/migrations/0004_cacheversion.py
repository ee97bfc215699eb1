from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_head")]
    operations = [
        migrations.CreateModel(
            name="CacheVersion",
            fields=[
                ("scope", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("seq", models.PositiveBigIntegerField(default=0)),
            ],
            options={"verbose_name": "cache version"},
        ),
    ]
