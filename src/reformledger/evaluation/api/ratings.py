"""Ratings (评价): ``POST /rounds/{id}/ratings`` — a signed-in person rates one reform of an open
round, once.

201 the rating; 400 the round is not open or the reform is not in it; 403 not a verified resident
of the district (or, in open rounds, staff rating their own unit's reform); 404 a round the caller
may not see; 409 already rated; 422 a score out of range, a dimension unknown or missing, a comment
too long (naming ``scores.DIMENSION`` or ``comment``); 429 too many ratings from the account or
the address (``Retry-After`` says how long to wait).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from pydantic import ConfigDict

from reformledger.core.api import ObjectId, signed_in_user
from reformledger.core.signin import client_ip

from ..models import Channel, CommentStatus, Rating
from ..selectors import rounds as round_selectors
from ..services import ratings as rating_services
from ..services.throttle import Throttled

router = Router()


class RatingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reform: ObjectId = Field(..., description="The id of a reform of the round.")
    scores: dict[str, Any] = Field(..., description="Each of the round's dimensions: a whole number from 1 to 5.")
    comment: str = Field(
        "", max_length=200_000,
        description=f"Optional, at most {rating_services.COMMENT_MAX} characters; shown publicly only after moderation.",
    )


class RatingOut(Schema):
    id: int
    round: int
    reform: int
    scores: dict[str, int | None]
    comment: str
    comment_status: CommentStatus
    channel: Channel
    created_at: dt.datetime


def rating_out(rating: Rating) -> dict[str, Any]:
    return {
        "id": rating.pk, "round": rating.round_id, "reform": rating.reform_id,
        "scores": rating.scores(rating.round.dimension_keys), "comment": rating.comment,
        "comment_status": rating.comment_status, "channel": rating.channel, "created_at": rating.created_at,
    }


class FieldErrorOut(Schema):
    field: str | None
    message: str


class RefusalOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


def _refused(status: int, detail: str, exc: ValidationError) -> Status:
    errors = [
        {"field": field, "message": message} for field, messages in exc.message_dict.items() for message in messages
    ]
    return Status(status, {"detail": detail, "errors": errors})


@router.post(
    "/rounds/{round_id}/ratings",
    response={201: RatingOut, 400: RefusalOut, 409: RefusalOut, 429: RefusalOut},
    summary="Rate a reform of an open round (once)",
)
def submit_rating(request: HttpRequest, response: HttpResponse, round_id: Path[ObjectId], payload: RatingIn) -> Status:
    """Rate ``reform`` of the round on each of its dimensions (1–5), with an optional comment.
    See the module's list of answers."""
    user = signed_in_user(request)
    round_, entry = round_selectors.rating_entry(user, round_id, payload.reform)
    if entry is None:
        return _refused(400, _("This reform is not in this round."), ValidationError({"reform": [_("This reform is not in this round.")]}))
    try:
        rating = rating_services.submit_rating(
            user=user, round=round_, reform=entry.reform, entry=entry, scores=payload.scores, comment=payload.comment,
            channel=Channel.API, address=client_ip(request), device=request.headers.get("User-Agent", "")[:300],
        )
    except Throttled as exc:
        response["Retry-After"] = str(exc.retry_after)
        return Status(429, {"detail": str(exc), "errors": []})
    except rating_services.AlreadyRated as exc:
        return _refused(409, _("Already rated."), exc)
    except rating_services.NotRateable as exc:
        return _refused(400, _("This reform cannot be rated in this round."), exc)
    return Status(201, rating_out(rating))
