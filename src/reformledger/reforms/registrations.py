"""What the reforms area registers in ``core.registry``: the words for its own audit actions and
for the keys its entries record that are not reform fields. Called from ``ReformsConfig.ready``.

The history presenter (:mod:`.history`) reads every label from the registry, so entries that
other areas record on a reform (tasks, completion, change requests) read in the words those
areas register themselves.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from reformledger.core import registry
from reformledger.core.cache import register_fact_family

from .models import Attachment

AUDIT_LABELS = {
    "reform.create": _("created the reform"),
    "reform.update": _("changed the reform"),
    "reform.transition": _("changed the status"),
    "reform.attach": _("added an attachment"),
    "reform.detach": _("removed an attachment"),
    "reform.attachment_public": _("changed who sees an attachment"),
    # A reform new to Reform Ledger, with its status, dates and progress as the ledger records them.
    "reform.import.create": _("imported the reform from an Excel ledger"),
    "reform.import.update": _("changed the reform from an Excel ledger"),
    "demo.create": _("created the reform with the demo data"),
    # Written here (services.apply_approved_change) for the change requests supervision decides.
    "reform.change": _("changed the reform by an approved change request"),
    # A ledger upload's check or apply that failed (a worker stopped under it), and its retry.
    "ledger_import.fail": _("recorded that a ledger import failed"),
    "ledger_import.retry": _("retried a ledger import"),
}
#: Actions that bring an object into being: their "before" values are empty and not shown.
CREATE_ACTIONS = frozenset({"reform.create", "reform.import.create", "demo.create"})
#: Keys recorded with reforms' entries (or any entry on a reform) that are not reform fields.
CHANGE_LABELS = {
    "note": _("Note"),
    "attachment": _("Attachment"),
    "is_public": _("Public"),
    "unit": _("Unit"),
    # Recorded by the ledger import: the file, and a row taken over a newer edit (a conflict).
    "ledger_file": _("Ledger file"),
    "ledger_conflict": _("Taken from the ledger over a newer edit"),
    "imported": _("Moved in from the office's own ledger"),
    "step": _("Step"),
}


def register() -> None:
    registry.register_stored_files("reforms", Attachment)  # files of writes that rolled back: swept daily
    registry.register_audit_labels(AUDIT_LABELS, creates=CREATE_ACTIONS)
    registry.register_change_labels(CHANGE_LABELS)
    # The catalogue's counts and years wait for a write to the reforms themselves (core.cache).
    register_fact_family("reforms", "reforms")
