"""What higher apps add to lower ones, registered instead of imported (as Wagtail's hooks).

A lower app never names a higher one, in code or in templates. Instead the higher app registers,
in its ``AppConfig.ready``:

- **audit labels**: the words for the actions it records (``register_audit_labels``) and for the
  keys of their ``changes`` (``register_change_labels``), so a reform's history can tell
  supervision's entries in words without ``reforms`` knowing supervision;
- **panels on a reform's page** (``register_reform_panel``): a template and a function that gives
  its context (or ``None`` to leave the panel out for this person and reform); likewise on a
  unit's and a person's page (``register_unit_panel``, ``register_person_panel``);
- **menu entries** (``register_menu_entry``) for the office's navigation bar;
- **catalogue columns** (``register_catalogue_column``): a cell per reform in the office's catalogue,
  loaded in the page's own query (``prepare``) and keying the cached row by its value;
- **steps of the worker's schedule** (``register_worker_step``), run every tick of the background
  worker (supervision's ``worker`` command);
- **folders of stored files** (``register_stored_files``) and the model whose rows name them, so the
  daily scan removes the files of writes that rolled back.

Registration is idempotent by key, so ``ready`` running twice (tests, autoreload) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.safestring import SafeString

Label = str | Promise

_audit_labels: dict[str, Label] = {}
_change_labels: dict[str, Label] = {}
_create_actions: set[str] = set()


def register_audit_labels(labels: Mapping[str, Label], *, creates: Iterable[str] = ()) -> None:
    """Words for audit actions (``{"task.delete": _("removed a task")}``); ``creates`` names the
    actions that bring an object into being (their "before" values are not shown)."""
    _audit_labels.update(labels)
    _create_actions.update(creates)


def register_change_labels(labels: Mapping[str, Label]) -> None:
    """Words for keys recorded in audit entries that are not model fields (``evidence``, ``task``)."""
    _change_labels.update(labels)


def audit_label(action: str) -> Label:
    return _audit_labels.get(action, action)


def change_label(key: str) -> Label | None:
    return _change_labels.get(key)


def is_create_action(action: str) -> bool:
    return action in _create_actions


@dataclass(frozen=True)
class ReformPanel:
    """A panel on a reform's page: ``template`` rendered with ``context(request, reform)``."""

    key: str
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100


@dataclass
class _Panels:
    by_key: dict[str, ReformPanel] = field(default_factory=dict)

    def ordered(self) -> list[ReformPanel]:
        return sorted(self.by_key.values(), key=lambda panel: (panel.order, panel.key))


_reform_panels = _Panels()


def register_reform_panel(
    key: str, *, template: str, context: Callable[[Any, Any], dict[str, Any] | None], order: int = 100
) -> None:
    _reform_panels.by_key[key] = ReformPanel(key=key, template=template, context=context, order=order)


def reform_panels(request: Any, reform: Any) -> list[tuple[str, dict[str, Any]]]:
    """``(template, context)`` of every panel this person sees on ``reform``'s page, in order."""
    out = []
    for panel in _reform_panels.ordered():
        context = panel.context(request, reform)
        if context is not None:
            out.append((panel.template, {"reform": reform, **context}))
    return out


# --- panels on a unit's and a person's page (org's pages; the assessment shows commendations there) ---

_unit_panels = _Panels()
_person_panels = _Panels()


def register_unit_panel(
    key: str, *, template: str, context: Callable[[Any, Any], dict[str, Any] | None], order: int = 100
) -> None:
    """A panel on a unit's page (``org:unit``): ``template`` rendered with ``context(request, unit)``
    and ``unit``; a ``None`` context leaves it out."""
    _unit_panels.by_key[key] = ReformPanel(key=key, template=template, context=context, order=order)


def register_person_panel(
    key: str, *, template: str, context: Callable[[Any, Any], dict[str, Any] | None], order: int = 100
) -> None:
    """A panel on a person's page (``org:person``): as :func:`register_unit_panel`, with ``person``."""
    _person_panels.by_key[key] = ReformPanel(key=key, template=template, context=context, order=order)


def _rendered(panels: _Panels, request: Any, obj: Any, name: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for panel in panels.ordered():
        context = panel.context(request, obj)
        if context is not None:
            out.append((panel.template, {name: obj, **context}))
    return out


def unit_panels(request: Any, unit: Any) -> list[tuple[str, dict[str, Any]]]:
    """``(template, context)`` of every panel this person sees on ``unit``'s page, in order."""
    return _rendered(_unit_panels, request, unit, "unit")


def person_panels(request: Any, person: Any) -> list[tuple[str, dict[str, Any]]]:
    """``(template, context)`` of every panel this person sees on ``person``'s page, in order."""
    return _rendered(_person_panels, request, person, "person")


@dataclass(frozen=True)
class MenuEntry:
    """A link in the office's navigation: shown when ``visible(request)`` is true; ``badge(request)``
    (optional) gives a count shown beside it."""

    key: str
    label: Label
    url_name: str
    visible: Callable[[Any], bool]
    section: str = ""
    icon: str = ""
    badge: Callable[[Any], int] | None = None
    order: int = 100


_menu: dict[str, MenuEntry] = {}


def register_menu_entry(entry: MenuEntry) -> None:
    _menu[entry.key] = entry


def menu_entry(key: str) -> MenuEntry | None:
    return _menu.get(key)


def menu_entries(request: Any, *, section: str = "") -> list[MenuEntry]:
    return sorted(
        (entry for entry in _menu.values() if entry.section == section and entry.visible(request)),
        key=lambda entry: (entry.order, entry.key),
    )


@dataclass(frozen=True)
class CatalogueColumn:
    """A column of the office's catalogue, for the people ``visible(request)`` is true for.

    ``prepare(queryset)`` makes the page's one query load what the cells read (an annotation: no
    query per row), ``loads`` names what it adds (the page's rows are tuples of the columns they
    show); ``value(row)`` is the cell's value, part of what keys the cached row (so a row is
    rendered again when it changes); ``render(value)`` is the cell's HTML, a ``<td>`` made with
    ``core.rows.row_html`` (rows are rendered in Python, ADR 0053)."""

    key: str
    header: Label
    render: Callable[[Any], SafeString]
    visible: Callable[[Any], bool]
    prepare: Callable[[Any], Any]
    value: Callable[[Any], Any]
    order: int = 100
    loads: tuple[str, ...] = ()


_catalogue_columns: dict[str, CatalogueColumn] = {}


def register_catalogue_column(column: CatalogueColumn) -> None:
    _catalogue_columns[column.key] = column


def catalogue_columns(request: Any) -> list[CatalogueColumn]:
    """The extra columns this person sees in the catalogue, in order."""
    return sorted(
        (column for column in _catalogue_columns.values() if column.visible(request)),
        key=lambda column: (column.order, column.key),
    )


@dataclass(frozen=True)
class PersonNotice:
    """A message to one person about their own account (a one-time password issued for them, their
    e-mail address changed): never the secret itself. ``district_id`` is the district the change
    was made in; ``sender`` the person who made it."""

    person: Any
    district_id: int
    subject: str
    text: str
    sender: Any = None
    key: str = ""
    #: Another address the notice is e-mailed to as well: the previous one when someone else changed
    #: the person's e-mail, so that the owner learns of it where they read (the reset link now goes
    #: to the new address).
    also_email: str = ""


_person_notifiers: dict[str, Callable[[PersonNotice], None]] = {}


def register_person_notifier(key: str, notifier: Callable[[PersonNotice], None]) -> None:
    """``notifier(notice)`` tells the person, inside the writer's transaction (``supervision``
    registers its inbox, which also e-mails the person where they have an address)."""
    _person_notifiers[key] = notifier


def notify_person(notice: PersonNotice) -> int:
    """Tell the person through every registered channel; returns how many notifiers ran."""
    for notifier in _person_notifiers.values():
        notifier(notice)
    return len(_person_notifiers)


# --- the worker's schedule ------------------------------------------------------------------------

_worker_steps: dict[str, tuple[Label, Callable[[], object]]] = {}


def register_worker_step(key: str, *, label: Label, step: Callable[[], object]) -> None:
    """``step()`` runs on every tick of the background worker's schedule (about every 30 seconds),
    after the worker's own steps; ``label`` names it in the log when it fails (``evaluation`` seals
    the ratings of quiet rounds)."""
    _worker_steps[key] = (label, step)


def worker_steps() -> list[tuple[Label, Callable[[], object]]]:
    return [_worker_steps[key] for key in sorted(_worker_steps)]


# --- stored files ---------------------------------------------------------------------------------

_stored_files: dict[str, Any] = {}


def register_stored_files(folder: str, model: Any) -> None:
    """The files under ``folder`` of the media storage belong to rows of ``model`` (its ``file``
    field): the daily scan removes the ones no row names, left by a write that rolled back after it
    had stored its file (``supervision.orphans``)."""
    _stored_files[folder] = model


def stored_files() -> dict[str, Any]:
    return dict(sorted(_stored_files.items()))
