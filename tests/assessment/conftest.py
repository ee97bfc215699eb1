"""Fixtures of the assessment engine's tests: the fixture district's office makes schemes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import translation

from reformledger.assessment.models import AssessmentPurpose
from reformledger.assessment.services import computation, schemes, versions


@pytest.fixture(autouse=True)
def _english():
    """Explanations and messages are asserted in English (zh-Hans is the default language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def make_scheme(district, people):
    """``make_scheme(rules=[{clause, title, kind, params, …}], **scheme fields)``: a draft scheme of
    2018 over sub-districts and departments, its rules saved through the services."""

    def make(rules=(), *, adopt=False, year=2018, **fields):
        fields.setdefault("unit_kinds", ["sub_district", "department"])
        scheme = schemes.create_scheme(user=people.office, district=district.district, year=year,
                                       title=fields.pop("title", "2018年度考评方案"), **fields)
        for rule in rules:
            schemes.save_rule(user=people.office, scheme=scheme, **rule)
        if adopt:
            scheme = schemes.adopt_scheme(user=people.office, scheme=scheme)
        return scheme

    return make


@pytest.fixture
def publish_version(people):
    """Compute, review and publish an official version of an adopted scheme."""

    def run(scheme, **kwargs):
        assessment = computation.compute(user=people.office, scheme=scheme, purpose=AssessmentPurpose.OFFICIAL)
        versions.review(user=people.office, assessment=assessment)
        return versions.publish(user=people.office, assessment=assessment, **kwargs)

    return run


def scores_of(assessment) -> dict[str, Decimal]:
    return {s.unit.code: s.score for s in assessment.scores.select_related("unit")}


def lines_of(assessment, code: str) -> list:
    order = F("rule__position").asc(nulls_last=True)
    return list(assessment.line_items.filter(unit__code=code).select_related("rule").order_by(order, "pk"))
