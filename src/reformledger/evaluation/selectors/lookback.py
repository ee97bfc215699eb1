"""Scoped reads of look-back reviews (回头看): the due list, a reform's reviews, one review, the
residents' view (read from the ratings) and :func:`lookback_conclusion` for the assessment and the
case studies.

**Completion date.** A reform is completed through 办结: the date is the office's acceptance of the
latest accepted completion (``supervision.Completion.decided_at``, local date). A reform the Excel
ledger brought in as completed history has no such record: its due date stands for its completion
(the ledger records reforms done by their dates). A reform with neither is never due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform, Status, Tier
from reformledger.supervision.models import Completion, CompletionStatus

from ..models import SCORE_FIELDS, LookbackReview, LookbackState, Rating, Round, RoundKind, RoundReform

#: A reform is due for a look-back review from this many years after its completion.
DUE_AFTER_YEARS = 1
#: "Schedule the due ones" proposes reforms completed at most this many years ago.
SCHEDULE_WITHIN_YEARS = 3
#: The related rows a review's pages show.
REVIEW_RELATED = ("reform", "reform__lead_unit", "district", "reviewer", "lookback_round")


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: dt.date, years: int) -> dt.date:
    return years_before(day, -years)


def with_completion(qs: QuerySet[Reform]) -> QuerySet[Reform]:
    """Reforms annotated with ``completed_on``: the accepted completion's date, else the due date."""
    accepted = (
        Completion.objects.filter(reform=OuterRef("pk"), status=CompletionStatus.ACCEPTED)
        .order_by("-decided_at", "-pk")
        .values("decided_at")[:1]
    )
    return qs.annotate(
        completed_on=Coalesce(TruncDate(Subquery(accepted)), F("due_date"), output_field=DateField())
    )


def completion_date(reform: Reform) -> dt.date | None:
    """One reform's completion date (None unless completed)."""
    if reform.status != Status.COMPLETED:
        return None
    return with_completion(Reform.objects.filter(pk=reform.pk)).values_list("completed_on", flat=True).first()  # type: ignore[misc]


def reading_district_ids(user) -> frozenset[int] | None:
    """The districts whose reviews this person lists: None for every district (the province
    office), their own for the office and the committee, none for anyone else."""
    actor = actor_for(user)
    if actor.reads_every_district:
        return None
    if actor.sees_whole_districts:
        return actor.district_ids
    return frozenset()


def _in_districts(qs: QuerySet[Any], district_ids: frozenset[int] | None) -> QuerySet[Any]:
    return qs if district_ids is None else qs.filter(district_id__in=district_ids)


def due_reforms(user, *, on: dt.date | None = None) -> QuerySet[Reform]:
    """Key reforms completed at least a year ago with no concluded review, by completion date
    (oldest first): the office's due list, scoped to the reader's districts. Each carries
    ``completed_on`` and ``open_review`` (the id of its scheduled or running review, or None)."""
    on = on or timezone.localdate()
    open_review = LookbackReview.objects.filter(reform=OuterRef("pk")).exclude(state=LookbackState.CONCLUDED)
    concluded = LookbackReview.objects.filter(reform=OuterRef("pk"), state=LookbackState.CONCLUDED)
    qs = _in_districts(Reform.objects.filter(tier=Tier.KEY, status=Status.COMPLETED), reading_district_ids(user))
    return (
        with_completion(qs)  # type: ignore[misc]  # annotated above
        .filter(**{"completed_on__lte": years_before(on, DUE_AFTER_YEARS)})
        .exclude(Exists(concluded))
        .annotate(open_review=Subquery(open_review.values("pk")[:1]))
        .annotate(open_review_on=Subquery(open_review.values("scheduled_on")[:1]))
        .select_related("lead_unit")
        .order_by("completed_on", "code")
    )


def unscheduled_due(*, district_ids: frozenset[int] | None, on: dt.date) -> QuerySet[Reform]:
    """Key reforms completed one to three years before ``on`` with no review at all: what "schedule
    the due ones" proposes."""
    qs = _in_districts(Reform.objects.filter(tier=Tier.KEY, status=Status.COMPLETED), district_ids)
    return (
        with_completion(qs)  # type: ignore[misc]  # annotated above
        .filter(**{
            "completed_on__lte": years_before(on, DUE_AFTER_YEARS),
            "completed_on__gte": years_before(on, SCHEDULE_WITHIN_YEARS),
        })
        .exclude(Exists(LookbackReview.objects.filter(reform=OuterRef("pk"))))
        .order_by("completed_on", "code")
    )


def visible_reviews(user) -> QuerySet[LookbackReview]:
    """Reviews of the reader's districts (every district for the province office), newest first."""
    qs = _in_districts(LookbackReview.objects.all(), reading_district_ids(user))
    return qs.select_related(*REVIEW_RELATED).annotate(n_problems=Count("problems")).order_by("-scheduled_on", "-pk")


def reviews_of_reform(user, reform: Reform) -> list[LookbackReview]:
    """A reform's reviews, newest first (empty for whoever may not read them)."""
    if not user.has_perm("evaluation.view_lookback", reform):
        return []
    return list(
        LookbackReview.objects.filter(reform=reform).select_related(*REVIEW_RELATED).order_by("-scheduled_on", "-pk")
    )


def get_review(user, pk: int, *, for_change: bool = False) -> LookbackReview:
    """One review; 404 unless the person may read it. ``for_change``: 404 only for whoever may not
    know of it (another district's office, committee or leader); the service decides the rest."""
    review = get_object_or_404(LookbackReview.objects.select_related(*REVIEW_RELATED), pk=pk)
    if user.has_perm("evaluation.view_lookback", review):
        return review
    if for_change and not actor_for(user).outside_districts(review.district_id) and actor_for(user).is_office:
        return review
    raise Http404


def review_rows(review: LookbackReview) -> dict[str, list[Any]]:
    """The review's repeating rows (three queries; the problems with their follow-up tasks)."""
    return {
        "documents": list(review.documents.all()),
        "adoptions": list(review.adoptions.all()),
        "problems": list(review.problems.select_related("follow_up_task", "follow_up_task__unit")),
    }


# --- residents then and now ---------------------------------------------------------------------------


@dataclass
class RoundFigures:
    """A round's ratings of one reform, as the review shows them."""

    round: Round
    count: int = 0
    means: list[tuple[str, float | None]] = field(default_factory=list)
    shown: bool = False  # False: hidden until published, or fewer ratings than the round shows


def _figures(round_: Round, reform_id: int, *, office: bool) -> RoundFigures:
    keys = round_.dimension_keys
    columns = {f"m{i}": Avg(SCORE_FIELDS[i]) for i in range(len(keys))}
    row = Rating.objects.filter(round=round_, reform_id=reform_id).aggregate(n=Count("pk"), **columns)
    labels = [d.get("label") or d["key"] for d in round_.dimensions]
    means = [(labels[i], None if row[f"m{i}"] is None else round(float(row[f"m{i}"]), 2)) for i in range(len(keys))]
    shown = office or (round_.is_published and row["n"] >= round_.min_ratings)
    return RoundFigures(round=round_, count=row["n"], means=means if shown else [], shown=shown)


def residents_view(review: LookbackReview, *, user) -> dict[str, RoundFigures | None]:
    """What residents said at completion (the ``public`` round of the completion year that rated
    the reform) and now (the review's ``lookback`` round, else the latest one that rates it), read
    from the ratings. Outside the district's office, a round's figures show only once published
    and with at least its minimum of ratings. None where there is no such round."""
    office = user.has_perm("evaluation.manage_lookback", review)
    rated = RoundReform.objects.filter(reform_id=review.reform_id).values("round_id")
    then = (
        Round.objects.filter(pk__in=rated, kind=RoundKind.PUBLIC, year=review.completed_on.year, district_id=review.district_id)
        .order_by("-closes_at")
        .first()
    )
    now = review.lookback_round
    if now is None:
        now = Round.objects.filter(pk__in=rated, kind=RoundKind.LOOKBACK, district_id=review.district_id).order_by("-closes_at").first()
    return {
        "then": _figures(then, review.reform_id, office=office) if then else None,
        "now": _figures(now, review.reform_id, office=office) if now else None,
    }


def lookback_rounds(review: LookbackReview) -> QuerySet[Round]:
    """The district's ``lookback`` rounds that rate the review's reform (the form's choices)."""
    rated = RoundReform.objects.filter(reform_id=review.reform_id).values("round_id")
    return Round.objects.filter(pk__in=rated, kind=RoundKind.LOOKBACK, district_id=review.district_id).order_by("-closes_at")


# --- for the assessment and the case studies ---------------------------------------------------------


def lookback_conclusion(reform_id: int) -> dict[str, Any] | None:
    """The latest concluded look-back review of a reform, for the assessment and the case studies to
    read (they scope their own readers): grade, conclusion, findings in short, or None when the
    reform has none. Four queries."""
    review = (
        LookbackReview.objects.filter(reform_id=reform_id, state=LookbackState.CONCLUDED)
        .order_by("-concluded_at", "-pk")
        .first()
    )
    if review is None:
        return None
    levels = list(review.adoptions.values_list("level", flat=True))
    order = ["nation", "province", "city"]
    widest = next((level for level in order if level in levels), None)
    problems = review.problems.aggregate(n=Count("pk"), followed=Count("pk", filter=Q(follow_up_task__isnull=False)))
    return {
        "review": review.pk,
        "grade": review.grade,
        "grade_label": review.get_grade_display(),
        "conclusion": review.conclusion,
        "concluded_at": review.concluded_at,
        "scheduled_on": review.scheduled_on,
        "completed_on": review.completed_on,
        "mechanism": review.mechanism,
        "sustained": review.sustained,
        "documents": review.documents.count(),
        "adoptions": len(levels),
        "widest_adoption": widest,
        "problems": problems["n"],
        "problems_followed_up": problems["followed"],
    }
