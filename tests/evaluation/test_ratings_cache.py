"""A rating bumps the evaluation's own cache scope, never the district's work (core.cache, ADR 0033):
a public round's ratings leave the office's catalogue and board served as they were, and a round's
results show every rating the service recorded, at once."""

import pytest

from reformledger.core.cache import scope_versions, work_scopes, write_scopes
from reformledger.evaluation.models import Channel
from reformledger.evaluation.selectors.results import round_results
from reformledger.evaluation.services import ratings as rating_services
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings

pytestmark = pytest.mark.django_db


def _rate(user, round_, reform, score=4):
    return rating_services.submit_rating(
        user=user, round=round_, reform=reform, scores={"satisfaction": score, "effect": score},
        channel=Channel.WEB, address="203.0.113.9", device="Mozilla/5.0",
    )


def test_a_rating_bumps_the_evaluation_of_its_district_and_not_its_work(people, district, public_round, key_reforms, verify):
    verify(people.resident)
    d = district.district.pk
    work_before = scope_versions(work_scopes([d]))
    rating = _rate(people.resident, public_round, key_reforms[0])
    assert write_scopes(rating, {}, action="rating.submit") == {f"evaluation:d{d}", "evaluation:*"}
    assert scope_versions(work_scopes([d])) == work_before  # the catalogue, the board: untouched
    assert scope_versions((f"evaluation:d{d}",)) != (0,)


def test_the_results_show_each_rating_the_service_records_at_once(people, district, public_round, key_reforms, verify):
    verify(people.resident)
    verify(people.other_staff)
    first = round_results(public_round)
    _rate(people.resident, public_round, key_reforms[0], score=5)
    second = round_results(public_round)
    assert second.total == first.total + 1
    _rate(people.other_staff, public_round, key_reforms[0], score=3)
    assert round_results(public_round).total == first.total + 2
