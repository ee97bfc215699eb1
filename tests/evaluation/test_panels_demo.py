"""The demo's expert panels: the 2019 panel of nine that scored 38 micro-reforms (closed, mostly
agreeing, one lenient expert, conflicts excluded, one sheet reopened), this year's panel still
scoring for the ``expert`` login; reproducible and idempotent."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import transaction

from reformledger.demo.district import load_demo
from reformledger.demo.evaluation_panels import LENIENT, load_panels_demo
from reformledger.evaluation.models import Panel, PanelState, SheetReopening, SheetStatus
from reformledger.evaluation.selectors import scores


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        import_module("reformledger.org.migrations.0002_seed_domains").seed(apps, None)
        import_module("reformledger.core.migrations.0003_audit_head").create_head(apps, None)
        result = load_demo()
        made = load_panels_demo(district=result.district)
        yield result.district, made
        transaction.set_rollback(True)


def test_the_2019_panel(demo, db):
    district, made = demo
    assert made["experts"] == 9 and made["2019_reforms"] == 38 and made["2019_sheets"] == 38 * 9
    panel = Panel.objects.get(district=district, round__year=2019)
    assert panel.state == PanelState.CLOSED and panel.members.count() == 9
    assert [(c.name, int(c.max_points)) for c in panel.criteria.order_by("position")] == [
        ("创新性", 25), ("实效性", 35), ("可复制推广", 20), ("群众满意度", 20)]
    report = scores.panel_report(panel)
    assert report.progress.totals["excluded"] > 0 and report.progress.totals["pending"] == 0
    assert report.agreement.alpha is not None and 0.5 < report.agreement.alpha < 0.99  # mostly agreeing
    lenient = panel.members.order_by("pk")[LENIENT]
    assert report.agreement.furthest.rater == lenient.pk and report.agreement.furthest.mean_signed > 4
    assert all(p.score is not None and p.trimmed for p in report.projects)
    assert SheetReopening.objects.filter(sheet__panel=panel).count() == 1


def test_this_years_panel_waits_for_the_expert_login(demo, db):
    district, made = demo
    panel = Panel.objects.get(district=district, state=PanelState.SCORING)
    mine = panel.sheets.filter(expert__person__username="expert")
    assert mine.exists() and set(mine.values_list("status", flat=True)) <= {SheetStatus.PENDING, SheetStatus.EXCLUDED}
    assert panel.sheets.filter(status=SheetStatus.SUBMITTED).exists()


def test_a_second_run_changes_nothing(demo, db):
    district, _made = demo
    assert load_panels_demo(district=district) == {}
