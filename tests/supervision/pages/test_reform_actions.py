"""The reform's page and its task tree offer what the person may do about its supervision."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reformledger.reforms.models import Reform, Status
from reformledger.supervision.services import decisions as decision_services
from tests.clients import english_client

pytestmark = pytest.mark.django_db

ORDER, APPLY, CHANGE, AWAITS = (
    "Issue a supervision order", "Apply for completion", "Request a change", "The application for completion awaits",
)


def page(user, reform, name="reforms:detail") -> str:
    client = english_client()
    client.force_login(user)
    response = client.get(reverse(name, args=[reform.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["reforms:detail", "supervision:tree"])
def test_each_role_sees_its_actions(people, reform, name):
    office = page(people.office, reform, name)
    assert ORDER in office and CHANGE in office and APPLY not in office
    assert f'{reverse("supervision:order-new")}?reform={reform.pk}' in office
    lead = page(people.unit_staff, reform, name)
    assert APPLY in lead and CHANGE in lead and ORDER not in lead
    assert reverse("supervision:completion-apply", args=[reform.pk]) in lead


def test_a_pending_application_is_shown_not_offered_again(people, reform, media):
    decision_services.apply_completion(
        user=people.unit_staff, reform=reform, summary="完成", evidence=[SimpleUploadedFile("a.pdf", b"%PDF-1.7\n")]
    )
    lead = page(people.unit_staff, reform)
    assert AWAITS in lead and APPLY not in lead


def test_a_completed_reform_offers_only_a_change_request(people, reform):
    Reform.objects.filter(pk=reform.pk).update(status=Status.COMPLETED)
    office = page(people.office, reform)
    assert CHANGE in office and ORDER not in office
    lead = page(people.unit_staff, reform)
    assert CHANGE in lead and APPLY not in lead


def test_a_suspended_reform_offers_no_order(people, reform):
    Reform.objects.filter(pk=reform.pk).update(status=Status.SUSPENDED)
    office = page(people.office, reform)
    assert ORDER not in office and CHANGE in office
