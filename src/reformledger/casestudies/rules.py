"""Who may do what to a case study (django-rules), registered by name: ``casestudies.*``.

Asked on the case study (its ``district_id``, its reform for the lead unit and the leaders) or, to
draft one, on the reform. The lead unit of the reform (its staff and head) drafts, edits while it is
a draft and submits; the office of the reform's district drafts too, edits at any state, returns a
submitted case to the unit, publishes, takes it off the public site and records adoptions; the
committee and the leaders who answer for the reform read it; the province office reads every
district's and changes none (ADR 0025). Whoever may not read it gets 404 (the selectors).
"""

from __future__ import annotations

from typing import Any

import rules

from reformledger.org.rules import is_district_office, sees_whole_district
from reformledger.reforms import rules as reform_rules

from .models import CaseStudy, CaseStudyState


def _reform(obj: Any) -> Any:
    return obj.reform if isinstance(obj, CaseStudy) else obj


@rules.predicate
def in_lead_unit(user, obj) -> bool:
    """The person works in the lead unit of the case's reform (staff or head)."""
    return obj is not None and bool(reform_rules.in_lead_unit(user, _reform(obj)))


@rules.predicate
def answers_for_reform(user, obj) -> bool:
    """A leader of the district who answers for the case's reform."""
    return obj is not None and bool(reform_rules.leads_reform(user, _reform(obj)))


@rules.predicate
def is_draft(user, obj) -> bool:
    return isinstance(obj, CaseStudy) and obj.state == CaseStudyState.DRAFT


#: Reads the case study in the office's pages (published ones are everyone's on the public site).
rules.add_perm("casestudies.view_case_study", sees_whole_district | in_lead_unit | answers_for_reform)
#: Drafts a case study of a reform (asked on the reform).
rules.add_perm("casestudies.draft_case_study", is_district_office | in_lead_unit)
#: Edits its text, outcomes, evidence and materials: the unit while it is a draft, the office always.
rules.add_perm("casestudies.change_case_study", is_district_office | (in_lead_unit & is_draft))
#: Submits a draft to the office: the lead unit's step (the office publishes its own drafts directly).
rules.add_perm("casestudies.submit_case_study", in_lead_unit & is_draft)
#: The office's steps: return to the unit, publish, take off the public site, record an adoption.
rules.add_perm("casestudies.manage_case_study", is_district_office)
