"""The demo's fault tolerance: the ``discipline`` login, the district's checklist, five cases on its
terminated and suspended reforms (exempt, partly, rejected, two pending), fast, and a second run
that changes nothing."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from reformledger.demo.district import load_demo
from reformledger.demo.story import DEMO_PASSWORD
from reformledger.demo.tolerance import load_tolerance_demo
from reformledger.org.models import Role, User
from reformledger.tolerance.models import CaseState, ToleranceCase
from reformledger.tolerance.selectors.precedents import Probe, precedents
from tests.demo.test_demo_data import _restore_seeded_rows


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        _restore_seeded_rows()
        catalogue = load_demo()
        started = time.perf_counter()
        made = load_tolerance_demo(district=catalogue.district)
        seconds = time.perf_counter() - started
        yield catalogue.district, made, seconds
        transaction.set_rollback(True)


def test_the_demo_cases(demo, db):
    district, made, seconds = demo
    assert made["cases"] == 5 and made["exempt"] == 1 and made["partly"] == 1 and made["rejected"] == 1 and made["pending"] == 2
    assert seconds < 5, seconds
    cases = ToleranceCase.objects.filter(district=district)
    assert cases.filter(state=CaseState.DECIDED).count() == 3
    partly = cases.get(outcome="partly")
    assert str(partly.waiver) == "0.500"  # the less generous of 0.5 and 0.6
    discipline = User.objects.get(username="discipline")
    assert discipline.check_password(DEMO_PASSWORD)
    assert discipline.memberships.get().role == Role.DISCIPLINE
    assert precedents(discipline, Probe(text="集体研究 程序"))[0] == 3


def test_a_second_run_adds_nothing(demo, db):
    district, _made, _seconds = demo
    again = load_tolerance_demo(district=district)
    assert not again.get("cases") and not again.get("people")
    assert ToleranceCase.objects.filter(district=district).count() == 5
