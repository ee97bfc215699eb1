"""Who may do what with fault-tolerance cases (django-rules), registered as ``tolerance.*``.

A case is seen by its applicant, the reform office of its district, the discipline reviewers of its
district (members of a unit of the district with ``Role.DISCIPLINE``, e.g. 区纪委监委) and the
province office (reads every district, changes none; ADR 0047); by nobody else, not even other staff
of the applicant's unit, leaders or the committee. Applying is for the people responsible for the
reform: staff and heads of its lead unit or a co-unit, and its named responsible leader. The office
and a discipline reviewer each give an opinion; the office edits its district's checklist.
"""

from __future__ import annotations

from typing import Any

import rules

from reformledger.core.cache import ORGANISATION, cached_value
from reformledger.org.models import Role, Unit
from reformledger.org.rules import is_district_office, reads_every_district, record_district
from reformledger.org.selectors import Actor, actor_for, office_district_ids
from reformledger.reforms.rules import co_unit_ids


def discipline_district_ids(actor: Actor) -> frozenset[int]:
    """The districts whose cases this person reviews as a discipline reviewer: those of the units of
    their ``Role.DISCIPLINE`` memberships (active units only, as every role; ``actor_for``)."""
    units = sorted(actor.units_by_role.get(Role.DISCIPLINE, frozenset()))
    if not units or actor.user is None:
        return frozenset()
    return cached_value(
        f"discipline-districts:{units}",
        lambda: frozenset(
            Unit.objects.filter(pk__in=units, is_active=True, district__isnull=False).values_list("district_id", flat=True)
        ),
        scopes=ORGANISATION,
    )


def reviewing_district_ids(actor: Actor) -> frozenset[int] | None:
    """The districts whose cases this person reads as a reviewer: ``None`` for every district (the
    province office), else their reform offices' and discipline reviews' districts."""
    if actor.reads_every_district:
        return None
    return office_district_ids(actor) | discipline_district_ids(actor)


@rules.predicate
def is_discipline_reviewer(user, obj: Any = None) -> bool:
    """A discipline reviewer; of the record's district when one is named."""
    districts = discipline_district_ids(actor_for(user))
    if obj is None:
        return bool(districts)
    return record_district(obj) in districts


@rules.predicate
def is_applicant(user, case) -> bool:
    return case is not None and getattr(user, "pk", None) is not None and case.applicant_id == user.pk


@rules.predicate
def of_applying_unit(user, case) -> bool:
    """The person works in the unit whose penalties the case would waive (its head or staff)."""
    return case is not None and case.unit_id in actor_for(user).unit_ids


@rules.predicate
def responsible_for(user, reform) -> bool:
    """Staff or head of the reform's lead unit or of a co-unit, or its named responsible leader (a
    leader of its district)."""
    if reform is None:
        return False
    actor = actor_for(user)
    if actor.unit_ids and (reform.lead_unit_id in actor.unit_ids or actor.unit_ids & co_unit_ids(reform)):
        return True
    return actor.is_leader and actor.in_district(reform.district_id) and reform.responsible_leader_id == user.pk


@rules.predicate
def is_office_anywhere(user) -> bool:
    return bool(office_district_ids(actor_for(user)))


#: Reads one case (its page, its evidence, the API's detail).
rules.add_perm("tolerance.view_case", is_applicant | is_district_office | is_discipline_reviewer | reads_every_district)
#: Applies for exemption on a reform.
rules.add_perm("tolerance.apply", responsible_for)
#: The applicant withdraws a case not yet decided.
rules.add_perm("tolerance.withdraw", is_applicant)
#: The two opinions on a case of the district.
rules.add_perm("tolerance.office_opinion", is_district_office & ~is_applicant & ~of_applying_unit)
rules.add_perm("tolerance.discipline_opinion", is_discipline_reviewer & ~is_applicant & ~of_applying_unit)
#: The reviewers' queue and the precedent library (scoped to the reader's districts).
rules.add_perm("tolerance.review", is_office_anywhere | is_discipline_reviewer | reads_every_district)
#: The conditions and the negative list of a district (asked on the district).
rules.add_perm("tolerance.view_checklist", is_district_office | is_discipline_reviewer | reads_every_district)
rules.add_perm("tolerance.manage_checklist", is_district_office)
