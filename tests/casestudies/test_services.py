"""The case study's life through its services: who drafts, edits, submits, returns, publishes, takes
it off the site and records adoptions; bad input named by field with nothing written; every write
audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reformledger.casestudies.models import Adoption, CaseStudy, CaseStudyState, Outcome
from reformledger.casestudies.selectors import adoptions
from reformledger.casestudies.services import adoptions as adoption_services
from reformledger.casestudies.services import cases as services
from reformledger.core.models import AuditEntry
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Status
from tests.casestudies.helpers import SECTIONS, pdf_upload, published_case, reform_with_evidence, written_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(reform_factory, district, people):
    reform, report, attachment = reform_with_evidence(reform_factory, district, people, title="罗湖医改")
    return reform, report, attachment


def _audit(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_the_lead_unit_drafts_edits_and_submits(setting, people):
    reform, report, attachment = setting
    case = services.draft_case_study(user=people.unit_staff, reform=reform, title="医改经验")
    assert case.state == CaseStudyState.DRAFT and case.district_id == reform.district_id and case.drafted_by == people.unit_staff
    services.update_case_study(
        user=people.unit_head, case=case, changes=SECTIONS,
        outcomes=[{"indicator": "社康诊疗量占比", "before": "35", "after": "61.5", "unit": "%", "source": "区卫健局年报"}],
        evidence_reports=[report.pk], evidence_attachments=[attachment.pk],
    )
    services.submit_case_study(user=people.unit_staff, case=case)
    case.refresh_from_db()
    assert case.state == CaseStudyState.SUBMITTED and case.submitted_at is not None
    assert list(case.evidence_reports.all()) == [report] and list(case.evidence_attachments.all()) == [attachment]
    assert Outcome.objects.get(case_study=case).after == 61.5
    assert (_audit("casestudy.draft"), _audit("casestudy.update"), _audit("casestudy.submit")) == (1, 1, 1)
    # with the office now: the unit no longer edits it
    with pytest.raises(PermissionDenied):
        services.update_case_study(user=people.unit_staff, case=case, changes={"title": "改"})


@pytest.mark.parametrize("who", ["other_staff", "committee", "leader_main", "expert", "resident"])
def test_others_do_not_draft(setting, people, who):
    with pytest.raises(PermissionDenied):
        services.draft_case_study(user=getattr(people, who), reform=setting[0], title="x")
    assert not CaseStudy.objects.exists()


def test_other_district_and_province_do_not_draft_or_publish(setting, people, other_people, province_office):
    reform = setting[0]
    for user in (other_people.office, province_office):
        with pytest.raises(PermissionDenied):
            services.draft_case_study(user=user, reform=reform, title="x")
    case = written_case(people.office, reform)
    for user in (other_people.office, province_office, people.unit_head):
        with pytest.raises(PermissionDenied):
            services.publish_case_study(user=user, case=case)
    assert CaseStudy.objects.get().state == CaseStudyState.DRAFT


def test_one_case_per_reform_and_only_of_reforms_under_way_or_completed(setting, people, reform_factory):
    services.draft_case_study(user=people.office, reform=setting[0], title="一")
    with pytest.raises(ValidationError) as caught:
        services.draft_case_study(user=people.office, reform=setting[0], title="二")
    assert "reform" in caught.value.message_dict
    proposed = reform_factory(status=Status.PROPOSED)
    with pytest.raises(ValidationError) as caught:
        services.draft_case_study(user=people.office, reform=proposed, title="三")
    assert "reform" in caught.value.message_dict
    assert CaseStudy.objects.count() == 1


def test_bad_input_names_each_field_and_writes_nothing(setting, people, reform_factory):
    reform, report, attachment = setting
    case = services.draft_case_study(user=people.office, reform=reform, title="医改")
    elsewhere = reform_factory(status=Status.IN_PROGRESS)
    foreign = reform_services.add_attachment(user=people.office, reform=elsewhere, uploaded_file=pdf_upload("x.pdf"))
    before = (_audit("casestudy.update"), Outcome.objects.count())
    with pytest.raises(ValidationError) as caught:
        services.update_case_study(
            user=people.office, case=case, changes={"title": "", "highlights": "亮" * 10_001, "colour": "red"},
            outcomes=[{"indicator": "", "after": "abc"}, {"indicator": "x", "after": "1e40"}],
            evidence_attachments=[foreign.pk],
        )
    errors = caught.value.message_dict
    assert {"title", "highlights", "colour", "outcomes.0.indicator", "outcomes.0.after", "outcomes.1.after",
            "evidence_attachments"} <= set(errors)
    assert (_audit("casestudy.update"), Outcome.objects.count()) == before
    case.refresh_from_db()
    assert case.title == "医改"


def test_submit_and_publish_need_every_section(setting, people):
    case = services.draft_case_study(user=people.unit_staff, reform=setting[0], title="医改")
    with pytest.raises(ValidationError) as caught:
        services.submit_case_study(user=people.unit_staff, case=case)
    assert set(caught.value.message_dict) == {"background", "features", "highlights", "experience"}
    with pytest.raises(ValidationError):
        services.publish_case_study(user=people.office, case=case)
    assert CaseStudy.objects.get().state == CaseStudyState.DRAFT


def test_return_publish_unpublish_with_reasons(setting, people):
    case = written_case(people.unit_staff, setting[0])
    services.submit_case_study(user=people.unit_staff, case=case)
    with pytest.raises(ValidationError) as caught:
        services.return_case_study(user=people.office, case=case, reason="  ")
    assert "reason" in caught.value.message_dict
    services.return_case_study(user=people.office, case=case, reason="请补充数据来源")
    case.refresh_from_db()
    assert case.state == CaseStudyState.DRAFT and case.return_reason == "请补充数据来源"
    services.publish_case_study(user=people.office, case=case)  # the office may publish a draft
    case.refresh_from_db()
    assert case.state == CaseStudyState.PUBLISHED and case.published_by == people.office
    with pytest.raises(ValidationError):
        services.publish_case_study(user=people.office, case=case)
    services.unpublish_case_study(user=people.office, case=case, reason="数据待核实")
    case.refresh_from_db()
    assert case.state == CaseStudyState.SUBMITTED and case.unpublish_reason == "数据待核实"
    entry = AuditEntry.objects.get(action="casestudy.unpublish")
    assert entry.changes["reason"] == "数据待核实"


def test_a_suspended_reform_is_not_published(setting, people):
    case = written_case(people.office, setting[0])
    type(setting[0]).objects.filter(pk=setting[0].pk).update(status=Status.SUSPENDED)
    with pytest.raises(ValidationError) as caught:
        services.publish_case_study(user=people.office, case=case)
    assert "reform" in caught.value.message_dict


def test_adoptions_after_publication_keep_the_widest_level(setting, people):
    reform = setting[0]
    case = written_case(people.office, reform)
    day = timezone.localdate() - dt.timedelta(days=10)
    with pytest.raises(ValidationError) as caught:
        adoption_services.record_adoption(user=people.office, case=case, level="city", place="深圳市", adopted_on=day)
    assert "state" in caught.value.message_dict
    services.publish_case_study(user=people.office, case=case)
    adoption_services.record_adoption(user=people.office, case=case, level="nation", place="国家卫生健康委", adopted_on=day,
                                      document_number="国卫办医函〔2017〕1号")
    adoption_services.record_adoption(user=people.office, case=case, level="city", place="深圳市", adopted_on=day)
    case.refresh_from_db()
    assert (case.adoption_level, case.adoptions_count) == ("nation", 2)
    facts = adoptions(district_id=reform.district_id, year=day.year)
    assert [(f.level, f.case_study_id, f.reform_id, f.lead_unit_id) for f in facts] == [
        ("nation", case.pk, reform.pk, reform.lead_unit_id), ("city", case.pk, reform.pk, reform.lead_unit_id),
    ]
    assert _audit("casestudy.adopt") == 2


def test_bad_adoptions(setting, people, other_people):
    case = published_case(people.office, setting[0])
    future = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as caught:
        adoption_services.record_adoption(user=people.office, case=case, level="planet", place="", adopted_on=future)
    assert set(caught.value.message_dict) == {"level", "place", "adopted_on"}
    with pytest.raises(ValidationError) as caught:
        adoption_services.record_adoption(user=people.office, case=case, level="city", place="深圳", adopted_on="1999-01-01")
    assert "adopted_on" in caught.value.message_dict
    day = timezone.localdate()
    adoption_services.record_adoption(user=people.office, case=case, level="city", place="深圳市", adopted_on=day)
    with pytest.raises(ValidationError) as caught:
        adoption_services.record_adoption(user=people.office, case=case, level="city", place="深圳市", adopted_on=day)
    assert "place" in caught.value.message_dict
    for user in (people.unit_head, other_people.office):
        with pytest.raises(PermissionDenied):
            adoption_services.record_adoption(user=user, case=case, level="city", place="广州市", adopted_on=day)
    assert Adoption.objects.count() == 1


def test_unpublished_cases_adoptions_are_not_counted(setting, people):
    day = timezone.localdate()
    case = published_case(people.office, setting[0], adoptions=[("province", "广东省", day)])
    assert len(adoptions(district_id=case.district_id, year=day.year)) == 1
    services.unpublish_case_study(user=people.office, case=case, reason="核实")
    assert adoptions(district_id=case.district_id, year=day.year) == []


def test_a_wrong_adoption_is_withdrawn_with_a_reason_and_no_longer_counted(setting, people, other_people, province_office):
    day = timezone.localdate() - dt.timedelta(days=2)
    case = published_case(people.office, setting[0], adoptions=[("city", "深圳市", day), ("nation", "国家卫生健康委", day)])
    wrong = case.adoptions.get(level="nation")
    for user in (people.unit_head, other_people.office, province_office):
        with pytest.raises(PermissionDenied):
            adoption_services.withdraw_adoption(user=user, adoption=wrong, reason="误登")
    with pytest.raises(ValidationError) as caught:
        adoption_services.withdraw_adoption(user=people.office, adoption=wrong, reason="")
    assert "reason" in caught.value.message_dict
    adoption_services.withdraw_adoption(user=people.office, adoption=wrong, reason="误登：实为省级推广")
    case.refresh_from_db()
    assert (case.adoption_level, case.adoptions_count) == ("city", 1)
    assert [f.level for f in adoptions(district_id=case.district_id, year=day.year)] == ["city"]
    assert Adoption.objects.count() == 2  # kept on record
    with pytest.raises(ValidationError) as caught:
        adoption_services.withdraw_adoption(user=people.office, adoption=wrong, reason="再次")
    assert "state" in caught.value.message_dict
    # the same adoption may be recorded again once the wrong one is withdrawn
    adoption_services.record_adoption(user=people.office, case=case, level="nation", place="国家卫生健康委", adopted_on=day)
    assert AuditEntry.objects.filter(action="casestudy.adoption_withdraw").get().changes["reason"] == "误登：实为省级推广"
