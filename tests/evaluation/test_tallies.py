"""The rating tallies the results read: kept by every write in its own transaction, equal to a
recount of the ratings after web, code and paper ratings, refused duplicates, racing raters and a
recount racing raters (PostgreSQL); existing ratings counted by the migration."""

from __future__ import annotations

import importlib
import threading
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection, transaction

from reformledger.evaluation.models import Channel, Rating, RatingTally
from reformledger.evaluation.selectors.results import compute_results
from reformledger.evaluation.services import ratings as rating_services
from reformledger.evaluation.services import tallies
from tests.evaluation.factories import RoundFactory, add_reforms, dimensions
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings
from tests.factories import UserFactory

ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are a PostgreSQL matter")


def _round(district, people, reform_factory, n=2):
    reforms = [reform_factory(code=f"T-{i}") for i in range(n)]
    round_ = RoundFactory(district=district.district, created_by=people.office, min_ratings=1,
                          dimensions=dimensions(satisfaction="满意度", effect="获得感"))
    add_reforms(round_, reforms)
    return round_, reforms


@pytest.mark.django_db
def test_a_rating_and_a_refused_duplicate(resident, public_round, key_reforms):
    scores = {"satisfaction": 4, "effect": 2}
    rating_services.submit_rating(user=resident, round=public_round, reform=key_reforms[0], scores=scores,
                                  channel=Channel.WEB, address="10.0.0.1", device="a")
    with pytest.raises(rating_services.AlreadyRated):
        rating_services.submit_rating(user=resident, round=public_round, reform=key_reforms[0], scores=scores,
                                      channel=Channel.WEB, address="10.0.0.1", device="a")
    assert tallies.disagreements(round=public_round) == []
    reform_row = RatingTally.objects.get(round=public_round, facet="reform", reform_key=key_reforms[0].pk)
    assert (reform_row.count, reform_row.squares) == (1, 36)  # (4 + 2)²


@pytest.mark.django_db
def test_results_from_the_tallies_equal_the_ratings_counted_directly(district, people, reform_factory):
    round_, (a, b) = _round(district, people, reform_factory)
    users = UserFactory.create_batch(40)
    rows = [Rating(round=round_, reform=a if i % 3 else b, channel=Channel.WEB, rater=u, score_1=1 + i % 5,
                   score_2=1 + (i * 7) % 5, community=district.community_a if i % 2 else None) for i, u in enumerate(users)]
    tallies.count(round=round_, ratings=Rating.objects.bulk_create(rows))
    results = {r.reform_id: r for r in compute_results(round_).reforms}
    for reform in (a, b):
        mine = [r for r in rows if r.reform_id == reform.pk]
        assert results[reform.pk].count == len(mine)
        assert results[reform.pk].dimensions[0].mean == pytest.approx(sum(r.score_1 for r in mine) / len(mine))
        assert results[reform.pk].dimensions[1].distribution == tuple(sum(r.score_2 == k for r in mine) for k in range(1, 6))
    assert tallies.disagreements(round=round_) == []


@pytest.mark.django_db
def test_recount_rebuilds_what_a_bulk_load_left_uncounted_and_the_check_names_the_difference(district, people, reform_factory):
    round_, (a, _b) = _round(district, people, reform_factory)
    Rating.objects.bulk_create([Rating(round=round_, reform=a, channel=Channel.WEB, rater=u, score_1=5, score_2=4)
                                for u in UserFactory.create_batch(3)])
    found = tallies.disagreements(round=round_)
    assert f"reform {a.pk} 0 0 : kept None, ratings give [3, 243, 0, 0, 0, 0, 0]" in found  # 3 × (5 + 4)²
    tallies.recount(round=round_)
    assert tallies.disagreements(round=round_) == []
    assert compute_results(round_).total == 3


@pytest.mark.django_db
def test_the_migration_counts_the_ratings_stored_before_it(district, people, reform_factory):
    round_, (a, b) = _round(district, people, reform_factory)
    Rating.objects.bulk_create([Rating(round=round_, reform=a if i % 2 else b, channel=Channel.API, rater=u, score_1=3,
                                       score_2=1 + i % 5, community=district.sub_b) for i, u in enumerate(UserFactory.create_batch(7))])
    migration = importlib.import_module("reformledger.evaluation.migrations.0006_rating_tallies")
    migration.count_existing_ratings(apps, SimpleNamespace(connection=connection))
    assert tallies.disagreements(round=round_) == []


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_racing_raters_of_one_reform_lose_no_count_and_a_racing_recount_counts_each_once(district, people, reform_factory):
    round_, (a, b) = _round(district, people, reform_factory)
    users = UserFactory.create_batch(24)
    barrier = threading.Barrier(7)
    errors: list[BaseException] = []

    def rate(mine) -> None:
        try:
            barrier.wait(10)
            for i, user in enumerate(mine):
                with transaction.atomic():
                    made = Rating.objects.bulk_create([Rating(round=round_, reform=a if i % 4 else b, channel=Channel.WEB,
                                                              rater=user, score_1=1 + i % 5, score_2=5 - i % 5)])
                    tallies.count(round=round_, ratings=made)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def recount() -> None:
        try:
            barrier.wait(10)
            for _i in range(3):
                tallies.recount(round=round_)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=rate, args=(users[k::6],)) for k in range(6)] + [threading.Thread(target=recount)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert tallies.disagreements(round=round_) == []
    assert compute_results(round_).total == 24
