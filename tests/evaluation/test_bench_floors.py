"""The benchmark's floors of a rating (``bench/floors.py``) store what a rating stores, so the rates
``make bench-ratings`` reports beside the real endpoint's compare like with like: the rating with
its round, reform, person, community, channel and scores, a duplicate refused with 409, the round's
tallies kept equal to its ratings. PostgreSQL only, as the floors' SQL is."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from reformledger.core.tokens import create_token
from reformledger.evaluation.models import Rating
from reformledger.evaluation.services import tallies
from reformledger.reforms.models import Tier
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the floors are PostgreSQL SQL"),
    pytest.mark.urls("bench.urls"),
]

STORED = ("round_id", "rater_id", "community_id", "channel", "score_1", "score_2", "comment", "comment_status", "code_id", "slip_id")


@pytest.mark.django_db
def test_each_floor_stores_a_rating_as_the_api_does(client, resident, make_round, key_reforms, reform_factory):
    reforms = [*key_reforms, reform_factory(code="K-4", title="重点改革4", tier=Tier.KEY)]
    public_round = make_round(reforms=reforms)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=resident, name='floors')}"}
    paths = [f"/api/v1/rounds/{public_round.pk}/ratings", *(f"/bench/floor/{name}/{public_round.pk}/ratings" for name in ("two", "one", "api"))]
    for path, reform in zip(paths, reforms, strict=True):
        body = json.dumps({"reform": reform.pk, "scores": {"satisfaction": 4, "effect": 2}})
        first = client.post(path, body, content_type="application/json", **headers)
        assert first.status_code == 201, (path, first.content)
        again = client.post(path, body, content_type="application/json", **headers)
        assert again.status_code == 409, (path, again.content)
    rows = list(Rating.objects.filter(round=public_round).order_by("pk").values("reform_id", "address_hash", "device_hash", *STORED))
    assert [row["reform_id"] for row in rows] == [reform.pk for reform in reforms]
    real, *floors = rows
    assert real["community_id"] is not None
    for floor in floors:
        assert {k: floor[k] for k in STORED} == {k: real[k] for k in STORED}
        assert len(floor["address_hash"]) == len(real["address_hash"]) == 64
    assert tallies.disagreements(round=public_round) == []
