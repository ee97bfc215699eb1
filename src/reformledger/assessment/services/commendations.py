"""Commendations (改革激励, issue 11 part 5, ADR 0046): awarded by a district's office to one of its
units (and optionally a reform of the district and people who work there), revoked with a reason.
A revoked commendation stays on record, is no longer shown, and a scheme's ``commendation`` rule no
longer counts it in the next computation. Every write atomic, checked once, audited; bad input is a
ValidationError naming the field, nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reformledger.core import limits
from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.org.models import Membership, Unit, User
from reformledger.reforms.models import Reform

from ..models import Commendation, CommendationKind

AWARDS = gettext_lazy("Only the reform office of the district awards and revokes its commendations.")
OWN = gettext_lazy("Nobody commends a unit they work in, nor themselves.")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _text(value: str, name: str, limit: int, errors: dict[str, list[str]], required: str) -> str:
    text = (value or "").strip()
    if not text:
        errors.setdefault(name, []).append(required)
    elif len(text) > limit:
        errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
    return text


def _check_people(people: list[User], district: Unit, errors: dict[str, list[str]]) -> None:
    if not people:
        return
    working_here = set(
        Membership.objects.filter(user__in=people, unit__district_id=district.pk).values_list("user_id", flat=True)
    )
    strangers = [p for p in people if p.pk not in working_here or not p.is_active]
    if strangers:
        names = ", ".join(p.full_name or p.get_username() for p in strangers)
        errors.setdefault("people", []).append(
            _("Only active people who work in the district may be commended: %(names)s.") % {"names": names}
        )


@transaction.atomic
def award_commendation(
    *,
    user,
    district: Unit,
    year: int,
    kind: str,
    title: str,
    unit: Unit,
    citation: str,
    awarded_on: dt.date,
    reform: Reform | None = None,
    people: Iterable[User] = (),
) -> Commendation:
    require(user, "assessment.manage_commendations", district, message=AWARDS)
    errors: dict[str, list[str]] = {}
    if kind not in CommendationKind.values:
        errors.setdefault("kind", []).append(_("Choose one of the kinds of commendation."))
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors.setdefault("year", []).append(_("Enter a year between 2000 and 2100."))
    clean_title = _text(title, "title", limits.TITLE, errors, _("Give the commendation a title."))
    clean_citation = _text(citation, "citation", limits.LONG_TEXT, errors, _("Write the citation: what the unit did."))
    if unit.district_id != district.pk or unit.pk == district.pk:
        errors.setdefault("unit", []).append(_("Choose a unit of the district."))
    if reform is not None and reform.district_id != district.pk:
        errors.setdefault("reform", []).append(_("Choose a reform of the district."))
    if not isinstance(awarded_on, dt.date):
        errors.setdefault("awarded_on", []).append(_("Enter a date as YYYY-MM-DD."))
    chosen = list(dict.fromkeys(people))
    _check_people(chosen, district, errors)
    if errors:
        raise ValidationError(errors)
    commendation = Commendation(
        district=district, year=year, kind=kind, title=clean_title, unit=unit, reform=reform, citation=clean_citation,
        awarded_by=user, awarded_on=awarded_on,
    )
    # Nobody commends a unit they work in, nor themselves (conflict of interest).
    require(user, "assessment.manage_commendations", commendation, message=OWN)
    if getattr(user, "pk", None) in {person.pk for person in chosen}:
        raise PermissionDenied(OWN)
    commendation.save(force_insert=True)
    if chosen:
        commendation.people.set(chosen)
    log_action(user, "commendation.award", commendation, {
        "kind": [None, kind], "title": [None, clean_title], "unit": [None, unit.pk], "year": [None, year],
        "reform": [None, getattr(reform, "pk", None)], "people": [None, [p.pk for p in chosen]],
        "citation": [None, clean_citation], "awarded_on": [None, awarded_on],
    })
    return commendation


@transaction.atomic
def revoke_commendation(*, user, commendation: Commendation, reason: str) -> Commendation:
    commendation = Commendation.objects.select_for_update().get(pk=commendation.pk)
    require(user, "assessment.manage_commendations", commendation, message=AWARDS)
    if commendation.revoked_at is not None:
        raise ValidationError({"state": _("This commendation has already been revoked.")})
    errors: dict[str, list[str]] = {}
    text = _text(reason, "reason", limits.REASON, errors, _("Give the reason for revoking the commendation."))
    if errors:
        raise ValidationError(errors)
    commendation.revoked_at, commendation.revoked_reason = timezone.now(), text
    commendation.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
    log_action(user, "commendation.revoke", commendation, {"revoked_at": [None, commendation.revoked_at], "reason": [None, text]})
    return commendation
