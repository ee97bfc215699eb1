"""The reform's page tells its supervision history in words: completion, change requests, urging,
removed tasks; the ids that link the entries to other records stay out of sight."""

import datetime as dt

import pytest
from django.urls import reverse

from reformledger.supervision.services import decisions as decision_services
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services
from tests.clients import english_client
from tests.supervision.conftest import TODAY
from tests.supervision.files import pdf

pytestmark = pytest.mark.django_db


def test_history_shows_supervision_actions_in_words(people, reform, add_task, media):
    task = add_task(reform, title="临时任务")
    task_services.delete_task(user=people.office, task=task)
    report_services.urge(user=people.office, reform=reform, message="请于周五前报送")
    change = decision_services.request_change(
        user=people.unit_staff, reform=reform, proposed={"due_date": TODAY + dt.timedelta(days=260)},
        reason="工程延期", evidence=[pdf("延期说明.pdf"), pdf("会议纪要.pdf")],
    )
    decision_services.decide_change(user=people.office, change_request=change, approve=True, note="同意")
    completion = decision_services.apply_completion(user=people.unit_staff, reform=reform, summary="完成", evidence=[pdf("总结.pdf")])
    decision_services.decide_completion(user=people.office, completion=completion, accept=False, comment="材料不全")

    client = english_client()
    client.force_login(people.office)
    html = client.get(reverse("reforms:detail", args=[reform.pk])).content.decode()
    for words in (
        "removed a task", "临时任务",
        "urged the responsible unit", "请于周五前报送",
        "requested a change", "延期说明.pdf", "会议纪要.pdf",
        "changed the reform by an approved change request",
        "applied for completion", "总结.pdf",
        "returned the application for completion", "材料不全",
    ):
        assert words in html, words
    for internal in ("reform.", "supervision.", "task.delete", "change_request", "Completion", "{&#x27;"):
        assert internal not in html, internal
