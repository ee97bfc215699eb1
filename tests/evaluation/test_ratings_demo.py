"""The demo's rounds and ratings: closed public and open rounds of 2017 and 2018 with thousands of
ratings spread per reform, published where the story says, a public round open now in which the
``resident`` login (a verified resident) may rate; loading again changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Avg, Count

from reformledger.core.audit import verify_chain
from reformledger.demo.district import load_demo
from reformledger.demo.evaluation_ratings import load_ratings_demo
from reformledger.demo.supervision import load_supervision_demo
from reformledger.evaluation.models import Rating, Round, RoundKind
from reformledger.evaluation.rules import verified_resident
from reformledger.evaluation.selectors.rounds import rounds_open_to
from reformledger.org.models import User
from tests.demo.test_demo_supervision import _restore_seeded_rows


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        _restore_seeded_rows()
        catalogue = load_demo()
        load_supervision_demo(district=catalogue.district)
        made = load_ratings_demo(district=catalogue.district)
        yield catalogue.district, made
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_demo_rounds_and_ratings(demo):
    district, made = demo
    assert made["rounds"] == 5 and made["ratings"] > 5000
    closed = Round.objects.filter(district=district, year__in=(2017, 2018))
    assert {(r.year, r.kind) for r in closed} == {(y, k) for y in (2017, 2018) for k in (RoundKind.PUBLIC, RoundKind.OPEN)}
    assert all(r.has_closed() for r in closed)
    assert closed.filter(published_at__isnull=False).count() == 3
    per_reform = Rating.objects.filter(round__in=closed, round__kind=RoundKind.PUBLIC).values("reform").annotate(n=Count("pk"), mean=Avg("score_1"))
    means = [row["mean"] for row in per_reform]
    assert max(means) - min(means) > 0.5  # reforms differ
    assert set(Rating.objects.values_list("channel", flat=True).distinct()) == {"web", "api"}
    assert Rating.objects.filter(community__isnull=True).count() == 0
    resident = User.objects.get(username="resident")
    assert verified_resident(resident) is not None
    assert [r.kind for r in rounds_open_to(resident)] == [RoundKind.PUBLIC]
    assert list(verify_chain()) == []
    assert load_ratings_demo(district=district) == {"residents": 0}
