"""Reform detail with history, the create and edit forms, lifecycle buttons and attachments."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reformledger.core.models import AuditEntry
from reformledger.org.models import Domain
from reformledger.reforms import services
from reformledger.reforms.models import Attachment, Reform, Status, Tier


@pytest.fixture
def reform(reform_factory, district):
    return reform_factory(code="LH-7", title="物业管理改革", status=Status.DRAFT, progress=10,
                          goals="业委会规范化", measures="三步走")


def detail_url(reform) -> str:
    return reverse("reforms:detail", args=[reform.pk])


def edit_url(reform) -> str:
    return reverse("reforms:edit", args=[reform.pk])


# --- detail and history ---------------------------------------------------------------------------


def test_detail_shows_every_field_and_the_history_with_names(client_for, people, reform, district):
    services.update_reform(
        user=people.office,
        reform=reform,
        data={"co_units": [district.sub_b, district.department], "responsible_leader": people.leader_main,
              "domain": Domain.objects.get(code="public-services")},
    )
    services.transition_reform(user=people.unit_staff, reform=reform, to_status=Status.PROPOSED, note="请审议")
    response = client_for(people.office).get(detail_url(reform))
    html = response.content.decode()
    for text in ["物业管理改革", "LH-7", "业委会规范化", "三步走", "桂园街道", "黄贝街道", "区卫生健康局", "leader_main"]:
        assert text in html
    history = response.context["history"]
    assert [row["entry"].action for row in history] == ["reform.transition", "reform.update"]
    transition, update = history
    assert transition["who"] == "unit_staff"
    assert transition["note"] == "请审议"
    assert transition["changes"] == [{"label": "Status", "before": "Draft", "after": "Proposed"}]
    by_label = {change["label"]: change for change in update["changes"]}
    assert sorted(by_label["Co-units"]["after"].split(", ")) == sorted(["黄贝街道", "区卫生健康局"])
    assert by_label["Responsible leader"] == {"label": "Responsible leader", "before": "—", "after": "leader_main"}
    assert by_label["Domain"]["after"] == Domain.objects.get(code="public-services").name
    assert "请审议" in html


def test_history_resolves_names_in_bulk_whatever_its_length(client_for, people, reform, district,
                                                          django_assert_max_num_queries):
    units = [district.sub_b, district.department, district.community_a]
    for i in range(12):
        services.update_reform(user=people.office, reform=reform, data={"co_units": units[: 1 + i % 3],
                                                                           "title": f"改革{i}"})
    client = client_for(people.office)
    client.get(detail_url(reform))
    # session, user, actor, reform, co-units, attachments, history, units and users named,
    # plus the permission checks: constant, not one per history row.
    with django_assert_max_num_queries(14):
        response = client.get(detail_url(reform))
    assert len(response.context["history"]) == 12


def test_lifecycle_buttons_follow_the_rules(client_for, people, reform):
    html = client_for(people.unit_staff).get(detail_url(reform)).content.decode()
    assert 'name="to" value="proposed"' in html
    assert 'name="to" value="terminated"' not in html  # only the office may terminate
    office_html = client_for(people.office).get(detail_url(reform)).content.decode()
    assert 'name="to" value="terminated"' in office_html
    reform.co_units.add(people.other_staff.memberships.get().unit)
    co_html = client_for(people.other_staff).get(detail_url(reform)).content.decode()
    assert 'name="to"' not in co_html


# --- transitions ----------------------------------------------------------------------------------


def test_lead_unit_moves_its_reform_along_and_it_is_recorded(client_for, people, reform):
    response = client_for(people.unit_staff).post(
        reverse("reforms:transition", args=[reform.pk]), {"to": "proposed", "note": "准备好了"}
    )
    assert response.status_code == 302
    reform.refresh_from_db()
    assert reform.status == Status.PROPOSED
    entry = AuditEntry.objects.filter(action="reform.transition").get()
    assert entry.changes == {"status": ["draft", "proposed"], "note": "准备好了"}


def test_a_move_the_lifecycle_does_not_allow_changes_nothing(client_for, people, reform):
    client = client_for(people.office)
    response = client.post(reverse("reforms:transition", args=[reform.pk]), {"to": "suspended"}, follow=True)
    reform.refresh_from_db()
    assert reform.status == Status.DRAFT
    assert "cannot go from" in response.content.decode()
    assert not AuditEntry.objects.filter(action="reform.transition").exists()


def test_no_status_button_completes_a_reform(client_for, people, reform_factory):
    """Issue 8 finding 3: "变更为已完成" completed a 51% reform in one click. No button, and a post
    of it is refused with the way to completion (办结); nothing changes."""
    reform = reform_factory(status=Status.IN_PROGRESS, progress=51)
    client = client_for(people.office)
    page = client.get(detail_url(reform))
    assert all(status != Status.COMPLETED for status, _label in page.context["targets"])
    assert 'value="completed"' not in page.content.decode()
    response = client.post(reverse("reforms:transition", args=[reform.pk]), {"to": "completed"}, follow=True)
    assert "completed only through 办结" in response.content.decode()
    reform.refresh_from_db()
    assert (reform.status, reform.progress) == (Status.IN_PROGRESS, 51)
    assert not AuditEntry.objects.filter(action="reform.transition").exists()


def test_committee_approves_but_units_may_not(client_for, people, reform_factory):
    proposed = reform_factory(status=Status.PROPOSED)
    url = reverse("reforms:transition", args=[proposed.pk])
    assert client_for(people.unit_staff).post(url, {"to": "approved"}).status_code == 403
    assert client_for(people.committee).post(url, {"to": "approved"}).status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == Status.APPROVED


def test_other_units_staff_cannot_move_another_units_reform(client_for, people, reform):
    response = client_for(people.other_staff).post(reverse("reforms:transition", args=[reform.pk]), {"to": "proposed"})
    assert response.status_code == 403
    reform.refresh_from_db()
    assert reform.status == Status.DRAFT


def test_transition_needs_post_and_login(client_for, people, reform):
    url = reverse("reforms:transition", args=[reform.pk])
    assert client_for(people.office).get(url).status_code == 405
    assert client_for().post(url, {"to": "proposed"}).status_code == 302  # to the login page
    reform.refresh_from_db()
    assert reform.status == Status.DRAFT


# --- edit -----------------------------------------------------------------------------------------


def test_unit_editor_gets_only_the_unit_fields(client_for, people, reform):
    form = client_for(people.unit_staff).get(edit_url(reform)).context["form"]
    assert set(form.fields) == set(services.UNIT_EDITABLE)
    office_form = client_for(people.office).get(edit_url(reform)).context["form"]
    assert set(office_form.fields) == set(services.OFFICE_EDITABLE)
    assert office_form.initial["title"] == "物业管理改革"


def edit_data(reform, **changes) -> dict:
    data = {
        "title": reform.title,
        "goals": reform.goals,
        "measures": reform.measures,
        "deliverables": reform.deliverables,
        "start_date": reform.start_date.isoformat(),
        "due_date": reform.due_date.isoformat(),
        "public_summary": reform.public_summary,
    }
    data.update(changes)
    return data


def test_unit_editor_saves_through_the_service(client_for, people, reform, district):
    # Issue 8 finding 2: the edit form set the progress (42 -> 90). It has no progress field, and a
    # progress posted anyway is ignored: nothing of it is written.
    form = client_for(people.unit_staff).get(edit_url(reform)).context["form"]
    assert "progress" not in form.fields
    response = client_for(people.unit_staff).post(
        edit_url(reform), edit_data(reform, title="物业管理改革（二期）", progress=90, co_units=[district.sub_b.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(reform)
    reform.refresh_from_db()
    assert reform.title == "物业管理改革（二期）"
    assert reform.progress == 10
    assert list(reform.co_units.values_list("code", flat=True)) == ["lh-huangbei"]
    entry = AuditEntry.objects.get(action="reform.update")
    assert "progress" not in entry.changes


def test_office_only_fields_posted_by_a_unit_are_ignored(client_for, people, reform, district):
    client_for(people.unit_staff).post(
        edit_url(reform), edit_data(reform, lead_unit=district.sub_b.pk, tier="key", code="HACK")
    )
    reform.refresh_from_db()
    assert (reform.lead_unit_id, reform.tier, reform.code) == (district.sub_a.pk, Tier.MICRO, "LH-7")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"due_date": "2017-01-01"}, "due_date", "before the start date"),
        ({"title": ""}, "title", "required"),
        ({"start_date": "not a date"}, "start_date", "valid date"),
    ],
)
def test_validation_errors_are_shown_on_the_field_and_nothing_is_written(client_for, people, reform, changes,
                                                                         field, message):
    before = Reform.objects.values().get(pk=reform.pk)
    entries = AuditEntry.objects.count()
    response = client_for(people.unit_staff).post(edit_url(reform), edit_data(reform, **changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert 'aria-invalid="true"' in html
    assert Reform.objects.values().get(pk=reform.pk) == before
    assert AuditEntry.objects.count() == entries


def test_lead_unit_cannot_also_be_a_co_unit(client_for, people, reform, district):
    response = client_for(people.unit_staff).post(edit_url(reform), edit_data(reform, co_units=[district.sub_a.pk]))
    assert response.status_code == 400
    assert "cannot also be a co-unit" in " ".join(response.context["form"].errors["co_units"])


def test_other_units_staff_post_to_another_units_reform_is_refused(client_for, people, reform):
    response = client_for(people.other_staff).post(edit_url(reform), edit_data(reform, title="改掉"))
    assert response.status_code == 403
    reform.refresh_from_db()
    assert reform.title == "物业管理改革"


def test_completed_reform_is_locked_for_everyone(client_for, people, reform_factory):
    """Only an approved change request changes a completed reform (supervision)."""
    done = reform_factory(status=Status.COMPLETED, progress=100)
    assert client_for(people.unit_staff).get(edit_url(done)).status_code == 403
    assert client_for(people.unit_staff).post(edit_url(done), edit_data(done, title="x")).status_code == 403
    assert client_for(people.office).get(edit_url(done)).status_code == 403
    assert client_for(people.office).post(edit_url(done), edit_data(done, title="x")).status_code == 403


# --- create ---------------------------------------------------------------------------------------


def create_data(**changes) -> dict:
    data = {
        "code": "LH-NEW-1",
        "title": "新改革",
        "tier": "micro",
        "year": 2019,
        "domain": Domain.objects.get(code="industry").pk,
        "start_date": "2019-01-01",
        "due_date": "2019-12-31",
        "progress": 0,
    }
    data.update(changes)
    return data


def test_unit_creates_a_draft_reform_its_unit_leads(client_for, people, district):
    response = client_for(people.unit_staff).post(reverse("reforms:create"), create_data(lead_unit=district.sub_a.pk))
    created = Reform.objects.get(code="LH-NEW-1")
    assert response["Location"] == detail_url(created)
    assert created.status == Status.DRAFT
    assert created.lead_unit == district.sub_a
    assert AuditEntry.objects.filter(action="reform.create", object_id=str(created.pk)).exists()


def test_units_propose_key_and_micro_reforms_not_upper_level_tasks(client_for, people, district):
    client = client_for(people.unit_staff)
    form = client.get(reverse("reforms:create")).context["form"]
    assert [value for value, _ in form.fields["tier"].choices if value] == ["key", "micro"]
    assert list(form.fields["lead_unit"].queryset) == [district.sub_a]
    response = client.post(reverse("reforms:create"), create_data(tier="upper", lead_unit=district.sub_a.pk))
    assert response.status_code == 400
    assert not Reform.objects.exists()


def test_unit_cannot_create_a_reform_for_another_unit(client_for, people, district):
    response = client_for(people.unit_staff).post(reverse("reforms:create"), create_data(lead_unit=district.sub_b.pk))
    assert response.status_code == 400
    assert "lead_unit" in response.context["form"].errors
    assert not Reform.objects.filter(code="LH-NEW-1").exists()


def test_office_creates_an_upper_level_task_and_needs_its_source_level(client_for, people, district):
    client = client_for(people.office)
    data = create_data(tier="upper", lead_unit=district.department.pk)
    response = client.post(reverse("reforms:create"), data)
    assert response.status_code == 400
    assert "source level" in " ".join(response.context["form"].errors["source_level"])
    assert not Reform.objects.exists()
    response = client.post(reverse("reforms:create"), {**data, "source_level": "provincial"})
    assert response.status_code == 302
    assert Reform.objects.get().source_level == "provincial"


def test_duplicate_code_is_refused_on_the_field(client_for, people, reform, district):
    response = client_for(people.office).post(
        reverse("reforms:create"), create_data(code="LH-7", lead_unit=district.sub_a.pk)
    )
    assert response.status_code == 400
    assert "code" in response.context["form"].errors


# --- attachments ----------------------------------------------------------------------------------


def test_lead_unit_uploads_attachments_and_only_public_ones_reach_the_portal(client_for, people, reform_factory):
    reform = reform_factory(status=Status.IN_PROGRESS)
    client = client_for(people.unit_staff)
    url = reverse("reforms:attach", args=[reform.pk])
    client.post(url, {"file": SimpleUploadedFile("方案.pdf", "%PDF-1.4 实施方案".encode())})
    client.post(url, {"file": SimpleUploadedFile("公示.pdf", b"%PDF-1.4 public"), "is_public": "on"})
    private, public = Attachment.objects.order_by("created_at")
    assert (private.is_public, public.is_public) == (False, True)
    assert AuditEntry.objects.filter(action="reform.attach").count() == 2

    download = client.get(reverse("reforms:attachment", args=[reform.pk, private.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == "%PDF-1.4 实施方案".encode()

    anonymous = client_for()
    assert anonymous.get(reverse("portal:attachment", args=[reform.pk, private.pk])).status_code == 404
    public_download = anonymous.get(reverse("portal:attachment", args=[reform.pk, public.pk]))
    assert public_download.status_code == 200
    portal_html = anonymous.get(reverse("portal:detail", args=[reform.pk])).content.decode()
    assert "公示.pdf" in portal_html and "方案.pdf" not in portal_html


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<script>alert(1)</script>"),
        ("evil.pdf", b"MZ\x90\x00 a Windows program"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n a png named pdf"),
        ("notes.txt", b"plain text"),
    ],
)
def test_an_attachment_must_be_what_its_name_says_and_an_office_kind(client_for, people, reform_factory, name, content):
    reform = reform_factory(status=Status.IN_PROGRESS)
    response = client_for(people.unit_staff).post(
        reverse("reforms:attach", args=[reform.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code in (302, 400)
    assert not Attachment.objects.exists()
    assert not AuditEntry.objects.filter(action="reform.attach").exists()


def test_other_units_staff_cannot_upload_or_download(client_for, people, reform):
    attachment = services.add_attachment(user=people.office, reform=reform,
                                         uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    client = client_for(people.other_staff)
    response = client.post(reverse("reforms:attach", args=[reform.pk]), {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 y")})
    assert response.status_code == 403
    assert Attachment.objects.count() == 1
    assert client.get(reverse("reforms:attachment", args=[reform.pk, attachment.pk])).status_code == 404


def test_dates_are_shown_in_the_local_format(client_for, people, reform_factory):
    reform = reform_factory(start_date=dt.date(2018, 3, 1), due_date=dt.date(2018, 11, 30))
    html = client_for(people.office).get(detail_url(reform)).content.decode()
    assert "Nov. 30, 2018" in html


def test_saving_the_form_keeps_a_responsible_leader_nobody_touched(client_for, people, reform_factory):
    reform = reform_factory(responsible_leader=people.unit_head)
    client = client_for(people.office)
    form = client.get(reverse("reforms:edit", args=[reform.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["co_units"] = [u.pk for u in reform.co_units.all()]
    data["title"] = "改名"
    response = client.post(reverse("reforms:edit", args=[reform.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    reform.refresh_from_db()
    assert (reform.title, reform.responsible_leader) == ("改名", people.unit_head)


def test_a_unit_starts_a_new_reform_as_a_micro_reform_of_its_own_with_a_code(client_for, people, district, reform_factory):
    reform_factory(code="LH-2026-WG-007")
    form = client_for(people.unit_staff).get(reverse("reforms:create")).context["form"]
    assert form.initial["tier"] == "micro"
    assert form.initial["lead_unit"] == district.sub_a.pk
    year = form.initial["year"]
    assert form.initial["code"] == f"LH-{year}-WG-{8 if year == 2026 else 1:03d}"


def test_the_lead_unit_removes_a_wrong_attachment_and_chooses_who_sees_one(client_for, people, reform_factory):
    reform = reform_factory(status=Status.IN_PROGRESS)
    wrong = services.add_attachment(user=people.unit_staff, reform=reform,
                                    uploaded_file=SimpleUploadedFile("错的.pdf", b"%PDF-1.4 wrong"))
    kept = services.add_attachment(user=people.unit_staff, reform=reform,
                                   uploaded_file=SimpleUploadedFile("方案.pdf", b"%PDF-1.4 plan"))
    other = client_for(people.other_staff)
    assert other.post(reverse("reforms:attachment-remove", args=[reform.pk, wrong.pk])).status_code == 403
    assert other.post(reverse("reforms:attachment-public", args=[reform.pk, kept.pk]), {"is_public": "1"}).status_code == 403

    client = client_for(people.unit_staff)
    html = client.get(detail_url(reform)).content.decode()
    assert reverse("reforms:attachment-remove", args=[reform.pk, wrong.pk]) in html
    client.post(reverse("reforms:attachment-remove", args=[reform.pk, wrong.pk]))
    client.post(reverse("reforms:attachment-public", args=[reform.pk, kept.pk]), {"is_public": "1"})
    assert list(reform.attachments.values_list("name", "is_public")) == [("方案.pdf", True)]
    assert AuditEntry.objects.filter(action="reform.detach", changes__attachment=["错的.pdf", None]).exists()
    assert AuditEntry.objects.filter(action="reform.attachment_public").count() == 1
    assert "方案.pdf" in client_for().get(reverse("portal:detail", args=[reform.pk])).content.decode()
    history = client.get(detail_url(reform)).content.decode()
    assert "removed an attachment" in history


# --- issue 8: from approval on, a reform's dates are the office's ---------------------------------------


def test_the_dates_of_a_reform_under_way_are_the_offices(client_for, people, reform):
    reform.status = Status.IN_PROGRESS
    reform.save()
    unit = client_for(people.unit_staff)
    form = unit.get(edit_url(reform)).context["form"]
    assert form.fields["due_date"].widget.attrs.get("readonly") and "reason" not in form.fields
    before = AuditEntry.objects.count()
    refused = unit.post(edit_url(reform), edit_data(reform, due_date="2019-06-30", title="改名"))
    assert refused.status_code == 400 and "due_date" in refused.context["form"].errors
    reform.refresh_from_db()
    assert reform.title != "改名" and AuditEntry.objects.count() == before
    office = client_for(people.office)
    assert "reason" in office.get(edit_url(reform)).context["form"].fields
    office_data = {**edit_data(reform, due_date="2019-06-30"), "code": reform.code, "tier": reform.tier, "year": reform.year,
                   "domain": reform.domain_id, "lead_unit": reform.lead_unit_id}
    no_reason = office.post(edit_url(reform), office_data)
    assert no_reason.status_code == 400 and "reason" in no_reason.context["form"].errors
    saved = office.post(edit_url(reform), {**office_data, "reason": "区委深改委同意延期"})
    assert saved.status_code == 302, saved.context["form"].errors if saved.status_code == 400 else ""
    entry = AuditEntry.objects.filter(action="reform.update").latest("seq")
    assert entry.changes["reason"] == "区委深改委同意延期"
