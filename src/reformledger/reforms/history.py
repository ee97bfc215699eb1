"""A reform's history as its page shows it: the audit entries, newest first, in words.

The words for actions and for recorded keys that are not reform fields come from the registry
(``core.registry``): each area registers its own (reforms in :mod:`.registrations`), so entries
other areas record on a reform read in words without this module naming those areas. Ids of
units, domains, leaders and plans are resolved in one query per kind for the whole history.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from reformledger.core.audit import history_of
from reformledger.core.models import AuditEntry
from reformledger.core.registry import audit_label, change_label, is_create_action
from reformledger.org.models import Domain, Unit, User

from .models import Plan, Reform, SourceLevel, Status, Tier
from .services import TRACKED_FIELDS
from .templatetags.ui import list_separator, reform_field_label

_REFERENCE_FIELDS: dict[str, type[models.Model]] = {
    "domain": Domain,
    "lead_unit": Unit,
    "unit": Unit,
    "co_units": Unit,
    "responsible_leader": User,
    "plan": Plan,
}
_CHOICE_FIELDS: dict[str, type[models.TextChoices]] = {"tier": Tier, "status": Status, "source_level": SourceLevel}
#: Recorded as the entry's note (words a person wrote), not as a field that changed.
_NOTE_KEYS = ("note", "comment", "message", "reason")
#: Ids that link entries to other records (a completion, a change request): not shown.
_INTERNAL_KEYS = frozenset({"completion", "change_request", "request"})
#: Facts about the entry (the ledger file an import came from): shown as they are, not as a change.
_FACT_KEYS = frozenset({"ledger_file", "ledger_conflict"})
#: Keys that list the ids of tasks (closed at completion, reopened with it): shown as a count.
_TASK_ID_KEYS = frozenset({"tasks_closed", "tasks_reopened"})
_ORDER = {name: i for i, name in enumerate(TRACKED_FIELDS)}
#: A date as the audit log records it (ISO): shown in the reader's format (2026年12月1日 / Dec. 1, 2026).
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def reader_date(value: str) -> str:
    """An ISO date in the active language's date format; anything else as it is."""
    if _ISO_DATE.match(value):
        try:
            return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return value


def history_rows(reform: Reform) -> list[dict[str, Any]]:
    """The reform's audit entries, newest first, with field names translated and ids named."""
    entries = list(history_of(reform).select_related("actor"))
    names = _names_of_references(entries)
    rows = []
    for entry in entries:
        changes, note = _changes_and_note(entry, names)
        rows.append(
            {
                "entry": entry,
                "who": str(entry.actor) if entry.actor else (entry.actor_display or entry.actor_name or _("System")),
                "action": audit_label(entry.action),
                "changes": changes,
                "note": note,
                # A correction or a reopening records the office's reason, not a free note.
                "note_is_reason": "reason" in (entry.changes or {}),
            }
        )
    return rows


def _names_of_references(entries: list[AuditEntry]) -> dict[type[models.Model], dict[int, str]]:
    """The names of every unit, domain, person and plan the entries refer to by id."""
    wanted: dict[type[models.Model], set[int]] = {}
    for entry in entries:
        for name, change in (entry.changes or {}).items():
            model = _REFERENCE_FIELDS.get(name)
            if model is None or not isinstance(change, list):
                continue
            for value in change:
                for pk in value if isinstance(value, list) else [value]:
                    if isinstance(pk, int):
                        wanted.setdefault(model, set()).add(pk)
    return {
        model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=pks)} for model, pks in wanted.items()
    }


def _field_label(name: str) -> str:
    extra = change_label(name)  # recorded by another action (a note, an attachment, a task)
    return capfirst(str(extra)) if extra else reform_field_label(name)


def _show(name: str, value: Any, names: dict[type[models.Model], dict[int, str]]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    model = _REFERENCE_FIELDS.get(name)
    if model is not None:
        lookup = names.get(model, {})
        values = value if isinstance(value, list) else [value]
        return list_separator().join(lookup.get(v, f"#{v}") for v in values)
    choices = _CHOICE_FIELDS.get(name)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in _TASK_ID_KEYS and isinstance(value, list):  # their ids: say how many
        return str(len(value))
    if isinstance(value, list):  # names of files
        return list_separator().join(str(v) for v in value)
    if isinstance(value, str):
        return reader_date(value)
    return str(value)


def _recorded(entry: AuditEntry) -> list[tuple[str, Any]]:
    """The entry's recorded keys in the order forms show the fields."""
    recorded = dict(entry.changes or {})
    # A change request records what it proposes as one mapping: show it field by field.
    proposed = recorded.pop("proposed", None)
    if isinstance(proposed, dict):
        recorded.update({name: [None, value] for name, value in proposed.items()})
    return sorted(recorded.items(), key=lambda item: _ORDER.get(item[0], len(_ORDER)))


def _before_after(name: str, change: Any) -> tuple[Any, Any]:
    if name == "evidence" and isinstance(change, list) and all(isinstance(v, str) for v in change):
        return None, change  # the files that came with a request, not a before/after pair
    if name in _TASK_ID_KEYS:
        return None, change  # the ids of the tasks closed or reopened, not a before/after pair
    if isinstance(change, list) and len(change) == 2:
        return change[0], change[1]
    return None, change


def _changes_and_note(entry: AuditEntry, names: dict[type[models.Model], dict[int, str]]) -> tuple[list[dict[str, Any]], str]:
    """What the entry changed, shown before and after (only after for a creation), and its note."""
    creates = is_create_action(entry.action)
    changes = []
    note = ""
    for name, change in _recorded(entry):
        if name in _INTERNAL_KEYS:
            continue
        if name in _NOTE_KEYS:
            note = str(change)
            continue
        before, after = _before_after(name, change)
        if creates and after in (None, "", []):
            continue
        changes.append(
            {
                "label": _field_label(name),
                "before": None if creates or name in _FACT_KEYS else _show(name, before, names),
                "after": _show(name, after, names),
            }
        )
    return changes, note
