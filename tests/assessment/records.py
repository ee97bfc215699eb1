"""Records the assessment reads, made directly (the services that make them are other apps' and
are tested there): completions, overdue spells, order replies, look-back reviews, expert panels,
published rating rounds, case-study adoptions, tolerance cases, commendations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from reformledger.assessment.models import Commendation
from reformledger.casestudies.models import Adoption, CaseStudy, CaseStudyState
from reformledger.evaluation.models import (
    Criterion,
    Expert,
    LookbackAdoption,
    LookbackReview,
    LookbackState,
    Mark,
    Panel,
    PanelState,
    Rating,
    Round,
    RoundKind,
    RoundReform,
    Sheet,
    SheetStatus,
)
from reformledger.evaluation.services import tallies
from reformledger.supervision.models import Completion, CompletionStatus, OrderReply, OverdueSpell
from reformledger.tolerance.models import CaseState, Outcome, ToleranceCase
from tests.factories import OrderFactory, OrderTargetFactory, TaskFactory, UserFactory

AWARE = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=AWARE)


def completed_on(reform, day: dt.date, by) -> None:
    """The office accepted the reform's completion on ``day``."""
    Completion.objects.create(reform=reform, applied_by=by, summary="已完成", status=CompletionStatus.ACCEPTED, decided_at=at(day))


def overdue(reform, *, start: dt.date, end: dt.date | None, unit=None, task=None):
    """A task of the reform overdue from ``start`` to ``end`` (None: still overdue)."""
    task = task or TaskFactory(reform=reform, unit=unit or reform.lead_unit)
    return OverdueSpell.objects.create(task=task, reform=reform, district=reform.district, unit=unit or task.unit,
                                       due_date=start - dt.timedelta(days=1), started_on=start, ended_on=end)


def order_to(district, unit, *, issued: dt.date, reply_by: dt.date, replied: dt.date | None, by):
    order = OrderFactory(district=district, issued_on=issued, reply_by=reply_by, issued_by=by)
    target = OrderTargetFactory(order=order, unit=unit)
    if replied is not None:
        OrderReply.objects.create(order=order, target=target, number=1, text="已办理", submitted_by=by,
                                  submitted_at=at(replied), submitted_on=replied)
    return order


def lookback(reform, *, grade: str, by, concluded: dt.date, adoptions=()):
    review = LookbackReview.objects.create(
        reform=reform, district=reform.district, completed_on=reform.due_date, scheduled_on=concluded, state=LookbackState.CONCLUDED,
        grade=grade, conclusion="好", concluded_at=at(concluded), concluded_by=by, created_by=by,
    )
    for i, (level, place) in enumerate(adoptions):
        LookbackAdoption.objects.create(review=review, position=i, place=place, level=level)
    return review


def expert_scores(district, by, year: int, scores: dict) -> Panel:
    """A closed expert panel of ``year`` whose three experts gave each reform the totals listed
    (``{reform: [t1, t2, t3]}``; with fewer than 5 experts nothing is trimmed)."""
    now = timezone.now()
    round_ = Round.objects.create(district=district, kind=RoundKind.EXPERT, year=year, title="专家评审",
                                  opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=1), created_by=by)
    panel = Panel.objects.create(round=round_, district=district, name="评审组", state=PanelState.CLOSED, created_by=by)
    criterion = Criterion.objects.create(panel=panel, name="实效", max_points=Decimal(100), weight=Decimal(1))
    experts = [Expert.objects.create(district=district, person=UserFactory(), name=f"专家{i}", affiliation="研究中心", field="公共管理")
               for i in range(3)]
    for reform, totals in scores.items():
        RoundReform.objects.create(round=round_, reform=reform)
        for expert, total in zip(experts, totals, strict=True):
            sheet = Sheet.objects.create(panel=panel, expert=expert, reform=reform, status=SheetStatus.SUBMITTED, submitted_at=now)
            Mark.objects.create(sheet=sheet, criterion=criterion, points=Decimal(str(total)))
    return panel


def public_round(district, by, year: int, ratings: dict, *, published: bool = True, min_ratings: int = 3) -> Round:
    """A closed public round of ``year`` with ``{reform: [score, …]}`` (both dimensions alike), no prior."""
    now = timezone.now()
    round_ = Round.objects.create(
        district=district, kind=RoundKind.PUBLIC, year=year, title="群众评议", opens_at=now - dt.timedelta(days=9),
        closes_at=now - dt.timedelta(days=1), created_by=by, min_ratings=min_ratings, prior_weight=0,
        dimensions=[{"key": "satisfaction", "label": "满意度"}, {"key": "effect", "label": "获得感"}],
        published_at=now if published else None,
    )
    for reform, scores in ratings.items():
        RoundReform.objects.create(round=round_, reform=reform)
        made = [Rating.objects.create(round=round_, reform=reform, channel="web", rater=UserFactory(), score_1=score, score_2=score)
                for score in scores]
        tallies.count(round=round_, ratings=made)  # as every service that stores ratings does
    return round_


def adopted(reform, by, *, level: str, day: dt.date, published: bool = True) -> Adoption:
    case, _ = CaseStudy.objects.get_or_create(
        reform=reform, defaults={"district": reform.district, "title": f"{reform.title}的经验",
                                 "state": CaseStudyState.PUBLISHED if published else CaseStudyState.DRAFT,
                                 "published_at": timezone.now() if published else None})
    return Adoption.objects.create(case_study=case, level=level, place="深圳市", adopted_on=day, recorded_by=by)


def exempted(reform, unit, by, *, year: int, waiver: str = "1", outcome: str = Outcome.EXEMPT) -> ToleranceCase:
    return ToleranceCase.objects.create(
        district=reform.district, reform=reform, unit=unit, applicant=by, year=year, what_happened="政策调整",
        state=CaseState.DECIDED, outcome=outcome, waiver=Decimal(waiver), decided_at=timezone.now(),
    )


def commend(district, unit, by, *, year: int, kind: str, revoked: bool = False) -> Commendation:
    return Commendation.objects.create(
        district=district, year=year, kind=kind, title="年度最佳改革", unit=unit, citation="成效显著", awarded_by=by,
        awarded_on=dt.date(year, 12, 20), revoked_at=timezone.now() if revoked else None,
    )
