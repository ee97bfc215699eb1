"""Expert panels in the API: saving and submitting one's own sheet, the errors (422 naming the
criterion, 409 for a submitted or conflicted sheet), nobody reading another expert's marks before
the panel closes, the office's live progress without marks, district scoping."""

import pytest

from reformledger.evaluation.models import SheetStatus
from reformledger.evaluation.services import panels as panel_services
from tests.clients import errors_by_field
from tests.evaluation.panel_factories import PanelSetup

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(district, people):
    return PanelSetup(district, people, n_experts=5, n_reforms=3)


def _path(setup, *rest):
    return "/".join([f"/panels/{setup.panel.pk}", *map(str, rest)])


def test_save_then_submit_own_sheet(api, setup, people):
    reform = setup.reforms[1]
    r = api.post(_path(setup, "sheets"), people.expert, {"reform": reform.pk, "marks": setup.marks(20, 30, 15, 18)})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "pending" and body["marks"][str(setup.criteria[0].pk)] == "20.0"
    r = api.post(_path(setup, "sheets", body["id"], "submit"), people.expert, {})
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    again = api.post(_path(setup, "sheets", body["id"], "submit"), people.expert, {})
    assert again.status_code == 409 and errors_by_field(again) == {}
    change = api.post(_path(setup, "sheets"), people.expert, {"reform": reform.pk, "marks": setup.marks(1, 1, 1, 1)})
    assert change.status_code == 409


def test_bad_marks_are_422_naming_the_criterion(api, setup, people):
    c = setup.criteria
    r = api.post(_path(setup, "sheets"), people.expert,
                 {"reform": setup.reforms[1].pk, "marks": {str(c[0].pk): 26, str(c[1].pk): 12.25, "nope": 1}})
    assert r.status_code == 422
    fields = errors_by_field(r)
    assert {f"marks.{c[0].pk}", f"marks.{c[1].pk}", "marks.nope"} <= set(fields)
    r = api.post(_path(setup, "sheets"), people.expert, {"reform": setup.reforms[1].pk, "marks": {str(c[0].pk): "x"}})
    assert r.status_code == 422
    sheet = setup.sheet(0, 1)
    incomplete = api.post(_path(setup, "sheets", sheet.pk, "submit"), people.expert, {"marks": {str(c[0].pk): 10}})
    assert incomplete.status_code == 422 and f"marks.{c[1].pk}" in errors_by_field(incomplete)
    assert not sheet.marks.exists()


def test_conflicted_sheet_is_409(api, setup):
    sheet = setup.sheet(1, 0)
    user = sheet.expert.person
    r = api.post(_path(setup, "sheets", sheet.pk, "submit"), user, {"marks": setup.marks(20, 30, 15, 15)})
    assert r.status_code == 409 and "conflict" in r.json()["detail"]


def test_reform_not_in_the_panel_is_422(api, setup, people, reform_factory):
    other = reform_factory(code="ELSE-1")
    r = api.post(_path(setup, "sheets"), people.expert, {"reform": other.pk, "marks": {}})
    assert r.status_code == 422 and "reform" in errors_by_field(r)


def test_experts_never_read_each_others_marks(api, setup, people):
    mine = setup.sheet(0, 1)
    theirs = setup.sheet(2, 1)
    api.post(_path(setup, "sheets", theirs.pk, "submit"), theirs.expert.person, {"marks": setup.marks(25, 35, 20, 20)})
    assert api.get(_path(setup, "sheets", theirs.pk), people.expert).status_code == 404
    assert api.post(_path(setup, "sheets", theirs.pk, "submit"), people.expert, {}).status_code == 404
    panel = api.get(_path(setup), people.expert).json()
    assert {s["id"] for s in panel["my_sheets"]} == {s.pk for s in setup.panel.sheets.filter(expert=setup.experts[0])}
    assert panel["results"] is None and panel["progress"] is None
    assert mine.pk in {s["id"] for s in panel["my_sheets"]}
    assert theirs.pk not in {s["id"] for s in panel["my_sheets"]}


def test_office_sees_progress_live_but_marks_only_after_close(api, setup, people):
    sheet = setup.sheet(2, 1)
    api.post(_path(setup, "sheets", sheet.pk, "submit"), sheet.expert.person, {"marks": setup.marks(25, 35, 20, 20)})
    body = api.get(_path(setup), people.office).json()
    assert body["progress"]["submitted"] == 1 and body["progress"]["pending"] == 13 and body["progress"]["excluded"] == 1
    assert body["results"] is None and body["my_sheets"] == []
    assert api.get(_path(setup, "sheets", sheet.pk), people.office).json()["marks"] is None
    panel_services.close_panel(user=people.office, panel=setup.panel)
    body = api.get(_path(setup), people.office).json()
    assert body["results"][0]["reform"] == setup.reforms[1].pk and body["results"][0]["score"] == 100
    assert api.get(_path(setup, "sheets", sheet.pk), people.office).json()["marks"][str(setup.criteria[0].pk)] == "25.0"
    # and the members read the results after close
    assert api.get(_path(setup), people.expert).json()["results"] is not None


def test_office_cannot_score_and_outsiders_get_404(api, setup, people, other_people, province_office):
    sheet = setup.sheet(0, 1)
    body = {"reform": setup.reforms[1].pk, "marks": setup.marks(1, 1, 1, 1)}
    assert api.post(_path(setup, "sheets"), people.office, body).status_code == 403
    assert api.post(_path(setup, "sheets", sheet.pk, "submit"), people.office, {}).status_code == 403
    assert api.post(_path(setup, "sheets"), province_office, body).status_code == 403
    for outsider in (other_people.office, people.unit_staff, people.resident):
        assert api.get(_path(setup), outsider).status_code == 404
        assert api.post(_path(setup, "sheets"), outsider, body).status_code == 404
    assert api.get(_path(setup), None).status_code == 401
    assert api.get(_path(setup), province_office).status_code == 200


def test_reopen_by_the_office(api, setup, people, province_office):
    sheet = setup.sheet(0, 1)
    api.post(_path(setup, "sheets", sheet.pk, "submit"), people.expert, {"marks": setup.marks(20, 30, 15, 15)})
    assert api.post(_path(setup, "sheets", sheet.pk, "reopen"), people.expert, {"reason": "x"}).status_code == 403
    assert api.post(_path(setup, "sheets", sheet.pk, "reopen"), province_office, {"reason": "x"}).status_code == 403
    r = api.post(_path(setup, "sheets", sheet.pk, "reopen"), people.office, {"reason": "笔误"})
    assert r.status_code == 200 and r.json()["status"] == SheetStatus.PENDING


def test_panel_lists_are_scoped_and_counted(api, setup, people, other_people, django_assert_max_num_queries):
    assert api.get("/panels", people.office).json()["count"] == 1
    assert api.get("/panels", people.expert).json()["count"] == 1
    assert api.get("/panels", other_people.office).json()["count"] == 0
    assert api.get("/panels", people.unit_staff).json()["count"] == 0
    api.get("/panels", people.office)  # warm the token's caches
    with django_assert_max_num_queries(8):
        assert api.get("/panels", people.office).status_code == 200
    with django_assert_max_num_queries(12):
        assert api.get(_path(setup), people.office).status_code == 200


def test_hostile_or_huge_comment_is_refused_or_kept_as_text(api, setup, people):
    big = api.post(_path(setup, "sheets"), people.expert, {"reform": setup.reforms[1].pk, "comment": "x" * 100_000})
    assert big.status_code == 422 and "comment" in errors_by_field(big)
    script = "<script>alert(1)</script>"
    r = api.post(_path(setup, "sheets"), people.expert, {"reform": setup.reforms[1].pk, "comment": script})
    assert r.status_code == 200 and r.json()["comment"] == script  # stored as text; pages escape it
    nul = api.post(_path(setup, "sheets"), people.expert, {"reform": setup.reforms[1].pk, "comment": "a\u0000b"})
    assert nul.status_code == 422
