"""What the organisation's pages share: who is looking, and which districts they see or keep."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ..models import User
from ..selectors import Actor, actor_for, directory_district_ids, has_full_access, office_district_ids

T = TypeVar("T")


def attempt(call: Callable[[], T]) -> tuple[T | None, list[str]]:
    """Call a service that has no form to put its refusal on: its result, or its messages."""
    try:
        return call(), []
    except ValidationError as error:
        return None, [str(message) for message in error.messages]


@dataclass(frozen=True)
class Viewer:
    actor: Actor
    #: The districts whose units and people the person sees (``None``: every district).
    sees: frozenset[int] | None
    #: The districts whose units and people the person keeps (the office's own).
    keeps: frozenset[int]

    @property
    def user(self) -> User:
        """The signed-in person (the pages that build a viewer require sign-in)."""
        assert self.actor.user is not None
        return self.actor.user

    @property
    def is_keeper(self) -> bool:
        return bool(self.keeps)


def viewer(request: HttpRequest) -> Viewer:
    """The directory's reader (people who carry reforms, the province office), or 403 (experts, residents)."""
    actor = actor_for(request.user)
    if not (has_full_access(actor) or actor.reads_every_district):
        raise PermissionDenied(_("The directory is for the reform office, leaders and the units."))
    return Viewer(actor=actor, sees=directory_district_ids(actor), keeps=office_district_ids(actor))
