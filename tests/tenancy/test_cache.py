"""An office's cached pages depend on its own district's version only (ADR 0025, and issue 7's
speed targets): a write in another district leaves them warm; the province office's pages read
every district, so any write renews them."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reformledger.core.cache import EVERYTHING, cached_value, work_scopes
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Status
from reformledger.reforms.selectors import reading_scopes


def test_an_office_reads_its_own_district_s_version_only(world, people, other_people, province_office, district, other_district):
    assert reading_scopes(people.office) == work_scopes([district.district.pk])
    assert reading_scopes(people.committee) == work_scopes([district.district.pk])
    assert reading_scopes(people.leader_main) == work_scopes([district.district.pk])
    assert reading_scopes(other_people.office) == work_scopes([other_district.district.pk])
    assert reading_scopes(province_office) == EVERYTHING
    calls: list[str] = []

    def compute(who: str):
        calls.append(who)
        return len(calls)

    cached_value("page", lambda: compute("office"), scopes=reading_scopes(people.office))
    cached_value("page-p", lambda: compute("province"), scopes=reading_scopes(province_office))
    reform_services.transition_reform(user=other_people.office, reform=world.ft_reform, to_status=Status.SUSPENDED)
    cached_value("page", lambda: compute("office"), scopes=reading_scopes(people.office))
    cached_value("page-p", lambda: compute("province"), scopes=reading_scopes(province_office))
    assert calls == ["office", "province", "province"]  # the office's value stayed warm


def test_the_office_s_catalogue_stays_warm_after_a_write_elsewhere(client, world, people, other_people):
    client.force_login(people.office)
    url = reverse("reforms:catalogue")
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    reform_services.transition_reform(user=other_people.office, reform=world.ft_reform, to_status=Status.SUSPENDED)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(warm.captured_queries)
