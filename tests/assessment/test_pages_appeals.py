"""The unit's "my score" and appeal pages and the office's queue and decision page: who sees what,
bad input back on the form, query counts bounded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reformledger.assessment.models import Appeal, AppealState
from reformledger.assessment.services import appeals as services
from tests.assessment import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(district, people):
    return factories.standard(district, people)


def test_my_score_shows_score_rank_lines_and_the_appeal_action(published, district, people, client_for):
    page = client_for(people.unit_staff).get(reverse("assessment:my-score"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "104.000" in text and "Appeal this line" in text
    assert reverse("assessment:appeal-file", args=[factories.line_of(published, district.sub_a, "3").pk]) in text


def test_my_score_has_no_appeal_action_after_the_window(district, people, client_for):
    factories.standard(district, people, published_at=timezone.now() - dt.timedelta(days=30))
    text = client_for(people.unit_staff).get(reverse("assessment:my-score")).content.decode()
    assert "104.000" in text and "Appeal this line" not in text and "closed on" in text


def test_my_score_is_for_units(people, client_for):
    assert client_for(people.office).get(reverse("assessment:my-score")).status_code == 403
    assert client_for(people.resident).get(reverse("assessment:my-score")).status_code == 403
    assert client_for(None).get(reverse("assessment:my-score")).status_code == 302


def test_file_an_appeal_from_the_page(published, district, people, client_for):
    line = factories.line_of(published, district.sub_a, "3")
    client = client_for(people.unit_head)
    url = reverse("assessment:appeal-file", args=[line.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"reason": "", "requested_points": "x"})
    assert bad.status_code == 400 and not Appeal.objects.exists()
    done = client.post(url, {"reason": "任务已获批延期", "requested_points": "0"})
    appeal = Appeal.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("assessment:appeal", args=[appeal.pk])
    again = client.post(url, {"reason": "再次申诉"})
    assert again.status_code == 400 and "already has an open appeal" in again.content.decode()


def test_another_units_line_is_not_found(published, district, people, client_for):
    line = factories.line_of(published, district.sub_a, "3")
    assert client_for(people.other_staff).get(reverse("assessment:appeal-file", args=[line.pk])).status_code == 404
    assert client_for(people.office).get(reverse("assessment:appeal-file", args=[line.pk])).status_code == 404


def test_office_rejects_on_the_decision_page(published, district, people, client_for, other_people):
    appeal = services.file_appeal(user=people.unit_staff, line_item=factories.line_of(published, district.sub_a, "3"), reason="有误")
    url = reverse("assessment:appeal", args=[appeal.pk])
    office = client_for(people.office)
    assert "Record the decision" in office.get(url).content.decode()
    assert office.post(url, {"outcome": "uphold", "reasons": "支持"}).status_code == 400  # no points
    assert office.post(url, {"outcome": "reject", "reasons": "扣分正确"}).status_code == 302
    assert Appeal.objects.get().state == AppealState.REJECTED
    assert client_for(people.unit_staff).get(url).status_code == 200
    assert client_for(people.other_staff).get(url).status_code == 404
    assert client_for(other_people.office).get(url).status_code == 404


def test_unit_cannot_decide_and_province_reads_only(published, district, people, client_for, province_office):
    appeal = services.file_appeal(user=people.unit_staff, line_item=factories.line_of(published, district.sub_a, "3"), reason="有误")
    url = reverse("assessment:appeal", args=[appeal.pk])
    assert client_for(people.unit_staff).post(url, {"outcome": "reject", "reasons": "x"}).status_code == 403
    province = client_for(province_office)
    assert province.get(url).status_code == 200
    assert province.post(url, {"outcome": "reject", "reasons": "x"}).status_code == 403
    assert Appeal.objects.get().state == AppealState.SUBMITTED


def test_withdraw_from_the_page(published, district, people, client_for):
    appeal = services.file_appeal(user=people.unit_staff, line_item=factories.line_of(published, district.sub_a, "3"), reason="有误")
    url = reverse("assessment:appeal-withdraw", args=[appeal.pk])
    assert client_for(people.office).post(url).status_code == 403
    assert client_for(people.unit_head).post(url).status_code == 302
    assert Appeal.objects.get().state == AppealState.WITHDRAWN


def test_queue_and_my_appeals_query_counts(published, district, people, client_for, django_assert_max_num_queries):
    for clause in ("1", "2.1", "3"):
        services.file_appeal(user=people.unit_staff, line_item=factories.line_of(published, district.sub_a, clause), reason="有误")
    office, unit = client_for(people.office), client_for(people.unit_staff)
    office.get(reverse("assessment:appeal-queue"))
    unit.get(reverse("assessment:my-appeals"))
    with django_assert_max_num_queries(14):
        page = office.get(reverse("assessment:appeal-queue"))
    assert page.status_code == 200 and page.content.decode().count("桂园街道") >= 3
    with django_assert_max_num_queries(14):
        assert unit.get(reverse("assessment:my-appeals")).status_code == 200
    assert client_for(people.unit_staff).get(reverse("assessment:appeal-queue")).status_code == 403
