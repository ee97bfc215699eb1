"""``GET /api/v1/rounds/{id}/results``: a round's results, with the method and weights to recompute them.

Who gets what (``selectors.results.round_for_results``): published results are everyone's,
anonymous callers included; before publication the office of the round's district and the
province office get the live results, another district's office, committee or leaders 404 (the
round is not theirs to name, ADR 0025), everyone else 403 ("not published yet"). Outside the office
a reform below the round's ``min_ratings`` shows its count only (``shown: false``, scores null).
"""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Field, Router, Schema
from ninja.responses import NinjaJSONEncoder

from reformledger.core.api import PUBLIC_READ, ObjectId, cached_json, caller
from reformledger.core.cache import fact_scopes

from ..selectors.results import (
    ReformResult,
    RoundResults,
    Score,
    method,
    results_key,
    round_for_results,
    round_results,
)

router = Router()


class ScoreOut(Schema):
    count: int
    mean: float | None = Field(description="The mean score (1–5); null below the minimum outside the office.")
    sd: float | None = Field(description="The sample standard deviation; null below 2 ratings.")
    margin: float | None = Field(description="The margin of error of the 95% interval (1.96 × sd / √n).")
    low: float | None
    high: float | None
    adjusted: float | None = Field(description="(prior_weight × round mean + sum) ÷ (prior_weight + count).")
    approximate: bool = Field(description="Fewer than 30 ratings: the normal approximation is rough.")
    distribution: list[int] = Field(description="How many ratings gave 1, 2, 3, 4, 5 (empty for the overall score).")


class DimensionScore(ScoreOut):
    key: str


class ReformResultOut(Schema):
    reform: int
    code: str
    title: str
    count: int
    shown: bool = Field(description="The reform has the round's minimum number of ratings.")
    rank: int | None
    overall: ScoreOut | None
    dimensions: list[DimensionScore]


class Participation(Schema):
    unit: int | None
    name: str
    count: int


class ChannelCount(Schema):
    channel: str
    label: str
    count: int


class Method(Schema):
    prior_weight: int
    min_ratings: int
    z: float
    round_means: dict[str, float | None]
    round_mean: float | None
    adjusted: str
    interval: str
    overall: str
    small_samples: str


class ResultsOut(Schema):
    round: int
    title: str
    published_at: dt.datetime | None
    live: bool = Field(description="Not yet published: the office's live view.")
    total: int
    dimensions: list[dict[str, str]]
    method: Method
    reforms: list[ReformResultOut]
    sub_districts: list[Participation]
    communities: list[Participation]
    channels: list[ChannelCount]


def _score(score: Score, *, key: str | None = None) -> dict:
    out: dict[str, object] = {
        "count": score.count, "mean": score.mean, "sd": score.sd, "margin": score.margin, "low": score.low,
        "high": score.high, "adjusted": score.adjusted, "approximate": score.approximate, "distribution": list(score.distribution),
    }
    if key is not None:
        out["key"] = key
    return out


def _reform(r: ReformResult, results: RoundResults, *, office: bool) -> dict:
    show = office or r.shown
    return {
        "reform": r.reform_id, "code": r.code, "title": r.title, "count": r.count, "shown": r.shown, "rank": r.rank,
        "overall": _score(r.overall) if show else None,
        "dimensions": [_score(s, key=d["key"]) for d, s in zip(results.dimensions, r.dimensions, strict=True)] if show else [],
    }


@router.get("/rounds/{round_id}/results", response=ResultsOut, openapi_extra=PUBLIC_READ, summary="A round's results")
def round_results_api(request: HttpRequest, round_id: ObjectId) -> HttpResponse:
    user = caller(request)
    found = round_for_results(user, round_id)
    office = bool(getattr(user, "has_perm", lambda *a: False)("evaluation.view_live_results", found))
    key = results_key(found)

    def encode() -> bytes:
        results = round_results(found, key=key)
        body = {
            "round": found.pk, "title": found.title, "published_at": found.published_at, "live": found.published_at is None,
            "total": results.total, "dimensions": list(results.dimensions), "method": method(results),
            "reforms": [_reform(r, results, office=office) for r in results.reforms],
            "sub_districts": [{"unit": p.unit_id, "name": p.name, "count": p.count} for p in results.sub_districts],
            "communities": [{"unit": p.unit_id, "name": p.name, "count": p.count} for p in results.communities],
            "channels": [{"channel": k, "label": label, "count": n} for k, label, n in results.channels],
        }
        return json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False).encode()

    # Encoded once per version of the results, whoever asks (the office's view and everyone's differ).
    return cached_json(f"api:{key}:{int(office)}:{found.published_at}:{get_language()}", encode,
                       scopes=fact_scopes("evaluation", [found.district_id]))
