"""Who may do what in the organisation, and the district boundary every app's rules combine with
their own (ADR 0025). Other apps ask by permission name (``org.office``) or combine these predicates.

Every role below the province is bound to its district: the office, the committee and leaders see
and change only the districts of their memberships (``Actor.district_ids``); unit staff only their
units' work. The province reform office reads every district and changes none: it passes
:data:`reads_every_district` and never :data:`is_district_office`.
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist

from .models import Membership, Role, Unit, User
from .selectors import actor_for, office_district_ids, person_districts

#: Where a record without its own ``district_id`` finds its district: the record it belongs to.
_DISTRICT_VIA = ("reform", "task", "order")


def record_district(obj: Any) -> int | None:
    """The district a business record belongs to: its own ``district_id`` (reforms, tasks, orders,
    extension and help requests, units: a district is its own), else its reform's, task's or
    order's (completions, change requests, reports, order targets and replies); None when none."""
    if obj is None:
        return None
    if isinstance(obj, Unit):
        return obj.district_id or obj.pk
    district_id = getattr(obj, "district_id", None)
    if district_id is not None:
        return int(district_id)
    for name in _DISTRICT_VIA:
        try:
            related = getattr(obj, name, None)
        except ObjectDoesNotExist:
            related = None
        if related is not None:
            return record_district(related)
    return None


@rules.predicate
def is_office(user: User | AnonymousUser | None) -> bool:
    return actor_for(user).is_office


@rules.predicate
def is_committee(user: User | AnonymousUser | None) -> bool:
    return actor_for(user).is_committee


@rules.predicate
def is_authenticated(user: User | AnonymousUser | None) -> bool:
    return actor_for(user).is_authenticated


@rules.predicate
def reads_every_district(user: User | AnonymousUser | None) -> bool:
    """The province reform office (and a superuser): reads every district; a read-only predicate,
    never part of a rule that changes anything."""
    return actor_for(user).reads_every_district


@rules.predicate
def in_actor_district(user: User | AnonymousUser | None, obj: Any) -> bool:
    """The record is in a district this person works in as office, committee or leader. With no
    record (a page asking whether to offer a button) the role alone decides: the service names the
    record and checks again."""
    if obj is None:
        return True
    return actor_for(user).in_district(record_district(obj))


@rules.predicate
def is_operator(user: User | AnonymousUser | None) -> bool:
    """An active superuser: the installation's operator (Django's admin site; no business record)."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


#: The office of the record's district: what every office rule of the other apps is built on.
is_district_office = is_office & in_actor_district
#: The committee of the record's district.
is_district_committee = is_committee & in_actor_district
#: Sees the whole of the record's district: its office or committee, or the province office.
sees_whole_district = ((is_office | is_committee) & in_actor_district) | reads_every_district

#: Members of the reform office run the programme (and /admin/, which asks this permission; the
#: installation's operator uses /admin/ too, where the admin's own rules keep business records
#: read-only).
rules.add_perm("org.office", is_office | is_operator)


# --- the office's own pages: units and people of its district (ADR 0026) ----------------------


@rules.predicate
def manages_unit(user: User | AnonymousUser | None, unit: object) -> bool:
    """``unit`` is in a district whose reform office this person is in."""
    return isinstance(unit, Unit) and unit.district_id in office_district_ids(actor_for(user))


@rules.predicate
def manages_person(user: User | AnonymousUser | None, person: object) -> bool:
    """Every membership ``person`` holds is in a district whose office this person is in: never a
    superuser, the province office, an expert or resident outside any district, nor a person who
    also belongs to another district (their other office would not know), nor a discipline reviewer
    (they co-decide the office's tolerance cases; the installation's operator manages them)."""
    if not isinstance(person, User) or person.is_superuser:
        return False
    if Membership.objects.filter(user=person, role=Role.DISCIPLINE).exists():
        return False  # a discipline reviewer checks the office's decisions: the office does not manage them
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
