"""The precedent library: decided cases only, anonymised, ranked so that a similar failure comes
before a dissimilar one, fast for thousands of cases, scoped to the reader's districts."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from reformledger.org.models import Domain
from reformledger.reforms.models import Status, Tier
from reformledger.tolerance.models import CaseState, Outcome, ToleranceCase
from reformledger.tolerance.selectors.precedents import Probe, precedents, probe_for, rank
from reformledger.tolerance.services.opinions import give_opinion
from reformledger.tolerance.similarity import Document, bm25, overlap, terms

pytestmark = pytest.mark.django_db

ELEVATOR = "老旧小区加装电梯，因部分低层居民反对、意见未能统一，工程停工，改革终止。已及时召开居民议事会，退还预付资金。"
ELEVATOR_NEW = "加装电梯项目因低层居民反对停工，居民意见未能统一，申请容错。"
HOSPITAL = "区医院信息系统招标流程延误，系统上线晚于计划三个月，门诊预约功能推迟开放。"


def decide(case, office, discipline, outcome="exempt", waiver=None):
    give_opinion(user=office, case=case, outcome=outcome, waiver=waiver, reasons="经集体研究")
    give_opinion(user=discipline, case=case, outcome=outcome, waiver=waiver, reasons="未发现违纪")
    case.refresh_from_db()
    return case


@pytest.fixture
def library(people, discipline, reform_factory, apply_case, district):
    services = Domain.objects.get(code="public-services")
    elevator = reform_factory(code="LH-E", title="加装电梯改革", tier=Tier.MICRO, status=Status.TERMINATED, year=2016, domain=services)
    hospital = reform_factory(code="LH-H", title="智慧医院改革", tier=Tier.KEY, status=Status.SUSPENDED, year=2016, domain=services)
    a = decide(apply_case(people.unit_staff, elevator, text=ELEVATOR + " 桂园街道unit_head同志牵头。"), people.office, discipline)
    b = decide(apply_case(people.unit_staff, hospital, text=HOSPITAL, unmet=("due-diligence",)), people.office, discipline, "partly", "0.5")
    return a, b


def test_terms_are_character_bigrams():
    assert set(terms("加装电梯")) == {"加装", "装电", "电梯"}
    assert terms("GIS 系统")["gis"] == 1


def test_bm25_and_overlap_are_sane():
    docs = [Document(1, terms(ELEVATOR), sum(terms(ELEVATOR).values())), Document(2, terms(HOSPITAL), sum(terms(HOSPITAL).values()))]
    scores = bm25(terms(ELEVATOR_NEW), docs)
    assert scores[1] == 1.0 and scores[2] < 0.3
    assert bm25({}, docs) == {1: 0.0, 2: 0.0}
    assert overlap([], []) == 1.0 and overlap(["a"], ["b"]) == 0.0


def test_a_similar_case_ranks_above_a_dissimilar_one(people, library, reform_factory, apply_case):
    elevator_case, hospital_case = library
    new = reform_factory(code="LH-N", title="电梯加装", tier=Tier.MICRO, status=Status.TERMINATED, year=2017,
                         domain=Domain.objects.get(code="public-services"))
    pending = apply_case(people.unit_head, new, text=ELEVATOR_NEW, year=2017)
    ranked = rank(people.office, probe_for(pending))
    assert [pk for pk, *_ in ranked] == [elevator_case.pk, hospital_case.pk]
    assert ranked[0][1] > ranked[1][1]
    by_text = rank(people.office, Probe(text="信息系统招标延误"))
    assert by_text[0][0] == hospital_case.pk


def test_decided_cases_are_anonymised(library, people):
    elevator_case, _ = library
    assert elevator_case.state == CaseState.DECIDED
    assert "桂园街道" not in elevator_case.anonymised and "某街道" in elevator_case.anonymised
    assert "unit_head" not in elevator_case.anonymised and "某同志" in elevator_case.anonymised
    assert "加装电梯改革" not in elevator_case.anonymised_reasons
    assert elevator_case.terms and elevator_case.term_count > 10


def test_the_library_is_scoped_and_holds_decided_cases_only(library, people, other_people, failed_reform, apply_case, discipline):
    pending = apply_case(people.unit_staff, failed_reform)
    total, shown = precedents(people.office, Probe(text=ELEVATOR))
    assert total == 2 and pending.pk not in {p.case.pk for p in shown}
    assert precedents(discipline, Probe(text=ELEVATOR))[0] == 2
    assert precedents(other_people.office, Probe(text=ELEVATOR))[0] == 0


def test_the_library_page(library, people, discipline, client_for, django_assert_max_num_queries):
    client = client_for(discipline)
    with django_assert_max_num_queries(12):
        page = client.get("/tolerance/precedents/", {"q": "加装电梯 居民反对"})
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("某街道") < text.index("信息系统")  # the elevator case first
    assert "桂园街道" not in text
    assert client_for(people.unit_staff).get("/tolerance/precedents/").status_code == 403


@pytest.mark.timed
def test_ranking_thousands_of_cases_is_fast(people, failed_reform, district):
    """3,000 decided cases: one ranking well under a second (stored terms, BM25 over the query's terms)."""
    texts = [ELEVATOR, HOSPITAL, "社区网格化管理平台数据对接失败，考核指标未完成。", "棚户区改造签约率未达预期，项目暂停。"]
    now = timezone.now()
    rows = []
    for n in range(3000):
        text = f"{texts[n % 4]}第{n}号"
        counted = terms(text)
        rows.append(ToleranceCase(
            district=district.district, reform=failed_reform, unit=district.sub_a, applicant=people.unit_staff, year=2016,
            what_happened=text, state=CaseState.DECIDED, outcome=Outcome.REJECTED, decided_at=now, anonymised=text,
            terms=dict(counted), term_count=sum(counted.values()), flags=["condition:corrected"] if n % 2 else [],
        ))
    ToleranceCase.objects.bulk_create(rows, batch_size=500)
    probe = Probe(text=ELEVATOR_NEW, flags=frozenset({"condition:corrected"}), domain_id=failed_reform.domain_id, tier="key", exclude=0)
    started = time.perf_counter()
    total, shown = precedents(people.office, probe)
    elapsed = time.perf_counter() - started
    assert total == 3000 and "加装电梯" in shown[0].case.anonymised
    print(f"ranked 3000 cases in {elapsed:.3f} s")
    assert elapsed < 1.5, elapsed
