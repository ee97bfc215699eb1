"""A case study's life: drafted (by the reform's lead unit or the district's office), edited,
submitted to the office, returned to the unit with a note, published to the public site, taken
off it with a reason.

Every write: atomic, checked once (``casestudies.*`` rules), audited on the case study (so the
``casestudies`` cache family of its district moves and its public pages are rendered afresh). Bad
input: one ValidationError naming every field (``outcomes.1.after``, ``evidence_reports``), nothing
written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reformledger.core import limits
from reformledger.core.audit import diff, log_action
from reformledger.core.integrity import save_unique
from reformledger.core.permissions import require
from reformledger.reforms.models import PUBLIC_STATUSES, Reform

from ..models import CaseStudy, CaseStudyState, Outcome
from ..selectors.cases import WRITABLE_STATUSES, citable_attachments, citable_reports
from . import checks
from .checks import Errors

DRAFTS = gettext_lazy("Only the reform's lead unit and the reform office of its district write its case study.")
CHANGES = gettext_lazy("This case study is with the reform office: the lead unit edits it only while it is a draft.")
SUBMITS = gettext_lazy("The reform's lead unit submits its draft to the reform office.")
MANAGES = gettext_lazy("Only the reform office of the reform's district returns, publishes and takes case studies off the site.")
#: The sections a case study needs before it is submitted or published.
REQUIRED_SECTIONS = ("title", "background", "features", "highlights", "experience")
MAX_OUTCOMES = 30


class CaseChanges(TypedDict, total=False):
    title: str
    background: str
    features: str
    highlights: str
    experience: str
    outcomes: str  # the outcomes in words (the rows are ``outcome_rows``)


TEXT_FIELDS = tuple(CaseChanges.__annotations__)
_LIMITS = {name: limits.TITLE if name == "title" else limits.LONG_TEXT for name in TEXT_FIELDS}


def _check_texts(case: CaseStudy, changes: Mapping[str, Any], errors: Errors) -> None:
    for name in sorted(set(changes) - set(TEXT_FIELDS)):
        checks.add(errors, name, _("This field cannot be set here."))
    for name in TEXT_FIELDS:
        if name in changes:
            setattr(case, name, checks.text(changes[name], name, _LIMITS[name], errors, required=name == "title"))


def _check_outcomes(rows: Sequence[Mapping[str, Any]], errors: Errors) -> list[dict[str, Any]]:
    if len(rows) > MAX_OUTCOMES:
        checks.add(errors, "outcomes", _("At most %(n)d measured outcomes.") % {"n": MAX_OUTCOMES})
        return []
    out = []
    for i, row in enumerate(rows):
        p = f"outcomes.{i}"
        out.append({
            "indicator": checks.text(row.get("indicator"), f"{p}.indicator", limits.TITLE, errors, required=True),
            "before": checks.figure(row.get("before"), f"{p}.before", errors, required=False),
            "after": checks.figure(row.get("after"), f"{p}.after", errors, required=True),
            "unit": checks.text(row.get("unit"), f"{p}.unit", 30, errors),
            "source": checks.text(row.get("source"), f"{p}.source", limits.TITLE, errors),
        })
    return out


def _check_evidence(case: CaseStudy, name: str, ids: Sequence[int], errors: Errors) -> list[int]:
    """The ids, when each is the case's own reform's (an accepted report, or an attachment)."""
    wanted = list(dict.fromkeys(ids))
    source = citable_reports(case.reform_id) if name == "evidence_reports" else citable_attachments(case.reform_id)
    found = set(source.filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else set()
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        message = (
            _("Not an accepted progress report of this reform: %(ids)s.") if name == "evidence_reports"
            else _("Not an attachment of this reform: %(ids)s.")
        )
        checks.add(errors, name, message % {"ids": ", ".join(missing)})
    return wanted


def _lock(case: CaseStudy) -> CaseStudy:
    return CaseStudy.objects.select_for_update().select_related("reform").get(pk=case.pk)


def _snapshot(case: CaseStudy) -> dict[str, Any]:
    return {name: getattr(case, name) for name in TEXT_FIELDS}


@transaction.atomic
def draft_case_study(*, user, reform: Reform, title: str, **texts: Any) -> CaseStudy:
    """Start a reform's case study (a draft); one per reform. The reform must be under way or
    completed."""
    require(user, "casestudies.draft_case_study", reform, message=DRAFTS)
    reform = Reform.objects.select_for_update().get(pk=reform.pk)
    errors: Errors = {}
    if reform.status not in WRITABLE_STATUSES:
        checks.add(errors, "reform", _("A case study is written of a reform under way or completed."))
    if CaseStudy.objects.filter(reform=reform).exists():
        checks.add(errors, "reform", _("This reform has a case study already."))
    case = CaseStudy(reform=reform, district_id=reform.district_id, drafted_by=user)
    _check_texts(case, {"title": title, **texts}, errors)
    if errors:
        raise ValidationError(errors)
    save_unique(case, fields=["reform"])
    log_action(user, "casestudy.draft", case, {"reform": [None, reform.pk], "title": [None, case.title]})
    return case


def _replace_outcomes(case: CaseStudy, rows: list[dict[str, Any]]) -> dict[str, Any]:
    before = [(o.indicator, o.before, o.after, o.unit, o.source) for o in case.outcome_rows.all()]
    after = [(r["indicator"], r["before"], r["after"], r["unit"], r["source"]) for r in rows]
    if before == after:
        return {}
    case.outcome_rows.all().delete()
    Outcome.objects.bulk_create([Outcome(case_study=case, position=i, **row) for i, row in enumerate(rows, start=1)])
    return {"outcome_rows": [len(before), len(after)]}


@transaction.atomic
def update_case_study(
    *,
    user,
    case: CaseStudy,
    changes: CaseChanges | Mapping[str, Any],
    outcomes: Sequence[Mapping[str, Any]] | None = None,
    evidence_reports: Sequence[int] | None = None,
    evidence_attachments: Sequence[int] | None = None,
) -> CaseStudy:
    """Write the case's text (the fields named in ``changes``), its measured outcomes (the list
    given replaces them), and the evidence it cites (ids of its reform's accepted reports and
    attachments; the lists given replace the cited ones)."""
    case = _lock(case)
    require(user, "casestudies.change_case_study", case, message=CHANGES)
    before = _snapshot(case)
    errors: Errors = {}
    _check_texts(case, changes, errors)
    rows = _check_outcomes(outcomes, errors) if outcomes is not None else None
    reports = _check_evidence(case, "evidence_reports", evidence_reports, errors) if evidence_reports is not None else None
    attachments = (
        _check_evidence(case, "evidence_attachments", evidence_attachments, errors) if evidence_attachments is not None else None
    )
    if errors:
        raise ValidationError(errors)
    recorded: dict[str, Any] = diff(before, _snapshot(case))
    if rows is not None:
        recorded.update(_replace_outcomes(case, rows))
    for name, ids in (("evidence_reports", reports), ("evidence_attachments", attachments)):
        if ids is None:
            continue
        related = getattr(case, name)
        old = sorted(related.values_list("pk", flat=True))
        if old != sorted(ids):
            related.set(ids)
            recorded[name] = [old, sorted(ids)]
    if recorded:
        case.save()
        log_action(user, "casestudy.update", case, recorded)
    return case


def _check_complete(case: CaseStudy) -> None:
    errors: Errors = {}
    for name in REQUIRED_SECTIONS:
        if not (getattr(case, name) or "").strip():
            label = getattr(CaseStudy._meta.get_field(name), "verbose_name", name)
            checks.add(errors, name, _("Write the section “%(section)s” first.") % {"section": label})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def submit_case_study(*, user, case: CaseStudy) -> CaseStudy:
    """The lead unit submits its draft to the office (every section written)."""
    case = _lock(case)
    require(user, "casestudies.submit_case_study", case, message=SUBMITS)
    _check_complete(case)
    case.state, case.submitted_at = CaseStudyState.SUBMITTED, timezone.now()
    case.save(update_fields=["state", "submitted_at", "updated_at"])
    log_action(user, "casestudy.submit", case, {"state": [CaseStudyState.DRAFT, case.state]})
    return case


def _reason(reason: Any) -> str:
    errors: Errors = {}
    text = checks.text(reason, "reason", limits.REASON, errors, required=True)
    if errors:
        raise ValidationError(errors)
    return text


@transaction.atomic
def return_case_study(*, user, case: CaseStudy, reason: str) -> CaseStudy:
    """The office returns a submitted case to the lead unit with a note: a draft again."""
    case = _lock(case)
    require(user, "casestudies.manage_case_study", case, message=MANAGES)
    if case.state != CaseStudyState.SUBMITTED:
        raise ValidationError({"state": _("Only a submitted case study is returned to the unit.")})
    case.return_reason = _reason(reason)
    case.state = CaseStudyState.DRAFT
    case.save(update_fields=["state", "return_reason", "updated_at"])
    log_action(user, "casestudy.return", case, {"state": [CaseStudyState.SUBMITTED, case.state], "reason": case.return_reason})
    return case


@transaction.atomic
def publish_case_study(*, user, case: CaseStudy) -> CaseStudy:
    """The office publishes a draft or a submitted case to the public site (every section written,
    the reform one the public may see)."""
    case = _lock(case)
    require(user, "casestudies.manage_case_study", case, message=MANAGES)
    if case.state == CaseStudyState.PUBLISHED:
        raise ValidationError({"state": _("This case study is published already.")})
    if case.reform.status not in PUBLIC_STATUSES:
        raise ValidationError({"reform": _("The reform is not on the public site (suspended, terminated or not approved).")})
    _check_complete(case)
    before = case.state
    case.state, case.published_at, case.published_by = CaseStudyState.PUBLISHED, timezone.now(), user
    case.save(update_fields=["state", "published_at", "published_by", "updated_at"])
    log_action(user, "casestudy.publish", case, {"state": [before, case.state]})
    return case


@transaction.atomic
def unpublish_case_study(*, user, case: CaseStudy, reason: str) -> CaseStudy:
    """The office takes a published case off the public site with a reason: it stays with the
    office (submitted), its adoptions kept (and no longer counted by the assessment)."""
    case = _lock(case)
    require(user, "casestudies.manage_case_study", case, message=MANAGES)
    if case.state != CaseStudyState.PUBLISHED:
        raise ValidationError({"state": _("Only a published case study is taken off the public site.")})
    case.unpublish_reason = _reason(reason)
    case.state, case.unpublished_at = CaseStudyState.SUBMITTED, timezone.now()
    case.save(update_fields=["state", "unpublish_reason", "unpublished_at", "updated_at"])
    log_action(user, "casestudy.unpublish", case, {"state": [CaseStudyState.PUBLISHED, case.state], "reason": case.unpublish_reason})
    return case
