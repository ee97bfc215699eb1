"""Ratings: who may rate what, once, with scores in range and a comment awaiting moderation; the
API's answers (201, 400, 403, 404, 409, 422, 429)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from reformledger.core.audit import verify_chain
from reformledger.core.models import AuditEntry
from reformledger.evaluation.models import Channel, CommentStatus, RateBucket, Rating, RoundKind
from reformledger.evaluation.services import ratings as rating_services
from reformledger.evaluation.services import seals
from reformledger.evaluation.services.throttle import Throttled
from tests.clients import errors_by_field
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {"satisfaction": 5, "effect": 4}


def rate(user, round_, reform, scores=GOOD, **extra):
    extra.setdefault("channel", Channel.WEB)
    extra.setdefault("address", "10.0.0.1")
    extra.setdefault("device", "test")
    return rating_services.submit_rating(user=user, round=round_, reform=reform, scores=scores, **extra)


def test_a_verified_resident_rates_once_and_it_is_sealed_into_the_rounds_chain(resident, public_round, key_reforms):
    rating = rate(resident, public_round, key_reforms[0], comment="很好")
    assert (rating.score_1, rating.score_2) == (5, 4)
    assert rating.comment_status == CommentStatus.PENDING
    assert rating.community_id is not None and rating.address_hash and rating.device_hash
    # Stored without an audit entry of its own (ADR 0051): the round's next seal is one.
    assert not AuditEntry.objects.filter(object_type="evaluation.rating", object_id=str(rating.pk)).exists()
    seal = seals.seal_round(round_id=public_round.pk)
    assert seal is not None and seal.ratings == 1
    rating.refresh_from_db()
    assert rating.seal == seal
    assert AuditEntry.objects.get(action="rating.seal", object_id=str(seal.pk)).changes["seal_hash"][1] == seal.seal_hash
    assert list(verify_chain()) == [] and list(seals.chain_problems(public_round)) == []
    with pytest.raises(rating_services.AlreadyRated):
        rate(resident, public_round, key_reforms[0])
    assert Rating.objects.count() == 1


def test_an_unverified_account_is_refused(people, public_round, key_reforms):
    with pytest.raises(PermissionDenied):
        rate(people.resident, public_round, key_reforms[0])


def test_staff_rate_open_rounds_but_never_their_own_units_reform(people, make_round, reform_factory, district, key_reforms):
    other = reform_factory(code="M-9", lead_unit=district.sub_b, co_units=[district.department])
    round_ = make_round(kind=RoundKind.OPEN, reforms=[*key_reforms, other])
    # key_reforms are led by sub-district A: its staff are conflicted; sub-district B's are not.
    with pytest.raises(PermissionDenied):
        rate(people.unit_staff, round_, key_reforms[0])
    rate(people.unit_staff, round_, other)
    with pytest.raises(PermissionDenied):
        rate(people.other_staff, round_, other)
    rate(people.other_staff, round_, key_reforms[0])
    with pytest.raises(PermissionDenied):
        rate(people.office, round_, other)  # the office runs the round


def test_staff_do_not_rate_public_rounds(people, public_round, reform_factory, district):
    with pytest.raises(PermissionDenied):
        rate(people.other_staff, public_round, public_round.reforms.first())


@pytest.mark.parametrize("opens,closes", [(1, 5), (-5, -1)])
def test_a_round_not_open_is_refused(resident, make_round, key_reforms, opens, closes):
    round_ = make_round(opens=opens, closes=closes)
    with pytest.raises(rating_services.NotRateable):
        rate(resident, round_, key_reforms[0])


def test_a_reform_not_in_the_round_is_refused(resident, make_round, key_reforms):
    round_ = make_round(reforms=key_reforms[:1])
    with pytest.raises(rating_services.NotRateable) as caught:
        rate(resident, round_, key_reforms[1])
    assert "reform" in caught.value.message_dict


@pytest.mark.parametrize(
    "scores,field",
    [({"satisfaction": 6, "effect": 4}, "scores.satisfaction"), ({"satisfaction": 0, "effect": 4}, "scores.satisfaction"),
     ({"satisfaction": 5}, "scores.effect"), ({**GOOD, "speed": 3}, "scores.speed"), ({"satisfaction": True, "effect": 3}, "scores.satisfaction")],
)
def test_bad_scores_name_the_dimension(resident, public_round, key_reforms, scores, field):
    with pytest.raises(ValidationError) as caught:
        rate(resident, public_round, key_reforms[0], scores=scores)
    assert field in caught.value.message_dict
    assert not Rating.objects.exists()


def test_a_long_comment_is_refused_and_hostile_text_is_stored_as_text(resident, public_round, key_reforms):
    with pytest.raises(ValidationError) as caught:
        rate(resident, public_round, key_reforms[0], comment="长" * 2001)
    assert "comment" in caught.value.message_dict
    rating = rate(resident, public_round, key_reforms[0], comment="<script>alert(1)</script>")
    assert rating.comment == "<script>alert(1)</script>"


def test_the_office_moderates_a_comment_once(resident, people, other_people, public_round, key_reforms):
    rating = rate(resident, public_round, key_reforms[0], comment="好")
    with pytest.raises(PermissionDenied):
        rating_services.moderate_comment(user=other_people.office, rating=rating, approve=True)
    done = rating_services.moderate_comment(user=people.office, rating=rating, approve=True)
    assert done.comment_status == CommentStatus.APPROVED and done.moderated_by == people.office
    with pytest.raises(ValidationError):
        rating_services.moderate_comment(user=people.office, rating=rating, approve=False)
    assert AuditEntry.objects.filter(action="rating.moderate").count() == 1


# --- the API ---------------------------------------------------------------------------------------


def url(round_):
    return f"/rounds/{round_.pk}/ratings"


def test_api_answers(api, resident, people, public_round, make_round, key_reforms, reform_factory):
    body = {"reform": key_reforms[0].pk, "scores": GOOD, "comment": "<b>好</b>"}
    made = api.post(url(public_round), resident, body)
    assert made.status_code == 201, made.content
    assert made.json()["scores"] == GOOD and made.json()["comment_status"] == "pending"
    again = api.post(url(public_round), resident, body)
    assert again.status_code == 409 and errors_by_field(again) == {"reform": [again.json()["errors"][0]["message"]]}
    bad = api.post(url(public_round), resident, {**body, "reform": key_reforms[1].pk, "scores": {"satisfaction": 9, "effect": 1}})
    assert bad.status_code == 422 and "scores.satisfaction" in errors_by_field(bad)
    unknown = api.post(url(public_round), resident, {**body, "reform": key_reforms[1].pk, "scores": {**GOOD, "x": 1}})
    assert unknown.status_code == 422 and "scores.x" in errors_by_field(unknown)
    outside = reform_factory(code="K-out")
    assert api.post(url(public_round), resident, {**body, "reform": outside.pk}).status_code == 400
    assert api.post(url(public_round), resident, {**body, "reform": 999999}).status_code == 400
    closed = make_round(opens=-9, closes=-1)
    assert api.post(url(closed), resident, body).status_code == 400
    assert api.post(url(public_round), people.other_staff, {**body, "reform": key_reforms[1].pk}).status_code == 403
    assert api.post(url(public_round), None, body).status_code == 401
    assert api.post("/rounds/999999/ratings", resident, body).status_code == 404


def test_api_expert_round_is_hidden_from_residents(api, resident, make_round, key_reforms):
    expert = make_round(kind=RoundKind.EXPERT)
    assert api.post(url(expert), resident, {"reform": key_reforms[0].pk, "scores": GOOD}).status_code == 404


def test_an_account_is_limited_too(settings, resident, make_round, key_reforms):
    settings.EVALUATION_RATINGS_PER_MINUTE = 2
    round_ = make_round(reforms=key_reforms)
    rate(resident, round_, key_reforms[0])
    rate(resident, round_, key_reforms[1])
    with pytest.raises(Throttled):
        rate(resident, round_, key_reforms[2])
    assert Rating.objects.count() == 2


@pytest.mark.parametrize("redis_url", [None, "redis://the-shared-cache"], ids=["database", "cache"])
def test_a_flood_from_one_address_is_slowed(api, settings, people, verify, public_round, key_reforms, redis_url):
    """Counted in the database by default; in the shared cache (Redis in production, the test's
    local cache here) when REDIS_URL is set."""
    settings.REDIS_URL = redis_url
    settings.EVALUATION_RATINGS_PER_MINUTE_PER_ADDRESS = 3
    answers = []
    for i in range(5):
        user = UserFactory(username=f"flood{i}")
        verify(user)
        response = api.post(url(public_round), user, {"reform": key_reforms[0].pk, "scores": GOOD})
        answers.append(response.status_code)
    assert 0 < int(response["Retry-After"]) <= 60
    assert answers[:3] == [201, 201, 201]
    assert answers[3:] == [429, 429]
    assert Rating.objects.count() == 3
    assert RateBucket.objects.exists() == (redis_url is None)


def test_api_hostile_comments_and_conflicted_staff(api, resident, people, make_round, key_reforms, reform_factory, district):
    big = api.post(url(make_round()), resident, {"reform": key_reforms[0].pk, "scores": GOOD, "comment": "长" * 100_000})
    assert big.status_code == 422 and "comment" in errors_by_field(big)
    opened = make_round(kind=RoundKind.OPEN)
    conflicted = api.post(url(opened), people.unit_staff, {"reform": key_reforms[0].pk, "scores": GOOD})
    assert conflicted.status_code == 403  # sub-district A leads the key reforms
    assert api.post(url(opened), people.other_staff, {"reform": key_reforms[0].pk, "scores": GOOD}).status_code == 201
    assert Rating.objects.count() == 1


def test_a_rating_through_the_api_costs_a_fixed_handful_of_statements(api, resident, public_round, key_reforms,
                                                                      django_assert_max_num_queries):
    """The hot path (ADR 0062), warm: the token, the round's entry, the rate limits, the cache's
    versions, the resident, then the rating with its tallies in one statement (PostgreSQL; a
    savepoint around two statements elsewhere)."""
    first = api.post(url(public_round), resident, {"reform": key_reforms[0].pk, "scores": GOOD})
    assert first.status_code == 201
    with django_assert_max_num_queries(6 if connection.vendor == "postgresql" else 9):
        made = api.post(url(public_round), resident, {"reform": key_reforms[1].pk, "scores": GOOD})
    assert made.status_code == 201, made.content
