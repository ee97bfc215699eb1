"""Who may do what to a reform. Checked by services (writes) and mirrored by selectors (reads).

The same facts drive :func:`reformledger.reforms.selectors.visible_reforms`; a test checks that
the predicate and the queryset agree for every role.
"""

import rules

from reformledger.org.rules import is_district_office, is_office, sees_whole_district
from reformledger.org.selectors import actor_for

from .models import LOCKED_STATUSES, PUBLIC_STATUSES, Status, Tier

MAIN_LEADER_TIERS = (Tier.UPPER, Tier.KEY)


#: The office and the committee see every reform of their district, the province office every
#: reform (ADR 0025).
sees_all_reforms = sees_whole_district


@rules.predicate
def works_in_a_unit(user, reform=None) -> bool:
    """Works in a unit; asked of a reform being created, in the unit that leads it (an office
    member of one district who is also staff of some unit creates nothing in a third district)."""
    units = actor_for(user).unit_ids
    return bool(units) and (reform is None or reform.lead_unit_id in units)


@rules.predicate
def in_lead_unit(user, reform) -> bool:
    return reform is not None and reform.lead_unit_id in actor_for(user).unit_ids


def co_unit_ids(reform) -> set[int]:
    cache = getattr(reform, "_prefetched_objects_cache", {})
    if "co_units" in cache:
        return {u.pk for u in cache["co_units"]}
    return set(reform.co_units.values_list("pk", flat=True))


@rules.predicate
def in_co_unit(user, reform) -> bool:
    units = actor_for(user).unit_ids
    return bool(reform is not None and units and units & co_unit_ids(reform))


@rules.predicate
def leads_reform(user, reform) -> bool:
    """A leader of the reform's district who answers for it: named on it, the main leader (upper
    and key reforms), or the leader of its domain."""
    actor = actor_for(user)
    if reform is None or not actor.is_leader or not actor.in_district(reform.district_id):
        return False
    return (
        reform.responsible_leader_id == user.pk
        or (actor.leads_main and reform.tier in MAIN_LEADER_TIERS)
        or reform.domain_id in actor.leader_domain_ids
    )


@rules.predicate
def is_locked(user, reform) -> bool:
    return reform is not None and reform.status in LOCKED_STATUSES


@rules.predicate
def is_public(user, reform) -> bool:
    return reform is not None and reform.status in PUBLIC_STATUSES


can_view_full = sees_all_reforms | in_lead_unit | in_co_unit | leads_reform
rules.add_perm("reforms.view_reform", can_view_full)
rules.add_perm("reforms.view_public_reform", can_view_full | is_public)
# With a reform (its lead unit's district set): the office of that district, or the lead unit.
rules.add_perm("reforms.add_reform", is_district_office | works_in_a_unit)
# A completed or terminated reform is locked for everyone: it changes only by an approved change
# request (supervision). The office may still add or publish its attachments (results, reports).
# The office changes only its own district's reforms; the province office none (ADR 0025).
rules.add_perm("reforms.change_reform", (is_district_office | in_lead_unit) & ~is_locked)
rules.add_perm("reforms.manage_attachments", is_district_office | (in_lead_unit & ~is_locked))
# An office imports into its own district (each row's district is checked again: ledger.checks).
rules.add_perm("reforms.import_ledger", is_district_office)
rules.add_perm("reforms.view_office_pages", is_office)

# Lifecycle: (from, to) -> who may make the move. Not to completed, for anyone: a reform is
# completed only through 办结, the lead unit's application and the office's decision (ADR 0022).
# Who, besides the office (which may make every move): the committee ("approver"), the lead unit
# ("lead"), or either ("lead_or_approver": a proposal goes back to draft by its unit or the committee).
OFFICE, APPROVER, LEAD, LEAD_OR_APPROVER = "office", "approver", "lead", "lead_or_approver"
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.PROPOSED): LEAD,
    (Status.PROPOSED, Status.DRAFT): LEAD_OR_APPROVER,
    (Status.PROPOSED, Status.APPROVED): APPROVER,
    (Status.APPROVED, Status.IN_PROGRESS): LEAD,
    (Status.APPROVED, Status.SUSPENDED): OFFICE,
    (Status.IN_PROGRESS, Status.SUSPENDED): OFFICE,
    (Status.SUSPENDED, Status.IN_PROGRESS): OFFICE,
    (Status.DRAFT, Status.TERMINATED): OFFICE,
    (Status.PROPOSED, Status.TERMINATED): OFFICE,
    (Status.APPROVED, Status.TERMINATED): OFFICE,
    (Status.IN_PROGRESS, Status.TERMINATED): OFFICE,
    (Status.SUSPENDED, Status.TERMINATED): OFFICE,
}


def allowed_targets(user, reform) -> list[str]:
    """The statuses this person may move the reform to now."""
    return [to for (frm, to) in TRANSITIONS if frm == reform.status and may_transition(user, reform, to)]


def may_transition(user, reform, to_status: str) -> bool:
    who = TRANSITIONS.get((reform.status, to_status))
    if who is None:
        return False
    actor = actor_for(user)
    # The office and the committee move only their own district's reforms (ADR 0025).
    if actor.is_office and actor.in_district(reform.district_id):
        return True
    if who in (APPROVER, LEAD_OR_APPROVER) and actor.is_committee and actor.in_district(reform.district_id):
        return True
    if who in (LEAD, LEAD_OR_APPROVER):
        return reform.lead_unit_id in actor.unit_ids
    return False

