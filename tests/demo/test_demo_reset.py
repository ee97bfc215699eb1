"""``reformledger demo-data --reset``: the demo afresh, and never a real programme wiped."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from reformledger.core.audit import verify_chain
from reformledger.demo.story import DEMO_CODE
from reformledger.org.models import Domain, Unit, UnitKind
from reformledger.reforms.models import Reform
from reformledger.supervision.models import ProgressReport, Task
from tests.factories import UnitFactory


@pytest.mark.django_db(transaction=True)
def test_reset_starts_the_demo_afresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo-data", stdout=StringIO())
    fresh = (Reform.objects.count(), Task.objects.count(), ProgressReport.objects.count())
    Reform.objects.filter(district__code=DEMO_CODE).update(title="改动过的标题")
    (tmp_path / "stray.txt").write_text("left behind")

    out = StringIO()
    with translation.override("en"):
        call_command("demo-data", "--reset", stdout=out)
    assert "Emptied the demo database" in out.getvalue()
    assert (Reform.objects.count(), Task.objects.count(), ProgressReport.objects.count()) == fresh
    assert not Reform.objects.filter(title="改动过的标题").exists()
    assert not (tmp_path / "stray.txt").exists()
    assert Domain.objects.exists()
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_reset_refuses_a_database_with_another_district(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    UnitFactory(code="ft", name="福田区", kind=UnitKind.DISTRICT)
    with pytest.raises(CommandError, match="福田区"), translation.override("en"):
        call_command("demo-data", "--reset", stdout=StringIO())
    assert Unit.objects.filter(code="ft").exists()
