"""The public rankings, the unit's score and the office's ranking at scale (query counts that do not
grow with the number of units), and the commendations shown on org's unit and person pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from reformledger.assessment.services import commendations
from reformledger.org.models import UnitKind
from tests.assessment import factories
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _version_with(district, people, extra: int):
    units = {district.sub_a: [("1", "100"), ("2.1", "5"), ("3", "-1")], district.sub_b: [("1", "100")]}
    for i in range(extra):
        unit = UnitFactory(code=f"dept-{i:03d}", name=f"部门{i}", kind=UnitKind.DEPARTMENT, parent=district.district)
        units[unit] = [("1", "100"), ("2.1", str(i % 4))]
    return factories.version(factories.scheme(district.district), units, by=people.office)


@pytest.mark.parametrize("extra", [3, 30])
def test_ranking_pages_do_not_grow_with_units(district, people, client_for, django_assert_max_num_queries, extra):
    version = _version_with(district, people, extra)
    public, office, unit = client_for(None), client_for(people.office), client_for(people.unit_staff)
    pages = [
        (public, reverse("assessment:public-rankings"), 6),
        (public, reverse("assessment:public-ranking", args=[version.pk]), 6),
        (public, reverse("assessment:public-unit", args=[version.pk, district.sub_a.pk]), 8),
        (office, reverse("assessment:version", args=[version.pk]), 14),
        (office, reverse("assessment:version-unit", args=[version.pk, district.sub_a.pk]), 16),
        (unit, reverse("assessment:my-score"), 16),
    ]
    for client, url, most in pages:
        client.get(url)
        with django_assert_max_num_queries(most):
            response = client.get(url)
        assert response.status_code == 200, url
    text = public.get(reverse("assessment:public-ranking", args=[version.pk])).content.decode()
    assert "桂园街道" in text and "tie" in text  # several departments tie


def test_a_version_not_made_public_is_not_on_the_public_site(district, people, client_for):
    version = factories.standard(district, people, is_public=False)
    assert client_for(None).get(reverse("assessment:public-ranking", args=[version.pk])).status_code == 404
    listing = client_for(None).get(reverse("assessment:public-rankings")).content.decode()
    assert reverse("assessment:public-ranking", args=[version.pk]) not in listing


def test_commendations_show_on_the_unit_and_person_pages(district, people, client_for):
    made = commendations.award_commendation(
        user=people.office, district=district.district, year=2017, kind="best_key", title="年度最佳重点改革",
        unit=district.sub_a, citation="成效显著", awarded_on=dt.date(2018, 1, 20), people=[people.unit_head],
    )
    office = client_for(people.office)
    assert "年度最佳重点改革" in office.get(reverse("org:unit", args=[district.sub_a.pk])).content.decode()
    assert "年度最佳重点改革" in office.get(reverse("org:person", args=[people.unit_head.pk])).content.decode()
    assert "年度最佳重点改革" not in office.get(reverse("org:unit", args=[district.sub_b.pk])).content.decode()
    detail = office.get(reverse("assessment:commendation", args=[made.pk]))
    assert detail.status_code == 200 and "成效显著" in detail.content.decode()
    commendations.revoke_commendation(user=people.office, commendation=made, reason="撤销")
    assert "年度最佳重点改革" not in office.get(reverse("org:unit", args=[district.sub_a.pk])).content.decode()


def test_commendation_pages(district, people, client_for, other_people, province_office):
    office = client_for(people.office)
    url = reverse("assessment:commendation-new") + f"?district={district.district.pk}&unit={district.sub_a.pk}&kind=best_micro"
    page = office.get(url)
    assert page.status_code == 200 and 'value="best_micro" selected' in page.content.decode()
    bad = office.post(url, {"year": "2017", "kind": "best_micro", "title": "", "unit": district.sub_a.pk, "citation": "",
                            "awarded_on": "2018-01-20"})
    assert bad.status_code == 400
    done = office.post(url, {"year": "2017", "kind": "best_micro", "title": "年度最佳微改革", "unit": district.sub_a.pk,
                             "citation": "办事时间压缩一半", "awarded_on": "2018-01-20"})
    assert done.status_code == 302
    listing = office.get(reverse("assessment:commendations") + "?year=2017")
    assert "年度最佳微改革" in listing.content.decode()
    assert client_for(province_office).get(reverse("assessment:commendations") + "?year=2017").status_code == 200
    assert client_for(province_office).get(url).status_code == 403
    assert client_for(other_people.office).get(url).status_code == 404
    assert client_for(people.unit_head).get(reverse("assessment:commendations")).status_code == 403
