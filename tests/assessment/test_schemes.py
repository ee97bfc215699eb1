"""Schemes and rules: validated on save (the error names the clause and the field), written by the
office of the district only, frozen once published, revised by a new revision; YAML round trip."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reformledger.assessment.models import Rule, Scheme, SchemeState
from reformledger.assessment.services import schemes
from reformledger.core.models import AuditEntry

pytestmark = pytest.mark.django_db

BASE = {"clause": "1", "title": "基础分", "kind": "base", "params": {"points": 60}}


def _error(scheme, people, **rule) -> str:
    with pytest.raises(ValidationError) as caught:
        schemes.save_rule(user=people.office, scheme=scheme, **{**BASE, **rule})
    return " ".join(caught.value.messages)


@pytest.mark.parametrize(("rule", "words"), [
    ({"kind": "bonus"}, "Rule 1, kind: unknown kind “bonus”"),
    ({"params": {"pts": 1}}, "unknown parameter “pts”"),
    ({"params": {"points": "many"}}, "params.points: a number is needed"),
    ({"cap": D(-1)}, "Rule 1, cap: a cap must not be negative"),
    ({"floor": D(5), "cap": D(2)}, "the cap is below the floor"),
    ({"kind": "public_rating", "params": {"bands": [{"from": 4, "to": 5, "points": 1}, {"from": 4.5, "to": 6, "points": 2}]}},
     "bands 4.0–5.0 and 4.5–6.0 overlap"),
    ({"kind": "reform_outcome", "params": {"tiers": {"key": {"done": 1}}}}, "unknown entry “done”"),
    ({"kind": "reform_outcome", "params": {"tiers": {"key": {"completed_on_time": 1}}, "expert_bands": [
        {"from": 80, "to": 90, "points": 1}, {"from": 85, "to": 100, "points": 2}]}}, "overlap"),
    ({"kind": "expression", "params": {}, "expression": "reforms_led +"}, "Rule 1: the expression does not parse"),
    ({"kind": "expression", "params": {}, "expression": "budget * 2"}, "unknown variable “budget”"),
    ({"kind": "expression", "params": {}, "expression": "__import__('os').system('x')"}, "Rule 1: the expression"),
    ({"kind": "imported", "params": {"values": {"nowhere": 3}}}, "no unit with the code “nowhere”"),
    ({"kind": "interpolated", "params": {"variable": "reforms_led", "baseline": 2, "challenge": 2, "points": 1}}, "must differ"),
    ({"kind": "rank_ladder", "params": {"variable": "nothing", "ladder": [1]}}, "unknown variable “nothing”"),
    ({"unit_kinds": ["planet"]}, "unknown unit kind “planet”"),
])
def test_bad_rules_are_refused_naming_clause_and_field_and_nothing_is_written(make_scheme, people, rule, words):
    scheme = make_scheme()
    assert words in _error(scheme, people, **rule)
    assert not Rule.objects.exists()


def test_a_clause_is_unique_in_its_scheme(make_scheme, people):
    scheme = make_scheme([BASE])
    assert "Clause 1 is already in the scheme" in _error(scheme, people, title="另一条")


def test_scheme_fields_are_checked(district, people):
    with pytest.raises(ValidationError, match="noise margin"):
        schemes.create_scheme(user=people.office, district=district.district, year=2018, title="方案", unit_kinds=["sub_district"],
                              noise_margin=D(-1))
    with pytest.raises(ValidationError, match="cap is below the floor"):
        schemes.create_scheme(user=people.office, district=district.district, year=2018, title="方案", unit_kinds=["sub_district"],
                              floor=D(10), cap=D(5))
    assert not Scheme.objects.exists()


@pytest.mark.parametrize("who", ["unit_staff", "unit_head", "committee", "leader_main"])
def test_only_the_districts_office_writes_schemes(district, people, who):
    with pytest.raises(PermissionDenied):
        schemes.create_scheme(user=getattr(people, who), district=district.district, year=2018, title="方案", unit_kinds=["sub_district"])


def test_another_districts_office_and_the_province_office_may_not_write(district, people, other_people, province_office, make_scheme):
    scheme = make_scheme([BASE])
    for user in (other_people.office, province_office):
        with pytest.raises(PermissionDenied):
            schemes.save_rule(user=user, scheme=scheme, **{**BASE, "clause": "2"})
        with pytest.raises(PermissionDenied):
            schemes.adopt_scheme(user=user, scheme=scheme)
    assert scheme.rules.count() == 1


def test_adopted_and_frozen_schemes_change_only_through_a_new_revision(make_scheme, people):
    scheme = make_scheme([BASE], adopt=True)
    assert "start a new revision" in _error(scheme, people, clause="2")
    with pytest.raises(ValidationError):
        schemes.update_scheme(user=people.office, scheme=scheme, title="改名")
    Scheme.objects.filter(pk=scheme.pk).update(state=SchemeState.FROZEN)
    scheme.refresh_from_db()
    with pytest.raises(ValidationError, match="new revision"):
        schemes.delete_rule(user=people.office, rule=scheme.rules.get())
    revision = schemes.revise_scheme(user=people.office, scheme=scheme)
    assert (revision.revision, revision.state, revision.rules.count()) == (2, SchemeState.DRAFT, 1)
    schemes.save_rule(user=people.office, scheme=revision, **{**BASE, "clause": "2", "title": "加分"})
    assert scheme.rules.count() == 1 and revision.rules.count() == 2


def test_adopting_needs_rules_and_is_audited(make_scheme, people):
    with pytest.raises(ValidationError, match="has no rules"):
        schemes.adopt_scheme(user=people.office, scheme=make_scheme())
    scheme = make_scheme([BASE], adopt=True)
    assert scheme.state == SchemeState.ADOPTED and scheme.adopted_by == people.office
    assert AuditEntry.objects.filter(action="assessment.scheme_adopt", object_id=str(scheme.pk)).exists()


YAML = """
title: 2018年度改革考评方案
year: 2018
unit_kinds: [sub_district, department]
noise_margin: 0.5
floor: 0
cap: 120
rules:
  - clause: "1.1"
    title: 基础分
    kind: base
    params: {points: 60}
  - clause: "2.1"
    title: 改革成效
    kind: reform_outcome
    department: 区委改革办
    params:
      tiers: {key: {completed_on_time: 4, completed_late: 2, not_completed: -2, terminated: -3}}
      co_unit_weight: 0.5
      expert_bands: [{from: 90, to: 101, points: 2}]
  - clause: "3.1"
    title: 逾期扣分
    kind: lateness
    params: {per: task_month, points: -0.5}
    floor: -10
  - clause: "4.1"
    title: 综合
    kind: expression
    expression: "min(5, reforms_led)"
    unit_kinds: [sub_district]
"""


def test_yaml_round_trip(district, people):
    scheme = schemes.import_scheme_yaml(user=people.office, district=district.district, text=YAML)
    assert scheme.rules.count() == 4 and scheme.noise_margin == D("0.5") and scheme.cap == 120
    text = schemes.export_scheme_yaml(scheme=scheme)
    again = schemes.import_scheme_yaml(user=people.office, district=district.district, text=text)
    assert again.revision == 2
    assert schemes.export_scheme_yaml(scheme=again) == text
    rule = again.rules.get(clause="3.1")
    assert (rule.kind, rule.floor, rule.params) == ("lateness", D(-10), {"per": "task_month", "points": -0.5})


@pytest.mark.parametrize(("text", "words"), [
    ("title: [", "not valid YAML"),
    ("- a\n- b", "must hold a mapping"),
    ("title: x\nyear: 2018\nunit_kinds: [sub_district]\nrules:\n  - {clause: '1', title: a, kind: base, params: {points: 1}}\n"
     "  - {clause: '2', title: b, kind: base, params: {points: x}}", "Rule 2, params.points"),
    ("title: x\nyear: 2018\nunit_kinds: [sub_district]\nrules:\n  - {clause: '1', title: a, kind: base, params: {points: 1}}\n"
     "  - {clause: '1', title: b, kind: base, params: {points: 1}}", "Clause 1 appears twice"),
    ("title: x\nyear: 2018\nunit_kinds: [sub_district]\nrules:\n  - {clause: '1', title: a, kind: base, color: red}", "unknown key color"),
    ("title: x\nyear: 2018\nunit_kinds: [sub_district]\nrules: []\nextra: 1", "Unknown key in the scheme file: extra"),
    ("!!python/object/apply:os.system ['true']", "not valid YAML"),
])
def test_bad_yaml_names_the_problem_and_writes_nothing(district, people, text, words):
    with pytest.raises(ValidationError) as caught:
        schemes.import_scheme_yaml(user=people.office, district=district.district, text=text)
    assert words in " ".join(caught.value.messages)
    assert not Scheme.objects.exists() and not Rule.objects.exists()


def test_import_and_export_commands(district, people, tmp_path, capsys):
    from django.core.management import call_command

    source = tmp_path / "scheme.yaml"
    source.write_text(YAML, encoding="utf-8")
    call_command("assessment-scheme", "import", str(source), "--district", "lh")
    out = tmp_path / "out.yaml"
    call_command("assessment-scheme", "export", str(out), "--district", "lh", "--year", "2018")
    scheme = Scheme.objects.get()
    assert out.read_text(encoding="utf-8") == schemes.export_scheme_yaml(scheme=scheme)
    assert AuditEntry.objects.filter(action="assessment.scheme_import", actor_id=people.office.pk).exists()
