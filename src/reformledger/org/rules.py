"""Who may do what in the organisation. Other apps ask by permission name (``org.office``)."""

from __future__ import annotations

import rules
from django.contrib.auth.models import AnonymousUser

from .models import Unit, User
from .selectors import actor_for, office_district_ids, person_districts


@rules.predicate
def is_office(user: User | AnonymousUser | None) -> bool:
    return actor_for(user).is_office


@rules.predicate
def is_authenticated(user: User | AnonymousUser | None) -> bool:
    return actor_for(user).is_authenticated


#: Members of the reform office run the programme (and /admin/).
rules.add_perm("org.office", is_office)


# --- the office's own pages: units and people of its district (ADR 0026) ----------------------


@rules.predicate
def manages_unit(user: User | AnonymousUser | None, unit: object) -> bool:
    """``unit`` is in a district whose reform office this person is in."""
    return isinstance(unit, Unit) and unit.district_id in office_district_ids(actor_for(user))


@rules.predicate
def manages_person(user: User | AnonymousUser | None, person: object) -> bool:
    """Every membership ``person`` holds is in a district whose office this person is in: never a
    superuser, the province office, an expert or resident outside any district, nor a person who
    also belongs to another district (their other office would not know)."""
    if not isinstance(person, User) or person.is_superuser:
        return False
    districts, elsewhere = person_districts(person)
    return bool(districts) and not elsewhere and districts <= office_district_ids(actor_for(user))


@rules.predicate
def is_self(user: User | AnonymousUser | None, person: object) -> bool:
    return isinstance(user, User) and isinstance(person, User) and user.pk == person.pk


@rules.predicate
def owns_token(user: User | AnonymousUser | None, token: object) -> bool:
    return isinstance(user, User) and getattr(token, "user_id", None) == user.pk


@rules.predicate
def manages_token_owner(user: User | AnonymousUser | None, token: object) -> bool:
    owner = getattr(token, "user", None)
    return bool(manages_person(user, owner))


rules.add_perm("org.manage_unit", manages_unit)
rules.add_perm("org.manage_person", manages_person)
#: One's own password is changed on its own page (with the old one), never reset by oneself here.
rules.add_perm("org.reset_password", manages_person & ~is_self)
rules.add_perm("org.deactivate_person", manages_person & ~is_self)
rules.add_perm("org.change_own_password", is_self)
rules.add_perm("org.revoke_token", owns_token | manages_token_owner)
