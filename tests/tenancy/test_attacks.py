"""Issue 9, finding 1: with a second district, its office read and patched the first district's
reforms and drafts, returned its units' progress reports, urged its tasks, issued an order that
took a number from the other district's sequence, and saw its figures. Each attack, refused now
(ADR 0025): 404 for every record of another district that a write names (even a public one, which
they read as the public does), 403 for a write that names no record (a new order to another
district's units), and nothing written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reformledger.cockpit import selectors as cockpit
from reformledger.core.models import AuditEntry
from reformledger.org.models import Role
from reformledger.reforms import services as reform_services
from reformledger.reforms.ledger.applying import import_ledger
from reformledger.reforms.models import LedgerImport, Reform, Status
from reformledger.supervision.models import Decision, Order, ProgressReport, Reminder, ReminderKind
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import reports as report_services
from tests.factories import MembershipFactory
from tests.reforms.ledger.conftest import good_row, write

from .conftest import days

#: The second district's people bound to their district: none may touch 罗湖区's work.
OUTSIDERS = ("office", "committee", "leader_main")


def outsider(other_people, role):
    return getattr(other_people, role)


def audit_count() -> int:
    return AuditEntry.objects.count()


# --- reforms and drafts: read and patch -----------------------------------------------------------


@pytest.mark.parametrize("role", OUTSIDERS)
def test_another_district_cannot_read_or_patch_a_draft_through_the_api(role, api, world, other_people):
    user = outsider(other_people, role)
    assert api.get(f"/reforms/{world.draft.pk}", user).status_code == 404
    assert api.get(f"/reforms/{world.proposal.pk}", user).status_code == 404
    before = audit_count()
    assert api.patch(f"/reforms/{world.draft.pk}", user, {"title": "改掉"}).status_code == 404
    # A reform in progress is public: read as the public reads it, but not theirs to name in a write.
    assert api.get(f"/reforms/{world.public.pk}", user).status_code == 200
    assert api.patch(f"/reforms/{world.public.pk}", user, {"title": "改掉"}).status_code == 404
    assert api.post(f"/reforms/{world.proposal.pk}/transition", user, {"status": "approved"}).status_code == 404
    assert api.post(f"/reforms/{world.public.pk}/transition", user, {"status": "suspended"}).status_code == 404
    assert audit_count() == before
    assert Reform.objects.get(pk=world.draft.pk).title == "罗湖的草稿改革"
    assert Reform.objects.get(pk=world.proposal.pk).status == Status.PROPOSED
    codes = [item["code"] for item in api.get("/reforms", user).json()["items"]]
    assert "LH-DRAFT" not in codes and "LH-PROP" not in codes and "LH-PUB" not in codes


@pytest.mark.parametrize("role", OUTSIDERS)
def test_another_district_cannot_open_a_draft_s_pages(role, client, world, other_people):
    client.force_login(outsider(other_people, role))
    assert client.get(reverse("reforms:detail", args=[world.draft.pk])).status_code == 404
    assert client.get(reverse("reforms:edit", args=[world.draft.pk])).status_code == 404
    assert client.get(reverse("supervision:task", args=[world.task.pk])).status_code == 404
    response = client.post(reverse("reforms:edit", args=[world.draft.pk]), {"title": "改掉"})
    assert response.status_code in (403, 404)
    assert Reform.objects.get(pk=world.draft.pk).title == "罗湖的草稿改革"


def test_the_services_refuse_another_district_s_office(world, other_people, district):
    office = other_people.office
    with pytest.raises(PermissionDenied):
        reform_services.update_reform(user=office, reform=world.public, data={"title": "改掉"})
    with pytest.raises(PermissionDenied):
        reform_services.transition_reform(user=office, reform=world.proposal, to_status=Status.APPROVED)
    with pytest.raises(PermissionDenied):  # a reform created in the other district
        reform_services.create_reform(user=office, data={
            "code": "X-1", "title": "越界", "tier": "micro", "year": 2026, "domain": world.public.domain,
            "lead_unit": district.sub_a,
        })
    assert not Reform.objects.filter(code="X-1").exists()


def test_an_office_cannot_move_its_reform_into_another_district(world, people, other_district):
    with pytest.raises(PermissionDenied):
        reform_services.update_reform(user=people.office, reform=world.public, data={"lead_unit": other_district.street})
    assert Reform.objects.get(pk=world.public.pk).district_id == world.public.district_id


# --- progress reports, urging --------------------------------------------------------------------


def test_another_office_cannot_return_a_unit_s_report(api, client, world, other_people):
    office = other_people.office
    body = {"accept": False, "comment": "退回"}
    assert api.post(f"/reports/{world.report.pk}/review", office, body).status_code == 404
    assert api.post("/reports/review", office, {**body, "ids": [world.report.pk]}).status_code == 404
    client.force_login(office)
    client.post(reverse("supervision:report-review", args=[world.report.pk]), {"decision": "return", "comment": "退回"})
    with pytest.raises(PermissionDenied):
        report_services.review_report(user=office, report=world.report, accept=False, comment="退回")
    assert ProgressReport.objects.get(pk=world.report.pk).status == Decision.PENDING
    # Its review queue does not list the other district's reports.
    assert client.get(reverse("supervision:reports")).content.decode().count("罗湖的逾期任务") == 0


def test_another_office_cannot_urge_a_unit_s_task(api, client, world, other_people):
    office = other_people.office
    assert api.post(f"/tasks/{world.task.pk}/urge", office, {"message": "请加快"}).status_code == 404
    client.force_login(office)
    assert client.post(reverse("supervision:task-urge", args=[world.task.pk]), {"message": "请加快"}).status_code == 404
    with pytest.raises(PermissionDenied):
        report_services.urge_tasks(user=office, tasks=[world.task], message="请加快")
    assert not Reminder.objects.filter(kind=ReminderKind.URGE).exists()


# --- orders: to whom, and numbered in which sequence ------------------------------------------------


def test_an_order_goes_only_to_the_office_s_own_district_and_takes_its_own_number(api, world, people, other_people, district, other_district):
    first = order_services.issue_order(user=people.office, title="罗湖一", reply_by=days(5), units=[district.sub_a])
    assert first.number == 1
    office = other_people.office
    response = api.post("/orders", office, {"title": "越界", "reply_by": days(5).isoformat(), "units": [district.sub_a.pk]})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        order_services.issue_order(user=office, title="越界", reply_by=days(5), units=[district.sub_b])
    assert Order.objects.count() == 1
    # Its own order is numbered in its own district's sequence.
    own = order_services.issue_order(user=office, title="福田一", reply_by=days(5), units=[other_district.street])
    assert (own.district_id, own.number) == (other_district.district.pk, 1)
    second = order_services.issue_order(user=people.office, title="罗湖二", reply_by=days(5), units=[district.sub_b])
    assert second.number == 2
    # Each office lists its own district's orders only.
    titles = {item["title"] for item in api.get("/orders", office).json()["items"]}
    assert titles == {"福田一"}


# --- the ledger --------------------------------------------------------------------------------------


def test_an_office_imports_only_its_own_district(world, other_people, tmp_path):
    office = other_people.office
    before = (Reform.objects.count(), audit_count())
    # A new reform of 罗湖区, and an update of 罗湖区's reform moved to 福田区's unit: both row errors.
    path = write(tmp_path / "l.xlsx", [
        good_row(code="NEW-LH", co_units="", responsible_leader=""),
        good_row(code="LH-PUB", district="福田区", lead_unit="园岭街道", co_units="", responsible_leader=""),
    ])
    result = import_ledger(user=office, source=path)
    assert {problem.row for problem in result.problems} == {2, 3}
    assert all("own district" in problem.message for problem in result.problems)
    assert not result.applied
    assert (Reform.objects.count(), audit_count()) == before
    # Its own district's row goes in.
    own = write(tmp_path / "f.xlsx", [good_row(code="NEW-FT", district="福田区", lead_unit="园岭街道", co_units="",
                                             responsible_leader="")])
    assert import_ledger(user=office, source=own).applied
    assert Reform.objects.get(code="NEW-FT").district_id == world.ft_reform.district_id


def test_an_office_sees_only_its_district_s_uploads(client, world, people, other_people, tmp_path):
    client.force_login(people.office)
    upload = write(tmp_path / "x.xlsx", [good_row()])
    with open(upload, "rb") as handle:
        client.post(reverse("reforms:ledger-import"), {"file": handle})
    item = LedgerImport.objects.get()
    client.force_login(other_people.office)
    assert client.get(reverse("reforms:ledger-import-detail", args=[item.pk])).status_code == 404
    assert "x.xlsx" not in client.get(reverse("reforms:ledger-import")).content.decode()


# --- figures: workbench, board, bulletin, catalogue search, inbox ---------------------------------


def test_another_district_sees_none_of_its_figures(client, world, other_people, district):
    client.force_login(other_people.office)
    for url in (reverse("cockpit:workbench"), reverse("supervision:board"), reverse("supervision:orders"),
                reverse("supervision:help"), reverse("supervision:decisions"),
                f"{reverse('reforms:catalogue')}?q=罗湖"):
        page = client.get(url).content.decode()
        assert "罗湖的" not in page, url
    assert 'id="filter-district"' not in client.get(reverse("reforms:catalogue")).content.decode()
    month = days(0).strftime("%Y-%m")
    assert client.get(reverse("supervision:bulletin"), {"period": month}).status_code == 200
    bulletin = client.get(reverse("supervision:bulletin"), {"district": district.district.pk, "period": month})
    assert bulletin.status_code == 400
    assert "福田区" in client.get(reverse("supervision:bulletin")).content.decode()


def test_the_workbench_counts_only_the_office_s_district(world, people, other_people):
    for user, expected in ((people.office, 1), (other_people.office, 0)):
        assert cockpit.reports_waiting(user).count() == expected
        assert cockpit.help_waiting(user).count() == expected
        assert cockpit.warning_counts(user)["red"] == expected
    assert cockpit.proposals_waiting(other_people.committee).count() == 0
    assert cockpit.proposals_waiting(people.committee).count() == 1


def test_the_inbox_tells_only_the_district_s_office(api, world, people, other_people):
    mine = api.get("/inbox", people.office).json()["items"]
    theirs = api.get("/inbox", other_people.office).json()["items"]
    assert mine and not theirs



def test_an_office_member_who_is_also_unit_staff_creates_no_reform_in_a_third_district(
    world, people, other_district, district
):
    """``reforms.add_reform`` on a reform: the office of its district, or staff of its lead unit;
    being staff of some other unit is not enough."""
    MembershipFactory(user=people.office, unit=district.sub_b, role=Role.UNIT_STAFF)
    with pytest.raises(PermissionDenied):
        reform_services.create_reform(user=people.office, data={
            "code": "FT-X-1", "title": "越界", "tier": "micro", "year": 2026, "domain": world.public.domain,
            "lead_unit": other_district.street,
        })
    assert not Reform.objects.filter(code="FT-X-1").exists()
