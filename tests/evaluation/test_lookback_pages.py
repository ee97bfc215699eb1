"""The office's look-back pages: the list with the due ones, scheduling, the form with its repeating
rows (formsets), concluding, reopening, a follow-up task, and the panel on the reform's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from reformledger.evaluation.models import LookbackReview, LookbackState
from reformledger.evaluation.services import lookback as services
from tests.evaluation.lookback_helpers import ADOPTIONS, DOCUMENTS, FINDINGS, PROBLEMS, completed_key, today

pytestmark = pytest.mark.django_db


def _management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial), f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "200"}


def _post(review, **extra) -> dict[str, str]:
    data = {
        "scheduled_on": review.scheduled_on.isoformat(), "reviewer": "", "mechanism": "yes", "mechanism_text": "<b>机制</b>",
        "sustained": "partly", "sustained_text": "", "lookback_round": "",
        **_management("documents", 2), **_management("adoptions", 2), **_management("problems", 1),
        # the untouched extra rows, as the browser sends them
        "documents-1-title": "", "documents-1-number": "", "documents-1-issuer": "", "documents-1-issued_on": "",
        "adoptions-1-place": "", "adoptions-1-level": "", "adoptions-1-description": "", "adoptions-1-evidence_url": "",
        "adoptions-1-evidence_document": "",
        "documents-0-title": "管理办法", "documents-0-number": "深罗府办〔2016〕12号", "documents-0-issuer": "", "documents-0-issued_on": "",
        "adoptions-0-place": "", "adoptions-0-level": "", "adoptions-0-description": "", "adoptions-0-evidence_url": "", "adoptions-0-evidence_document": "",
        "problems-0-description": "人手不足", "problems-0-severity": "high",
    }
    data.update(extra)
    return data


def _written(people, reform):
    review = services.schedule_review(user=people.office, reform=reform, scheduled_on=today())
    return services.update_review(user=people.office, review=review, changes=FINDINGS, documents=DOCUMENTS, adoptions=ADOPTIONS, problems=PROBLEMS)


def test_the_list_shows_reviews_due_ones_and_the_proposal(client_for, people, reform_factory, django_assert_max_num_queries):
    for _ in range(3):
        _written(people, completed_key(reform_factory))
    completed_key(reform_factory, years_ago=2)
    client = client_for(people.office)
    client.get("/evaluation/lookback/")
    cache.clear()
    with django_assert_max_num_queries(30):
        response = client.get("/evaluation/lookback/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Schedule the due ones" in html and "3 reviews" in html
    for _ in range(10):
        _written(people, completed_key(reform_factory))
    cache.clear()
    with django_assert_max_num_queries(30):
        assert client.get("/evaluation/lookback/").status_code == 200


def test_schedule_the_due_ones_from_the_list(client_for, people, reform_factory):
    reforms = [completed_key(reform_factory, years_ago=y) for y in (1.5, 2.5)]
    response = client_for(people.office).post(
        "/evaluation/lookback/schedule-due/", {"scheduled_on": (today() + dt.timedelta(days=10)).isoformat(), "reforms": [reforms[0].pk]}
    )
    assert response.status_code == 302
    assert list(LookbackReview.objects.values_list("reform_id", flat=True)) == [reforms[0].pk]


def test_schedule_one_and_refuse_an_ineligible_one_on_the_form(client_for, people, reform_factory):
    client = client_for(people.office)
    reform = completed_key(reform_factory)
    response = client.post(f"/evaluation/lookback/reforms/{reform.pk}/new/", {"scheduled_on": today().isoformat(), "reviewer": people.office.pk})
    assert response.status_code == 302
    recent = completed_key(reform_factory, years_ago=0.2)
    refused = client.post(f"/evaluation/lookback/reforms/{recent.pk}/new/", {"scheduled_on": today().isoformat()})
    assert refused.status_code == 400 and b"a year later at the earliest" in refused.content
    assert LookbackReview.objects.count() == 1


def test_the_form_saves_rows_and_shows_row_errors(client_for, people, reform_factory):
    review = services.schedule_review(user=people.office, reform=completed_key(reform_factory), scheduled_on=today())
    client = client_for(people.office)
    page = client.get(f"/evaluation/lookback/{review.pk}/edit/")
    assert page.status_code == 200 and b"documents-TOTAL_FORMS" in page.content and b"<script" not in page.content.split(b"<main")[1].split(b"</main>")[0]
    bad = client.post(f"/evaluation/lookback/{review.pk}/edit/", _post(review, **{"documents-0-title": "", "adoptions-0-place": "深圳"}))
    assert bad.status_code == 400
    assert not review.documents.exists()
    saved = client.post(f"/evaluation/lookback/{review.pk}/edit/", _post(review))
    assert saved.status_code == 302
    review.refresh_from_db()
    assert review.state == LookbackState.IN_PROGRESS and review.documents.get().number == "深罗府办〔2016〕12号"
    detail = client.get(f"/evaluation/lookback/{review.pk}/")
    assert b"&lt;b&gt;" in detail.content  # escaped, not rendered


def test_conclude_then_reopen_with_a_reason(client_for, people, reform_factory):
    review = _written(people, completed_key(reform_factory))
    client = client_for(people.office)
    assert client.post(f"/evaluation/lookback/{review.pk}/conclude/", {"grade": "excellent", "conclusion": ""}).status_code == 400
    assert client.post(f"/evaluation/lookback/{review.pk}/conclude/", {"grade": "excellent", "conclusion": "好"}).status_code == 302
    review.refresh_from_db()
    assert review.state == LookbackState.CONCLUDED
    locked = client.post(f"/evaluation/lookback/{review.pk}/edit/", _post(review))
    assert locked.status_code == 302 and LookbackReview.objects.get().mechanism_text == FINDINGS["mechanism_text"]
    assert client.post(f"/evaluation/lookback/{review.pk}/reopen/", {"reason": ""}).status_code == 400
    assert client.post(f"/evaluation/lookback/{review.pk}/reopen/", {"reason": "新问题"}).status_code == 302
    assert LookbackReview.objects.get().state == LookbackState.IN_PROGRESS


def test_follow_up_from_the_page_and_its_status_on_the_review(client_for, people, district, reform_factory):
    review = _written(people, completed_key(reform_factory))
    problem = review.problems.get()
    client = client_for(people.office)
    response = client.post(
        f"/evaluation/lookback/problems/{problem.pk}/follow-up/",
        {"title": "", "unit": district.sub_a.pk, "due_date": (today() + dt.timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.follow_up_task is not None
    detail = client.get(f"/evaluation/lookback/{review.pk}/").content.decode()
    assert problem.follow_up_task.title in detail and "Not started" in detail


def test_writes_by_others_are_refused_and_reads_scoped(client_for, people, other_people, province_office, reform_factory):
    review = _written(people, completed_key(reform_factory))
    for user in (people.committee, people.unit_staff, province_office):
        assert client_for(user).post(f"/evaluation/lookback/{review.pk}/conclude/", {"grade": "good", "conclusion": "x"}).status_code == 403
    assert client_for(other_people.office).get(f"/evaluation/lookback/{review.pk}/").status_code == 404
    assert client_for(other_people.office).post(f"/evaluation/lookback/{review.pk}/conclude/", {"grade": "good", "conclusion": "x"}).status_code == 404
    assert client_for(people.other_staff).get(f"/evaluation/lookback/{review.pk}/").status_code == 404
    for user in (people.unit_staff, people.committee, province_office, people.leader_main):
        assert client_for(user).get(f"/evaluation/lookback/{review.pk}/").status_code == 200, user
    assert client_for(people.unit_staff).get("/evaluation/lookback/").status_code == 403
    assert LookbackReview.objects.get().state == LookbackState.IN_PROGRESS


def test_the_reform_page_shows_the_conclusion(client_for, people, reform_factory):
    reform = completed_key(reform_factory)
    client = client_for(people.office)
    assert b"Schedule a look-back review" in client.get(f"/office/reforms/{reform.pk}/").content
    review = _written(people, reform)
    services.conclude_review(user=people.office, review=review, grade="excellent", conclusion="向全国推广的经验")
    page = client.get(f"/office/reforms/{reform.pk}/").content.decode()
    assert "Excellent" in page and "向全国推广的经验" in page
    assert "向全国推广的经验" in client_for(people.unit_staff).get(f"/office/reforms/{reform.pk}/").content.decode()
    assert "向全国推广的经验" not in client_for(people.other_staff).get(f"/office/reforms/{reform.pk}/").content.decode()


def test_a_review_page_reads_its_rows_in_a_fixed_number_of_queries(client_for, people, district, reform_factory, django_assert_max_num_queries):
    review = _written(people, completed_key(reform_factory))
    client = client_for(people.office)
    client.get(f"/evaluation/lookback/{review.pk}/")
    with django_assert_max_num_queries(25):
        assert client.get(f"/evaluation/lookback/{review.pk}/").status_code == 200
    many = [{"description": f"问题{i}", "severity": "low"} for i in range(15)]
    docs = [{"title": f"文件{i}", "number": f"深罗府办〔2016〕{i}号"} for i in range(15)]
    services.update_review(user=people.office, review=review, changes={}, documents=docs, problems=many)
    for problem in review.problems.all()[:5]:
        services.file_follow_up(user=people.office, problem=problem, unit=district.sub_a, due_date=today() + dt.timedelta(days=9))
    with django_assert_max_num_queries(25):
        assert client.get(f"/evaluation/lookback/{review.pk}/").status_code == 200


def test_the_unit_finds_its_follow_up_task_and_reports_on_it(client_for, people, district, reform_factory):
    review = _written(people, completed_key(reform_factory))
    problem = review.problems.get()
    services.file_follow_up(user=people.office, problem=problem, unit=district.sub_a, due_date=today() + dt.timedelta(days=20))
    problem.refresh_from_db()
    task = problem.follow_up_task
    unit = client_for(people.unit_staff)
    assert task.title in unit.get("/office/supervision/").content.decode()
    page = unit.get(f"/office/supervision/tasks/{task.pk}/")
    assert page.status_code == 200 and task.title in page.content.decode()
    # Another unit of the district does not see it.
    assert client_for(people.other_staff).get(f"/office/supervision/tasks/{task.pk}/").status_code == 404
