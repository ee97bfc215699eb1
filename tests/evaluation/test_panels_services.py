"""Expert panels through the services: forming (rubric, members, rule), opening (sheets,
conflicts), scoring alone, submitted sheets immutable, reopening audited, closing, trimmed means
and the totals computed in the database, district scoping."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reformledger.core.models import AuditEntry
from reformledger.evaluation.models import Mark, Panel, PanelState, Sheet, SheetReopening, SheetStatus
from reformledger.evaluation.selectors import scores
from reformledger.evaluation.services import panels as panel_services
from reformledger.evaluation.services import sheets as sheet_services
from tests.evaluation.panel_factories import (
    PanelSetup,
    expert_round,
    micro_reforms,
    pool_expert,
    rubric,
)

pytestmark = pytest.mark.django_db


def _submit(setup, e, r, *points):
    sheet = setup.sheet(e, r)
    return sheet_services.submit_sheet(user=sheet.expert.person, sheet=sheet, marks=setup.marks(*points))


# --- forming -----------------------------------------------------------------------------------------


def test_form_panel_needs_an_expert_round_of_the_office_district(district, people, other_people):
    reforms = micro_reforms(district=district.district, lead_unit=district.sub_b, n=2)
    round_ = expert_round(district=district.district, by=people.office, reforms=reforms)
    with pytest.raises(PermissionDenied):  # another district's office
        panel_services.form_panel(user=other_people.office, round=round_, name="x", criteria=rubric())
    with pytest.raises(PermissionDenied):  # a unit's staff
        panel_services.form_panel(user=people.unit_staff, round=round_, name="x", criteria=rubric())
    panel = panel_services.form_panel(user=people.office, round=round_, name="评审组", criteria=rubric())
    assert panel.state == PanelState.FORMING and panel.district_id == district.district.pk
    assert [c.name for c in panel.criteria.all()] == ["创新性", "实效性", "可复制推广", "群众满意度"]
    with pytest.raises(ValidationError) as exc:
        panel_services.form_panel(user=people.office, round=round_, name="again", criteria=rubric())
    assert "round" in exc.value.message_dict
    assert AuditEntry.objects.filter(action="panel.form", object_id=str(panel.pk)).exists()


def test_province_office_reads_but_cannot_form(district, people, province_office):
    round_ = expert_round(district=district.district, by=people.office)
    with pytest.raises(PermissionDenied):
        panel_services.form_panel(user=province_office, round=round_, name="x", criteria=rubric())


def test_rubric_errors_name_the_row_and_field(district, people):
    round_ = expert_round(district=district.district, by=people.office)
    bad = rubric([("创新性", 25), ("", 35), ("创新性", "-1"), ("x", "12.55")])
    with pytest.raises(ValidationError) as exc:
        panel_services.form_panel(user=people.office, round=round_, name="", criteria=bad, trim_min_experts=2)
    errors = exc.value.message_dict
    assert {"name", "trim_min_experts", "criteria.1.name", "criteria.2.name", "criteria.2.max_points",
            "criteria.3.max_points"} <= set(errors)
    assert not Panel.objects.exists()


def test_opening_needs_a_rubric_of_100_members_and_reforms(district, people):
    setup = PanelSetup(district, people, open_scoring=False)
    panel_services.change_panel(user=people.office, panel=setup.panel, name="x", criteria=rubric([("a", 50), ("b", 40)]),
                                members=setup.experts, trim_min_experts=5)
    with pytest.raises(ValidationError) as exc:
        panel_services.open_scoring(user=people.office, panel=setup.panel)
    assert "criteria" in exc.value.message_dict and "90" in exc.value.message_dict["criteria"][0]
    # weights count: 2 × 50 = 100
    panel_services.change_panel(user=people.office, panel=setup.panel, name="x", criteria=rubric([("a", 50)], weight="2"),
                                members=setup.experts, trim_min_experts=5)
    panel = panel_services.open_scoring(user=people.office, panel=setup.panel)
    assert panel.state == PanelState.SCORING
    assert Sheet.objects.filter(panel=panel).count() == len(setup.experts) * len(setup.reforms)


def test_rubric_members_and_rule_freeze_once_scoring(district, people):
    setup = PanelSetup(district, people)
    with pytest.raises(ValidationError) as exc:
        panel_services.change_panel(user=people.office, panel=setup.panel, name="x", criteria=rubric(),
                                    members=setup.experts, trim_min_experts=3)
    assert "state" in exc.value.message_dict


def test_members_must_be_in_the_district_pool(district, people, other_district, other_people):
    outsider = pool_expert(office=other_people.office, district=other_district.district, username="ft_ex")
    round_ = expert_round(district=district.district, by=people.office)
    with pytest.raises(ValidationError) as exc:
        panel_services.form_panel(user=people.office, round=round_, name="x", criteria=rubric(), members=[outsider])
    assert "members" in exc.value.message_dict


def test_only_people_with_the_expert_role_join_the_pool(district, people):
    with pytest.raises(ValidationError) as exc:
        panel_services.add_expert(user=people.office, district=district.district, person=people.unit_staff,
                                  name="x", affiliation="y", field="z")
    assert "person" in exc.value.message_dict


# --- conflicts of interest -----------------------------------------------------------------------------


def test_conflicted_pairs_are_excluded_and_cannot_be_scored(district, people):
    setup = PanelSetup(district, people)
    excluded = setup.sheet(1, 0)  # expert 1's unit (the department) co-runs reform 0
    assert excluded.status == SheetStatus.EXCLUDED and excluded.conflict == district.department.name
    assert setup.sheet(1, 1).status == SheetStatus.PENDING
    with pytest.raises(ValidationError) as exc:
        sheet_services.submit_sheet(user=excluded.expert.person, sheet=excluded, marks=setup.marks(20, 30, 15, 15))
    assert "status" in exc.value.message_dict
    assert not Mark.objects.filter(sheet=excluded).exists()


def test_lead_unit_is_a_conflict_too(district, people):
    lead = pool_expert(office=people.office, district=district.district, username="lead_ex", unit=district.sub_b)
    setup = PanelSetup(district, people, open_scoring=False)
    panel_services.change_panel(user=people.office, panel=setup.panel, name="x", criteria=rubric(),
                                members=[*setup.experts, lead], trim_min_experts=5)
    panel_services.open_scoring(user=people.office, panel=setup.panel)
    assert set(Sheet.objects.filter(expert=lead).values_list("status", flat=True)) == {SheetStatus.EXCLUDED}


# --- scoring alone, submitted sheets immutable, reopening ----------------------------------------------


def test_an_expert_cannot_write_another_experts_sheet(district, people):
    setup = PanelSetup(district, people)
    theirs = setup.sheet(2, 1)
    with pytest.raises(PermissionDenied):
        sheet_services.save_marks(user=people.expert, sheet=theirs, marks=setup.marks(1, 1, 1, 1))
    with pytest.raises(PermissionDenied):  # nor the office
        sheet_services.submit_sheet(user=people.office, sheet=theirs, marks=setup.marks(1, 1, 1, 1))


def test_marks_are_checked_per_criterion(district, people):
    setup = PanelSetup(district, people)
    sheet = setup.sheet(0, 1)
    c = setup.criteria
    with pytest.raises(ValidationError) as exc:
        sheet_services.submit_sheet(user=people.expert, sheet=sheet, marks={str(c[0].pk): 26, str(c[1].pk): "12.25",
                                                                            str(c[2].pk): -1, "999999": 3})
    errors = exc.value.message_dict
    assert {f"marks.{c[0].pk}", f"marks.{c[1].pk}", f"marks.{c[2].pk}", f"marks.{c[3].pk}", "marks.999999"} == set(errors)
    assert not Mark.objects.filter(sheet=sheet).exists()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.PENDING


def test_draft_then_submit_then_immutable(district, people):
    setup = PanelSetup(district, people)
    sheet = setup.sheet(0, 1)
    c = setup.criteria
    sheet_services.save_marks(user=people.expert, sheet=sheet, marks={str(c[0].pk): "20.5"})
    submitted = sheet_services.submit_sheet(user=people.expert, sheet=sheet, marks={str(c[1].pk): 30, str(c[2].pk): 15, str(c[3].pk): 18})
    assert submitted.status == SheetStatus.SUBMITTED and submitted.submitted_at is not None
    assert scores.sheet_totals(setup.panel)[(setup.reforms[1].pk, setup.experts[0].pk)] == Decimal("83.50")
    for write in (
        lambda: sheet_services.save_marks(user=people.expert, sheet=sheet, marks={str(c[0].pk): 1}),
        lambda: sheet_services.submit_sheet(user=people.expert, sheet=sheet, marks={str(c[0].pk): 1}),
    ):
        with pytest.raises(ValidationError) as exc:
            write()
        assert "status" in exc.value.message_dict
    assert Mark.objects.get(sheet=sheet, criterion=c[0]).points == Decimal("20.5")


def test_reopen_needs_the_office_and_a_reason_and_is_audited(district, people, other_people, province_office):
    setup = PanelSetup(district, people)
    sheet = _submit(setup, 0, 1, 20, 30, 15, 15)
    for outsider in (people.expert, other_people.office, province_office):
        with pytest.raises(PermissionDenied):
            sheet_services.reopen_sheet(user=outsider, sheet=setup.sheet(0, 1), reason="复核")
    with pytest.raises(ValidationError) as exc:
        sheet_services.reopen_sheet(user=people.office, sheet=setup.sheet(0, 1), reason="  ")
    assert "reason" in exc.value.message_dict
    reopening = sheet_services.reopen_sheet(user=people.office, sheet=setup.sheet(0, 1), reason="专家申请更正笔误")
    assert reopening.was_submitted_at == sheet.submitted_at
    entry = AuditEntry.objects.get(action="sheet.reopen", object_id=str(sheet.pk))
    assert entry.actor_id == people.office.pk and entry.changes["reason"] == "专家申请更正笔误"
    again = setup.sheet(0, 1)
    assert again.status == SheetStatus.PENDING
    sheet_services.submit_sheet(user=people.expert, sheet=again, marks=setup.marks(21, 30, 15, 15))
    assert SheetReopening.objects.filter(sheet=sheet).count() == 1


def test_a_closed_panel_changes_no_more(district, people):
    setup = PanelSetup(district, people)
    _submit(setup, 0, 1, 20, 30, 15, 15)
    panel_services.close_panel(user=people.office, panel=setup.panel)
    with pytest.raises(ValidationError):
        sheet_services.submit_sheet(user=people.expert, sheet=setup.sheet(0, 2), marks=setup.marks(1, 1, 1, 1))
    with pytest.raises(ValidationError):
        sheet_services.reopen_sheet(user=people.office, sheet=setup.sheet(0, 1), reason="x")
    with pytest.raises(ValidationError):
        panel_services.close_panel(user=people.office, panel=setup.panel)
    with pytest.raises(ValidationError):
        panel_services.change_panel(user=people.office, panel=setup.panel, name="x", criteria=rubric(), members=[],
                                    trim_min_experts=5)


# --- aggregation -------------------------------------------------------------------------------------


def _score_all(setup, reform_index, totals):
    """Each expert (in order) gives ``total`` as 25/35/20/20 shares... simply: all on criterion 2."""
    for e, total in enumerate(totals):
        sheet = setup.sheet(e, reform_index)
        if sheet.status == SheetStatus.EXCLUDED:
            continue
        innovation = min(total, 25)
        effect = min(total - innovation, 35)
        rest = total - innovation - effect
        sheet_services.submit_sheet(user=sheet.expert.person, sheet=sheet, marks=setup.marks(innovation, effect, min(rest, 20), max(rest - 20, 0)))


def test_trimmed_mean_with_five_experts_drops_the_extremes(district, people):
    setup = PanelSetup(district, people, n_experts=5)
    _score_all(setup, 1, [80, 90, 70, 85, 60])
    project = next(p for p in scores.project_scores(setup.panel, scores.sheet_totals(setup.panel)) if p.reform_id == setup.reforms[1].pk)
    assert project.trimmed and project.score == pytest.approx((80 + 70 + 85) / 3)
    assert {t.expert_id: t.dropped for t in project.totals}[setup.experts[1].pk] == "high"
    assert {t.expert_id: t.dropped for t in project.totals}[setup.experts[4].pk] == "low"


def test_fewer_experts_than_the_rule_are_averaged_whole(district, people):
    setup = PanelSetup(district, people, n_experts=5)
    _score_all(setup, 0, [80, 0, 70, 85, 60])  # expert 1 is excluded on reform 0: four totals
    project = next(p for p in scores.project_scores(setup.panel, scores.sheet_totals(setup.panel)) if p.reform_id == setup.reforms[0].pk)
    assert not project.trimmed and project.score == pytest.approx((80 + 70 + 85 + 60) / 4)
    assert project.excluded == [(setup.experts[1].pk, district.department.name)]


def test_the_rule_is_per_panel(district, people):
    setup = PanelSetup(district, people, n_experts=4, trim_min_experts=3)
    _score_all(setup, 1, [80, 90, 70, 60])
    project = next(p for p in scores.project_scores(setup.panel, scores.sheet_totals(setup.panel)) if p.reform_id == setup.reforms[1].pk)
    assert project.trimmed and project.score == pytest.approx(75)


def test_ranking_and_report_queries(district, people, django_assert_max_num_queries):
    setup = PanelSetup(district, people, n_experts=5, n_reforms=3)
    _score_all(setup, 1, [80, 90, 70, 85, 60])
    _score_all(setup, 2, [90, 95, 85, 92, 88])
    with django_assert_max_num_queries(7):
        report = scores.panel_report(setup.panel)
    assert [p.reform_id for p in report.projects][:2] == [setup.reforms[2].pk, setup.reforms[1].pk]
    assert report.projects[0].rank == 1 and report.projects[1].rank == 2 and report.projects[2].score is None
    assert report.agreement.alpha is not None
    assert report.progress.totals["excluded"] == 1
    assert report.lines[(setup.reforms[1].pk, setup.experts[0].pk)][setup.criteria[0].pk] == Decimal(25)
