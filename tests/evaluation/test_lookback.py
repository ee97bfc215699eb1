"""Look-back reviews (回头看): eligibility, scheduling, the findings, the conclusion's lock and the
audited reopening, follow-up tasks in supervision, district scoping and the province's read-only
view, and the conclusion the assessment reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reformledger.core.models import AuditEntry
from reformledger.evaluation.models import LookbackProblem, LookbackReview, LookbackState
from reformledger.evaluation.selectors import lookback as selectors
from reformledger.evaluation.services import lookback as services
from reformledger.reforms.models import Status, Tier
from reformledger.supervision.models import Task, TaskStatus
from reformledger.supervision.services import reports as report_services
from tests.evaluation.lookback_helpers import ADOPTIONS, DOCUMENTS, FINDINGS, PROBLEMS, completed_key, today

pytestmark = pytest.mark.django_db


def _review(people, reform, **kwargs):
    return services.schedule_review(user=people.office, reform=reform, scheduled_on=kwargs.pop("on", today()), **kwargs)


def _written(people, reform):
    review = _review(people, reform)
    return services.update_review(
        user=people.office, review=review, changes=FINDINGS, documents=DOCUMENTS, adoptions=ADOPTIONS, problems=PROBLEMS
    )


# --- eligibility -------------------------------------------------------------------------------------


def test_a_key_reform_completed_two_years_ago_is_scheduled_and_audited(people, reform_factory):
    reform = completed_key(reform_factory)
    review = _review(people, reform, reviewer=people.office)
    assert review.state == LookbackState.SCHEDULED and review.reviewer == people.office
    assert review.completed_on == reform.due_date
    entry = AuditEntry.objects.get(action="lookback.schedule")
    assert entry.object_id == str(review.pk) and entry.actor_id == people.office.pk


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda f: completed_key(f, tier=Tier.MICRO), id="not a key reform"),
        pytest.param(lambda f: f(tier=Tier.KEY, status=Status.IN_PROGRESS), id="not completed"),
        pytest.param(lambda f: completed_key(f, years_ago=0.5), id="completed under a year ago"),
        pytest.param(lambda f: completed_key(f, years_ago=0.5, via_completion=True), id="banjie under a year ago"),
    ],
)
def test_ineligible_reforms_are_refused_on_the_reform(people, reform_factory, make):
    reform = make(reform_factory)
    with pytest.raises(ValidationError) as caught:
        _review(people, reform)
    assert set(caught.value.message_dict) == {"reform"}
    assert not LookbackReview.objects.exists()


def test_the_completion_date_is_the_accepted_banjie_when_there_is_one(people, reform_factory):
    reform = completed_key(reform_factory, years_ago=1.5, via_completion=True)
    review = _review(people, reform)
    assert review.completed_on == today() - dt.timedelta(days=round(365.25 * 1.5))


def test_a_review_scheduled_before_the_first_anniversary_is_refused(people, reform_factory):
    reform = completed_key(reform_factory, years_ago=1.5)
    with pytest.raises(ValidationError) as caught:
        _review(people, reform, on=reform.due_date + dt.timedelta(days=100))
    assert "reform" in caught.value.message_dict


def test_one_open_review_per_reform(people, reform_factory):
    reform = completed_key(reform_factory)
    _review(people, reform)
    with pytest.raises(ValidationError) as caught:
        _review(people, reform)
    assert "state" in caught.value.message_dict


def test_the_reviewer_must_be_of_the_district_office(people, reform_factory):
    reform = completed_key(reform_factory)
    with pytest.raises(ValidationError) as caught:
        _review(people, reform, reviewer=people.unit_staff)
    assert "reviewer" in caught.value.message_dict


# --- scheduling the due ones, and the due list -------------------------------------------------------


def test_schedule_the_due_ones_takes_reforms_completed_one_to_three_years_ago(people, district, reform_factory):
    due = [completed_key(reform_factory, years_ago=y) for y in (1.2, 2.5)]
    too_old = completed_key(reform_factory, years_ago=4)
    too_recent = completed_key(reform_factory, years_ago=0.4)
    already = completed_key(reform_factory, years_ago=2)
    _review(people, already)
    proposed = selectors.unscheduled_due(district_ids=frozenset({district.district.pk}), on=today())
    assert [r.pk for r in proposed] == [due[1].pk, due[0].pk]  # oldest completion first
    made = services.schedule_due(user=people.office, district=district.district, scheduled_on=today())
    assert {r.reform_id for r in made} == {r.pk for r in due}
    assert not LookbackReview.objects.filter(reform__in=[too_old, too_recent]).exists()
    assert AuditEntry.objects.filter(action="lookback.schedule").count() == 3


def test_the_due_list_holds_key_reforms_a_year_done_without_a_concluded_review(people, reform_factory):
    old = completed_key(reform_factory, years_ago=5)
    scheduled = completed_key(reform_factory, years_ago=2)
    concluded = completed_key(reform_factory, years_ago=3)
    completed_key(reform_factory, years_ago=0.3)
    completed_key(reform_factory, tier=Tier.MICRO)
    open_review = _review(people, scheduled)
    review = _written(people, concluded)
    services.conclude_review(user=people.office, review=review, grade="good", conclusion="经验已推广")
    due = list(selectors.due_reforms(people.office))
    assert [r.pk for r in due] == [old.pk, scheduled.pk]
    assert due[1].open_review == open_review.pk and due[0].open_review is None


# --- findings, conclusion, reopening -----------------------------------------------------------------


def test_findings_with_rows_are_written_and_the_review_is_in_progress(people, reform_factory):
    review = _written(people, completed_key(reform_factory))
    assert review.state == LookbackState.IN_PROGRESS
    rows = selectors.review_rows(review)
    assert [d.number for d in rows["documents"]] == ["深罗府办〔2016〕12号"]
    assert rows["adoptions"][0].level == "nation" and rows["problems"][0].severity == "high"
    # Rows sent again with their ids are kept; rows left out are removed.
    doc = rows["documents"][0]
    services.update_review(
        user=people.office, review=review, changes={},
        documents=[{"id": doc.pk, "title": "新标题", "number": doc.number}], adoptions=[],
    )
    rows = selectors.review_rows(review)
    assert [(d.pk, d.title) for d in rows["documents"]] == [(doc.pk, "新标题")] and rows["adoptions"] == []


def test_bad_rows_name_the_row_and_field_and_write_nothing(people, reform_factory):
    review = _review(people, completed_key(reform_factory))
    with pytest.raises(ValidationError) as caught:
        services.update_review(
            user=people.office, review=review, changes={"mechanism": "maybe"},
            documents=[DOCUMENTS[0], {"title": "", "number": "x" * 61}],
            adoptions=[{"place": "深圳", "level": "galaxy", "evidence_url": "javascript:alert(1)"}],
        )
    assert {"mechanism", "documents.1.title", "documents.1.number", "adoptions.0.level", "adoptions.0.evidence_url"} <= set(
        caught.value.message_dict
    )
    review.refresh_from_db()
    assert review.state == LookbackState.SCHEDULED and not review.documents.exists()


def test_hostile_text_is_stored_as_text_and_oversized_text_refused(people, reform_factory):
    review = _review(people, completed_key(reform_factory))
    hostile = "<script>alert('x')</script>"
    services.update_review(user=people.office, review=review, changes={"mechanism_text": hostile})
    review.refresh_from_db()
    assert review.mechanism_text == hostile
    with pytest.raises(ValidationError) as caught:
        services.update_review(user=people.office, review=review, changes={"sustained_text": "长" * 100_000})
    assert "sustained_text" in caught.value.message_dict


def test_conclusion_locks_the_review_and_reopening_is_audited_with_its_reason(people, reform_factory):
    review = _written(people, completed_key(reform_factory))
    with pytest.raises(ValidationError) as caught:
        services.conclude_review(user=people.office, review=review, grade="great", conclusion="")
    assert {"grade", "conclusion"} <= set(caught.value.message_dict)
    review = services.conclude_review(user=people.office, review=review, grade="excellent", conclusion="长效机制健全")
    assert review.state == LookbackState.CONCLUDED and review.concluded_by == people.office
    with pytest.raises(ValidationError) as caught:
        services.update_review(user=people.office, review=review, changes={"mechanism": "no"})
    assert "state" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.reopen_review(user=people.office, review=review, reason="  ")
    review = services.reopen_review(user=people.office, review=review, reason="发现新的整改问题")
    assert review.state == LookbackState.IN_PROGRESS
    entry = AuditEntry.objects.get(action="lookback.reopen")
    assert entry.changes["reason"] == "发现新的整改问题" and entry.actor_id == people.office.pk


def test_conclusion_needs_the_mechanism_and_sustained_findings(people, reform_factory):
    review = _review(people, completed_key(reform_factory))
    with pytest.raises(ValidationError) as caught:
        services.conclude_review(user=people.office, review=review, grade="good", conclusion="好")
    assert {"mechanism", "sustained"} <= set(caught.value.message_dict)


def test_lookback_conclusion_for_the_assessment(people, reform_factory):
    reform = completed_key(reform_factory)
    assert selectors.lookback_conclusion(reform.pk) is None
    review = _written(people, reform)
    assert selectors.lookback_conclusion(reform.pk) is None  # not concluded yet
    services.conclude_review(user=people.office, review=review, grade="excellent", conclusion="向全国推广")
    found = selectors.lookback_conclusion(reform.pk)
    assert found is not None
    assert found["grade"] == "excellent" and found["widest_adoption"] == "nation" and found["documents"] == 1
    assert found["problems"] == 1 and found["problems_followed_up"] == 0


# --- follow-up tasks in supervision ------------------------------------------------------------------


def test_an_open_problem_becomes_a_follow_up_task_in_supervision(people, district, reform_factory):
    reform = completed_key(reform_factory)
    review = _written(people, reform)
    problem = review.problems.get()
    due = today() + dt.timedelta(days=60)
    services.file_follow_up(user=people.office, problem=problem, unit=district.sub_a, due_date=due)
    problem.refresh_from_db()
    task = problem.follow_up_task
    assert task is not None and task.reform_id == reform.pk and task.follow_up and task.unit == district.sub_a
    assert task.due_date == due and task.status == TaskStatus.NOT_STARTED
    assert AuditEntry.objects.filter(action="task.create", object_id=str(task.pk)).exists()
    assert AuditEntry.objects.filter(action="lookback.follow_up").exists()
    reform.refresh_from_db()
    assert reform.status == Status.COMPLETED and reform.progress == 100  # the reform stays completed
    # The unit reports on it as on any task; the problem shows the task's status.
    report_services.submit_report(user=people.unit_staff, task=task, percent=40, text="已增派人手")
    problem = LookbackProblem.objects.select_related("follow_up_task").get(pk=problem.pk)
    assert problem.follow_up_task.status == TaskStatus.IN_PROGRESS
    with pytest.raises(ValidationError):
        services.file_follow_up(user=people.office, problem=problem, unit=district.sub_a, due_date=due)
    # A problem with its follow-up task cannot be removed from the review.
    with pytest.raises(ValidationError) as caught:
        services.update_review(user=people.office, review=review, changes={}, problems=[])
    assert "problems" in caught.value.message_dict


def test_a_follow_up_task_refuses_a_past_date_and_another_district_unit(people, reform_factory, other_district):
    review = _written(people, completed_key(reform_factory))
    problem = review.problems.get()
    with pytest.raises(ValidationError) as caught:
        services.file_follow_up(user=people.office, problem=problem, unit=other_district.street, due_date=today() - dt.timedelta(days=1))
    assert {"unit", "due_date"} <= set(caught.value.message_dict)
    assert not Task.objects.exists()


# --- who may -----------------------------------------------------------------------------------------


def test_only_the_district_office_writes(people, other_people, province_office, reform_factory):
    reform = completed_key(reform_factory)
    for user in (people.committee, people.leader_main, people.unit_staff, other_people.office, province_office):
        with pytest.raises(PermissionDenied):
            _review(type("P", (), {"office": user})(), reform)
    review = _written(people, reform)
    for user in (people.committee, people.unit_staff, other_people.office, province_office):
        with pytest.raises(PermissionDenied):
            services.update_review(user=user, review=review, changes={"mechanism": "no"})
        with pytest.raises(PermissionDenied):
            services.conclude_review(user=user, review=review, grade="good", conclusion="x")
    assert AuditEntry.objects.filter(action__startswith="lookback.").count() == 2


def test_who_reads_a_review(people, other_people, province_office, reform_factory):
    review = _review(people, completed_key(reform_factory))
    readers = [people.office, people.committee, people.leader_main, people.unit_staff, people.unit_head, province_office]
    for user in readers:
        assert user.has_perm("evaluation.view_lookback", review), user
    for user in (people.other_staff, people.resident, people.expert, other_people.office, other_people.committee):
        assert not user.has_perm("evaluation.view_lookback", review), user


def test_lists_are_scoped_to_the_district(people, other_people, province_office, reform_factory, other_district):
    mine = completed_key(reform_factory)
    theirs = completed_key(reform_factory, lead_unit=other_district.street, district=other_district.district)
    _review(people, mine)
    services.schedule_review(user=other_people.office, reform=theirs, scheduled_on=today())
    assert [r.reform_id for r in selectors.visible_reviews(people.office)] == [mine.pk]
    assert [r.reform_id for r in selectors.visible_reviews(other_people.office)] == [theirs.pk]
    assert {r.reform_id for r in selectors.visible_reviews(province_office)} == {mine.pk, theirs.pk}
    assert list(selectors.visible_reviews(people.unit_staff)) == []
    assert {r.pk for r in selectors.due_reforms(province_office)} == {mine.pk, theirs.pk}
    assert [r.pk for r in selectors.due_reforms(people.committee)] == [mine.pk]
