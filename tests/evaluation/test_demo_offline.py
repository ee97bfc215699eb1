"""The demo's offline round: a closed, published 2018 round rated with code packs and paper slips,
loaded once (a second run changes nothing)."""

import pytest

from reformledger.demo.district import load_demo
from reformledger.demo.evaluation_offline import TITLE, load_offline_demo
from reformledger.evaluation.models import Channel, Rating, Round
from reformledger.evaluation.selectors.anomalies import round_anomalies
from reformledger.evaluation.selectors.results import compute_results

pytestmark = pytest.mark.django_db


def test_offline_demo_round():
    district = load_demo().district
    made = load_offline_demo(district=district)
    assert made["rounds"] == 1 and made["code_ratings"] > 1000 and made["slip_rows"] > 600
    round_ = Round.objects.get(title=TITLE)
    assert round_.published_at is not None and round_.has_closed()
    assert set(Rating.objects.filter(round=round_).values_list("channel", flat=True)) == {Channel.CODE, Channel.PAPER}
    results = compute_results(round_)
    assert results.total == made["code_ratings"] + made["slip_rows"]
    assert all(r.shown and r.rank for r in results.reforms)
    assert round_anomalies(round_).packs  # one meeting's pack used up within minutes
    assert load_offline_demo(district=district) == {"rounds": 0, "code_ratings": 0, "slip_rows": 0}
