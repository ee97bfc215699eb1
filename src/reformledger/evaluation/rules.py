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
