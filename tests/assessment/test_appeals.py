"""Appeals (申诉, issue 11 part 3): a unit appeals a line item of its own score in the published,
current version within the window; the office rejects or upholds (a new draft version); the unit
withdraws. Bad input and the wrong person: a clear error, nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone, translation

from reformledger.assessment.models import Appeal, AppealState, AssessmentState
from reformledger.assessment.selectors import appeals as selectors
from reformledger.assessment.services import appeals as services
from reformledger.core.models import AuditEntry
from tests.assessment import factories
from tests.evaluation.test_lookback_concurrency import at_once
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def published(district, people):
    return factories.standard(district, people)


def _file(user, line, **kwargs):
    kwargs.setdefault("reason", "第3条逾期扣分有误：该任务已经批准延期")
    return services.file_appeal(user=user, line_item=line, **kwargs)


def test_unit_staff_appeal_their_own_line_within_the_window(published, district, people):
    line = factories.line_of(published, district.sub_a, "3")
    appeal = _file(people.unit_staff, line, requested_points="0")
    assert appeal.state == AppealState.SUBMITTED
    assert appeal.unit == district.sub_a and appeal.filed_by == people.unit_staff
    assert appeal.requested_points == Decimal("0.000")
    entry = AuditEntry.objects.get(action="appeal.file")
    assert entry.object_id == str(appeal.pk) and entry.changes["line_item"] == [None, line.pk]


def test_unit_head_may_appeal_too(published, district, people):
    appeal = _file(people.unit_head, factories.line_of(published, district.sub_a, "2.1"))
    assert appeal.filed_by == people.unit_head


@pytest.mark.parametrize("who", ["other_staff", "office", "committee", "leader_main", "resident"])
def test_nobody_else_appeals_a_units_line(published, district, people, who):
    line = factories.line_of(published, district.sub_a, "3")
    with pytest.raises(PermissionDenied):
        _file(getattr(people, who), line)
    assert not Appeal.objects.exists()


def test_another_districts_staff_cannot_appeal(published, district, other_people):
    with pytest.raises(PermissionDenied):
        _file(other_people.unit_staff, factories.line_of(published, district.sub_a, "3"))


def test_outside_the_window_is_refused(district, people):
    old = factories.standard(district, people, published_at=timezone.now() - dt.timedelta(days=11))
    with pytest.raises(ValidationError) as caught:
        _file(people.unit_staff, factories.line_of(old, district.sub_a, "3"))
    assert "window closed" in caught.value.message_dict["line_item"][0]
    assert not Appeal.objects.exists() and not AuditEntry.objects.filter(action="appeal.file").exists()


def test_the_last_day_of_the_window_is_still_open(district, people):
    recent = factories.standard(district, people, published_at=timezone.now() - dt.timedelta(days=9, hours=23))
    assert _file(people.unit_staff, factories.line_of(recent, district.sub_a, "3")).pk


def test_a_superseded_version_is_refused(district, people):
    old = factories.standard(district, people, state=AssessmentState.SUPERSEDED)
    with pytest.raises(ValidationError) as caught:
        _file(people.unit_staff, factories.line_of(old, district.sub_a, "3"))
    assert "superseded" in caught.value.message_dict["line_item"][0]


@pytest.mark.parametrize("state", [AssessmentState.DRAFT, AssessmentState.REVIEWED])
def test_an_unpublished_version_is_refused(district, people, state):
    draft = factories.standard(district, people, state=state)
    with pytest.raises(ValidationError) as caught:
        _file(people.unit_staff, factories.line_of(draft, district.sub_a, "3"))
    assert "published" in caught.value.message_dict["line_item"][0]


def test_a_second_open_appeal_on_the_same_line_is_refused(published, district, people):
    line = factories.line_of(published, district.sub_a, "3")
    _file(people.unit_staff, line)
    with pytest.raises(ValidationError) as caught:
        _file(people.unit_head, line)
    assert "already has an open appeal" in caught.value.message_dict["line_item"][0]
    assert Appeal.objects.count() == 1


def test_after_withdrawing_the_line_may_be_appealed_again(published, district, people):
    line = factories.line_of(published, district.sub_a, "3")
    first = _file(people.unit_staff, line)
    services.withdraw_appeal(user=people.unit_head, appeal=first)
    assert _file(people.unit_staff, line).pk != first.pk


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"reason": "  "}, "reason"),
    ({"reason": "x" * 5001}, "reason"),
    ({"requested_points": "abc"}, "requested_points"),
    ({"requested_points": "1e9"}, "requested_points"),
    ({"requested_points": "NaN"}, "requested_points"),
    ({"requested_points": "-1"}, "requested_points"),  # what the line already gives
])
def test_bad_input_names_the_field(published, district, people, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        _file(people.unit_staff, factories.line_of(published, district.sub_a, "3"), **kwargs)
    assert field in caught.value.message_dict
    assert not Appeal.objects.exists()


def test_office_rejects_with_reasons(published, district, people):
    appeal = _file(people.unit_staff, factories.line_of(published, district.sub_a, "3"))
    with pytest.raises(ValidationError) as caught:
        services.reject_appeal(user=people.office, appeal=appeal, reasons=" ")
    assert "reasons" in caught.value.message_dict
    done = services.reject_appeal(user=people.office, appeal=appeal, reasons="延期申请未获批准，扣分正确")
    assert done.state == AppealState.REJECTED and done.decided_by == people.office and done.decision
    assert AuditEntry.objects.filter(action="appeal.reject", object_id=str(appeal.pk)).exists()
    with pytest.raises(ValidationError) as again:
        services.reject_appeal(user=people.office, appeal=appeal, reasons="再次")
    assert "state" in again.value.message_dict


@pytest.mark.parametrize("who", ["unit_staff", "committee", "leader_main"])
def test_only_the_office_decides(published, district, people, who):
    appeal = _file(people.unit_staff, factories.line_of(published, district.sub_a, "3"))
    with pytest.raises(PermissionDenied):
        services.reject_appeal(user=getattr(people, who), appeal=appeal, reasons="不予支持")
    assert Appeal.objects.get().state == AppealState.SUBMITTED


def test_province_and_another_district_do_not_decide(published, district, people, province_office, other_people):
    appeal = _file(people.unit_staff, factories.line_of(published, district.sub_a, "3"))
    for user in (province_office, other_people.office):
        with pytest.raises(PermissionDenied):
            services.reject_appeal(user=user, appeal=appeal, reasons="不予支持")


def test_withdraw_by_the_unit_only_while_open(published, district, people):
    appeal = _file(people.unit_staff, factories.line_of(published, district.sub_a, "3"))
    with pytest.raises(PermissionDenied):
        services.withdraw_appeal(user=people.other_staff, appeal=appeal)
    with pytest.raises(PermissionDenied):
        services.withdraw_appeal(user=people.office, appeal=appeal)
    assert services.withdraw_appeal(user=people.unit_staff, appeal=appeal).state == AppealState.WITHDRAWN
    with pytest.raises(ValidationError):
        services.withdraw_appeal(user=people.unit_staff, appeal=appeal)
    assert AuditEntry.objects.filter(action="appeal.withdraw").count() == 1


def test_my_appeals_and_the_queue_are_scoped(published, district, people, other_people, province_office, django_assert_max_num_queries):
    for clause in ("1", "2.1", "3"):
        _file(people.unit_staff, factories.line_of(published, district.sub_a, clause))
    _file(people.other_staff, factories.line_of(published, district.sub_b, "1"))
    assert len(selectors.my_appeals(people.unit_head)) == 3
    assert len(selectors.my_appeals(people.other_staff)) == 1
    assert not selectors.my_appeals(people.office).exists()
    with django_assert_max_num_queries(1):
        queue = list(selectors.appeal_queue(people.office))
        assert [a.line_item.rule.clause for a in queue][:1] == ["1"]  # oldest first
        assert {a.unit.name for a in queue} == {"桂园街道", "黄贝街道"}
    assert len(selectors.appeal_queue(province_office)) == 4
    assert not selectors.appeal_queue(other_people.office).exists()
    with pytest.raises(PermissionDenied):
        selectors.appeal_queue(people.unit_staff)


def test_an_adjustment_line_is_not_appealed(published, district, people):
    line = factories.line_of(published, district.sub_a, "3")
    line.adjustment = "rule"
    line.save(update_fields=["adjustment"])
    with pytest.raises(ValidationError) as caught:
        _file(people.unit_staff, line)
    assert "floor and a cap" in caught.value.message_dict["line_item"][0]


def test_upholding_derives_a_new_draft_carrying_every_upheld_appeal(published, district, people):
    from reformledger.assessment.models import Assessment, LineItem, UnitScore

    late = _file(people.unit_staff, factories.line_of(published, district.sub_a, "3"), requested_points="0")
    base = _file(people.other_staff, factories.line_of(published, district.sub_b, "1"))
    with pytest.raises(ValidationError) as caught:
        services.uphold_appeal(user=people.office, appeal=late, points="", reasons="延期已批准")
    assert "points" in caught.value.message_dict
    first = services.uphold_appeal(user=people.office, appeal=late, points="0", reasons="延期已批准")
    v2 = first.resulting_assessment
    assert first.state == AppealState.UPHELD and v2.state == AssessmentState.DRAFT and v2.version == 2
    line = LineItem.objects.get(assessment=v2, unit=district.sub_a, rule__clause="3")
    assert line.points == 0 and f"Changed on appeal {late.pk}" in line.explanation
    assert UnitScore.objects.get(assessment=v2, unit=district.sub_a).score == Decimal("105")
    second = services.uphold_appeal(user=people.office, appeal=base, points="101", reasons="漏计")
    v3 = second.resulting_assessment
    assert v3.version == 3
    scores = dict(UnitScore.objects.filter(assessment=v3).values_list("unit__code", "score"))
    assert scores == {"lh-guiyuan": Decimal("105"), "lh-huangbei": Decimal("101"), "lh-health": Decimal("100")}
    published.refresh_from_db()
    assert published.state == AssessmentState.PUBLISHED  # the office reviews and publishes the new one
    assert AuditEntry.objects.filter(action="appeal.uphold").count() == 2
    assert AuditEntry.objects.filter(action="assessment.derive").count() == 2
    assert Assessment.objects.count() == 3


def test_upholding_against_a_superseded_version_is_refused(published, district, people):
    appeal = _file(people.unit_staff, factories.line_of(published, district.sub_a, "3"))
    published.state = AssessmentState.SUPERSEDED
    published.save(update_fields=["state"])
    with pytest.raises(ValidationError) as caught:
        services.uphold_appeal(user=people.office, appeal=appeal, points="0", reasons="支持")
    assert "superseded" in caught.value.message_dict["state"][0]
    assert Appeal.objects.get().state == AppealState.SUBMITTED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are a PostgreSQL matter")
def test_two_appeals_of_one_line_at_once_make_one(district, people):
    from reformledger.assessment.models import LineItem
    from reformledger.org.models import User

    line_pk = factories.line_of(factories.standard(district, people), district.sub_a, "3").pk

    def appeal(person_pk):
        return lambda: services.file_appeal(
            user=User.objects.get(pk=person_pk), line_item=LineItem.objects.get(pk=line_pk), reason="同时申诉"
        )

    results = at_once(appeal(people.unit_staff.pk), appeal(people.unit_head.pk))
    made = [r for r in results if isinstance(r, Appeal)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "line_item" in refused[0].message_dict
    assert Appeal.objects.count() == 1 and AuditEntry.objects.filter(action="appeal.file").count() == 1


def test_a_draft_line_is_not_shown_to_the_unit_before_publication(district, people):
    """The appeal form is for published figures: a draft's line (ids are guessable) is 404 to the
    unit it scores, as it is to everyone else."""
    draft = factories.standard(district, people, state=AssessmentState.DRAFT)
    line = factories.line_of(draft, district.sub_a, "3")
    with pytest.raises(Http404):
        selectors.appealable_line(people.unit_staff, line.pk)


def test_the_office_does_not_decide_an_appeal_of_a_unit_it_also_works_in(published, district, people):
    appeal = _file(people.unit_staff, factories.line_of(published, district.sub_a, "3"))
    MembershipFactory(user=people.office, unit=district.sub_a, role="unit_staff")
    with pytest.raises(PermissionDenied):
        services.reject_appeal(user=people.office, appeal=appeal, reasons="不予支持")
    assert Appeal.objects.get().state == AppealState.SUBMITTED
