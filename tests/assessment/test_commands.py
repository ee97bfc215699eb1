"""``reformledger assess``: every district with an adopted scheme, or one; dry runs; timing printed."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from reformledger.assessment.models import Assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield
BASE = {"clause": "1", "title": "基础分", "kind": "base", "params": {"points": 60}}


def test_assess_every_district_with_a_scheme(make_scheme, people, other_people, capsys):
    make_scheme([BASE], adopt=True)
    call_command("assess", "--year", "2018")
    out = capsys.readouterr().out
    assert "lh: version 1" in out and "3 units" in out and "1 districts computed, 0 failed" in out
    assert Assessment.objects.get().computed_by == people.office


def test_assess_one_district_dry_run_and_errors(make_scheme, people, capsys):
    make_scheme([BASE])
    call_command("assess", "--year", "2018", "--district", "lh", "--dry-run")
    assert Assessment.objects.get().year == 2017
    with pytest.raises(CommandError, match="no adopted scheme"):
        call_command("assess", "--year", "2018", "--district", "lh")
    with pytest.raises(CommandError, match="no district with the code"):
        call_command("assess", "--year", "2018", "--district", "nowhere")
    with pytest.raises(CommandError, match="No active person"):
        call_command("assess", "--year", "2018", "--district", "lh", "--dry-run", "--user", "ghost")
