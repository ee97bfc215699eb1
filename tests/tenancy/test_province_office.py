"""The province reform office (and a superuser, the installation's operator) reads every district
and changes none (ADR 0025): every read answers 200 with both districts' work, every write 403 and
writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reformledger.core.models import AuditEntry
from reformledger.org.models import User
from reformledger.reforms import services as reform_services
from reformledger.reforms.ledger.applying import import_ledger
from reformledger.reforms.models import Status
from reformledger.reforms.selectors import visible_reforms
from reformledger.supervision.selectors.warnings import TaskFilters, warning_list
from reformledger.supervision.services import decisions as decision_services
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import progress as progress_services
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services
from tests.reforms.ledger.conftest import good_row, write

from .conftest import days


@pytest.fixture(params=["province_office", "superuser"])
def reader(request, province_office, reference_data):
    """The province office, and a superuser with no membership (who acts as the province office)."""
    if request.param == "province_office":
        return province_office
    return User.objects.create_superuser(username="root", password="a-long-root-password", email="")


def test_it_reads_every_district(reader, client, world, district, other_district):
    assert set(visible_reforms(reader).values_list("code", flat=True)) >= {"LH-DRAFT", "LH-PUB", "FT-PUB"}
    board = list(warning_list(reader, TaskFilters(district=district.district.pk)))
    assert board == [world.task]
    client.force_login(reader)
    catalogue = client.get(reverse("reforms:catalogue")).content.decode()
    assert "LH-DRAFT" in catalogue and "FT-PUB" in catalogue
    # One district's figures: the catalogue's district filter.
    one = client.get(reverse("reforms:catalogue"), {"district": other_district.district.pk}).content.decode()
    assert "FT-PUB" in one and "LH-DRAFT" not in one and 'id="filter-district"' in one
    for url in (
        reverse("cockpit:workbench"), reverse("supervision:board"), reverse("supervision:orders"),
        reverse("supervision:help"), reverse("reforms:detail", args=[world.draft.pk]),
        reverse("supervision:task", args=[world.task.pk]), reverse("supervision:tree", args=[world.public.pk]),
    ):
        assert client.get(url).status_code == 200, url
    # The bulletin: one district's, chosen with a selector of every district (or all of them together).
    page = client.get(reverse("supervision:bulletin")).content.decode()
    assert "罗湖区" in page and "福田区" in page
    assert client.get(reverse("supervision:bulletin"), {"district": other_district.district.pk, "period": days(0).strftime("%Y-%m")}).status_code == 200


def test_it_reads_through_the_api(reader, api, world):
    assert api.get(f"/reforms/{world.draft.pk}", reader).status_code == 200
    codes = {item["code"] for item in api.get("/reforms", reader).json()["items"]}
    assert {"LH-DRAFT", "LH-PUB", "FT-PUB"} <= codes
    assert api.get(f"/tasks/{world.task.pk}", reader).status_code == 200
    assert api.get("/warnings", reader).status_code == 200


def test_every_write_through_the_api_is_refused(reader, api, world, district):
    api.token(reader)  # issuing the token is audited
    before = AuditEntry.objects.count()
    writes = [
        ("post", "/reforms", {"code": "P-1", "title": "省里", "tier": "micro", "year": 2026,
                              "domain": "government-functions", "lead_unit": district.sub_a.pk}),
        ("patch", f"/reforms/{world.public.pk}", {"title": "改掉"}),
        ("post", f"/reforms/{world.proposal.pk}/transition", {"status": "approved"}),
        ("post", f"/reforms/{world.public.pk}/tasks", {"title": "省里的任务", "unit": district.sub_a.pk,
                                                       "start_date": days(0).isoformat(), "due_date": days(9).isoformat()}),
        ("patch", f"/tasks/{world.task.pk}", {"title": "改掉"}),
        ("post", f"/tasks/{world.task.pk}/urge", {"message": "请加快"}),
        ("post", f"/reports/{world.report.pk}/review", {"accept": True}),
        ("post", "/reports/review", {"accept": True, "ids": [world.report.pk]}),
        ("post", "/orders", {"title": "省令", "reply_by": days(5).isoformat(), "units": [district.sub_a.pk]}),
        ("post", f"/tasks/{world.task.pk}/progress-correction", {"percent": 90, "reason": "核实"}),
        ("post", f"/reforms/{world.public.pk}/change-requests", {"reason": "调整", "changes": {"goals": "新目标"}}),
    ]
    for method, path, body in writes:
        response = getattr(api, method)(path, reader, body)
        assert response.status_code == 403, (path, response.status_code, response.content[:200])
    assert AuditEntry.objects.count() == before


def test_every_service_refuses_it(reader, world, district, tmp_path):
    before = AuditEntry.objects.count()
    refused = [
        lambda: reform_services.update_reform(user=reader, reform=world.public, data={"title": "改掉"}),
        lambda: reform_services.transition_reform(user=reader, reform=world.proposal, to_status=Status.APPROVED),
        lambda: task_services.create_task(user=reader, reform=world.public, title="t", unit=district.sub_a,
                                          start_date=days(0), due_date=days(9)),
        lambda: report_services.review_report(user=reader, report=world.report, accept=True),
        lambda: report_services.urge(user=reader, task=world.task, message="请加快"),
        lambda: order_services.issue_order(user=reader, title="省令", reply_by=days(5), units=[district.sub_a]),
        lambda: progress_services.correct_progress(user=reader, task=world.task, percent=90, reason="核实"),
        lambda: decision_services.reopen_completion(user=reader, reform=world.public, reason="重开"),
        lambda: import_ledger(user=reader, source=write(tmp_path / "l.xlsx", [good_row()])),
    ]
    for write_ in refused:
        with pytest.raises(PermissionDenied):
            write_()
    assert AuditEntry.objects.count() == before


def test_its_pages_offer_no_write(reader, client, world):
    client.force_login(reader)
    assert client.get(reverse("reforms:edit", args=[world.public.pk])).status_code == 403
    assert client.get(reverse("reforms:create")).status_code == 403
    assert client.get(reverse("reforms:ledger-import")).status_code == 403
    assert client.get(reverse("supervision:order-new")).status_code == 403
    assert client.post(reverse("supervision:task-urge", args=[world.task.pk]), {"message": "请加快"}).status_code == 403


def test_a_superuser_still_uses_the_admin_site(client, reference_data):
    root = User.objects.create_superuser(username="root", password="a-long-root-password", email="")
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/org/user/").status_code == 200


def test_its_unit_filter_waits_for_a_district(reader, client, world, district, other_district):
    """A province has tens of thousands of units: the catalogue and the board offer a unit filter
    once a district is chosen, with that district's units only; the board filters by district."""
    client.force_login(reader)
    for name in ("reforms:catalogue", "supervision:board"):
        page = client.get(reverse(name)).content.decode()
        assert 'id="filter-district"' in page and 'id="filter-unit"' not in page, name
        one = client.get(reverse(name), {"district": district.district.pk}).content.decode()
        assert 'id="filter-unit"' in one and district.sub_a.name in one, name
        assert other_district.street.name not in one.split('id="filter-unit"')[1].split("</select>")[0], name
    board = client.get(reverse("supervision:board"), {"district": other_district.district.pk}).content.decode()
    assert world.task.title not in board
    assert world.task.title in client.get(reverse("supervision:board"), {"district": district.district.pk}).content.decode()


def test_its_queues_filter_no_reforms_and_a_district_s_office_still_does(reader, people):
    """The province office sees every reform: the queues of help, completions and change requests
    add no subquery over the province's reforms for it; a district's office keeps its filter."""
    from reformledger.cockpit.selectors import changes_waiting, completions_waiting, help_waiting
    from reformledger.supervision.selectors.decisions import pending_changes, pending_completions

    for queue in (help_waiting, completions_waiting, changes_waiting, pending_completions, pending_changes):
        assert '"reforms_reform" U0' not in str(queue(reader).query), queue.__name__
        assert '"reforms_reform" U0' in str(queue(people.office).query), queue.__name__
