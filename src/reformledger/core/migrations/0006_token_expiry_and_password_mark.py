"""API tokens expire and die with their owner's password (ADR 0028).

Tokens made before this migration start their lifetime now (``API_TOKEN_DAYS``) and are bound to
their owner's password as it is now.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def bind_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    expires_at = timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS)
    for token in ApiToken.objects.select_related("user").filter(expires_at__isnull=True):
        token.expires_at = expires_at
        token.password_mark = hashlib.sha256(token.user.password.encode()).hexdigest()
        token.save(update_fields=["expires_at", "password_mark"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_audit_entry_keeps_its_actor"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expires at"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_mark",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(bind_existing_tokens, migrations.RunPython.noop),
    ]
