"""Two submissions of the same rating at the same moment (PostgreSQL): exactly one is stored, the
other is told it rated already."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from reformledger.evaluation.models import Channel, Rating
from reformledger.evaluation.services import ratings as rating_services
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are a PostgreSQL matter"),
]


def test_two_concurrent_duplicates_store_one(resident, public_round, key_reforms):
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def run() -> None:
        try:
            barrier.wait(10)
            rating_services.submit_rating(
                user=resident, round=public_round, reform=key_reforms[0], scores={"satisfaction": 4, "effect": 4},
                channel=Channel.API, address="10.0.0.1", device="a",
            )
            outcomes.append("stored")
        except rating_services.AlreadyRated:
            outcomes.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["already", "stored"]
    assert Rating.objects.filter(rater=resident).count() == 1
