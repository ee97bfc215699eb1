"""Ratings (评价): one rating per person, reform and round, from the web or the API.

:func:`submit_rating` checks, in this order: the rate limits of the account and the address
(:class:`~.throttle.Throttled`, counted even when the rating is refused: a flood stays slowed), the
round is a rated one and open and the reform is in it (:class:`NotRateable`, 400 in the API), the
person may rate it (403: a verified resident of the district; in open rounds staff of the district
too, never on a reform their unit leads or co-runs), the scores (422 naming ``scores.DIMENSION``),
the comment (422: at most :data:`COMMENT_MAX` characters). The database constraint
``one_rating_per_person`` decides duplicates, concurrent ones included (:class:`AlreadyRated`, 409).

Every rating is sealed into its round's chain within seconds (``services.seals``: after it commits,
by whichever rating request finds the round due, or by the worker's schedule), and each seal is an
entry of the audit chain, so a rating changed or removed afterwards breaks the round's chain (ADR
0051, which replaced an audit entry per rating: ADR 0036). A comment awaits the office's moderation
before it is shown (:func:`moderate_comment`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.reforms.models import Reform

from ..hashing import address_hash, device_hash
from ..models import RATED_KINDS, Channel, CommentStatus, Rating, Round, RoundReform
from ..rules import verified_resident
from ..scoring import score_columns
from . import seals, tallies, throttle

#: The longest comment accepted (characters).
COMMENT_MAX = 2_000
#: Ratings a minute per account and per address, unless settings say otherwise.
PER_ACCOUNT = 30
PER_ADDRESS = 120


class NotRateable(ValidationError):
    """The round is not open, or the reform is not in it (400 in the API)."""


class AlreadyRated(ValidationError):
    """This person rated this reform in this round already (409 in the API)."""


def rate_limits(*, user, address: str | None) -> list[throttle.Limit]:
    per_account = int(getattr(settings, "EVALUATION_RATINGS_PER_MINUTE", PER_ACCOUNT))
    per_address = int(getattr(settings, "EVALUATION_RATINGS_PER_MINUTE_PER_ADDRESS", PER_ADDRESS))
    out = [throttle.Limit(f"rate:u:{user.pk}", per_account)]
    if address:
        out.append(throttle.Limit(f"rate:a:{address_hash(address or '')[:32]}", per_address))
    return out


def _entry(round_: Round, reform: Reform, entry: RoundReform | None) -> RoundReform:
    now = timezone.now()
    if round_.kind not in RATED_KINDS:
        raise NotRateable({"round": [_("This round is scored by an expert panel, not rated.")]})
    if now < round_.opens_at:
        raise NotRateable({"round": [_("This round is not open yet.")]})
    if round_.has_closed(now):
        raise NotRateable({"round": [_("This round has closed.")]})
    if entry is None or entry.round_id != round_.pk or entry.reform_id != reform.pk:
        entry = RoundReform.objects.filter(round=round_, reform=reform).first()
    if entry is None:
        raise NotRateable({"reform": [_("This reform is not in this round.")]})
    entry.round, entry.reform = round_, reform
    return entry


def read_comment(comment: str | None) -> str:
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX:
        raise ValidationError({"comment": [
            _("A comment has at most %(max)d characters (this one has %(n)d).") % {"max": COMMENT_MAX, "n": len(text)}
        ]})
    return text


def submit_rating(
    *, user, round: Round, reform: Reform, scores: Mapping[str, int], comment: str = "",  # noqa: A002
    channel: str, address: str | None, device: str | None, entry: RoundReform | None = None,
) -> Rating:
    """Record ``user``'s rating of ``reform`` in ``round`` (see the module's order of checks).
    ``entry``: the round's row for the reform when the caller loaded it already."""
    if channel not in (Channel.WEB, Channel.API):
        raise ValidationError({"channel": [_("A person rates on the web site or through the API.")]})
    throttle.check(*rate_limits(user=user, address=address))
    entry = _entry(round, reform, entry)
    require(user, "evaluation.rate", entry, message=_lazy_refusal(user, round))  # worded only when refused
    columns = score_columns(dimensions=round.dimensions, scores=scores)
    text = read_comment(comment)
    resident = verified_resident(user)
    rating = Rating(
        round=round, reform=reform, channel=channel, rater=user, comment=text,
        comment_status=CommentStatus.PENDING if text else CommentStatus.NONE,
        community_id=resident.community_id if resident is not None else None,
        address_hash=address_hash(address or ""), device_hash=device_hash(device or ""),
        **columns,
    )
    if not tallies.store_counted(round=round, rating=rating):
        raise AlreadyRated({"reform": [_("You have rated this reform in this round already.")]})
    transaction.on_commit(partial(seals.seal_if_due, round.pk))
    return rating


def refusal(user, round_: Round) -> str:
    if round_.kind == "open":
        return _("Only verified residents of the district and its staff rate in this round, and nobody rates a reform of their own unit.")
    if verified_resident(user) is None:
        return _("Only verified residents rate in this round: verify your mobile number or e-mail address first.")
    return _("Only verified residents of the round's district rate in this round.")


#: :func:`refusal`, worded only when shown (``lazy`` makes a class: made once, not per rating).
_lazy_refusal = lazy(refusal, str)


@transaction.atomic
def moderate_comment(*, user, rating: Rating, approve: bool, reason: str = "") -> Rating:
    """The office of the round's district shows a comment publicly (approve) or not (reject)."""
    rating = Rating.objects.select_for_update().select_related("round", "reform").get(pk=rating.pk)
    require(user, "evaluation.moderate_comment", rating, message=_("Only the reform office of the district moderates comments."))
    if rating.comment_status != CommentStatus.PENDING:
        raise ValidationError({"comment_status": [_("This comment was moderated already (%(status)s).") % {"status": rating.get_comment_status_display()}]})
    before = rating.comment_status
    rating.comment_status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    rating.moderated_by = user
    rating.moderated_at = timezone.now()
    rating.save(update_fields=["comment_status", "moderated_by", "moderated_at"])
    log_action(user, "rating.moderate", rating, {"comment_status": [before, rating.comment_status], "reason": (reason or "").strip()})
    return rating
