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
