"""A rating touches no cache version at all, and its seal the evaluation's own scope only, never the
district's work (core.cache, ADR 0033 and 0051): a public round's ratings leave the office's
catalogue and board served as they were, and a round's results show every rating the service
recorded, at once (they are keyed on the round's latest rating)."""

import pytest

from reformledger.core.cache import scope_versions, work_scopes, write_scopes
from reformledger.evaluation.models import Channel
from reformledger.evaluation.selectors.results import round_results
from reformledger.evaluation.services import ratings as rating_services
from reformledger.evaluation.services import seals
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings

pytestmark = pytest.mark.django_db


def _rate(user, round_, reform, score=4):
    return rating_services.submit_rating(
        user=user, round=round_, reform=reform, scores={"satisfaction": score, "effect": score},
        channel=Channel.WEB, address="203.0.113.9", device="Mozilla/5.0",
    )


def test_a_rating_bumps_nothing_and_its_seal_the_evaluation_of_its_district_only(people, district, public_round, key_reforms, verify):
    verify(people.resident)
    d = district.district.pk
    work_before = scope_versions(work_scopes([d]))
    evaluation_before = scope_versions((f"evaluation:d{d}",))
    _rate(people.resident, public_round, key_reforms[0])
    assert scope_versions((f"evaluation:d{d}",)) == evaluation_before  # a rating locks no shared row
    seal = seals.seal_round(round_id=public_round.pk)
    assert write_scopes(seal, {}, action="rating.seal") == {f"evaluation:d{d}", "evaluation:*"}
    assert scope_versions(work_scopes([d])) == work_before  # the catalogue, the board: untouched
    assert scope_versions((f"evaluation:d{d}",)) != evaluation_before


def test_the_results_show_each_rating_the_service_records_at_once(people, district, public_round, key_reforms, verify):
    verify(people.resident)
    verify(people.other_staff)
    first = round_results(public_round)
    _rate(people.resident, public_round, key_reforms[0], score=5)
    second = round_results(public_round)
    assert second.total == first.total + 1
    _rate(people.other_staff, public_round, key_reforms[0], score=3)
    assert round_results(public_round).total == first.total + 2
