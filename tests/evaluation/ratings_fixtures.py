"""Fixtures of rounds, residents and ratings (eval-ratings), imported by their test modules (not a
conftest, so the other parts of the evaluation keep theirs): rounds through the service, verified residents, and
a sender that keeps the codes it sends (``settings.EVALUATION_CODE_SENDER``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reformledger.evaluation.models import Resident, RoundKind
from reformledger.evaluation.services import rounds as round_services
from reformledger.reforms.models import Tier
from tests.factories import UserFactory

SENT: list[tuple[str, str]] = []


class KeepingSender:
    """Keeps (identifier, code) in :data:`SENT` instead of sending."""

    def send(self, *, identifier, code, minutes):
        SENT.append((identifier.value, code))


@pytest.fixture
def sent_codes(settings):
    settings.EVALUATION_CODE_SENDER = "tests.evaluation.ratings_fixtures.KeepingSender"
    SENT.clear()
    return SENT


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    settings.EVALUATION_RATINGS_PER_MINUTE = 1000
    settings.EVALUATION_RATINGS_PER_MINUTE_PER_ADDRESS = 1000


def now() -> dt.datetime:
    return timezone.now()


@pytest.fixture
def key_reforms(reform_factory, district):
    return [reform_factory(code=f"K-{i}", title=f"重点改革{i}", tier=Tier.KEY) for i in range(1, 4)]


@pytest.fixture
def make_round(people, district, key_reforms):
    """``make_round(kind=..., opens=-1, closes=10, reforms=...)``: days from now."""

    def make(*, kind=RoundKind.PUBLIC, opens: float = -1, closes: float = 10, reforms=None, **extra):
        return round_services.open_round(
            user=people.office, district=district.district, kind=kind, year=2018, title=extra.pop("title", "2018年群众评"),
            opens_at=now() + dt.timedelta(days=opens), closes_at=now() + dt.timedelta(days=closes),
            reforms=reforms if reforms is not None else key_reforms, **extra,
        )

    return make


@pytest.fixture
def public_round(make_round):
    return make_round()


@pytest.fixture
def verify(district):
    """``verify(user, community=...)``: make ``user`` a verified resident (as the service leaves them)."""

    def make(user, community=None, n=[0]):  # noqa: B006 - a counter for unique hashes
        n[0] += 1
        return Resident.objects.create(
            user=user, identifier_hash=f"{n[0]:064d}", community=community or district.community_a, verified_at=now()
        )

    return make


@pytest.fixture
def resident(people, verify):
    verify(people.resident)
    return people.resident


@pytest.fixture
def raters(verify):
    """Six verified residents of the district, besides the people of the fixtures."""
    out = []
    for i in range(6):
        user = UserFactory(username=f"rater-{i}")
        verify(user)
        out.append(user)
    return out
