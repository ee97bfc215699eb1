"""What the assessment's commands share: the district by code and the person they act as."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from reformledger.org.models import Membership, Role, Unit, UnitKind, User


def district_by_code(code: str) -> Unit:
    district = Unit.objects.filter(code=code, kind=UnitKind.DISTRICT).first()
    if district is None:
        raise CommandError(_("There is no district with the code %(code)s.") % {"code": code})
    return district


def acting_user(district: Unit, username: str | None) -> User:
    """``--user``, or the district's first active reform office member (by username): the
    services check that they may write, and the audit trail names them."""
    if username:
        person = User.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise CommandError(_("No active person with the username %(username)s.") % {"username": username})
        return person
    membership = (
        Membership.objects.filter(role=Role.OFFICE, user__is_active=True, unit__district_id=district.pk)
        .select_related("user").order_by("user__username").first()
    )
    if membership is None:
        raise CommandError(_("District %(code)s has no reform office member to act as; name one with --user.") % {"code": district.code})
    return membership.user
