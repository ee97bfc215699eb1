"""NUL characters are refused at the edge (issue 9, finding 10): PostgreSQL cannot store or compare
text holding one, so without the check such a value was a server error, even for an anonymous
``GET /api/v1/reforms?q=%00``. The API answers 422 naming the parameter or field, pages 400;
nothing is written. File contents are binary and never checked."""

import json

import pytest

from reformledger.core.models import AuditEntry
from reformledger.reforms.models import Reform
from reformledger.supervision.models import ProgressReport
from tests.clients import errors_by_field, multipart
from tests.factories import TaskFactory
from tests.supervision.files import PNG, png

pytestmark = pytest.mark.django_db


def new_reform(unit, **extra):
    return {"code": "LH-NUL-1", "title": "微改造", "tier": "micro", "year": 2019,
            "domain": "grassroots-governance", "lead_unit": unit.pk, **extra}


@pytest.mark.parametrize("path", ["/reforms", "/warnings", "/units"])
def test_a_nul_in_a_query_parameter_is_422_naming_it(api, people, path):
    user = None if path != "/warnings" else people.office
    response = api.get(path, user, q="a\x00b")
    assert response.status_code == 422
    assert errors_by_field(response) == {"q": ["Must not contain a NUL character (\\0)."]}


def test_a_nul_in_a_json_field_is_422_naming_it_and_nothing_is_written(api, people, district):
    api.token(people.office)  # issuing a token is audited: count after it
    audit = AuditEntry.objects.count()
    response = api.post("/reforms", people.office, new_reform(district.sub_a, title="老旧\x00小区"))
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["title"]
    assert not Reform.objects.exists() and AuditEntry.objects.count() == audit


def test_a_nul_deep_in_a_json_body_is_named_by_its_path(api, people, reform_factory):
    reform = reform_factory()
    body = {"changes": {"goals": "新\x00目标"}, "reason": "情况变化"}
    response = api.post(f"/reforms/{reform.pk}/change-requests", people.office, body)
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["changes.goals"]
    response = api.post("/orders", people.office, raw=json.dumps({"title": "令", "items": [{"task": 1}, {"tas\x00k": 2}]}))
    assert list(errors_by_field(response)) == ["items.1.tas\x00k"]


def test_an_escaped_backslash_u0000_is_text_not_a_nul(api, people, district):
    response = api.post("/reforms", people.office, new_reform(district.sub_a, title="写作 \\u0000 的文字"))
    assert response.status_code == 201, response.content
    assert Reform.objects.get().title == "写作 \\u0000 的文字"


@pytest.fixture
def task(people, district, reform_factory):
    return TaskFactory(reform=reform_factory(), title="窗口改造")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_multipart_text_fields_are_checked_but_not_the_files(api, people, task, media):
    response = multipart(api, f"/tasks/{task.pk}/reports", people.unit_staff,
                         {"percent": "30", "text": "做\x00了", "evidence": [png()]})
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["text"]
    assert not ProgressReport.objects.exists()
    assert b"\x00" in PNG  # a file's content is binary: NUL bytes in it are no reason to refuse
    response = multipart(api, f"/tasks/{task.pk}/reports", people.unit_staff,
                         {"percent": "30", "text": "做了", "evidence": [png()]})
    assert response.status_code == 201, response.content


def test_a_nul_escaped_in_a_multipart_json_field_is_422_naming_it(api, people, reform_factory, media):
    """Multipart bodies carry structured fields as JSON text: ``\\u0000`` in it is a NUL once parsed."""
    from reformledger.supervision.models import ChangeRequest

    reform = reform_factory()
    response = multipart(api, f"/reforms/{reform.pk}/change-requests", people.office,
                         {"changes": json.dumps({"goals": "新\x00目标"}), "reason": "情况变化"})
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["changes.goals"]
    assert not ChangeRequest.objects.exists()


def test_pages_answer_400_to_a_nul_in_the_query_or_a_form(client_for, people, district):
    assert client_for().get("/reforms/", {"q": "\x00"}).status_code == 400
    office = client_for(people.office)
    response = office.post("/office/reforms/new/", {"code": "LH-NUL-2", "title": "老\x00旧"})
    assert response.status_code == 400
    assert b"NUL" in response.content
    assert not Reform.objects.exists()


def test_a_nul_in_the_path_is_refused(client_for):
    assert client_for().get("/reforms/%00/").status_code == 400
