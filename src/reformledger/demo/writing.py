"""What the demo's writers share: the audit entries they collect and what they created.

Rows the loaders write themselves (not through a service) are recorded with ONE bulk append
(action :data:`~.story.AUDIT_ACTION`, by the system) at the end of their transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reformledger.core.audit import Change, diff, log_actions
from reformledger.org.models import Domain, Unit, User
from reformledger.reforms.models import Plan

from .story import AUDIT_ACTION

if TYPE_CHECKING:
    from .district import Blueprint


class DemoDataError(Exception):
    """The database cannot take the demo district (e.g. the domains were not migrated)."""


@dataclass(kw_only=True)
class Writes:
    """The audit entries collected so far, and how many of each thing were created."""

    changes: list[Change] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)

    def record(self, obj, values: dict) -> None:
        """``obj`` was created with ``values``."""
        self.changes.append(Change(AUDIT_ACTION, obj, diff({}, values)))

    def append_audit(self) -> None:
        """Every collected entry in one bulk append, by the system."""
        if self.changes:
            self.created["audit_entries"] += len(log_actions(None, self.changes))

    def created_anything(self) -> bool:
        return any(v for k, v in self.created.items() if k != "audit_entries")


@dataclass(kw_only=True)
class Context(Writes):
    """What a district's writers share: its blueprint, and its rows by natural key."""

    bp: Blueprint
    domains: dict[str, Domain]
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    plans: dict[int, Plan] = field(default_factory=dict)

    @property
    def district(self) -> Unit:
        return self.units[self.bp.code]
