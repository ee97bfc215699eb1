"""A version's life: reviewed, published (scheme frozen, both hashes in the audit chain, the
previous version superseded), and derived (an upheld appeal's new version)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reformledger.assessment.hashing import scheme_hash
from reformledger.assessment.models import AssessmentPurpose, AssessmentState, SchemeState
from reformledger.assessment.services import computation, schemes, versions
from reformledger.core.audit import verify_chain
from reformledger.core.models import AuditEntry
from tests.assessment.conftest import lines_of, scores_of

pytestmark = pytest.mark.django_db
SUB_A, SUB_B, DEPT = "lh-guiyuan", "lh-huangbei", "lh-health"
RULES = [
    {"clause": "1", "title": "基础分", "kind": "base", "params": {"points": 60}},
    {"clause": "2", "title": "导入", "kind": "imported", "params": {"values": {SUB_A: 30, SUB_B: 25, DEPT: 20}}, "cap": D(28)},
]


def test_publish_freezes_the_scheme_and_writes_both_hashes_to_the_audit_chain(make_scheme, people, publish_version):
    scheme = make_scheme(RULES, adopt=True, cap=D(100))
    published = publish_version(scheme, is_public=True)
    scheme.refresh_from_db()
    assert scheme.state == SchemeState.FROZEN and scheme.content_hash == scheme_hash(scheme)
    assert published.state == AssessmentState.PUBLISHED and published.is_public and len(published.content_hash) == 64
    entry = AuditEntry.objects.get(action="assessment.publish", object_id=str(published.pk))
    assert entry.changes["content_hash"][1] == published.content_hash and entry.changes["scheme_hash"][1] == scheme.content_hash
    assert AuditEntry.objects.filter(action="assessment.scheme_freeze", object_id=str(scheme.pk)).exists()
    assert list(verify_chain()) == []
    with pytest.raises(ValidationError, match="new revision"):
        schemes.save_rule(user=people.office, scheme=scheme, clause="3", title="新", kind="base", params={"points": 1})
    with pytest.raises(ValidationError, match="new revision"):
        schemes.update_scheme(user=people.office, scheme=scheme, cap=D(200))


def test_only_reviewed_official_versions_are_published(make_scheme, people):
    scheme = make_scheme(RULES, adopt=True)
    draft = computation.compute(user=people.office, scheme=scheme)
    with pytest.raises(ValidationError, match="must be reviewed"):
        versions.publish(user=people.office, assessment=draft)
    dry = computation.compute(user=people.office, scheme=scheme, purpose=AssessmentPurpose.DRY_RUN)
    with pytest.raises(ValidationError, match="dry run"):
        versions.review(user=people.office, assessment=dry)
    versions.review(user=people.office, assessment=draft)
    with pytest.raises(ValidationError, match="not a draft"):
        versions.review(user=people.office, assessment=draft)


def test_a_later_publication_supersedes_the_earlier(make_scheme, people, publish_version):
    scheme = make_scheme(RULES, adopt=True)
    first = publish_version(scheme)
    second = publish_version(scheme)
    first.refresh_from_db()
    assert (first.state, second.state, second.previous) == (AssessmentState.SUPERSEDED, AssessmentState.PUBLISHED, first)
    assert first.content_hash == second.content_hash  # same rules, same data
    assert AuditEntry.objects.filter(action="assessment.supersede", object_id=str(first.pk)).exists()


@pytest.mark.parametrize("who", ["unit_staff", "committee"])
def test_only_the_office_reviews_and_publishes(make_scheme, people, who, other_people, province_office):
    draft = computation.compute(user=people.office, scheme=make_scheme(RULES, adopt=True))
    for user in (getattr(people, who), other_people.office, province_office):
        with pytest.raises(PermissionDenied):
            versions.review(user=user, assessment=draft)
        with pytest.raises(PermissionDenied):
            versions.derive_version(user=user, source=draft, overrides={}, reason="x")
    versions.review(user=people.office, assessment=draft)
    with pytest.raises(PermissionDenied):
        versions.publish(user=people.unit_staff, assessment=draft)


def test_derive_version_replaces_points_explains_and_recomputes_caps_totals_and_ranks(make_scheme, people, publish_version):
    published = publish_version(make_scheme(RULES, adopt=True))
    assert scores_of(published) == {SUB_A: 88, SUB_B: 85, DEPT: 80}
    dept_import = next(line for line in lines_of(published, DEPT) if line.rule.clause == "2")
    sub_a_import = next(line for line in lines_of(published, SUB_A) if line.rule.clause == "2" and not line.adjustment)
    derived = versions.derive_version(user=people.office, source=published, reason="申诉成立",
                                      overrides={dept_import.pk: (D(35), "统计口径有误"), sub_a_import.pk: (D(10), "重复计分")})
    assert (derived.state, derived.version, derived.previous) == (AssessmentState.DRAFT, 2, published)
    assert scores_of(derived) == {SUB_A: 70, SUB_B: 85, DEPT: 88}
    ranks = {s.unit.code: s.rank for s in derived.scores.select_related("unit")}
    assert ranks == {DEPT: 1, SUB_B: 2, SUB_A: 3}
    changed = next(line for line in lines_of(derived, DEPT) if line.rule.clause == "2" and not line.adjustment)
    assert "changed from 20 to 35: 统计口径有误" in changed.explanation
    assert [line.adjustment for line in lines_of(derived, DEPT)] == ["", "", "rule"]  # capped at 28 again
    assert not [line for line in lines_of(derived, SUB_A) if line.adjustment]  # 10 is under the cap: no adjustment
    assert AuditEntry.objects.filter(action="assessment.derive", object_id=str(derived.pk)).exists()


def test_derive_version_refuses_unknown_lines_and_a_missing_reason(make_scheme, people, publish_version):
    published = publish_version(make_scheme(RULES, adopt=True))
    with pytest.raises(ValidationError, match="reason"):
        versions.derive_version(user=people.office, source=published, overrides={}, reason=" ")
    with pytest.raises(ValidationError, match="Line item 999999"):
        versions.derive_version(user=people.office, source=published, overrides={999999: (D(1), "x")}, reason="申诉")
    assert published.scheme.assessments.count() == 1
