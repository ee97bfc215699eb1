"""The rating tallies the results read: kept by every write in its own transaction, equal to a
recount of the ratings after web, code and paper ratings, refused duplicates, racing raters and a
recount racing raters (PostgreSQL); existing ratings counted by the migration."""

from __future__ import annotations

import importlib
import threading
from functools import partial
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection, transaction
from psycopg import _queries  # its limits of a statement it keeps parsed, private to it

from reformledger.evaluation.models import Channel, Rating, RatingTally
from reformledger.evaluation.selectors.results import compute_results
from reformledger.evaluation.services import ratings as rating_services
from reformledger.evaluation.services import tallies
from tests.evaluation.factories import RoundFactory, add_reforms, dimensions
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings
from tests.factories import ReformFactory, UserFactory

ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are a PostgreSQL matter")


def _round(district, people, reform_factory, n=2):
    reforms = [reform_factory(code=f"T-{i}") for i in range(n)]
    round_ = RoundFactory(district=district.district, created_by=people.office, min_ratings=1,
                          dimensions=dimensions(satisfaction="满意度", effect="获得感"))
    add_reforms(round_, reforms)
    return round_, reforms


def _race_beside_a_recount(round_, rate, *, raters: int) -> list[BaseException]:
    """Run ``rate(k)`` for k < ``raters`` in threads, started together with one that recounts the
    round three times; the errors raised."""
    barrier = threading.Barrier(raters + 1)
    errors: list[BaseException] = []

    def run(work) -> None:
        try:
            barrier.wait(10)
            work()
        except BaseException as exc:  # noqa: BLE001 - returned to the test
            errors.append(exc)
        finally:
            connection.close()

    def recount() -> None:
        for _i in range(3):
            tallies.recount(round=round_)

    threads = [threading.Thread(target=run, args=(partial(rate, k),)) for k in range(raters)]
    threads.append(threading.Thread(target=run, args=(recount,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


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

    def rate(k: int) -> None:
        for i, user in enumerate(users[k::6]):
            with transaction.atomic():
                made = Rating.objects.bulk_create([Rating(round=round_, reform=a if i % 4 else b, channel=Channel.WEB,
                                                          rater=user, score_1=1 + i % 5, score_2=5 - i % 5)])
                tallies.count(round=round_, ratings=made)

    assert _race_beside_a_recount(round_, rate, raters=6) == []
    assert tallies.disagreements(round=round_) == []
    assert compute_results(round_).total == 24


def _new_rating(round_, reform, user, i=0) -> Rating:
    return Rating(round=round_, reform=reform, channel=Channel.API, rater=user, score_1=1 + i % 5, score_2=5 - i % 5,
                  address_hash="a" * 64, device_hash="d" * 64)


@pytest.mark.django_db
def test_a_person_s_rating_is_stored_and_counted_at_once_and_a_duplicate_neither(district, people, reform_factory,
                                                                                 django_assert_max_num_queries):
    round_, (a, _b) = _round(district, people, reform_factory)
    user = UserFactory()
    rating = _new_rating(round_, a, user, 3)
    # One statement on PostgreSQL (ADR 0062); a savepoint, two statements and its release elsewhere.
    with django_assert_max_num_queries(1 if connection.vendor == "postgresql" else 4):
        assert tallies.store_counted(round=round_, rating=rating) is True
    stored = Rating.objects.get(pk=rating.pk)
    assert (stored.rater_id, stored.reform_id, stored.score_1, stored.score_2) == (user.pk, a.pk, 4, 2)
    assert stored.created_at == rating.created_at and not rating._state.adding
    before = tallies.stored(round_)
    again = _new_rating(round_, a, user, 1)
    assert tallies.store_counted(round=round_, rating=again) is False
    assert again.pk is None
    assert Rating.objects.filter(round=round_).count() == 1
    assert tallies.stored(round_) == before
    assert tallies.disagreements(round=round_) == []


@ON_POSTGRESQL
@pytest.mark.django_db
def test_a_rating_s_statement_is_one_psycopg_keeps_parsed_for_any_number_of_dimensions(district, people):
    """Over 50 parameters or 4,096 bytes, psycopg parses a statement afresh every time (about a
    sixth of a millisecond, on every rating): the tally rows go as one array a column instead."""
    for n in (1, 2, 5):
        reform = ReformFactory(district=district.district, code=f"D{n}")
        round_ = RoundFactory(district=district.district, created_by=people.office,
                              dimensions=dimensions(**{f"d{i}": f"维度{i}" for i in range(n)}))
        add_reforms(round_, [reform])
        seen: list[tuple[str, int]] = []

        def keep(execute, sql, params, many, context, seen=seen):
            seen.append((sql, len(params or ())))
            return execute(sql, params, many, context)

        rating = Rating(round=round_, reform=reform, channel=Channel.API, rater=UserFactory(), address_hash="a" * 64,
                        device_hash="d" * 64, **{f"score_{i}": 3 for i in range(1, n + 1)})
        with connection.execute_wrapper(keep):
            assert tallies.store_counted(round=round_, rating=rating) is True
        [(sql, params)] = seen
        assert params <= _queries.MAX_CACHED_STATEMENT_PARAMS and len(sql.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
        assert tallies.disagreements(round=round_) == []


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_racing_people_and_their_racing_duplicates_are_each_counted_once_beside_a_racing_recount(district, people,
                                                                                                 reform_factory):
    round_, (a, b) = _round(district, people, reform_factory)
    users = UserFactory.create_batch(12)
    stored: list[bool] = []

    def rate(k: int) -> None:
        for i, user in enumerate(users):  # every thread rates as every person: one of three wins each pair
            stored.append(tallies.store_counted(round=round_, rating=_new_rating(round_, a if (i + k) % 2 else b, user, i)))

    assert _race_beside_a_recount(round_, rate, raters=6) == []
    ratings = Rating.objects.filter(round=round_)
    assert stored.count(True) == ratings.count()
    assert ratings.count() == len(set(ratings.values_list("rater_id", "reform_id"))) <= 24
    assert tallies.disagreements(round=round_) == []
    assert compute_results(round_).total == ratings.count()
