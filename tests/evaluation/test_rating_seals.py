"""A round's chain of rating seals (ADR 0051): ratings are sealed in batches, each seal an entry of
the audit chain; a rating changed, removed or slipped into a sealed batch, a seal removed, or
ratings left unsealed too long are each reported; closing and publishing seal everything first and
record the head; the worker's schedule seals quiet rounds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from reformledger.core import registry
from reformledger.core.audit import verify_chain
from reformledger.core.models import AuditEntry
from reformledger.evaluation import sealing
from reformledger.evaluation.models import Channel, Rating, RatingChain, RatingSeal
from reformledger.evaluation.services import ratings as rating_services
from reformledger.evaluation.services import rounds as round_services
from reformledger.evaluation.services import seals
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The problems are read in English here (zh-Hans is the default)."""
    with translation.override("en"):
        yield


def _rate(user, round_, reform, score=4, comment=""):
    return rating_services.submit_rating(
        user=user, round=round_, reform=reform, scores={"satisfaction": score, "effect": score}, comment=comment,
        channel=Channel.WEB, address="203.0.113.9", device="Mozilla/5.0",
    )



def test_batches_chain_one_to_the_next_and_each_is_in_the_audit_chain(public_round, key_reforms, raters):
    for user in raters[:3]:
        _rate(user, public_round, key_reforms[0], comment="好")
    first = seals.seal_round(round_id=public_round.pk)
    _rate(raters[3], public_round, key_reforms[1])
    second = seals.seal_round(round_id=public_round.pk)
    assert seals.seal_round(round_id=public_round.pk) is None  # nothing left to seal
    assert (first.number, first.ratings, first.prev_hash) == (1, 3, sealing_genesis())
    assert (second.number, second.ratings, second.prev_hash) == (2, 1, first.seal_hash)
    chain = RatingChain.objects.get(round=public_round)
    assert (chain.number, chain.last_hash) == (2, second.seal_hash)
    assert AuditEntry.objects.filter(action="rating.seal").count() == 2
    assert not Rating.objects.filter(round=public_round, seal__isnull=True).exists()
    assert list(seals.chain_problems(public_round)) == [] and list(verify_chain()) == []
    # Anyone with the rows recomputes a seal: the line names every figure the results read.
    rows = Rating.objects.filter(seal=first).order_by("pk").values_list(*sealing.LINE_FIELDS)
    assert sealing.seal_hash(round_id=public_round.pk, number=1, prev_hash=first.prev_hash, rows=rows) == first.seal_hash


def sealing_genesis() -> str:
    return "0" * 64


def test_a_score_changed_behind_the_services_back_breaks_its_seal(public_round, key_reforms, raters):
    rating = _rate(raters[0], public_round, key_reforms[0], score=2)
    seals.seal_all(round_id=public_round.pk)
    Rating.objects.filter(pk=rating.pk).update(score_1=5)  # someone with the database makes it look better
    problems = list(seals.chain_problems(public_round))
    assert len(problems) == 1 and "#1" in problems[0]
    with pytest.raises(CommandError):
        call_command("evaluation-seal", "--verify", "--round", str(public_round.pk))


def test_a_comment_rewritten_breaks_its_seal(public_round, key_reforms, raters):
    rating = _rate(raters[0], public_round, key_reforms[0], comment="停车难没有解决")
    seals.seal_all(round_id=public_round.pk)
    Rating.objects.filter(pk=rating.pk).update(comment="非常满意")
    assert len(list(seals.chain_problems(public_round))) == 1


def test_a_sealed_rating_removed_is_reported(public_round, key_reforms, raters):
    _rate(raters[0], public_round, key_reforms[0])
    gone = _rate(raters[1], public_round, key_reforms[0], score=1)
    seals.seal_round(round_id=public_round.pk)
    Rating.objects.filter(pk=gone.pk).delete()  # a poor score made to disappear
    assert any("(1 now)" in problem for problem in seals.chain_problems(public_round))


def test_a_rating_slipped_into_a_sealed_batch_is_reported(public_round, key_reforms, raters):
    _rate(raters[0], public_round, key_reforms[0])
    seal = seals.seal_round(round_id=public_round.pk)
    Rating.objects.create(round=public_round, reform=key_reforms[1], rater=raters[2], channel=Channel.WEB, score_1=5, score_2=5, seal=seal)
    assert any("(2 now)" in problem for problem in seals.chain_problems(public_round))


def test_a_seal_removed_is_reported(public_round, key_reforms, raters):
    _rate(raters[0], public_round, key_reforms[0])
    seals.seal_round(round_id=public_round.pk)
    _rate(raters[1], public_round, key_reforms[0])
    last = seals.seal_round(round_id=public_round.pk)
    Rating.objects.filter(seal=last).delete()
    RatingSeal.objects.filter(pk=last.pk).delete()
    problems = list(seals.chain_problems(public_round))
    assert any("#1" in problem and "#2" in problem for problem in problems)  # the head still records #2


def test_ratings_left_unsealed_too_long_are_reported_and_the_command_seals_them(public_round, key_reforms, raters):
    rating = _rate(raters[0], public_round, key_reforms[0])
    Rating.objects.filter(pk=rating.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    assert any("not sealed" in problem for problem in seals.chain_problems(public_round))
    call_command("evaluation-seal")
    call_command("evaluation-seal", "--verify")
    assert list(seals.chain_problems(public_round)) == []


def test_the_worker_schedule_seals_quiet_rounds(public_round, key_reforms, raters, settings):
    settings.EVALUATION_SEAL_EVERY = 0
    _rate(raters[0], public_round, key_reforms[0])
    steps = dict((str(label), step) for label, step in registry.worker_steps())
    assert any("seal" in label for label in steps)
    for step in steps.values():
        if step is seals.seal_waiting:
            assert step() == 1
    assert not Rating.objects.filter(seal__isnull=True).exists()


def test_a_rating_seals_its_round_after_it_commits_when_due(public_round, key_reforms, raters, settings, django_capture_on_commit_callbacks):
    settings.EVALUATION_SEAL_EVERY = 3600
    seals._tried.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _rate(raters[0], public_round, key_reforms[0])  # the first this process has seen: due
    with django_capture_on_commit_callbacks(execute=True):
        second = _rate(raters[1], public_round, key_reforms[0])  # tried a moment ago: waits
    assert Rating.objects.filter(seal__isnull=False).count() == 1
    assert Rating.objects.get(pk=second.pk).seal is None


def test_closing_and_publishing_seal_everything_and_record_the_head(people, public_round, key_reforms, raters):
    _rate(raters[0], public_round, key_reforms[0])
    closed = round_services.close_round(user=people.office, round=public_round, reason="提前结束")
    entry = AuditEntry.objects.filter(action="round.close", object_id=str(closed.pk)).latest("seq")
    head = RatingChain.objects.get(round=public_round)
    assert entry.changes["rating_seal"][1] == f"#{head.number} {head.last_hash}"
    assert not Rating.objects.filter(round=public_round, seal__isnull=True).exists()
    round_services.publish_results(user=people.office, round=closed)
    published = AuditEntry.objects.filter(action="round.publish").latest("seq")
    assert published.changes["rating_seal"][1] == f"#{head.number} {head.last_hash}"


def test_the_results_page_shows_where_the_rounds_seals_stand(public_round, key_reforms, raters, client_for, people):
    _rate(raters[0], public_round, key_reforms[0])
    _rate(raters[1], public_round, key_reforms[1])
    seal = seals.seal_round(round_id=public_round.pk)
    _rate(raters[2], public_round, key_reforms[0])
    page = client_for(people.office).get(f"/evaluation/rounds/{public_round.pk}/results/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert seal.seal_hash in text
    assert "2 ratings are sealed in this round's chain of seals, up to seal #1" in text
    assert "1 rating stored in the last moments awaits its seal." in text
