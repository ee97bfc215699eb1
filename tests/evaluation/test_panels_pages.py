"""The expert's and the office's pages of expert panels."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from reformledger.core.models import AuditEntry
from reformledger.evaluation.models import Panel, PanelState, SheetStatus
from reformledger.evaluation.services import sheets as sheet_services
from tests.evaluation.panel_factories import PanelSetup, expert_round, micro_reforms

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(district, people):
    return PanelSetup(district, people, n_experts=5, n_reforms=3)


def _fields(setup, *points):
    return {f"c{c.pk}": p for c, p in zip(setup.criteria, points, strict=True)}


# --- the expert -------------------------------------------------------------------------------------


def test_my_panels_and_my_sheets(client_for, setup, people, django_assert_max_num_queries):
    client = client_for(people.expert)
    client.get("/evaluation/my-panels/")
    with django_assert_max_num_queries(12):
        page = client.get("/evaluation/my-panels/")
    assert page.status_code == 200 and setup.panel.name in page.content.decode()
    with django_assert_max_num_queries(14):
        page = client.get(f"/evaluation/my-panels/{setup.panel.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and setup.reforms[2].code in text
    assert client_for(people.office).get("/evaluation/my-panels/").status_code == 403
    assert client_for(people.resident).get("/evaluation/my-panels/").status_code == 403
    assert client_for(None).get("/evaluation/my-panels/").status_code == 302


def test_scoring_sheet_errors_per_field_and_nothing_saved(client_for, setup, people):
    sheet = setup.sheet(0, 1)
    url = f"/evaluation/my-panels/{setup.panel.pk}/sheets/{sheet.pk}/"
    client = client_for(people.expert)
    page = client.get(url)
    assert page.status_code == 200 and "0 to 35 points" in page.content.decode()
    bad = client.post(url, {**_fields(setup, 26, "abc", 10, 10), "then": "save"})
    assert bad.status_code == 400
    form = bad.context["form"]
    assert set(form.errors) == {f"c{setup.criteria[0].pk}", f"c{setup.criteria[1].pk}"}
    assert not sheet.marks.exists()


def test_save_confirm_submit(client_for, setup, people):
    sheet = setup.sheet(0, 1)
    url = f"/evaluation/my-panels/{setup.panel.pk}/sheets/{sheet.pk}/"
    client = client_for(people.expert)
    r = client.post(url, {**_fields(setup, "20.5", 30, 15, 18), "comment": "<script>alert(1)</script>", "then": "submit"})
    assert r.status_code == 302 and r["Location"].endswith("/submit/")
    confirm = client.get(r["Location"])
    text = confirm.content.decode()
    assert confirm.status_code == 200 and "83.5" in text and "<script>alert" not in text
    done = client.post(r["Location"])
    assert done.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    again = client.post(url, {**_fields(setup, 1, 1, 1, 1), "then": "save"})
    assert again.status_code == 400 and "only the reform office can reopen" in again.content.decode().lower()


def test_another_experts_sheet_is_404(client_for, setup, people):
    theirs = setup.sheet(2, 1)
    client = client_for(people.expert)
    for suffix in ("", "submit/"):
        assert client.get(f"/evaluation/my-panels/{setup.panel.pk}/sheets/{theirs.pk}/{suffix}").status_code == 404
        assert client.post(f"/evaluation/my-panels/{setup.panel.pk}/sheets/{theirs.pk}/{suffix}").status_code == 404
    # the office neither scores nor reads a sheet on the expert's pages
    assert client_for(people.office).get(f"/evaluation/my-panels/{setup.panel.pk}/sheets/{theirs.pk}/").status_code == 404


# --- the office -------------------------------------------------------------------------------------


def test_office_list_and_progress_without_marks(client_for, setup, people, other_people, django_assert_max_num_queries):
    sheet = setup.sheet(2, 1)
    sheet_services.submit_sheet(user=sheet.expert.person, sheet=sheet, marks=setup.marks("24.5", 35, 20, 20))
    client = client_for(people.office)
    client.get("/evaluation/panels/")
    with django_assert_max_num_queries(16):
        assert client.get("/evaluation/panels/").status_code == 200
    url = f"/evaluation/panels/{setup.panel.pk}/"
    client.get(url)
    with django_assert_max_num_queries(24):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "Pending sheets" in text and "Excluded for a conflict of interest" in text
    assert "24.5" not in text and "99.5" not in text  # neither the mark nor the total before close
    assert client_for(other_people.office).get(url).status_code == 404
    assert client_for(people.unit_staff).get(url).status_code == 404
    assert client_for(people.expert).get(url).status_code == 403
    assert client_for(people.office).get(f"/evaluation/panels/{setup.panel.pk}/report.docx").status_code == 403


def test_form_a_panel_page(client_for, district, people):
    reforms = micro_reforms(district=district.district, lead_unit=district.sub_b, n=2)
    round_ = expert_round(district=district.district, by=people.office, reforms=reforms)
    client = client_for(people.office)
    assert client.get("/evaluation/panels/new/").status_code == 200
    bad = client.post("/evaluation/panels/new/", {"round": round_.pk, "name": "", "trim_min_experts": 5,
                                                  "c0_name": "创新性", "c0_max_points": "-3", "c0_weight": "1",
                                                  "c1_name": "创新性", "c1_max_points": "20", "c1_weight": "1"})
    # every field at fault at once: the panel's and the rubric rows'
    assert bad.status_code == 400 and {"name", "c0_max_points", "c1_name"} <= set(bad.context["form"].errors)
    assert not Panel.objects.exists()
    good = client.post("/evaluation/panels/new/", {"round": round_.pk, "name": "组", "trim_min_experts": 5,
                                                   "c0_name": "创新性", "c0_max_points": "25", "c0_weight": "1",
                                                   "c1_name": "实效性", "c1_max_points": "75", "c1_weight": "1"})
    assert good.status_code == 302
    panel = Panel.objects.get()
    assert panel.criteria.count() == 2
    assert client_for(people.unit_staff).get("/evaluation/panels/new/").status_code == 403


def test_open_close_reopen_and_downloads(client_for, setup, people, province_office):
    client = client_for(people.office)
    sheet = setup.sheet(0, 1)
    sheet_services.submit_sheet(user=people.expert, sheet=sheet, marks=setup.marks(20, 30, 15, 15))
    reopen = f"/evaluation/panels/{setup.panel.pk}/sheets/{sheet.pk}/reopen/"
    assert client.post(reopen, {"reason": ""}).status_code == 400
    assert client_for(province_office).post(reopen, {"reason": "x"}).status_code == 403
    assert client.post(reopen, {"reason": "专家申请更正"}).status_code == 302
    assert AuditEntry.objects.filter(action="sheet.reopen").count() == 1
    sheet_services.submit_sheet(user=people.expert, sheet=setup.sheet(0, 1), marks=setup.marks(21, 30, 15, 15))
    assert client.post(f"/evaluation/panels/{setup.panel.pk}/close/").status_code == 302
    setup.panel.refresh_from_db()
    assert setup.panel.state == PanelState.CLOSED
    page = client.get(f"/evaluation/panels/{setup.panel.pk}/").content.decode()
    assert "81.00" in page and "Line by line" in page
    docx = client.get(f"/evaluation/panels/{setup.panel.pk}/report.docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "去掉一个最高分和一个最低分" in text and "Krippendorff" in text
    xlsx = client_for(province_office).get(f"/evaluation/panels/{setup.panel.pk}/report.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["项目排名", "逐项得分", "回避情况", "未提交"]
    assert any(row[0] == setup.reforms[0].code for row in book["回避情况"].iter_rows(values_only=True))


def test_open_scoring_from_the_page(client_for, district, people):
    setup = PanelSetup(district, people, open_scoring=False)
    assert client_for(people.expert).get(f"/evaluation/my-panels/{setup.panel.pk}/").status_code == 404  # forming: not yet theirs
    r = client_for(people.office).post(f"/evaluation/panels/{setup.panel.pk}/open/", follow=True)
    assert r.status_code == 200 and "Scoring is open" in r.content.decode()
    setup.panel.refresh_from_db()
    assert setup.panel.state == PanelState.SCORING
    again = client_for(people.office).post(f"/evaluation/panels/{setup.panel.pk}/open/", follow=True)
    assert "frozen once scoring opens" in again.content.decode()


def test_a_scoring_panel_cannot_be_edited(client_for, setup, people):
    client = client_for(people.office)
    r = client.get(f"/evaluation/panels/{setup.panel.pk}/edit/")
    assert r.status_code == 302 and r["Location"] == f"/evaluation/panels/{setup.panel.pk}/"
    r = client.post(f"/evaluation/panels/{setup.panel.pk}/edit/", {"name": "x", "trim_min_experts": 5})
    assert r.status_code == 302
    setup.panel.refresh_from_db()
    assert setup.panel.name != "x"


def test_editing_a_forming_panel(client_for, district, people):
    setup = PanelSetup(district, people, open_scoring=False)
    client = client_for(people.office)
    page = client.get(f"/evaluation/panels/{setup.panel.pk}/edit/")
    assert page.status_code == 200 and "创新性" in page.content.decode()
    r = client.post(f"/evaluation/panels/{setup.panel.pk}/edit/", {
        "name": "新名称", "trim_min_experts": 3, "members": [e.pk for e in setup.experts[:3]],
        "c0_name": "创新性", "c0_max_points": "50", "c0_weight": "1", "c1_name": "实效性", "c1_max_points": "50", "c1_weight": "1"})
    assert r.status_code == 302
    setup.panel.refresh_from_db()
    assert setup.panel.name == "新名称" and setup.panel.members.count() == 3 and setup.panel.criteria.count() == 2
    assert AuditEntry.objects.filter(action="panel.change", object_id=str(setup.panel.pk)).exists()


def test_experts_find_their_panels_from_every_public_page(client_for, people):
    assert 'href="/evaluation/my-panels/"' in client_for(people.expert).get("/").content.decode()
    assert 'href="/evaluation/my-panels/"' not in client_for(people.resident).get("/").content.decode()
