"""What the organisation's pages share: who is looking, and which districts they see or keep."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ..selectors import Actor, actor_for, directory_district_ids, has_full_access, office_district_ids


@dataclass(frozen=True)
class Viewer:
    actor: Actor
    #: The districts whose units and people the person sees (``None``: every district).
    sees: frozenset[int] | None
    #: The districts whose units and people the person keeps (the office's own).
    keeps: frozenset[int]

    @property
    def is_keeper(self) -> bool:
        return bool(self.keeps)


def viewer(request: HttpRequest) -> Viewer:
    """The directory's reader, or 403 for people who carry no reforms (experts, residents)."""
    actor = actor_for(request.user)
    if not has_full_access(actor):
        raise PermissionDenied(_("The directory is for the reform office, leaders and the units."))
    return Viewer(actor=actor, sees=directory_district_ids(actor), keeps=office_district_ids(actor))
