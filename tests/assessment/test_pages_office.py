"""The office's scheme editor, computation, versions, publication, what-if, and the public pages,
through the engine's services: errors per field, nothing written on bad input, who may do what,
query counts bounded."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reformledger.assessment.models import Assessment, AssessmentState, Rule, Scheme, SchemeState
from tests.factories import ReformFactory

pytestmark = pytest.mark.django_db

YAML = """title: 2018年度改革考评方案
year: 2018
unit_kinds: [sub_district, department]
noise_margin: 0.5
appeal_days: 10
rules:
  - clause: "1"
    title: 基础分
    kind: base
    params: {points: 100}
  - clause: "2"
    title: 未开展改革扣分
    kind: no_reform
    params: {points: -5}
"""


def _import(client, district, text=YAML):
    upload = SimpleUploadedFile("scheme.yaml", text.encode(), content_type="text/yaml")
    return client.post(f"{reverse('assessment:schemes')}?district={district.district.pk}", {"import": "1", "file": upload})


def test_create_a_scheme_and_its_rules_with_errors_per_field(district, people, client_for):
    office = client_for(people.office)
    url = reverse("assessment:schemes")
    assert office.get(url).status_code == 200
    bad = office.post(url, {"create": "1", "year": "2018", "title": "", "unit_kinds": ["sub_district"], "noise_margin": "-1", "appeal_days": "10"})
    assert bad.status_code == 400 and not Scheme.objects.exists()
    done = office.post(url, {"create": "1", "year": "2018", "title": "2018年度方案", "unit_kinds": ["sub_district"],
                             "noise_margin": "1", "appeal_days": "10"})
    scheme = Scheme.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("assessment:scheme", args=[scheme.pk])
    rule_url = reverse("assessment:rule-new", args=[scheme.pk])
    not_json = office.post(rule_url, {"clause": "1", "title": "基础分", "kind": "base", "params": "{points: 100"})
    assert not_json.status_code == 400 and "Not valid JSON" in not_json.content.decode()
    wrong = office.post(rule_url, {"clause": "1", "title": "基础分", "kind": "base", "params": '{"points": "many"}'})
    assert wrong.status_code == 400 and "a number is needed" in wrong.content.decode() and not Rule.objects.exists()
    assert office.post(rule_url, {"clause": "1", "title": "基础分", "kind": "base", "params": '{"points": 100}'}).status_code == 302
    rule = Rule.objects.get()
    edit = reverse("assessment:rule-edit", args=[scheme.pk, rule.pk])
    assert office.get(edit).status_code == 200
    assert office.post(edit, {"clause": "1", "title": "基础分", "kind": "base", "params": '{"points": 90}'}).status_code == 302
    rule.refresh_from_db()
    assert rule.params == {"points": 90}
    assert office.post(reverse("assessment:rule-delete", args=[scheme.pk, rule.pk])).status_code == 302
    assert not Rule.objects.exists()


def test_import_export_adopt_compute_review_publish_public(district, people, client_for, province_office):
    ReformFactory(code="R-1", lead_unit=district.sub_a, district=district.district, year=2018)
    office = client_for(people.office)
    bad = _import(office, district, YAML.replace("kind: no_reform", "kind: magic"))
    assert bad.status_code == 400 and "magic" in bad.content.decode() and not Scheme.objects.exists()
    assert _import(office, district).status_code == 302
    scheme = Scheme.objects.get()
    assert Rule.objects.filter(scheme=scheme).count() == 2
    exported = office.get(reverse("assessment:scheme-export", args=[scheme.pk]))
    assert exported.status_code == 200 and "未开展改革扣分" in exported.content.decode()
    assert office.post(reverse("assessment:scheme-compute", args=[scheme.pk]), {"purpose": "dry_run"}).status_code == 302
    assert office.post(reverse("assessment:scheme-adopt", args=[scheme.pk])).status_code == 302
    scheme.refresh_from_db()
    assert scheme.state == SchemeState.ADOPTED
    computed = office.post(reverse("assessment:scheme-compute", args=[scheme.pk]), {"purpose": "official"})
    version = Assessment.objects.get(purpose="official")
    assert computed["Location"] == reverse("assessment:version", args=[version.pk])
    page = office.get(computed["Location"]).content.decode()
    assert "桂园街道" in page and "tie" in page  # units without a reform tie on 95
    assert office.post(reverse("assessment:version-review", args=[version.pk])).status_code == 302
    assert client_for(province_office).post(reverse("assessment:version-publish", args=[version.pk]), {"is_public": "1"}).status_code == 403
    assert office.get(reverse("assessment:version-publish", args=[version.pk])).status_code == 200
    assert office.post(reverse("assessment:version-publish", args=[version.pk]), {"is_public": "1"}).status_code == 302
    version.refresh_from_db()
    assert version.state == AssessmentState.PUBLISHED and version.is_public
    public = client_for(None)
    assert str(version.year) in public.get(reverse("assessment:public-rankings")).content.decode()
    ranking = public.get(reverse("assessment:public-ranking", args=[version.pk]))
    assert ranking.status_code == 200 and "桂园街道" in ranking.content.decode()
    unit = public.get(reverse("assessment:public-unit", args=[version.pk, district.sub_a.pk]))
    assert unit.status_code == 200 and "基础分" in unit.content.decode()
    assert office.get(reverse("assessment:version-diff", args=[version.pk])).status_code == 200
    assert office.get(reverse("assessment:version-unit", args=[version.pk, district.sub_a.pk])).status_code == 200


def test_what_if_moves_scores_without_writing(district, people, client_for):
    office = client_for(people.office)
    _import(office, district)
    scheme = Scheme.objects.get()
    office.post(reverse("assessment:scheme-adopt", args=[scheme.pk]))
    url = reverse("assessment:what-if", args=[scheme.pk])
    assert office.get(url).status_code == 200
    before = Assessment.objects.count()
    page = office.post(url, {"clause": "1", "params": '{"points": 80}'})
    assert page.status_code == 200 and "75.000" in page.content.decode()  # 80 − 5 for running no reform
    bad = office.post(url, {"clause": "1", "params": '{"points": "x"}'})
    assert bad.status_code == 400
    assert Assessment.objects.count() == before


def test_choosing_another_rule_loads_its_own_parameters(district, people, client_for):
    """The rule's select reloads the form (htmx) with the chosen rule's current parameters, so a
    preview never applies one rule's parameters to another; without script, ?clause= does the same."""
    office = client_for(people.office)
    _import(office, district)
    scheme = Scheme.objects.get()
    url = reverse("assessment:what-if", args=[scheme.pk])
    html = office.get(url).content.decode()
    assert f'hx-get="{url}"' in html and 'hx-select="#what-if-form"' in html and 'id="what-if-form"' in html
    second = scheme.rules.order_by("position", "pk")[1]
    form = office.get(url, {"clause": second.clause}).context["form"]
    assert form.initial["clause"] == second.clause and form.initial["params"] == second.params


def test_unpublished_versions_are_the_offices(district, people, client_for, other_people, province_office):
    office = client_for(people.office)
    _import(office, district)
    scheme = Scheme.objects.get()
    office.post(reverse("assessment:scheme-adopt", args=[scheme.pk]))
    office.post(reverse("assessment:scheme-compute", args=[scheme.pk]), {"purpose": "official"})
    version = Assessment.objects.get()
    url = reverse("assessment:version", args=[version.pk])
    assert client_for(province_office).get(url).status_code == 200
    assert client_for(other_people.office).get(url).status_code == 404
    assert client_for(people.unit_staff).get(url).status_code == 403
    assert client_for(None).get(reverse("assessment:public-ranking", args=[version.pk])).status_code == 404
    assert client_for(other_people.office).get(reverse("assessment:scheme", args=[scheme.pk])).status_code == 404
    assert client_for(province_office).post(reverse("assessment:scheme-adopt", args=[scheme.pk])).status_code == 403


def test_lists_have_bounded_query_counts(district, people, client_for, django_assert_max_num_queries):
    office = client_for(people.office)
    for year in (2016, 2017, 2018):
        _import(office, district, YAML.replace("2018", str(year)))
    for scheme in Scheme.objects.all():
        office.post(reverse("assessment:scheme-compute", args=[scheme.pk]), {"purpose": "dry_run"})
    version = Assessment.objects.first()
    office.get(reverse("assessment:schemes"))
    for url in (reverse("assessment:schemes"), reverse("assessment:versions"), reverse("assessment:version", args=[version.pk]),
                reverse("assessment:commendations")):
        with django_assert_max_num_queries(20):
            assert office.get(url).status_code == 200, url
