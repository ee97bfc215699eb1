"""People of a district, as its reform office keeps them: add, edit contacts, roles, deactivate.

People are deactivated, never deleted (the audit chain names them; ADR 0026). A person the office
adds gets a one-time password, shown once, that they must replace at their first sign-in.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reformledger.core.audit import Change, diff, log_action, log_actions
from reformledger.core.permissions import require
from reformledger.core.revocation import revoke_all_of

from ..models import Domain, LeaderTier, Membership, Role, Unit, UnitKind, User
from .passwords import one_time_password, tell

#: The roles a district's office may grant, in its district only: never the province office's
#: (nor superuser status, which is not a role).
GRANTABLE_ROLES = (Role.OFFICE, Role.COMMITTEE, Role.LEADER, Role.UNIT_HEAD, Role.UNIT_STAFF)
#: What the office edits on a person's page.
CONTACT_FIELDS = ("full_name", "email", "phone")


def _check_role(*, role: str, unit: Unit, leader_tier: str) -> None:
    if role not in GRANTABLE_ROLES:
        raise ValidationError({"role": _("The reform office cannot grant this role.")})
    if not unit.is_active:
        raise ValidationError({"unit": _("This unit is deactivated.")})
    if role == Role.LEADER and leader_tier not in LeaderTier.values:
        raise ValidationError({"leader_tier": _("Choose the leader's tier.")})
    if role != Role.LEADER and leader_tier:
        raise ValidationError({"leader_tier": _("Only leaders have a tier.")})
    if role == Role.OFFICE and unit.kind != UnitKind.REFORM_OFFICE:
        raise ValidationError({"unit": _("The reform office role belongs to a reform office unit.")})
    if role == Role.COMMITTEE and unit.kind != UnitKind.COMMITTEE:
        raise ValidationError({"unit": _("The committee role belongs to a committee unit.")})


def _membership(
    *, person: User, role: str, unit: Unit, title: str, leader_tier: str, domains: Iterable[Domain]
) -> Membership:
    _check_role(role=role, unit=unit, leader_tier=leader_tier)
    if Membership.objects.filter(user=person, unit=unit, role=role).exists():
        raise ValidationError({"role": _("This person already has this role in this unit.")})
    membership = Membership.objects.create(user=person, unit=unit, role=role, title=title.strip(), leader_tier=leader_tier)
    if role == Role.LEADER and domains:
        membership.domains.set(list(domains))
    return membership


def _membership_values(membership: Membership, domains: Iterable[Domain] = ()) -> dict[str, list[object]]:
    return {
        "person": [None, membership.user.get_username()],
        "role": [None, membership.role],
        "unit": [None, membership.unit_id],
        "title": [None, membership.title],
        "leader_tier": [None, membership.leader_tier],
        "domains": [None, sorted(d.pk for d in domains)],
    }


@transaction.atomic
def create_person(
    *, user: User, username: str, full_name: str, email: str = "", phone: str = "", role: str, unit: Unit,
    title: str = "", leader_tier: str = "", domains: Iterable[Domain] = (),
) -> tuple[User, str]:
    """A new person with their first role in ``unit``; returns them and their one-time password
    (to hand over once: they must choose their own at the first sign-in)."""
    require(user, "org.manage_unit", unit)
    person = User(username=username.strip(), full_name=full_name.strip(), email=email.strip(), phone=phone.strip(),
                  must_change_password=True)
    password = one_time_password()
    person.set_password(password)
    person.full_clean()
    person.save()
    domains = list(domains)
    membership = _membership(person=person, role=role, unit=unit, title=title, leader_tier=leader_tier, domains=domains)
    log_actions(user, [
        Change("person.create", person, {"username": [None, person.username], "full_name": [None, person.full_name],
                                         "email": [None, person.email], "phone": [None, person.phone],
                                         "must_change_password": [None, True]}),
        Change("membership.add", membership, _membership_values(membership, domains)),
    ])
    return person, password


@transaction.atomic
def update_person(*, user: User, person: User, full_name: str, email: str, phone: str) -> User:
    """Change a person's name, e-mail and phone. A new e-mail set by someone else is told to the
    person (their password reset link goes there)."""
    require(user, "org.manage_person", person)
    person = User.objects.select_for_update().get(pk=person.pk)
    before = {name: getattr(person, name) for name in CONTACT_FIELDS}
    person.full_name, person.email, person.phone = full_name.strip(), email.strip(), phone.strip()
    person.full_clean(exclude=["password", "username"])
    changes = diff(before, {name: getattr(person, name) for name in CONTACT_FIELDS})
    if not changes:
        return person
    person.save(update_fields=[*CONTACT_FIELDS])
    entry = log_action(user, "person.update", person, changes)
    if "email" in changes and person.pk != user.pk:
        tell(person, by=user, key=f"account:email:{entry.seq}",
             subject=gettext_lazy("The e-mail address of your account was changed"),
             text=gettext_lazy("%(by)s changed the e-mail address of your account from “%(old)s” to “%(new)s”. If "
                               "this is not right, tell the reform office."),
             values={"by": str(user), "old": before["email"] or "—", "new": person.email or "—"},
             also_email=before["email"])
    return person


@transaction.atomic
def set_person_active(*, user: User, person: User, active: bool) -> User:
    """Deactivate a person (they cannot sign in; their tokens are revoked) or bring them back."""
    require(user, "org.deactivate_person", person)
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_active == active:
        return person
    person.is_active = active
    person.save(update_fields=["is_active"])
    log_action(user, "person.reactivate" if active else "person.deactivate", person, {"is_active": [not active, active]})
    if not active:
        revoke_all_of(person, by=user)
    return person


@transaction.atomic
def add_membership(
    *, user: User, person: User, role: str, unit: Unit, title: str = "", leader_tier: str = "",
    domains: Iterable[Domain] = (),
) -> Membership:
    """Give ``person`` a role in ``unit``: both in the office's district."""
    require(user, "org.manage_person", person)
    if not user.has_perm("org.manage_unit", unit):
        raise PermissionDenied(_("This unit is not in your district."))
    domains = list(domains)
    membership = _membership(person=person, role=role, unit=unit, title=title, leader_tier=leader_tier, domains=domains)
    log_action(user, "membership.add", membership, _membership_values(membership, domains))
    return membership


@transaction.atomic
def remove_membership(*, user: User, membership: Membership) -> None:
    """Take a role away. A person keeps at least one (deactivate them instead), and nobody removes
    their own reform-office role (the district would lose its way in)."""
    person = membership.user
    require(user, "org.manage_person", person)
    if Membership.objects.filter(user=person).count() <= 1:
        raise ValidationError(_("This is the person's last role: deactivate the person instead."))
    if person.pk == user.pk and membership.role == Role.OFFICE:
        raise ValidationError(_("You cannot remove your own reform office role."))
    values = {key: [new, None] for key, (_old, new) in _membership_values(membership, membership.domains.all()).items()}
    log_action(user, "membership.remove", membership, values)
    membership.delete()
