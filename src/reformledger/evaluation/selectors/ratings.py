"""Ratings as each person sees them: their own (``my_ratings``), the comments awaiting the office's
moderation (``moderation_queue``), how many ratings each reform of a round has (the office's round
page; the results themselves are ``selectors.results``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from reformledger.org.selectors import actor_for

from ..models import CommentStatus, Rating, RatingTally, Round, TallyFacet

RATING_RELATED = ("round", "reform")


def my_ratings(user) -> QuerySet[Rating]:
    """The person's own ratings, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Rating.objects.none()
    return Rating.objects.filter(rater=user).select_related(*RATING_RELATED).order_by("-created_at", "-pk")


def rated_reform_ids(user, round_: Round) -> set[int]:
    """The reforms of ``round_`` the person has rated already."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Rating.objects.filter(rater=user, round=round_).values_list("reform_id", flat=True))


def moderation_queue(user, *, round_id: int | None = None) -> QuerySet[Rating]:
    """Comments awaiting moderation in the rounds of the person's office (every district's for the
    province office, which reads them and decides none), oldest first."""
    actor = actor_for(user)
    qs = Rating.objects.filter(comment_status=CommentStatus.PENDING)
    if not actor.reads_every_district:
        qs = qs.filter(round__district_id__in=actor.district_ids if actor.is_office else [])
    if round_id:
        qs = qs.filter(round_id=round_id)
    return qs.select_related(*RATING_RELATED).order_by("created_at", "pk")


def get_rating_for_moderation(user, pk: int) -> Rating:
    """A rating whose comment the office moderates; 404 unless the person's office runs its round."""
    rating = Rating.objects.select_related(*RATING_RELATED).filter(pk=pk).first()
    if rating is None or not user.has_perm("evaluation.view_round_office", rating.round):
        raise Http404
    return rating


def rating_counts(round_: Round) -> dict[int, int]:
    """Ratings per reform of the round, from its tallies (one read of a row per reform)."""
    rows = RatingTally.objects.filter(round=round_, facet=TallyFacet.REFORM).values_list("reform_key", "count")
    return dict(rows)


def pending_comment_count(round_: Round) -> int:
    return Rating.objects.filter(round=round_, comment_status=CommentStatus.PENDING).count()
