"""A fault-tolerance application whose transaction rolls back after its evidence was stored leaves
a file no row names; the daily scan's sweep removes it (once it is old enough not to belong to a
transaction still in flight), and keeps the files of cases that were stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from reformledger.supervision.orphans import sweep_orphan_evidence
from reformledger.tolerance.models import CaseEvidence
from tests.tolerance.conftest import pdf

pytestmark = pytest.mark.django_db


class Abort(Exception):
    pass


def _files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_sweep_removes_a_rolled_back_cases_evidence_and_keeps_the_stored_ones(
    people, failed_reform, apply_case, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    kept = apply_case(people.unit_staff, failed_reform, evidence=[pdf("kept.pdf")])
    stored = CaseEvidence.objects.get(case=kept).file.name
    with pytest.raises(Abort), transaction.atomic():
        CaseEvidence.objects.create(case=kept, file=pdf("lost.pdf"), kind="pdf", name="lost.pdf")
        raise Abort
    assert len(_files(tmp_path / "media")) == 2  # the rolled-back write's file is still there
    assert sweep_orphan_evidence() == 0  # too young: it could belong to a transaction in flight
    assert sweep_orphan_evidence(min_age=dt.timedelta(0)) == 1
    assert _files(tmp_path / "media") == [stored]
