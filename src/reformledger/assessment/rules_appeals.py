"""Permission predicates of appeals, commendations and the unit's pages (django-rules), registered
by name beside the engine's (``rules.py``): imported by ``registrations``.

The objects asked about carry their district: a scheme, a version (``Assessment``), a commendation
(``district_id``), the district itself (a :class:`~reformledger.org.models.Unit`), a line item (its
version's), an appeal (its line item's version's). The office of that district writes; the province
office reads every district and changes none; another district's office never sees it (the views
answer 404 before asking). A unit appeals only its own line items (its head or staff), and only it
withdraws its appeals (ADR 0045). The appeal queue, the decisions and the commendations are the
office's (ADR 0046).
"""

from __future__ import annotations

from typing import Any

import rules

from reformledger.org.models import Unit
from reformledger.org.rules import is_office, reads_every_district
from reformledger.org.selectors import actor_for


def district_of(obj: Any) -> int | None:
    """The district an assessment record belongs to (no query when the chain is loaded)."""
    if obj is None:
        return None
    if isinstance(obj, Unit):
        return int(obj.district_id or obj.pk)
    for name in ("line_item", "assessment"):
        if hasattr(type(obj), name):
            return district_of(getattr(obj, name))
    district_id = getattr(obj, "district_id", None)
    return int(district_id) if district_id is not None else None


@rules.predicate
def in_office_district(user, obj) -> bool:
    """The record is in a district whose office this person is in (no record: the role decides)."""
    if obj is None:
        return True
    return actor_for(user).in_district(district_of(obj))


@rules.predicate
def of_own_unit(user, obj) -> bool:
    """A line item or appeal of a unit this person works in (head or staff)."""
    unit_id = getattr(obj, "unit_id", None)
    return obj is not None and unit_id is not None and unit_id in actor_for(user).unit_ids


@rules.predicate
def works_in_a_unit(user) -> bool:
    return bool(actor_for(user).unit_ids)


office_of_district = is_office & in_office_district

#: The office's appeal queue and commendations pages (the office of any district lists its own, the
#: province office every district's).
rules.add_perm("assessment.view_appeals", (is_office & in_office_district) | reads_every_district)
#: Files an appeal against a line item (asked on the line item).
rules.add_perm("assessment.file_appeal", of_own_unit)
#: Withdraws an open appeal (asked on the appeal).
rules.add_perm("assessment.withdraw_appeal", of_own_unit)
#: Decides an appeal: rejects it, or upholds it producing a new draft version; never an appeal of a
#: unit the person also works in (conflict of interest).
rules.add_perm("assessment.decide_appeal", office_of_district & ~of_own_unit)
#: Awards and revokes commendations (asked on the district or the commendation); never for a unit
#: the person also works in.
rules.add_perm("assessment.manage_commendations", office_of_district & ~of_own_unit)
#: "My score" and "my appeals": unit heads and staff.
rules.add_perm("assessment.view_own_unit", works_in_a_unit)
