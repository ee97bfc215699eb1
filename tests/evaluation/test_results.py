"""A round's results: figures checked against hand-computed ones, publication rules, who sees what,
the exports, query counts and the cache."""

import csv
import io
import math

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from reformledger.evaluation.models import Channel, Rating
from reformledger.evaluation.selectors.results import compute_results, round_results
from reformledger.evaluation.services import tallies
from tests.evaluation.factories import RatingFactory, RoundFactory, add_reforms, dimensions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages in English whatever an earlier test left active (zh-Hans is the default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def rated(district, people, reform_factory):
    """Round (prior weight 2, minimum 3): A rated (5,4) (4,4) (3,5); B rated (2,2); C not rated."""
    a = reform_factory(code="R-A", title="改革甲")
    b = reform_factory(code="R-B", title="改革乙")
    c = reform_factory(code="R-C", title="<script>alert(1)</script>")
    round_ = RoundFactory(district=district.district, created_by=people.office, prior_weight=2, min_ratings=3,
                          dimensions=dimensions(satisfaction="满意度", effect="获得感"))
    add_reforms(round_, [a, b, c])
    for s1, s2 in ((5, 4), (4, 4), (3, 5)):
        RatingFactory(round=round_, reform=a, score_1=s1, score_2=s2, community=district.community_a)
    RatingFactory(round=round_, reform=b, score_1=2, score_2=2, community=district.sub_b, channel=Channel.API)
    return round_, a, b, c


def test_figures_match_the_hand_computed_ones(rated):
    round_, a, b, c = rated
    results = compute_results(round_)
    assert results.total == 4
    assert results.round_means == pytest.approx((3.5, 3.75))
    assert results.round_mean == pytest.approx(3.625)
    by_code = {r.code: r for r in results.reforms}
    ra = by_code["R-A"]
    sat, eff = ra.dimensions
    assert (ra.count, sat.mean, eff.mean) == (3, pytest.approx(4.0), pytest.approx(13 / 3))
    assert sat.sd == pytest.approx(1.0)
    assert sat.margin == pytest.approx(1.96 / math.sqrt(3))
    assert (sat.low, sat.high) == (pytest.approx(4 - 1.96 / math.sqrt(3)), pytest.approx(5.0))  # cut to 5
    assert sat.adjusted == pytest.approx(19 / 5)  # (2 × 3.5 + 12) ÷ (2 + 3)
    assert eff.sd == pytest.approx(math.sqrt(1 / 3))
    assert eff.adjusted == pytest.approx(20.5 / 5)  # (2 × 3.75 + 13) ÷ 5
    assert sat.distribution == (0, 0, 1, 1, 1) and eff.distribution == (0, 0, 0, 2, 1)
    # Overall per rating: 4.5, 4, 4 → sum 12.5, squares 52.25.
    assert ra.overall.mean == pytest.approx(12.5 / 3)
    assert ra.overall.sd == pytest.approx(math.sqrt((52.25 - 12.5**2 / 3) / 2))
    assert ra.overall.adjusted == pytest.approx((2 * 3.625 + 12.5) / 5)
    assert ra.overall.approximate  # fewer than 30 ratings
    rb = by_code["R-B"]
    assert rb.dimensions[0].margin is None and rb.dimensions[0].sd is None  # one rating: no interval
    assert rb.dimensions[0].adjusted == pytest.approx((2 * 3.5 + 2) / 3)
    assert rb.overall.adjusted == pytest.approx((2 * 3.625 + 2) / 3)
    rc = by_code["R-C"]
    assert rc.count == 0 and rc.overall.mean is None
    # Ranked by adjusted overall score, among reforms with the minimum (3): A only.
    assert [(r.code, r.rank, r.shown) for r in results.reforms] == [("R-A", 1, True), ("R-B", None, False), ("R-C", None, False)]


def test_three_fives_do_not_beat_three_hundred_four_point_sixes(district, people, reform_factory):
    """With the round's other reforms rated 3 (its mean ≈ 3.8), three 5s are pulled down below 4.6."""
    few, many, low = reform_factory(code="FEW"), reform_factory(code="MANY"), reform_factory(code="LOW")
    round_ = RoundFactory(district=district.district, created_by=people.office, prior_weight=10, min_ratings=1,
                          dimensions=dimensions(satisfaction="满意度"))
    add_reforms(round_, [few, many, low])
    users = UserFactory.create_batch(603)
    rows = [Rating(round=round_, reform=few, channel=Channel.WEB, rater=u, score_1=5) for u in users[:3]]
    rows += [Rating(round=round_, reform=many, channel=Channel.WEB, rater=u, score_1=5 if i % 5 < 3 else 4)
             for i, u in enumerate(users[3:303])]
    rows += [Rating(round=round_, reform=low, channel=Channel.WEB, rater=u, score_1=3) for u in users[303:]]
    tallies.count(round=round_, ratings=Rating.objects.bulk_create(rows))
    results = compute_results(round_)
    assert [r.code for r in results.reforms] == ["MANY", "FEW", "LOW"]
    assert {r.code: r.overall.mean for r in results.reforms}["FEW"] == 5


def test_participation_and_channels(rated, district):
    round_, *_ = rated
    results = compute_results(round_)
    assert [(p.name, p.count) for p in results.communities] == [("松园社区", 3), ("黄贝街道", 1)]
    # A community counts for its sub-district; a sub-district for itself.
    assert [(p.name, p.count) for p in results.sub_districts] == [("桂园街道", 3), ("黄贝街道", 1)]
    assert [(key, n) for key, _label, n in results.channels] == [("api", 1), ("web", 3)]


def test_results_are_a_few_queries_whatever_the_size(rated, django_assert_max_num_queries):
    round_, *_ = rated
    with django_assert_max_num_queries(4):  # the aggregate, the reforms, participation, the units' names
        compute_results(round_)


def test_cached_until_a_rating_is_added(rated, django_assert_max_num_queries):
    round_, a, *_ = rated
    first = round_results(round_)
    with django_assert_max_num_queries(2):  # the ratings' version and the data versions
        again = round_results(round_)
    assert again == first
    RatingFactory(round=round_, reform=a, score_1=1, score_2=1)
    assert round_results(round_).total == first.total + 1


# --- who sees what -----------------------------------------------------------------------------


def test_api_before_publication(rated, api, people, other_people, province_office):
    round_, *_ = rated
    path = f"/rounds/{round_.pk}/results"
    assert api.get(path, people.office).status_code == 200
    assert api.get(path, province_office).status_code == 200
    assert api.get(path, other_people.office).status_code == 404  # another district's round
    for who in (None, people.resident, people.unit_staff, people.committee):
        answer = api.get(path, who)
        assert answer.status_code == 403, who
        assert "not published" in answer.json()["detail"]
    assert api.get("/rounds/999999/results", people.office).status_code == 404


def test_api_published_hides_scores_below_the_minimum(rated, api, people, other_people):
    round_, *_ = rated
    round_.published_at = timezone.now()
    round_.save(update_fields=["published_at"])
    path = f"/rounds/{round_.pk}/results"
    body = api.get(path).json()
    rows = {r["code"]: r for r in body["reforms"]}
    assert rows["R-A"]["shown"] and rows["R-A"]["overall"]["adjusted"] == pytest.approx(3.95)
    assert rows["R-A"]["overall"]["margin"] is not None
    assert rows["R-B"]["count"] == 1 and rows["R-B"]["overall"] is None and rows["R-B"]["dimensions"] == []
    assert body["method"]["prior_weight"] == 2 and body["method"]["min_ratings"] == 3
    assert body["method"]["round_means"] == {"satisfaction": 3.5, "effect": 3.75}
    assert api.get(path, other_people.office).status_code == 200  # published: everyone's
    office = {r["code"]: r for r in api.get(path, people.office).json()["reforms"]}
    assert office["R-B"]["overall"]["adjusted"] is not None  # the office sees every score


def test_page_for_the_office_and_the_public(rated, client_for, people, other_people, province_office):
    round_, *_ = rated
    url = f"/evaluation/rounds/{round_.pk}/results/"
    page = client_for(people.office).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Live: not published" in html and "How this is computed" in html and "Anomaly flags" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert 'style="' not in html  # CSP: sizes through data-rl-width
    assert client_for(province_office).get(url).status_code == 200
    assert client_for(other_people.office).get(url).status_code == 404
    assert client_for(people.resident).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 403
    round_.published_at = timezone.now()
    round_.save(update_fields=["published_at"])
    public = client_for(None).get(url).content.decode()
    assert "Not enough ratings" in public and "Anomaly flags" not in public and "3.95" in public


def test_page_queries(rated, client_for, people, django_assert_max_num_queries):
    round_, *_ = rated
    client = client_for(people.office)
    with django_assert_max_num_queries(22):  # 4 of the results, 2 of its seals; the rest is the office menu (its badges cached after a first page)
        assert client.get(f"/evaluation/rounds/{round_.pk}/results/").status_code == 200


def test_exports(rated, client_for, people):
    round_, *_ = rated
    round_.published_at = timezone.now()
    round_.save(update_fields=["published_at"])
    answer = client_for(None).get(f"/evaluation/rounds/{round_.pk}/results.csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["rank", "reform_code", "reform_title", "count", "shown"]
    by_code = {row[1]: row for row in rows[1:]}
    assert by_code["R-A"][5] == "12" and by_code["R-B"][5] == ""  # B below the minimum: count only
    assert by_code["R-B"][3] == "1"
    office = client_for(people.office).get(f"/evaluation/rounds/{round_.pk}/results.xlsx")
    sheet = load_workbook(io.BytesIO(office.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert {row[1] for row in values} == {"R-A", "R-B", "R-C"}


def test_api_queries_cold_and_warm(rated, api, people, django_assert_max_num_queries):
    round_, *_ = rated
    path = f"/rounds/{round_.pk}/results"
    assert api.get(path, people.office).status_code == 200
    with django_assert_max_num_queries(8):  # the caller, the round, the latest rating, the data versions
        answer = api.get(path, people.office)
    assert answer.status_code == 200 and answer.json()["total"] == 4
