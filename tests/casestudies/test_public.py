"""The public site: published case studies only, filters and search, the case's page with its
images and the public part of its evidence, caching that a publication invalidates, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reformledger.casestudies.services import cases as services
from reformledger.casestudies.services import materials as material_services
from tests.casestudies.helpers import (
    pdf_upload,
    png_upload,
    published_case,
    reform_with_evidence,
    written_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(reform_factory, district, people):
    return reform_with_evidence(reform_factory, district, people, title="罗湖医改")


def test_only_published_cases_are_public(client_for, people, evidence, reform_factory):
    reform, _report, _attachment = evidence
    draft = written_case(people.office, reform_factory(status="in_progress", title="物业管理改革"))
    case = published_case(people.office, reform)
    anonymous = client_for(None)
    page = anonymous.get("/case-studies/").content.decode()
    assert case.title in page and draft.title not in page
    assert anonymous.get(f"/case-studies/{case.pk}/").status_code == 200
    assert anonymous.get(f"/case-studies/{draft.pk}/").status_code == 404
    # taken off the site: gone from the list and its page
    services.unpublish_case_study(user=people.office, case=case, reason="核实")
    assert case.title not in anonymous.get("/case-studies/").content.decode()
    assert anonymous.get(f"/case-studies/{case.pk}/").status_code == 404


def test_publication_invalidates_the_cached_list_and_page(client_for, people, evidence, reform_factory):
    first = published_case(people.office, evidence[0])
    anonymous = client_for(None)
    assert first.title in anonymous.get("/case-studies/").content.decode()
    second = written_case(people.office, reform_factory(status="in_progress", title="放管服改革"))
    assert second.title not in anonymous.get("/case-studies/").content.decode()  # served as kept
    services.publish_case_study(user=people.office, case=second)
    assert second.title in anonymous.get("/case-studies/").content.decode()
    # an edit of a published case renders its page afresh
    assert "新的亮点" not in anonymous.get(f"/case-studies/{first.pk}/").content.decode()
    services.update_case_study(user=people.office, case=first, changes={"highlights": "新的亮点"})
    assert "新的亮点" in anonymous.get(f"/case-studies/{first.pk}/").content.decode()


def test_the_cached_list_is_served_without_recomputing(client_for, people, evidence, django_assert_max_num_queries):
    published_case(people.office, evidence[0])
    client = client_for(None)
    client.get("/case-studies/")
    with django_assert_max_num_queries(3):
        assert client.get("/case-studies/").status_code == 200


def test_list_query_count_cold(client_for, people, reform_factory, django_assert_max_num_queries):
    for n in range(15):
        published_case(people.office, reform_factory(status="in_progress", title=f"改革{n}"))
    with django_assert_max_num_queries(12):
        response = client_for(None).get("/case-studies/")
    assert response.status_code == 200 and response.content.decode().count('class="rl-card"') == 15


def test_filters_and_search(client_for, people, evidence, reform_factory):
    day = timezone.localdate() - dt.timedelta(days=3)
    health = published_case(people.office, evidence[0], adoptions=[("nation", "国家卫生健康委", day)])
    other = published_case(people.office, reform_factory(status="completed", title="物业管理改革", tier="micro", year=2015))
    client = client_for(None)

    def shown(**params):
        page = client.get("/case-studies/", params).content.decode()
        return {c.title for c in (health, other) if c.title in page}

    assert shown(level="nation") == {health.title}
    assert shown(level="none") == {other.title}
    assert shown(tier="micro") == {other.title}
    assert shown(year="2015") == {other.title}
    assert shown(q="物业") == {other.title}
    assert shown(domain="public-services") == {c.title for c in (health, other) if c.reform.domain.code == "public-services"}
    assert shown(level="bogus") == {health.title, other.title}  # an invalid filter is ignored


def test_the_case_page_shows_images_and_public_evidence_only(client_for, people, evidence):
    reform, report, attachment = evidence
    case = written_case(people.office, reform)
    services.update_case_study(user=people.office, case=case, changes={}, evidence_reports=[report.pk],
                               evidence_attachments=[attachment.pk])
    image = material_services.add_material(user=people.office, case=case, upload=png_upload(), caption="集团揭牌")
    document = material_services.add_material(user=people.office, case=case, upload=pdf_upload("方案.pdf"))
    client = client_for(None)
    assert client.get(f"/case-studies/{case.pk}/materials/{image.pk}/").status_code == 404  # not yet published
    services.publish_case_study(user=people.office, case=case)
    page = client.get(f"/case-studies/{case.pk}/").content.decode()
    assert f'src="/case-studies/{case.pk}/materials/{image.pk}/"' in page and "集团揭牌" in page
    assert f"/case-studies/{case.pk}/attachments/{attachment.pk}/" in page
    assert "已完成集团组建" not in page  # a report's text stays internal; its date and task are shown
    assert report.task.title in page
    picture = client.get(f"/case-studies/{case.pk}/materials/{image.pk}/")
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert picture["X-Content-Type-Options"] == "nosniff" and "inline" in picture["Content-Disposition"]
    doc = client.get(f"/case-studies/{case.pk}/materials/{document.pk}/")
    assert doc["Content-Type"] == "application/pdf" and "attachment" in doc["Content-Disposition"]
    assert client.get(f"/case-studies/{case.pk}/attachments/{attachment.pk}/").status_code == 200
    # an attachment made private is no longer served nor shown
    type(attachment).objects.filter(pk=attachment.pk).update(is_public=False)
    assert client.get(f"/case-studies/{case.pk}/attachments/{attachment.pk}/").status_code == 404
