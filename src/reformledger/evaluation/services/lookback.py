"""Look-back reviews (回头看): scheduling, the findings, concluding (the review is then locked),
reopening with a reason, and filing a problem's follow-up task in supervision.

Every write: atomic, checked once (``evaluation.manage_lookback``: the office of the reform's
district; the province office reads and writes nothing), audited. Bad input is a ValidationError
naming the field (``documents.2.number``); an ineligible reform names ``reform`` and a concluded
review ``state`` (the API answers 400 and 409 for those, 422 for the rest).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reformledger.core import limits
from reformledger.core.audit import Change, diff, log_action, log_actions
from reformledger.core.permissions import require
from reformledger.org.models import Membership, Role, Unit, User
from reformledger.reforms.models import Reform, Status, Tier
from reformledger.supervision.services.tasks import create_follow_up_task

from ..models import (
    AdoptionLevel,
    Extent,
    Grade,
    LookbackAdoption,
    LookbackDocument,
    LookbackProblem,
    LookbackReview,
    LookbackState,
    Round,
    RoundKind,
    RoundReform,
    Severity,
)
from ..selectors.lookback import DUE_AFTER_YEARS, completion_date, unscheduled_due, years_after

Errors = dict[str, list[str]]
MANAGES = _("Only the reform office of the reform's district schedules and writes its look-back reviews.")


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


# --- eligibility and scheduling ----------------------------------------------------------------------


def check_eligible(reform: Reform, *, scheduled_on: dt.date) -> dt.date:
    """The reform's completion date, if it may be reviewed on ``scheduled_on``: a key reform,
    completed, at least a year before. Else a ValidationError on ``reform``."""
    if reform.tier != Tier.KEY:
        raise ValidationError({"reform": _("Only key reforms get a look-back review.")})
    completed_on = completion_date(reform)
    if completed_on is None:
        raise ValidationError({"reform": _("Only a completed reform gets a look-back review.")})
    earliest = years_after(completed_on, DUE_AFTER_YEARS)
    if scheduled_on < earliest:
        raise ValidationError(
            {"reform": _("The reform was completed on %(done)s: a look-back review is scheduled a year later at the earliest (%(date)s).")
             % {"done": formats.date_format(completed_on, "DATE_FORMAT"), "date": formats.date_format(earliest, "DATE_FORMAT")}}
        )
    return completed_on


def _check_reviewer(reviewer: User | None, district_id: int, errors: Errors) -> None:
    if reviewer is None:
        return
    works_there = Membership.objects.filter(
        user=reviewer, role=Role.OFFICE, unit__district_id=district_id, unit__is_active=True
    ).exists()
    if not works_there or not reviewer.is_active:
        _add(errors, "reviewer", _("The reviewer must be an active member of the reform office of the reform's district."))


def _create(user, reform: Reform, scheduled_on: dt.date, reviewer: User | None) -> LookbackReview:
    completed_on = check_eligible(reform, scheduled_on=scheduled_on)
    if LookbackReview.objects.filter(reform=reform).exclude(state=LookbackState.CONCLUDED).exists():
        raise ValidationError({"state": _("This reform already has a look-back review scheduled or under way.")})
    review = LookbackReview(
        reform=reform, district_id=reform.district_id, completed_on=completed_on, scheduled_on=scheduled_on,
        reviewer=reviewer, created_by=user,
    )
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:  # another writer scheduled one a moment ago
        raise ValidationError({"state": _("This reform already has a look-back review scheduled or under way.")}) from exc
    return review


@transaction.atomic
def schedule_review(
    *, user, reform: Reform, scheduled_on: dt.date, reviewer: User | None = None
) -> LookbackReview:
    """Schedule a look-back review of a key reform completed at least a year before ``scheduled_on``."""
    reform = Reform.objects.select_for_update().get(pk=reform.pk)
    require(user, "evaluation.manage_lookback", reform, message=MANAGES)
    errors: Errors = {}
    if not isinstance(scheduled_on, dt.date):
        _add(errors, "scheduled_on", _("Enter a date as YYYY-MM-DD."))
    _check_reviewer(reviewer, reform.district_id, errors)
    if errors:
        raise ValidationError(errors)
    review = _create(user, reform, scheduled_on, reviewer)
    log_action(user, "lookback.schedule", review, {
        "reform": [None, reform.pk], "scheduled_on": [None, scheduled_on], "reviewer": [None, getattr(reviewer, "pk", None)],
    })
    return review


@transaction.atomic
def schedule_due(*, user, district: Unit, scheduled_on: dt.date, reform_ids: Sequence[int] | None = None) -> list[LookbackReview]:
    """Schedule reviews of the district's key reforms completed one to three years ago that have
    none (``reform_ids``: only those of them; None: all), each on ``scheduled_on`` or, when that
    is less than a year after its completion, on its first anniversary. One audit entry each."""
    require(user, "evaluation.manage_lookback", district, message=MANAGES)
    on = timezone.localdate()
    if not isinstance(scheduled_on, dt.date):
        raise ValidationError({"scheduled_on": _("Enter a date as YYYY-MM-DD.")})
    if scheduled_on < on:
        raise ValidationError({"scheduled_on": _("Schedule the reviews for today or later.")})
    due = unscheduled_due(district_ids=frozenset({district.pk}), on=on).select_for_update(of=("self",))
    if reform_ids is not None:
        due = due.filter(pk__in=list(reform_ids))
    made: list[LookbackReview] = []
    for reform in due:
        completed_on: dt.date = reform.completed_on  # type: ignore[attr-defined]  # annotated by the selector
        day = max(scheduled_on, years_after(completed_on, DUE_AFTER_YEARS))
        made.append(LookbackReview(
            reform=reform, district_id=reform.district_id, completed_on=completed_on, scheduled_on=day, created_by=user,
        ))
    try:
        with transaction.atomic():
            LookbackReview.objects.bulk_create(made)
    except IntegrityError as exc:
        raise ValidationError({"state": _("Another look-back review was scheduled meanwhile; try again.")}) from exc
    log_actions(user, [
        Change("lookback.schedule", r, {"reform": [None, r.reform_id], "scheduled_on": [None, r.scheduled_on], "batch": True})
        for r in made
    ])
    return made


# --- the findings ------------------------------------------------------------------------------------


class ReviewChanges(TypedDict, total=False):
    scheduled_on: dt.date
    reviewer: User | None
    mechanism: str
    mechanism_text: str
    sustained: str
    sustained_text: str
    lookback_round: Round | None


class DocumentRow(TypedDict, total=False):
    id: int
    title: str
    number: str
    issuer: str
    issued_on: dt.date | None


class AdoptionRow(TypedDict, total=False):
    id: int
    place: str
    level: str
    description: str
    evidence_url: str
    evidence_document: str


class ProblemRow(TypedDict, total=False):
    id: int
    description: str
    severity: str


REVIEW_FIELDS = tuple(ReviewChanges.__annotations__)
_TEXT_LIMITS = {"mechanism_text": limits.LONG_TEXT, "sustained_text": limits.LONG_TEXT}


def _snapshot(review: LookbackReview) -> dict[str, Any]:
    return {
        name: getattr(review, f"{name}_id" if name in ("reviewer", "lookback_round") else name) for name in REVIEW_FIELDS
    }


def _check_text(value: Any, name: str, limit: int, errors: Errors, *, required: bool = False) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        _add(errors, name, _("Enter text."))
    elif required and not text:
        _add(errors, name, _("This field is required."))
    elif len(text) > limit:
        _add(errors, name, _("At most %(n)d characters.") % {"n": limit})
    return text


def _check_choice(value: Any, name: str, choices: Any, errors: Errors, *, blank: bool = True) -> str:
    if (value in ("", None) and blank) or value in choices.values:
        return value or ""
    _add(errors, name, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)})
    return ""


def _assign(review: LookbackReview, changes: Mapping[str, Any], errors: Errors) -> None:
    unknown = set(changes) - set(REVIEW_FIELDS)
    for name in sorted(unknown):
        _add(errors, name, _("This field cannot be set here."))
    for name, value in changes.items():
        if name in ("mechanism", "sustained"):
            value = _check_choice(value, name, Extent, errors)
        elif name in _TEXT_LIMITS:
            value = _check_text(value, name, _TEXT_LIMITS[name], errors)
        elif name == "scheduled_on" and not isinstance(value, dt.date):
            _add(errors, name, _("Enter a date as YYYY-MM-DD."))
            continue
        elif name == "lookback_round" and value is not None:
            rated = RoundReform.objects.filter(round=value, reform_id=review.reform_id).exists()
            if value.kind != RoundKind.LOOKBACK or value.district_id != review.district_id or not rated:
                _add(errors, name, _("Choose a look-back rating round of the reform's district that rates this reform."))
                continue
        if name in REVIEW_FIELDS:
            setattr(review, name, value)
    if "reviewer" in changes:
        _check_reviewer(changes["reviewer"], review.district_id, errors)
    if "scheduled_on" in changes and isinstance(review.scheduled_on, dt.date):
        earliest = years_after(review.completed_on, DUE_AFTER_YEARS)
        if review.scheduled_on < earliest:
            _add(errors, "scheduled_on", _("A year after completion at the earliest (%(date)s).") % {"date": formats.date_format(earliest, "DATE_FORMAT")})


def _date_or_none(value: Any, name: str, errors: Errors) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        _add(errors, name, _("Enter a date as YYYY-MM-DD."))
        return None


def _check_documents(rows: Sequence[Mapping[str, Any]], errors: Errors) -> list[dict[str, Any]]:
    out = []
    for i, row in enumerate(rows):
        p = f"documents.{i}"
        out.append({
            "id": row.get("id"),
            "title": _check_text(row.get("title"), f"{p}.title", limits.TITLE, errors, required=True),
            "number": _check_text(row.get("number"), f"{p}.number", 60, errors),
            "issuer": _check_text(row.get("issuer"), f"{p}.issuer", limits.TITLE, errors),
            "issued_on": _date_or_none(row.get("issued_on"), f"{p}.issued_on", errors),
        })
    return out


def _check_adoptions(rows: Sequence[Mapping[str, Any]], errors: Errors) -> list[dict[str, Any]]:
    out = []
    check_url = URLValidator(schemes=["http", "https"])
    for i, row in enumerate(rows):
        p = f"adoptions.{i}"
        url = _check_text(row.get("evidence_url"), f"{p}.evidence_url", 500, errors)
        if url:
            try:
                check_url(url)
            except ValidationError:
                _add(errors, f"{p}.evidence_url", _("Enter a web address starting with http:// or https://."))
        out.append({
            "id": row.get("id"),
            "place": _check_text(row.get("place"), f"{p}.place", limits.TITLE, errors, required=True),
            "level": _check_choice(row.get("level"), f"{p}.level", AdoptionLevel, errors, blank=False),
            "description": _check_text(row.get("description"), f"{p}.description", limits.LONG_TEXT, errors),
            "evidence_url": url,
            "evidence_document": _check_text(row.get("evidence_document"), f"{p}.evidence_document", limits.TITLE, errors),
        })
    return out


def _check_problems(rows: Sequence[Mapping[str, Any]], errors: Errors) -> list[dict[str, Any]]:
    out = []
    for i, row in enumerate(rows):
        p = f"problems.{i}"
        out.append({
            "id": row.get("id"),
            "description": _check_text(row.get("description"), f"{p}.description", limits.LONG_TEXT, errors, required=True),
            "severity": _check_choice(row.get("severity") or Severity.MEDIUM, f"{p}.severity", Severity, errors, blank=False),
        })
    return out


def _replace_rows(review: LookbackReview, model: Any, name: str, rows: list[dict[str, Any]], errors: Errors) -> dict[str, Any]:
    """Rows with an ``id`` of this review are updated, rows without are added, the review's rows
    not named are removed (a problem with a follow-up task is kept: it cannot be removed)."""
    existing = {obj.pk: obj for obj in model.objects.filter(review=review)}
    kept: set[int] = set()
    for i, row in enumerate(rows):
        pk = row.get("id")
        if pk is not None and pk not in existing:
            _add(errors, f"{name}.{i}.id", _("No such row in this review."))
        elif pk is not None:
            kept.add(pk)
    removed = [obj for pk, obj in existing.items() if pk not in kept]
    if model is LookbackProblem:
        for obj in removed:
            if obj.follow_up_task_id:
                _add(errors, name, _("A problem with a follow-up task cannot be removed: “%(problem)s”.") % {"problem": str(obj)})
    if errors:
        return {}
    model.objects.filter(pk__in=[obj.pk for obj in removed]).delete()
    for position, row in enumerate(rows, start=1):
        values = {k: v for k, v in row.items() if k != "id"}
        if row.get("id") is not None:
            model.objects.filter(pk=row["id"]).update(position=position, **values)
        else:
            model.objects.create(review=review, position=position, **values)
    return {name: [len(existing), len(rows)]} if removed or len(rows) != len(existing) or rows else {}


def _lock_open(user, review: LookbackReview) -> LookbackReview:
    review = LookbackReview.objects.select_for_update().select_related("reform").get(pk=review.pk)
    require(user, "evaluation.manage_lookback", review, message=MANAGES)
    if review.state == LookbackState.CONCLUDED:
        raise ValidationError({"state": _("This review is concluded and locked; the reform office may reopen it with a reason.")})
    return review


@transaction.atomic
def update_review(
    *,
    user,
    review: LookbackReview,
    changes: ReviewChanges | Mapping[str, Any],
    documents: Sequence[DocumentRow | Mapping[str, Any]] | None = None,
    adoptions: Sequence[AdoptionRow | Mapping[str, Any]] | None = None,
    problems: Sequence[ProblemRow | Mapping[str, Any]] | None = None,
) -> LookbackReview:
    """Write a review's findings (the fields named in ``changes``; each list given replaces the
    review's rows of that kind). A scheduled review is then in progress. Refused once concluded."""
    review = _lock_open(user, review)
    before = _snapshot(review)
    errors: Errors = {}
    _assign(review, changes, errors)
    checked = {
        "documents": _check_documents(documents, errors) if documents is not None else None,
        "adoptions": _check_adoptions(adoptions, errors) if adoptions is not None else None,
        "problems": _check_problems(problems, errors) if problems is not None else None,
    }
    if errors:
        raise ValidationError(errors)
    recorded: dict[str, Any] = diff(before, _snapshot(review))
    for name, model in (("documents", LookbackDocument), ("adoptions", LookbackAdoption), ("problems", LookbackProblem)):
        rows = checked[name]
        if rows is not None:
            recorded.update(_replace_rows(review, model, name, rows, errors))
    if errors:
        raise ValidationError(errors)
    if review.state == LookbackState.SCHEDULED and recorded:
        review.state = LookbackState.IN_PROGRESS
        recorded["state"] = [LookbackState.SCHEDULED, LookbackState.IN_PROGRESS]
    review.save()
    if recorded:
        log_action(user, "lookback.update", review, recorded)
    return review


# --- conclusion, reopening -----------------------------------------------------------------------------


@transaction.atomic
def conclude_review(*, user, review: LookbackReview, grade: str, conclusion: str) -> LookbackReview:
    """Conclude a review with its grade and conclusion: it is then locked."""
    review = _lock_open(user, review)
    errors: Errors = {}
    grade = _check_choice(grade, "grade", Grade, errors, blank=False)
    text = _check_text(conclusion, "conclusion", limits.LONG_TEXT, errors, required=True)
    if not review.mechanism:
        _add(errors, "mechanism", _("Say whether the reform left a lasting mechanism before concluding."))
    if not review.sustained:
        _add(errors, "sustained", _("Say whether the results are sustained before concluding."))
    if errors:
        raise ValidationError(errors)
    before = review.state
    review.state, review.grade, review.conclusion = LookbackState.CONCLUDED, grade, text
    review.concluded_at, review.concluded_by = timezone.now(), user
    review.save()
    log_action(user, "lookback.conclude", review, {"state": [before, review.state], "grade": [None, grade], "conclusion": text})
    return review


@transaction.atomic
def reopen_review(*, user, review: LookbackReview, reason: str) -> LookbackReview:
    """The office reopens a concluded review, with a reason (audited): it is in progress again, its
    grade kept until it is concluded anew. Refused when the reform has another open review."""
    review = LookbackReview.objects.select_for_update().get(pk=review.pk)
    require(user, "evaluation.manage_lookback", review, message=MANAGES)
    errors: Errors = {}
    if review.state != LookbackState.CONCLUDED:
        _add(errors, "state", _("Only a concluded review can be reopened."))
    text = _check_text(reason, "reason", limits.REASON, errors, required=True)
    if LookbackReview.objects.filter(reform_id=review.reform_id).exclude(state=LookbackState.CONCLUDED).exists():
        _add(errors, "state", _("This reform has another look-back review under way; work on that one."))
    if errors:
        raise ValidationError(errors)
    review.state, review.reopened_at, review.reopen_reason = LookbackState.IN_PROGRESS, timezone.now(), text
    review.save()
    log_action(user, "lookback.reopen", review, {"state": [LookbackState.CONCLUDED, review.state], "reason": text})
    return review


# --- follow-up tasks in supervision --------------------------------------------------------------------


@transaction.atomic
def file_follow_up(
    *, user, problem: LookbackProblem, unit: Unit, due_date: dt.date, title: str = "", assignee: User | None = None
) -> LookbackProblem:
    """Turn an open problem of a review into a follow-up task (整改任务) of its reform in supervision,
    through supervision's own service (which checks who files it, the unit and the date), linked
    back to the problem. A problem has at most one follow-up task. Allowed on a concluded review
    too: problems outlive the review."""
    problem = LookbackProblem.objects.select_for_update().select_related("review", "review__reform").get(pk=problem.pk)
    review = problem.review
    require(user, "evaluation.manage_lookback", review, message=MANAGES)
    if problem.follow_up_task_id:
        raise ValidationError({"problem": _("This problem already has a follow-up task.")})
    errors: Errors = {}
    text = _check_text(title, "title", limits.TITLE, errors) or _("Follow-up (回头看): %(problem)s") % {"problem": problem.description[:150]}
    if errors:
        raise ValidationError(errors)
    if review.reform.status != Status.COMPLETED:
        raise ValidationError({"reform": _("The reform is no longer completed: plan its work on its task tree instead.")})
    task = create_follow_up_task(
        user=user, reform=review.reform, title=text[: limits.TITLE], unit=unit, due_date=due_date, assignee=assignee,
        deliverable=problem.description, source={"lookback_review": review.pk, "lookback_problem": problem.pk},
    )
    problem.follow_up_task = task
    problem.save(update_fields=["follow_up_task"])
    log_action(user, "lookback.follow_up", review, {"problem": problem.pk, "task": [None, task.pk], "unit": unit.pk, "due_date": due_date})
    return problem
