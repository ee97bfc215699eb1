"""Text fields have the same maximum lengths in the API as in the forms (issue 9, finding 10: a
4.9 MB ``goals`` made a 5.5 MB audit entry and a 10 MB page). The numbers are in one place,
``core.limits``; every string the API accepts declares its maximum (the OpenAPI document says so)."""

import pytest

from reformledger.api.api import api as ninja_api
from reformledger.core import limits
from reformledger.core.models import AuditEntry
from reformledger.reforms.models import Reform
from tests.clients import errors_by_field
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

TOO_LONG = "长" * (limits.LONG_TEXT + 1)


def _strings_without_limit(schema, where, out):
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string":
        bounded = (
            "maxLength" in schema or "enum" in schema or "const" in schema
            or schema.get("format") in {"date", "date-time", "binary"}
            or schema.get("contentMediaType") == "application/json"  # a JSON object sent as text
        )
        if not bounded:
            out.append(where)
    for key in ("properties",):
        for name, sub in (schema.get(key) or {}).items():
            _strings_without_limit(sub, f"{where}.{name}", out)
    for key in ("anyOf", "allOf", "oneOf"):
        for sub in schema.get(key) or []:
            _strings_without_limit(sub, where, out)
    if "items" in schema:
        _strings_without_limit(schema["items"], f"{where}[]", out)


def _resolve(schema, components):
    """The schema with its ``$ref`` written in place (components of the OpenAPI document)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _resolve(components[schema["$ref"].rsplit("/", 1)[1]], components)
        return {k: _resolve(v, components) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_resolve(v, components) for v in schema]
    return schema


def test_every_string_the_api_accepts_has_a_maximum_length():
    document = ninja_api.get_openapi_schema()
    components = document.get("components", {}).get("schemas", {})
    missing: list[str] = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                _strings_without_limit(_resolve(param["schema"], components), f"{method.upper()} {path} ?{param['name']}", missing)
            for content_type, content in (operation.get("requestBody") or {}).get("content", {}).items():
                _strings_without_limit(_resolve(content["schema"], components), f"{method.upper()} {path} ({content_type})", missing)
    assert not missing, "strings without maxLength (use core.limits):\n" + "\n".join(missing)


def new_reform(unit, **extra):
    return {"code": "LH-LEN-1", "title": "微改造", "tier": "micro", "year": 2019,
            "domain": "grassroots-governance", "lead_unit": unit.pk, **extra}


def test_an_over_long_goals_is_422_naming_it_and_nothing_is_written(api, people, district):
    api.token(people.office)  # issuing a token is audited: count after it
    audit = AuditEntry.objects.count()
    response = api.post("/reforms", people.office, new_reform(district.sub_a, goals=TOO_LONG))
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["goals"]
    assert not Reform.objects.exists() and AuditEntry.objects.count() == audit


@pytest.mark.parametrize(
    "field", ["goals", "measures", "deliverables", "public_summary", "reason"]
)
def test_an_over_long_patch_is_422_naming_the_field(api, people, reform_factory, field):
    reform = reform_factory(goals="原目标")
    api.token(people.office)  # issuing a token is audited: count after it
    audit = AuditEntry.objects.count()
    response = api.patch(f"/reforms/{reform.pk}", people.office, {field: TOO_LONG})
    assert response.status_code == 422
    assert list(errors_by_field(response)) == [field]
    reform.refresh_from_db()
    assert reform.goals == "原目标" and AuditEntry.objects.count() == audit


def test_an_over_long_report_text_is_422(api, people, district, reform_factory):
    task = TaskFactory(reform=reform_factory())
    response = api.post(f"/tasks/{task.pk}/reports", people.unit_staff, {"percent": 10, "text": TOO_LONG})
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["text"]
    assert not task.reports.exists()


def test_the_reform_form_holds_the_same_limit(client_for, people, reform_factory):
    reform = reform_factory(goals="原目标")
    response = client_for(people.office).post(f"/office/reforms/{reform.pk}/edit/", {"title": reform.title, "goals": TOO_LONG})
    assert response.status_code == 400  # the form again, with its errors
    assert "goals" in response.context["form"].errors
    reform.refresh_from_db()
    assert reform.goals == "原目标"
