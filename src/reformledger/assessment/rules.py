"""Permission predicates of the assessment (django-rules), registered by name: ``assessment.*``.

The object of each rule is a scheme, a rule, an assessment (a computed version) or a district
(a :class:`~reformledger.org.models.Unit`): all carry the district through ``district_id``.

* The office of the district writes: schemes and their rules, computations, reviews, publication,
  derived versions (an upheld appeal's).
* The province office reads every district's schemes and versions, drafts included, and changes
  nothing (403 on writes).
* Everyone else who works in the district (its units' heads and staff, leaders, the committee)
  reads its **published** versions only; another district's people read nothing of it.
"""

from __future__ import annotations

from typing import Any

import rules

from reformledger.org.rules import is_district_office, reads_every_district, record_district
from reformledger.org.selectors import actor_for, directory_district_ids


@rules.predicate
def is_published(user: Any, obj: Any) -> bool:
    """The version is published (or superseded: it was published, and stays on record)."""
    return obj is not None and getattr(obj, "state", "") in ("published", "superseded")


@rules.predicate
def works_in_district(user: Any, obj: Any) -> bool:
    """The person works in the record's district (office, committee, leader, or one of its units)."""
    if obj is None:
        return True
    districts = directory_district_ids(actor_for(user))
    return districts is None or record_district(obj) in districts


_office_reads = is_district_office | reads_every_district

#: Creates, edits, adopts and revises schemes; computes, reviews, publishes and derives versions.
rules.add_perm("assessment.manage_scheme", is_district_office)
rules.add_perm("assessment.compute", is_district_office)
rules.add_perm("assessment.review", is_district_office)
rules.add_perm("assessment.publish", is_district_office)
rules.add_perm("assessment.derive_version", is_district_office)
#: Reads schemes (their rules, YAML export) and every version, drafts and dry runs included.
rules.add_perm("assessment.view_scheme", _office_reads)
rules.add_perm("assessment.view_drafts", _office_reads)
#: Reads one version: the office (any state), the district's people (published ones).
rules.add_perm("assessment.view_assessment", _office_reads | (is_published & works_in_district))
