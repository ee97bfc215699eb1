"""Anomaly flags: bursts from one address or device, identical comments, code packs used up within
minutes; for the office of the round's district (and the province office) only."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from reformledger.evaluation.models import Channel, Rating
from reformledger.evaluation.selectors import anomalies
from tests.evaluation.factories import CodeFactory, CodePackFactory, RoundFactory, add_reforms
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages in English whatever an earlier test left active (zh-Hans is the default)."""
    with translation.override("en"):
        yield

START = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)


@pytest.fixture
def round_(district, people, reform_factory):
    found = RoundFactory(district=district.district, created_by=people.office)
    add_reforms(found, [reform_factory(code="R-1"), reform_factory(code="R-2")])
    return found


def rate(round_, rows):
    """rows: (minutes after START, address, device, comment); one new person each."""
    reform = round_.reforms.first()
    users = UserFactory.create_batch(len(rows))
    made = Rating.objects.bulk_create([
        Rating(round=round_, reform=reform, channel=Channel.WEB, rater=u, score_1=5, score_2=5,
               address_hash=address, device_hash=device, comment=comment)
        for u, (_m, address, device, comment) in zip(users, rows, strict=True)
    ])
    for rating, (minutes, *_rest) in zip(made, rows, strict=True):
        Rating.objects.filter(pk=rating.pk).update(created_at=START + dt.timedelta(minutes=minutes, seconds=10))


def test_burst_from_one_address_within_the_window(round_):
    n, m = anomalies.BURST_RATINGS, anomalies.BURST_MINUTES
    rate(round_, [(i * (m - 1) / n, "a" * 64, "", "") for i in range(n)])  # n within m minutes
    rate(round_, [(i * 2 * m / (n - 1), "b" * 64, "", "") for i in range(n)])  # n spread over 2m minutes
    rate(round_, [(i * 0.1, "c" * 64, "", "") for i in range(n - 1)])  # one short
    rate(round_, [(i * 0.1, "", "d" * 64, "") for i in range(n)])  # one device
    found = anomalies.round_anomalies(round_)
    assert [(b.kind, b.sender, b.count) for b in found.bursts] == [("address", "a" * 12, n), ("device", "d" * 12, n)]


def test_identical_comments(round_):
    text = "这项改革很好很好很好"
    rate(round_, [(i, f"{i}", "", text) for i in range(anomalies.IDENTICAL_MIN_RATINGS)])
    rate(round_, [(i, f"x{i}", "", "很好") for i in range(10)])  # short: no flag
    rate(round_, [(i, f"y{i}", "", "另一条不同的意见文本") for i in range(anomalies.IDENTICAL_MIN_RATINGS - 1)])
    found = anomalies.round_anomalies(round_)
    assert [(c.comment, c.count) for c in found.comments] == [(text, anomalies.IDENTICAL_MIN_RATINGS)]


def test_code_pack_used_up_within_minutes(round_, district, people):
    fast = CodePackFactory(round=round_, community=district.community_a, size=10, created_by=people.office)
    slow = CodePackFactory(round=round_, community=district.community_a, size=10, created_by=people.office)
    half = CodePackFactory(round=round_, community=district.community_a, size=10, created_by=people.office)
    for i in range(10):
        CodeFactory(pack=fast, used_at=START + dt.timedelta(seconds=30 * i))
        CodeFactory(pack=slow, used_at=START + dt.timedelta(minutes=5 * i))
        CodeFactory(pack=half, used_at=START + dt.timedelta(seconds=10 * i) if i < 5 else None)
    found = anomalies.round_anomalies(round_)
    assert [(p.pack_id, p.used) for p in found.packs] == [(fast.pk, 10)]


def test_queries(round_, django_assert_max_num_queries):
    rate(round_, [(i * 0.1, "a" * 64, "e" * 64, "同样的一条意见文本") for i in range(40)])
    with django_assert_max_num_queries(7):
        found = anomalies.round_anomalies(round_)
    assert found.count == 3


def test_page_for_the_office_only(round_, client_for, people, province_office, other_people, django_assert_max_num_queries):
    rate(round_, [(i * 0.1, "a" * 64, "", "<script>同样的一条意见</script>") for i in range(40)])
    url = f"/evaluation/rounds/{round_.pk}/anomalies/"
    client = client_for(people.office)
    with django_assert_max_num_queries(22):
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;script&gt;" in html and "<script>同样" not in html and "aaaaaaaaaaaa" in html
    assert client_for(province_office).get(url).status_code == 200
    assert client_for(other_people.office).get(url).status_code == 404
    for who in (people.unit_staff, people.committee, people.resident):
        assert client_for(who).get(url).status_code == 403
    round_.published_at = timezone.now()
    round_.save()
    assert client_for(people.resident).get(url).status_code == 403  # published results, never the flags
