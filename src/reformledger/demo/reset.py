"""Start the demo afresh (``reformledger demo-data --reset``): empty the database and the stored
files, put back what the migrations seed (the domains, the audit chain's head), clear the cache.

Only a database that holds nothing but the demo district may be reset: a database with any other
district refuses, so that the command can never wipe a real programme.
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import gettext as _

from reformledger.core.store import store
from reformledger.org.models import Unit, UnitKind

from .story import DEMO_CODE
from .writing import DemoDataError

#: The migrations' data steps, run again after the flush (``function(apps, schema_editor)``).
SEEDS = (
    ("reformledger.org.migrations.0002_seed_domains", "seed"),
    ("reformledger.core.migrations.0003_audit_head", "create_head"),
)


def other_districts() -> list[str]:
    return list(Unit.objects.filter(kind=UnitKind.DISTRICT).exclude(code=DEMO_CODE).values_list("name", flat=True))


def reset_demo() -> None:
    """Empty everything (refused when a district other than the demo's exists)."""
    others = other_districts()
    if others:
        raise DemoDataError(
            _("This database holds districts other than the demo's (%(names)s): --reset refuses to wipe them.")
            % {"names": "、".join(others[:5])}
        )
    call_command("flush", interactive=False, verbosity=0)
    for module, function in SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)
    # Versions start again from zero: values cached under the old ones must not be served again.
    store.clear()
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        for child in media.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
