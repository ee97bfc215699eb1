"""Permission predicates of the evaluation (django-rules), registered by name: ``evaluation.*``."""

from __future__ import annotations

# --- results, rating code packs, paper slips (issue 10 parts 2 and 4) ---------------------------
# The object of each rule is the round. The office of the round's district makes code packs,
# downloads them (once) and imports paper slips; it and the province office (which reads every
# district and changes nothing) see live results, participation and anomaly flags before the round
# is published. Published results are everyone's (``results_public``).
import rules as _rules  # noqa: E402

from reformledger.org.rules import is_district_office as _is_district_office  # noqa: E402
from reformledger.org.rules import reads_every_district as _reads_every_district  # noqa: E402


@_rules.predicate
def results_public(user, round_) -> bool:
    """The round's results have been published (then they are everyone's)."""
    return round_ is not None and getattr(round_, "published_at", None) is not None


_office_reads = _is_district_office | _reads_every_district
_rules.add_perm("evaluation.make_code_pack", _is_district_office)
_rules.add_perm("evaluation.import_slips", _is_district_office)
_rules.add_perm("evaluation.view_live_results", _office_reads)
_rules.add_perm("evaluation.view_anomalies", _office_reads)
_rules.add_perm("evaluation.view_results", _office_reads | results_public)
# --- look-back reviews (回头看), issue 10 part 6 ------------------------------------------------------
# Asked on the reform or on the review (its ``district_id``; a review's reform for the unit and the
# leaders). The office of the reform's district writes; the province office reads every district and
# writes nothing; the committee reads its district's; the reform's lead unit and the leaders who
# answer for it read its reviews (ADR: look-back reviews).
import rules as _lookback_rules  # noqa: E402

from reformledger.org import rules as _org_rules  # noqa: E402
from reformledger.reforms import rules as _reform_rules  # noqa: E402


def _lookback_reform(obj):
    """The reform a look-back rule is asked about (a review's, or the reform itself)."""
    return getattr(obj, "reform", obj) if obj is not None else None


@_lookback_rules.predicate
def lookback_lead_unit(user, obj) -> bool:
    return obj is not None and bool(_reform_rules.in_lead_unit(user, _lookback_reform(obj)))


@_lookback_rules.predicate
def lookback_leader(user, obj) -> bool:
    return obj is not None and bool(_reform_rules.leads_reform(user, _lookback_reform(obj)))


#: Reads one reform's look-back reviews.
_lookback_rules.add_perm(
    "evaluation.view_lookback", _org_rules.sees_whole_district | lookback_lead_unit | lookback_leader
)
#: Opens the list of reviews and the due list (what is listed is scoped to the reader's districts).
_lookback_rules.add_perm("evaluation.view_lookbacks", _org_rules.is_office | _org_rules.is_committee | _org_rules.reads_every_district)
#: Schedules, edits, concludes, reopens a review and files its follow-up tasks.
_lookback_rules.add_perm("evaluation.manage_lookback", _org_rules.is_district_office)
# --- eval-ratings: rounds, residents and ratings ----------------------------------------------------
# The office of the round's district opens, edits, closes and publishes its rounds and moderates
# their comments; the province office reads every district's rounds and changes nothing. Rated
# rounds (public, open, look-back) are public: their window, reforms and dimensions. A verified
# resident of the round's district rates public and look-back rounds; open rounds staff of the
# district too, never a reform their own unit leads or co-runs, nor one they are responsible for.
# The office that runs a round does not rate in it.
import rules  # noqa: E402

from reformledger.core.compiled import compiled_one  # noqa: E402
from reformledger.org.models import Unit  # noqa: E402
from reformledger.org.rules import is_district_office, reads_every_district  # noqa: E402
from reformledger.org.selectors import actor_for  # noqa: E402

from .models import RATED_KINDS, Resident, RoundKind  # noqa: E402


def _round_of(obj):
    return getattr(obj, "round", obj)


@rules.predicate
def is_rated_round(user, obj) -> bool:
    """A round rated on dimensions (public, open, look-back): public, like a public reform."""
    return obj is not None and _round_of(obj).kind in RATED_KINDS


def verified_resident(user) -> Resident | None:
    """The person's verified resident record (one query; memoised on the user for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_verified_resident"):
        # One per person; asked by every rating, so compiled once per process (core.compiled).
        user._verified_resident = compiled_one(
            "verified-resident",
            lambda pk: Resident.objects.select_related("community").filter(user_id=pk, verified_at__isnull=False), user.pk,
        )
    return user._verified_resident


def staff_districts(user) -> set[int]:
    """The districts of the units this person works in (unit staff and heads)."""
    unit_ids = actor_for(user).unit_ids
    if not unit_ids:
        return set()
    return set(Unit.objects.filter(pk__in=unit_ids).values_list("district_id", flat=True))


def conflicted(user, reform) -> bool:
    """Whether the person's unit leads or co-runs ``reform``, or the person is responsible for it."""
    unit_ids = actor_for(user).unit_ids
    if reform.responsible_leader_id is not None and reform.responsible_leader_id == getattr(user, "pk", None):
        return True
    if not unit_ids:
        return False
    return reform.lead_unit_id in unit_ids or reform.co_units.filter(pk__in=unit_ids).exists()


def may_rate_round(user, round_) -> bool:
    """Whether the person may rate in this round at all (any of its reforms but their own)."""
    actor = actor_for(user)
    if round_.kind not in RATED_KINDS or not actor.is_authenticated:
        return False
    if actor.reads_every_district or actor.in_district(round_.district_id) and actor.is_office:
        return False
    resident = verified_resident(user)
    if resident is not None and resident.community is not None and resident.community.district_id == round_.district_id:
        return True
    return round_.kind == RoundKind.OPEN and round_.district_id in staff_districts(user)


@rules.predicate
def may_rate(user, entry) -> bool:
    """``entry``: a :class:`~.models.RoundReform` (its round and reform loaded)."""
    if entry is None:
        return False
    return may_rate_round(user, entry.round) and not conflicted(user, entry.reform)


rules.add_perm("evaluation.manage_round", is_district_office)  # on the round, or the district for a new one
rules.add_perm("evaluation.view_round_office", is_district_office | reads_every_district)
rules.add_perm("evaluation.view_round", is_rated_round | is_district_office | reads_every_district)
rules.add_perm("evaluation.moderate_comment", is_district_office)  # on the rating or its round
rules.add_perm("evaluation.rate", may_rate)  # on the RoundReform
# --- end eval-ratings -------------------------------------------------------------------------------
# --- expert panels (eval-panels) ------------------------------------------------------------------
# The district's office forms and runs its panels (``is_district_office`` on the panel, its round,
# the expert or the sheet: each carries its district, a sheet through its reform); the province
# office reads them and changes nothing. An expert scores only their own sheets. What each sees of
# the marks is the selectors' business (``selectors.panels``): nobody sees another expert's marks
# while the panel scores; the office sees progress and agreement live, marks after close (ADR).
import rules  # noqa: E402

from reformledger.org.models import Role  # noqa: E402
from reformledger.org.rules import is_district_office, reads_every_district  # noqa: E402


@rules.predicate
def is_expert(user) -> bool:
    return Role.EXPERT in actor_for(user).roles


@rules.predicate
def owns_sheet(user, sheet) -> bool:
    """The sheet is this person's (its expert is them). Reads ``sheet.expert`` (select it)."""
    return sheet is not None and getattr(user, "pk", None) is not None and sheet.expert.person_id == user.pk


#: The office of the panel's district, or the province office (reads only).
reads_panels = is_district_office | reads_every_district

rules.add_perm("evaluation.manage_panel", is_district_office)  # on the panel, its round or an expert
rules.add_perm("evaluation.view_panel", reads_panels)  # progress, agreement; marks after close
rules.add_perm("evaluation.score_sheet", is_expert & owns_sheet)
rules.add_perm("evaluation.reopen_sheet", is_district_office)  # on the sheet
rules.add_perm("evaluation.view_my_panels", is_expert)
# --- end expert panels ---
