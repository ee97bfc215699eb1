"""Export -> import: an unchanged export changes nothing; edits apply exactly; new codes create."""

import datetime as dt

from reformledger.core.audit import history_of
from reformledger.core.models import AuditEntry
from reformledger.reforms.ledger.applying import import_ledger
from reformledger.reforms.ledger.format import COLUMNS
from reformledger.reforms.models import Reform, Status
from tests.factories import PlanFactory, UnitFactory, UserFactory

from .conftest import counts, edit, export, good_row, read_rows, write


def test_export_writes_human_values_in_ledger_order(catalogue, people, tmp_path):
    rows = read_rows(export(tmp_path / "out.xlsx", people.office))
    assert rows[0] == [c.header for c in COLUMNS]
    by_code = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    upper = by_code["SJ-2018-01"]
    assert upper["层级"] == "上级任务"
    assert upper["上级任务来源"] == "省级"
    assert upper["状态"] == "已完成"
    assert upper["所属区"] == "罗湖区"
    assert upper["改革领域"] == "公共服务提升"
    assert upper["牵头单位"] == "区卫生健康局"
    assert upper["配合单位"] == "桂园街道、黄贝街道"
    assert upper["责任领导"] == "leader_main"
    assert upper["开始日期"] == dt.datetime(2018, 1, 1)  # a real Excel date
    assert upper["进度(%)"] == 100
    micro = by_code["WG-2018-01"]
    assert micro["开始日期"] is None and micro["上级任务来源"] is None and micro["状态"] == "草稿"


def test_unchanged_export_imports_as_no_change(catalogue, people, tmp_path):
    path = export(tmp_path / "out.xlsx", people.office)
    before = counts()
    stamps = dict(Reform.objects.values_list("code", "updated_at"))
    result = import_ledger(user=people.office, source=path)
    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert counts() == before
    assert dict(Reform.objects.values_list("code", "updated_at")) == stamps


def test_edited_export_applies_exactly_the_edits_and_audits_them(catalogue, people, district, tmp_path):
    path = export(tmp_path / "out.xlsx", people.office)
    edit(
        path,
        {
            ("ZD-2018-01", "进度(%)"): 75,  # not typed: a notice, not applied
            ("ZD-2018-01", "配合单位"): "松园社区、黄贝街道",
            ("WG-2018-01", "状态"): "已提出",  # a move the lifecycle lets the office make
            ("WG-2018-01", "完成时限"): "2019年6月30日",
        },
    )
    audit_before = AuditEntry.objects.count()
    result = import_ledger(user=people.office, source=path)
    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    key = Reform.objects.get(code="ZD-2018-01")
    assert key.progress == 50
    assert [(n.row, n.column) for n in result.notices] == [(4, "进度(%)")]
    assert sorted(key.co_units.values_list("code", flat=True)) == ["lh-guiyuan-c1", "lh-huangbei"]
    micro = Reform.objects.get(code="WG-2018-01")
    assert micro.status == Status.PROPOSED and micro.due_date == dt.date(2019, 6, 30)
    assert AuditEntry.objects.count() == audit_before + 2
    entry = history_of(key).first()
    assert entry.action == "reform.import.update" and entry.actor_name == "office"
    assert entry.changes == {
        "co_units": [[district.community_a.pk], sorted([district.community_a.pk, district.sub_b.pk])],
    }
    assert history_of(micro).first().changes == {
        "status": ["draft", "proposed"],
        "due_date": [None, "2019-06-30"],
    }
    assert not history_of(Reform.objects.get(code="SJ-2018-01")).exists()


def test_new_code_creates_a_reform(people, district, tmp_path):
    path = write(tmp_path / "new.xlsx", [good_row()])
    result = import_ledger(user=people.office, source=path)
    assert result.ok, [str(p) for p in result.problems]
    assert result.created == 1
    reform = Reform.objects.get(code="NEW-001")
    assert reform.lead_unit == district.sub_a and reform.district == district.district
    assert reform.responsible_leader == people.leader_domain
    assert reform.status == Status.IN_PROGRESS and reform.progress == 30
    assert sorted(reform.co_units.values_list("code", flat=True)) == ["lh-guiyuan-c1", "lh-huangbei"]
    entry = history_of(reform).get()
    assert entry.action == "reform.import.create"
    assert entry.changes["code"] == [None, "NEW-001"]


def test_import_accepts_codes_other_spellings_and_reordered_columns(people, district, tmp_path):
    columns = list(reversed(COLUMNS))
    header = [f"  {c.header} " for c in columns]
    header[[c.key for c in columns].index("progress")] = "进度（%）"  # full-width brackets
    values = {
        "code": "K-1",
        "title": "营商环境改革",
        "tier": "Upper",
        "source_level": "national",
        "year": "2019年",
        "district": "lh",
        "domain": "government-functions",
        "lead_unit": "lh-health",
        "co_units": "lh-guiyuan, 黄贝街道；松园社区",
        "responsible_leader": "leader_main",
        "goals": "目标",
        "measures": "",
        "deliverables": None,
        "start_date": "2019/3/5",
        "due_date": "2019年12月31日",
        "status": "in_progress",
        "progress": "45%",
        "public_summary": "摘要",
        "version": "",
    }
    path = write(
        tmp_path / "loose.xlsx", [[values[c.key] for c in columns] + ["备注"]], header=header + ["备注"]
    )
    result = import_ledger(user=people.office, source=path)
    assert result.ok, [str(p) for p in result.problems]
    assert result.warnings == ["The column 备注 is not part of the ledger and was ignored."]
    reform = Reform.objects.get(code="K-1")
    assert (reform.tier, reform.source_level, reform.year) == ("upper", "national", 2019)
    assert reform.lead_unit == district.department and reform.domain.code == "government-functions"
    assert set(reform.co_units.all()) == {district.sub_a, district.sub_b, district.community_a}
    assert (reform.start_date, reform.due_date) == (dt.date(2019, 3, 5), dt.date(2019, 12, 31))
    assert (reform.status, reform.progress) == ("in_progress", 45)


def test_names_that_would_not_come_back_are_exported_as_codes(people, district, reform_factory, tmp_path):
    """Two units of one name, two leaders of one full name, a name with a separator: codes instead."""
    twin_a = UnitFactory(code="lh-c-a", name="新村社区", kind="community", parent=district.sub_a)
    twin_b = UnitFactory(code="lh-c-b", name="新村社区", kind="community", parent=district.sub_b)
    odd = UnitFactory(code="lh-odd", name="党建、宣传办", kind="department", parent=district.district)
    leader = UserFactory(username="li1", full_name="李明")
    UserFactory(username="li2", full_name="李明")
    reform = reform_factory(code="AMB-1", lead_unit=twin_a, responsible_leader=leader)
    reform.co_units.set([twin_b, odd])
    rows = read_rows(export(tmp_path / "amb.xlsx", people.office))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["牵头单位"], row["配合单位"], row["责任领导"]) == ("lh-c-a", "lh-c-b、lh-odd", "li1")
    before = counts()
    result = import_ledger(user=people.office, source=tmp_path / "amb.xlsx")
    assert (result.ok, result.unchanged) == (True, 1)
    assert counts() == before


def test_text_that_only_differs_in_line_endings_is_unchanged(people, reform_factory, tmp_path):
    reform_factory(code="CR-1", goals="第一条\r\n第二条", title="标题")
    path = export(tmp_path / "cr.xlsx", people.office)
    edit(path, {("CR-1", "改革目标"): "第一条\n第二条  "})
    result = import_ledger(user=people.office, source=path)
    assert (result.updated, result.unchanged) == (0, 1)


def test_formulas_in_text_are_written_as_text(people, reform_factory, tmp_path):
    reform_factory(code="F-1", title='=HYPERLINK("http://example.com")')
    path = export(tmp_path / "f.xlsx", people.office)
    assert read_rows(path)[1][1] == '=HYPERLINK("http://example.com")'
    result = import_ledger(user=people.office, source=path)
    assert result.unchanged == 1


def test_a_new_reform_joins_its_years_plan_and_a_changed_year_moves_it(people, district, catalogue, tmp_path):
    plan_2019 = PlanFactory(district=district.district, year=2019, title="2019年改革计划")
    path = write(tmp_path / "plan.xlsx", [good_row()])
    import_ledger(user=people.office, source=path)
    assert Reform.objects.get(code="NEW-001").plan == plan_2019
    path = export(tmp_path / "out.xlsx", people.office)
    edit(path, {("ZD-2018-01", "年度"): 2019})
    result = import_ledger(user=people.office, source=path)
    assert result.updated == 1
    key = Reform.objects.get(code="ZD-2018-01")
    assert (key.year, key.plan) == (2019, plan_2019)
    assert history_of(key).first().changes == {"year": [2018, 2019], "plan": [None, plan_2019.pk]}


def test_dry_run_reports_the_changes_and_writes_nothing(catalogue, people, tmp_path):
    path = export(tmp_path / "out.xlsx", people.office)
    edit(path, {("ZD-2018-01", "牵头单位"): "桂园街道", ("ZD-2018-01", "名称"): "罗湖医改（深化）"})
    before = counts()
    result = import_ledger(user=people.office, source=path, dry_run=True)
    assert (result.created, result.updated, result.unchanged, result.applied) == (0, 1, 2, False)
    assert result.changes == [
        {
            "row": 4,  # sorted by year, then code: SJ, WG, ZD
            "code": "ZD-2018-01",
            "title": "罗湖医改（深化）",
            "action": "update",
            "fields": [
                {"field": "title", "header": "名称", "old": "罗湖医改", "new": "罗湖医改（深化）"},
                {"field": "lead_unit", "header": "牵头单位", "old": "区卫生健康局", "new": "桂园街道"},
            ],
            "conflict": False,
        }
    ]
    assert counts() == before
    assert Reform.objects.get(code="ZD-2018-01").title == "罗湖医改"


def test_the_status_of_a_reform_already_here_moves_only_as_the_lifecycle_lets_the_office(catalogue, people, tmp_path):
    """Changed by issue 8: the ledger used to set any status directly (a completed task back to in
    progress); a reform already here now changes as the pages change it."""
    path = export(tmp_path / "out.xlsx", people.office)
    edit(path, {("SJ-2018-01", "状态"): "推进中", ("WG-2018-01", "状态"): "已提出"})
    before = counts()
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(2, "状态")]
    assert "cannot go from Completed to In progress" in result.problems[0].message
    assert counts() == before
    assert Reform.objects.get(code="SJ-2018-01").status == Status.COMPLETED
    assert Reform.objects.get(code="WG-2018-01").status == Status.DRAFT


def test_optional_columns_left_out_keep_their_values(catalogue, people, tmp_path):
    keep = [c for c in COLUMNS if c.required]
    values = {
        "code": "ZD-2018-01",
        "title": "罗湖医改",
        "tier": "重点改革",
        "year": 2018,
        "district": "罗湖区",
        "domain": "公共服务提升",
        "lead_unit": "区卫生健康局",
    }
    path = write(tmp_path / "min.xlsx", [[values[c.key] for c in keep]], header=[c.header for c in keep])
    result = import_ledger(user=people.office, source=path)
    assert (result.ok, result.unchanged) == (True, 1)
    key = Reform.objects.get(code="ZD-2018-01")
    assert key.measures and key.co_units.exists() and key.responsible_leader is not None
