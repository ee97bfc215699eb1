"""Ratings and their seals under concurrent writers (PostgreSQL, ADR 0051): a rating waits for no
lock the rest of the province holds (the audit chain's head); sealers never seal a rating twice or
fork a round's chain; raters, sealers and the office closing the round together end with every
rating sealed once and every chain intact."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from reformledger.core.audit import verify_chain
from reformledger.core.models import AuditHead
from reformledger.evaluation.models import Channel, Rating, RatingSeal
from reformledger.evaluation.services import ratings as rating_services
from reformledger.evaluation.services import rounds as round_services
from reformledger.evaluation.services import seals
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are a PostgreSQL matter"),
]


def _rate(user, round_, reform):
    return rating_services.submit_rating(
        user=user, round=round_, reform=reform, scores={"satisfaction": 4, "effect": 3},
        channel=Channel.API, address="10.0.0.2", device="a",
    )



def test_a_rating_is_stored_while_another_writer_holds_the_audit_chain(public_round, key_reforms, raters, settings):
    settings.EVALUATION_SEAL_EVERY = 3600  # no seal now: the rating alone
    seals._tried[public_round.pk] = float("inf")
    holding, release = threading.Event(), threading.Event()

    def hold_the_head() -> None:
        try:
            with transaction.atomic():
                AuditHead.objects.select_for_update().get(pk=1)
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_head)
    holder.start()
    try:
        assert holding.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # waiting for the head would fail this test
        rating = _rate(raters[0], public_round, key_reforms[0])
        assert Rating.objects.filter(pk=rating.pk, seal__isnull=True).exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        release.set()
        holder.join(30)
        seals._tried.clear()


def test_racing_sealers_seal_each_rating_once_and_keep_one_chain(public_round, key_reforms, raters):
    for user in raters:
        for reform in key_reforms:
            _rate(user, public_round, reform)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def seal(wait: bool) -> None:
        try:
            barrier.wait(10)
            for _i in range(3):
                seals.seal_round(round_id=public_round.pk, wait=wait, limit=4)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=seal, args=(i % 2 == 0,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    seals.seal_all(round_id=public_round.pk)
    numbers = list(RatingSeal.objects.filter(round=public_round).order_by("number").values_list("number", "ratings"))
    assert [n for n, _r in numbers] == list(range(1, len(numbers) + 1))
    assert sum(r for _n, r in numbers) == len(raters) * len(key_reforms)
    assert list(seals.chain_problems(public_round)) == [] and list(verify_chain()) == []


def test_raters_sealers_and_the_office_closing_the_round_finish_intact(people, public_round, key_reforms, raters, settings):
    settings.EVALUATION_SEAL_EVERY = 0  # every rating tries to seal: the most contention
    seals._tried.clear()
    barrier = threading.Barrier(len(raters) + 1)
    errors: list[BaseException] = []

    def rate_all(user) -> None:
        try:
            barrier.wait(10)
            for reform in key_reforms:
                try:
                    _rate(user, public_round, reform)
                except rating_services.NotRateable:
                    pass  # the round closed meanwhile
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def close() -> None:
        try:
            barrier.wait(10)
            round_services.close_round(user=people.office, round=public_round, reason="提前结束")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=rate_all, args=(user,)) for user in raters] + [threading.Thread(target=close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []  # no deadlock, no lock timeout
    seals.seal_all(round_id=public_round.pk)  # what committed after the close's seal
    assert not Rating.objects.filter(round=public_round, seal__isnull=True).exists()
    assert list(seals.chain_problems(public_round)) == [] and list(verify_chain()) == []
