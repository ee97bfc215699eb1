"""Who may do what in the organisation. Other apps ask by permission name (``org.office``)."""

from __future__ import annotations

import rules
from django.contrib.auth.models import AnonymousUser

from .models import User
from .selectors import actor_for


@rules.predicate
def is_office(user: User | AnonymousUser | None) -> bool:
    return actor_for(user).is_office


@rules.predicate
def is_authenticated(user: User | AnonymousUser | None) -> bool:
    return actor_for(user).is_authenticated


#: Members of the reform office run the programme (and /admin/).
rules.add_perm("org.office", is_office)
