"""Cache versions per district and family: a write changes only what it touched (core.cache)."""

import pytest
from django.db import transaction

from reformledger.core.audit import log_action
from reformledger.core.cache import (
    ORGANISATION,
    cached_value,
    per_district,
    scope_versions,
    work_scopes,
    write_scopes,
)
from reformledger.core.fragments import cached_rows
from reformledger.org.models import Domain
from reformledger.reforms import services
from reformledger.reforms.models import Status


def test_a_write_bumps_its_district_and_the_province_but_not_another_district(
    people, district, other_district, reform_factory
):
    reform = reform_factory()
    here, there = work_scopes([district.district.pk]), work_scopes([other_district[0].pk])
    before_here, before_there = scope_versions(here), scope_versions(there)
    before_all, before_org = scope_versions(("work:*",)), scope_versions(ORGANISATION)
    services.transition_reform(user=people.office, reform=reform, to_status=Status.SUSPENDED)
    assert scope_versions(here) != before_here
    assert scope_versions(there) == before_there
    assert scope_versions(("work:*",)) != before_all
    assert scope_versions(ORGANISATION) == before_org  # roles and units did not change


def test_a_value_cached_on_another_district_survives_the_write(people, district, other_district, reform_factory):
    reform = reform_factory()
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    there = work_scopes([other_district[0].pk])
    assert cached_value("k", compute, scopes=there) == 1
    services.transition_reform(user=people.office, reform=reform, to_status=Status.SUSPENDED)
    assert cached_value("k", compute, scopes=there) == 1  # still cached
    assert cached_value("k", compute, scopes=work_scopes([district.district.pk])) == 2  # computed afresh


def test_an_organisation_write_bumps_work_too(district):
    scopes = write_scopes(district.sub_a)
    # The work's families too (the levels the board reads, ADR 0052; whether tasks are settled):
    # unit and people names show there.
    d = district.district.pk
    assert scopes == {
        f"org:d{d}", "org:*", f"work:d{d}", "work:*", f"levels:d{d}", "levels:*", f"settled:d{d}", "settled:*",
    }
    # A district records itself as its district; an object of no district concerns every district.
    assert f"org:d{district.district.pk}" in write_scopes(district.district)
    assert write_scopes(Domain.objects.first()) == {
        "org:every", "org:*", "work:every", "work:*", "levels:every", "levels:*", "settled:every", "settled:*",
    }


def test_moving_between_districts_bumps_both(district, other_district, reform_factory):
    reform = reform_factory()
    scopes = write_scopes(reform, {"district": [other_district[0].pk, district.district.pk]})
    assert {f"work:d{district.district.pk}", f"work:d{other_district[0].pk}"} <= scopes


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_version(district, reform_factory):
    reform = reform_factory()
    scopes = work_scopes([district.district.pk])
    before = scope_versions(scopes)
    with pytest.raises(RuntimeError), transaction.atomic():
        log_action(None, "reform.update", reform, {"title": ["a", "b"]})
        raise RuntimeError
    assert scope_versions(scopes) == before


def test_per_district_recomputes_only_the_district_written(people, district, other_district, reform_factory):
    reform = reform_factory()
    ids = [district.district.pk, other_district[0].pk]
    asked = []

    def compute(missing):
        asked.append(sorted(missing))
        return {pk: pk * 10 for pk in missing}

    assert per_district("x", ids, compute, default=0) == {pk: pk * 10 for pk in ids}
    assert per_district("x", ids, compute, default=0) == {pk: pk * 10 for pk in ids}
    services.transition_reform(user=people.office, reform=reform, to_status=Status.SUSPENDED)
    per_district("x", ids, compute, default=0)
    assert asked == [sorted(ids), [district.district.pk]]


def test_rows_are_rendered_once_per_version():
    rendered = []

    def render(row):
        rendered.append(row)
        return f"<tr><td>{row[1]}</td></tr>"

    rows = [(1, "a"), (2, "b")]
    assert cached_rows(rows, name="t", version_of=lambda r: r, render=render) == ["<tr><td>a</td></tr>", "<tr><td>b</td></tr>"]
    assert cached_rows([(1, "a"), (2, "c")], name="t", version_of=lambda r: r, render=render)[1] == "<tr><td>c</td></tr>"
    assert rendered == [(1, "a"), (2, "b"), (2, "c")]


def test_a_list_whose_rows_all_stand_is_one_lookup_and_a_key_row_never_keeps_a_newer_rendering(monkeypatch):
    from reformledger.core.store import store

    rendered, lookups = [], []

    def render(row):
        rendered.append(row)
        return f"<tr><td>{row[1]}</td></tr>"

    rows = [(1, "x"), (2, "y")]
    cached_rows(rows, name="w", version_of=lambda r: r, render=render)
    original_get_many = store.get_many
    monkeypatch.setattr(store, "get_many", lambda keys: lookups.append(list(keys)) or original_get_many(keys))
    # A list nobody had opened is kept row by row; from its second rendering it is kept whole too.
    assert cached_rows(rows, name="w", version_of=lambda r: r, render=render) == ["<tr><td>x</td></tr>", "<tr><td>y</td></tr>"]
    assert len(lookups) == 1 and rendered == rows  # its rows read, none rendered again
    lookups.clear()
    assert cached_rows(rows, name="w", version_of=lambda r: r, render=render) == ["<tr><td>x</td></tr>", "<tr><td>y</td></tr>"]
    assert lookups == []  # the whole list, not row by row
    # Keys only, loaded in full: the full row is newer than its key (another write since), so the
    # list is not kept under the keys' versions; the next request loads it again.
    loads = []

    def load(keys):
        loads.append(keys)
        return [(pk, text + "!") for pk, text in keys]

    keys = [(3, "k")]
    assert cached_rows(keys, name="w", version_of=lambda r: r, render=render, load=load) == ["<tr><td>k!</td></tr>"]
    assert cached_rows(keys, name="w", version_of=lambda r: r, render=render, load=load) == ["<tr><td>k!</td></tr>"]
    assert len(loads) == 2
    assert rendered == [(1, "x"), (2, "y"), (3, "k!"), (3, "k!")]
