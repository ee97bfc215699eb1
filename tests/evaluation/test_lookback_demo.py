"""The demo's look-back reviews: 2014–2016 key reforms reviewed through the services, the health
reform promoted nationwide, problems with follow-up tasks, grades, due ones left unscheduled, and a
second run that changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from reformledger.demo.district import load_demo
from reformledger.demo.evaluation_lookback import load_lookback_demo
from reformledger.demo.supervision import load_supervision_demo
from reformledger.evaluation.models import LookbackAdoption, LookbackDocument, LookbackReview, LookbackState
from reformledger.evaluation.selectors import lookback as selectors
from reformledger.org.models import User
from reformledger.supervision.models import Task
from tests.demo.test_demo_data import _restore_seeded_rows


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        _restore_seeded_rows()
        catalogue = load_demo()
        load_supervision_demo(district=catalogue.district)
        made = load_lookback_demo(district=catalogue.district)
        yield catalogue.district, made
        transaction.set_rollback(True)


def test_the_demo_reviews_2014_to_2016_key_reforms(demo, db):
    district, made = demo
    assert made["reviews"] == 10 and made["concluded"] == 8 and made["follow_up_tasks"] == 3
    reviews = LookbackReview.objects.filter(district=district)
    assert set(reviews.values_list("reform__year", flat=True)) <= {2014, 2015, 2016}
    assert reviews.filter(state=LookbackState.CONCLUDED).count() == 8
    assert reviews.exclude(state=LookbackState.CONCLUDED).count() == 2
    health = reviews.get(reform__title__contains="罗湖医改")
    assert LookbackAdoption.objects.filter(review=health, level="nation").exists()
    assert selectors.lookback_conclusion(health.reform_id)["widest_adoption"] == "nation"
    assert LookbackDocument.objects.filter(number__startswith="深罗府办〔2016〕").exists()
    assert Task.objects.filter(follow_up=True, district=district).count() == 3


def test_due_ones_are_left_for_the_due_list_and_a_second_run_adds_nothing(demo, db):
    district, _made = demo
    office = User.objects.get(username="office")
    due = list(selectors.due_reforms(office))
    assert any(r.open_review is None and r.year <= 2016 for r in due)
    assert any(r.open_review is not None for r in due)
    assert load_lookback_demo(district=district) == {}
