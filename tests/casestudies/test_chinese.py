"""The case studies' pages read in Chinese (the default language): no English msgid left."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from reformledger.casestudies.services import materials as material_services
from tests.casestudies.helpers import png_upload, published_case, reform_with_evidence
from tests.i18n.test_pages import assert_chinese_page, english_msgids  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(reform_factory, district, people):
    reform = reform_with_evidence(reform_factory, district, people, title="罗湖医改")[0]
    case = published_case(people.office, reform, adoptions=[("nation", "国家卫生健康委员会", timezone.localdate() - dt.timedelta(days=2))])
    material_services.add_material(user=people.office, case=case, upload=png_upload(), caption="揭牌")
    return case


@pytest.mark.parametrize("path", ["/case-studies/", "/case-studies/{pk}/"])
def test_public_pages(client, case, english_msgids, path):  # noqa: F811 - the fixture
    text = assert_chinese_page(client.get(path.format(pk=case.pk)), english_msgids)
    assert "改革案例" in text and "全国推广" in text


@pytest.mark.parametrize("path", [
    "/office/case-studies/", "/office/case-studies/{pk}/", "/office/case-studies/{pk}/edit/",
    "/office/case-studies/{pk}/adoptions/new/", "/office/case-studies/{pk}/unpublish/", "/office/case-studies/new/",
])
def test_office_pages(people, case, english_msgids, path):  # noqa: F811 - the fixture
    client = Client()
    client.force_login(people.office)
    assert_chinese_page(client.get(path.format(pk=case.pk)), english_msgids)
