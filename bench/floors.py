"""What a rating cannot cost less than: three floors for ``bench/ratings.py`` (issue 10 part 10).

None is Reform Ledger's code and none checks anything a rating must check: the round being
open, the reform being in it, the person being a verified resident of its district and not rating
their own unit's reform, the scores' range, the token's expiry and its owner's password, the
comment. Each stores what a rating stores — the rating itself under the one-per-person constraint
(a duplicate is refused with 409), the two rate limits' counts and the round's tallies — in raw SQL,
from a plain Django view behind the same middleware and server as the bare view:

- ``/bench/floor/two/ROUND/ratings``: the token's person in one query, then one statement that
  counts the rate limits, inserts the rating and adds it to the tallies;
- ``/bench/floor/one/ROUND/ratings``: the same in a single statement (the token read inside it).

A third floor adds the API framework:

- ``/bench/floor/api/ROUND/ratings``: an operation of a django-ninja API configured as Reform
  Ledger's (the same authentication chain, so the token is read and checked as for any API call;
  the same renderer and error handlers), taking the rating's own input schema and answering with
  its own output schema, that stores the rating with the statement of the first floor (the
  person's community read inside it) and checks nothing else. It is what a rating through this
  API cannot cost less than, whatever it checks.

What separates a floor from the real ``POST /api/v1/rounds/{id}/ratings`` is the checks, the
framework (django-ninja: parsing, validation, the answer's schema) and the round trips. The
benchmark reports the floors' rates beside the bare view's, so the target's distance from what any
implementation on this server could reach is measured, not argued. PostgreSQL only.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import Path, Status

from reformledger.api import errors
from reformledger.api.api import ReformLedgerAPI, UTF8JSONRenderer
from reformledger.api.auth import AUTH
from reformledger.core.api import ObjectId, signed_in_user
from reformledger.core.signin import client_ip
from reformledger.evaluation.api.ratings import RatingIn, RatingOut, RefusalOut

_WHO = (
    "SELECT t.user_id, r.community_id FROM core_apitoken t JOIN org_user u ON u.id = t.user_id "
    "LEFT JOIN evaluation_resident r ON r.user_id = t.user_id AND r.verified_at IS NOT NULL "
    "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
)


@functools.cache
def _statement(dimensions: int, *, with_token: bool, place_inside: bool = False) -> str:
    """Count both limits, insert the rating unless over a limit or a duplicate, add it to the
    round's tallies (per reform, per reform and dimension, per place and channel); answer the hits,
    the rating's id (NULL when not stored) and when it was made."""
    scores = [f"score_{i}" for i in range(1, dimensions + 1)]
    total = " + ".join(f"ins.{s}" for s in scores)
    who = f"who AS ({_WHO}), " if with_token else ""
    rater, place, source = ("who.user_id", "who.community_id", " FROM who") if with_token else ("%s", "%s", "")
    if place_inside:  # the person's community read inside the statement (the rater's id given twice)
        place = "(SELECT community_id FROM evaluation_resident WHERE user_id = %s AND verified_at IS NOT NULL)"
    per_dimension = ", ".join(
        f"('score', ins.reform_id, {i}, 0, '', 0, 0, "
        + ", ".join(f"(ins.{s} = {v})::int" for v in range(1, 6)) + ")"
        for i, s in enumerate(scores, start=1)
    )
    gave = ", ".join(f"gave_{v} = evaluation_ratingtally.gave_{v} + excluded.gave_{v}" for v in range(1, 6))
    return f"""
WITH {who}lim AS (
  INSERT INTO evaluation_ratebucket ("key", "window", hits) VALUES (%s, %s, 1), (%s, %s, 1)
  ON CONFLICT ("key", "window") DO UPDATE SET hits = evaluation_ratebucket.hits + 1 RETURNING "key", hits
), over AS (
  SELECT bool_or(hits > CASE WHEN "key" LIKE 'floor:a:%%' THEN %s ELSE %s END) AS over FROM lim
), ins AS (
  INSERT INTO evaluation_rating (round_id, reform_id, channel, rater_id, slip_number, community_id, {", ".join(scores)},
     comment, comment_status, address_hash, device_hash, created_at)
  SELECT %s, %s, 'api', {rater}, '', {place}, {", ".join(["%s"] * dimensions)}, '', 'none', %s, %s, now(){source}
  WHERE NOT (SELECT over FROM over)
  ON CONFLICT (round_id, reform_id, rater_id) WHERE rater_id IS NOT NULL DO NOTHING
  RETURNING id, created_at, reform_id, community_id, {", ".join(scores)}
), tal AS (
  INSERT INTO evaluation_ratingtally (round_id, facet, reform_key, dimension, community_key, channel, count, squares,
     gave_1, gave_2, gave_3, gave_4, gave_5)
  SELECT ins_round.id, f.* FROM ins CROSS JOIN (SELECT %s AS id) ins_round CROSS JOIN LATERAL (VALUES
     ('place', 0, 0, coalesce(ins.community_id, 0), 'api', 1, 0, 0, 0, 0, 0, 0),
     ('reform', ins.reform_id, 0, 0, '', 1, ({total}) * ({total}), 0, 0, 0, 0, 0),
     {per_dimension}
  ) AS f(facet, reform_key, dimension, community_key, channel, count, squares, g1, g2, g3, g4, g5)
  ORDER BY 2, 3, 4, 5, 6
  ON CONFLICT (round_id, facet, reform_key, dimension, community_key, channel) DO UPDATE SET
    count = evaluation_ratingtally.count + excluded.count, squares = evaluation_ratingtally.squares + excluded.squares,
    {gave}
)
SELECT (SELECT over FROM over), (SELECT id FROM ins), (SELECT created_at FROM ins)
"""  # noqa: S608 - no outside text: the numbers of dimensions only


def _limits() -> list[int]:
    return [int(getattr(settings, "EVALUATION_RATINGS_PER_MINUTE_PER_ADDRESS", 120)),
            int(getattr(settings, "EVALUATION_RATINGS_PER_MINUTE", 30))]


def _hashes(request: HttpRequest) -> list[str]:
    """The address's and the device's hashes (the address as the endpoint reads it: ``client_ip``)."""
    return [hashlib.sha256(client_ip(request).encode()).hexdigest(),
            hashlib.sha256(request.headers.get("User-Agent", "").encode()).hexdigest()]


def _rate(request: HttpRequest, round_id: int, *, one: bool) -> HttpResponse:
    key = request.headers.get("Authorization", "").removeprefix("Bearer ")
    key_hash = hashlib.sha256(key.encode()).hexdigest()
    body = json.loads(request.body)
    scores = [int(v) for v in body["scores"].values()]
    window = int(time.time() // 60)
    hashes = _hashes(request)
    address = f"floor:a:{hashes[0][:32]}"
    limits = _limits()
    with connection.cursor() as cursor:
        if one:
            params = [key_hash, f"floor:t:{key_hash[:24]}", window, address, window, *limits, round_id, body["reform"], *scores]
        else:
            cursor.execute(_WHO, [key_hash])
            found = cursor.fetchone()
            if found is None:
                return HttpResponse(status=401)
            user_id, community_id = found
            params = [f"floor:u:{user_id}", window, address, window, *limits, round_id, body["reform"], user_id, community_id, *scores]
        cursor.execute(_statement(len(scores), with_token=one), [*params, *hashes, round_id])
        over, rating_id, created_at = cursor.fetchone()
    if over:
        return HttpResponse(json.dumps({"detail": "Too many requests."}), content_type="application/json", status=429)
    if rating_id is None:
        return HttpResponse(json.dumps({"detail": "Already rated."}), content_type="application/json", status=409)
    answer = {"id": rating_id, "round": round_id, "reform": body["reform"], "created_at": created_at.isoformat()}
    return HttpResponse(json.dumps(answer), content_type="application/json", status=201)


@csrf_exempt
def rating_floor_two(request: HttpRequest, round_id: int) -> HttpResponse:
    return _rate(request, round_id, one=False)


@csrf_exempt
def rating_floor_one(request: HttpRequest, round_id: int) -> HttpResponse:
    return _rate(request, round_id, one=True)


#: The API framework's floor: configured as ``reformledger.api.api.api``, one operation.
floor_api = ReformLedgerAPI(
    title="bench floor", version="1", urls_namespace="bench-floor-api", auth=AUTH, renderer=UTF8JSONRenderer(),
    docs_url=None, openapi_url=None,
)
errors.install(floor_api)


@floor_api.post("/{round_id}/ratings", response={201: RatingOut, 400: RefusalOut, 409: RefusalOut, 429: RefusalOut})
def rating_floor_api(request: HttpRequest, response: HttpResponse, round_id: Path[ObjectId], payload: RatingIn) -> Status:
    """The token authenticated and the input parsed as for a rating, then one statement (limits,
    rating, tallies) as in ``/bench/floor/two``; nothing checked."""
    user = signed_in_user(request)
    scores = [int(v) for v in payload.scores.values()]
    window = int(time.time() // 60)
    hashes = _hashes(request)
    with connection.cursor() as cursor:
        cursor.execute(_statement(len(scores), with_token=False, place_inside=True), [
            f"floor:u:{user.pk}", window, f"floor:a:{hashes[0][:32]}", window, *_limits(), round_id, payload.reform,
            user.pk, user.pk, *scores, *hashes, round_id,
        ])
        over, rating_id, created_at = cursor.fetchone()
    if over:
        response["Retry-After"] = "60"
        return Status(429, {"detail": "Too many requests.", "errors": []})
    if rating_id is None:
        return Status(409, {"detail": "Already rated.", "errors": []})
    return Status(201, {
        "id": rating_id, "round": round_id, "reform": payload.reform, "scores": payload.scores, "comment": "",
        "comment_status": "none", "channel": "api", "created_at": created_at,
    })
