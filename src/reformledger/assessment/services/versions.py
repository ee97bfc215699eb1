"""A version's life (issue 11 part 2): ``draft`` → ``reviewed`` → ``published`` (frozen, its hash
and its scheme's in the audit chain) → ``superseded`` when a later version is published; and
:func:`derive_version`, a new draft from a published one with some line items' points replaced
(an upheld appeal), totals, floors, caps and ranks recomputed through :mod:`..ranking`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import Change, log_actions
from reformledger.core.permissions import require
from reformledger.org.models import Unit

from .. import engine, ranking
from ..hashing import results_hash, scheme_hash
from ..lines import ADJUST_RULE, ADJUST_SCHEME, Line, num
from ..models import (
    Assessment,
    AssessmentPurpose,
    AssessmentState,
    LineItem,
    Rule,
    Scheme,
    SchemeState,
    UnitScore,
)
from .computation import new_version, store


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("scheme").get(pk=assessment.pk)


@transaction.atomic
def review(*, user: Any, assessment: Assessment) -> Assessment:
    """The office marks a draft version reviewed (checked, ready to publish)."""
    require(user, "assessment.review", assessment)
    assessment = _locked(assessment)
    if assessment.purpose != AssessmentPurpose.OFFICIAL:
        raise ValidationError(_("A dry run is not reviewed or published."))
    if assessment.state != AssessmentState.DRAFT:
        raise ValidationError(_("Version %(version)s is %(state)s, not a draft.") % {
            "version": assessment.version, "state": assessment.get_state_display()})
    assessment.state, assessment.reviewed_by, assessment.reviewed_at = AssessmentState.REVIEWED, user, timezone.now()
    assessment.save(update_fields=["state", "reviewed_by", "reviewed_at", "updated_at"])
    log_actions(user, [Change("assessment.review", assessment, {"state": [AssessmentState.DRAFT, AssessmentState.REVIEWED]})])
    return assessment


def _freeze(scheme: Scheme) -> tuple[Scheme, str, bool]:
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.state == SchemeState.FROZEN:
        return scheme, scheme.content_hash, False
    scheme.content_hash = scheme_hash(scheme)
    scheme.state = SchemeState.FROZEN
    scheme.save(update_fields=["state", "content_hash", "updated_at"])
    return scheme, scheme.content_hash, True


@transaction.atomic
def publish(*, user: Any, assessment: Assessment, is_public: bool = False) -> Assessment:
    """Publish a reviewed version: its scheme is frozen (hashed), its results hashed, both hashes
    written to the audit chain; the version published before it is superseded."""
    require(user, "assessment.publish", assessment)
    # One publication at a time per district: the next one sees this one as the version it supersedes.
    Unit.objects.select_for_update().filter(pk=assessment.district_id).first()
    assessment = _locked(assessment)
    if assessment.purpose != AssessmentPurpose.OFFICIAL:
        raise ValidationError(_("A dry run is not reviewed or published."))
    if assessment.state != AssessmentState.REVIEWED:
        raise ValidationError(_("Version %(version)s must be reviewed before it is published.") % {"version": assessment.version})
    scheme, digest, froze = _freeze(assessment.scheme)
    assessment.scheme = scheme
    changes: list[Change] = []
    if froze:
        changes.append(Change("assessment.scheme_freeze", scheme, {"state": [SchemeState.ADOPTED, SchemeState.FROZEN], "content_hash": [None, digest]}))
    previous = Assessment.objects.select_for_update().filter(
        district_id=assessment.district_id, year=assessment.year, purpose=AssessmentPurpose.OFFICIAL, state=AssessmentState.PUBLISHED
    ).first()
    if previous is not None:
        previous.state = AssessmentState.SUPERSEDED
        previous.save(update_fields=["state", "updated_at"])
        changes.append(Change("assessment.supersede", previous, {"state": [AssessmentState.PUBLISHED, AssessmentState.SUPERSEDED], "by": [None, assessment.version]}))
    assessment.content_hash = results_hash(assessment, digest)
    assessment.state, assessment.published_by, assessment.published_at = AssessmentState.PUBLISHED, user, timezone.now()
    assessment.is_public = bool(is_public)
    if previous is not None and assessment.previous_id is None:
        assessment.previous = previous
    assessment.save(update_fields=["state", "published_by", "published_at", "is_public", "content_hash", "previous", "updated_at"])
    changes.append(Change("assessment.publish", assessment, {
        "state": [AssessmentState.REVIEWED, AssessmentState.PUBLISHED], "content_hash": [None, assessment.content_hash],
        "scheme_hash": [None, digest], "is_public": [None, assessment.is_public],
    }))
    log_actions(user, changes)
    return assessment


def _copied(item: LineItem, rules: Mapping[int, Rule]) -> Line:
    return Line(
        item.unit_id, rules.get(item.rule_id) if item.rule_id else None, item.points, item.explanation, quantity=item.quantity,
        reform_id=item.reform_id, task_id=item.task_id, round_id=item.round_id, case_study_id=item.case_study_id,
        adoption_id=item.adoption_id, commendation_id=item.commendation_id, waived_by_id=item.waived_by_id,
        waived_points=item.waived_points, adjustment=item.adjustment,
    )


def _rule_adjustments(lines: list[Line], rules: Mapping[int, Rule]) -> list[Line]:
    """Each rule's floor and cap applied again to the (overridden) lines, as a computation does."""
    by_rule: dict[int, list[Line]] = {}
    for line in lines:
        if line.rule is not None:
            by_rule.setdefault(line.rule.pk, []).append(line)
    return [held for rule_id in sorted(by_rule) for held in engine.held_lines(rules[rule_id], by_rule[rule_id])]


@transaction.atomic
def derive_version(*, user: Any, source: Assessment, overrides: Mapping[int, tuple[Decimal, str]], reason: str) -> Assessment:
    """A new draft copying ``source``'s line items, the line items named in ``overrides``
    (line item id → (points, why)) given the new points and the reason in their explanation;
    floors, caps, totals, ranks and bands recomputed."""
    require(user, "assessment.derive_version", source)
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Say why the new version is made.")})
    if source.purpose != AssessmentPurpose.OFFICIAL:
        raise ValidationError(_("A dry run is not a source of new versions."))
    scheme = source.scheme
    rules = {r.pk: r for r in scheme.rules.all()}
    items = list(LineItem.objects.filter(assessment=source).exclude(adjustment__in=(ADJUST_RULE, ADJUST_SCHEME)).order_by("pk"))
    known = {item.pk for item in items}
    missing = sorted(set(overrides) - known)
    if missing:
        raise ValidationError(_("Line item %(id)s is not one of version %(version)s's rule lines.") % {"id": missing[0], "version": source.version})
    lines = []
    for item in items:
        line = _copied(item, rules)
        if item.pk in overrides:
            points, why = overrides[item.pk]
            new = ranking.points(points)
            line.explanation = _("%(was)s — changed from %(old)s to %(new)s: %(why)s") % {
                "was": item.explanation, "old": num(item.points), "new": num(new), "why": why}
            line.points = new
        lines.append(line)
    lines += _rule_adjustments(lines, rules)
    unit_ids = list(UnitScore.objects.filter(assessment=source).values_list("unit_id", flat=True))
    outcome = engine.finish(lines, unit_ids=unit_ids, floor=scheme.floor, cap=scheme.cap, margin=scheme.noise_margin)
    assessment = new_version(user=user, scheme=scheme, year=source.year, purpose=AssessmentPurpose.OFFICIAL, reason=reason.strip())
    store(assessment, outcome)
    log_actions(user, [Change("assessment.derive", assessment, {
        "source": [None, source.version], "version": [None, assessment.version], "overrides": [None, sorted(overrides)],
    })])
    return assessment

