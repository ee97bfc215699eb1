"""What the supervision routers share: references to people and evidence, the review decision,
and request bodies sent as JSON or as multipart with evidence files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import json_or_multipart, read_body
from reformledger.org.models import Unit

#: The form field that carries evidence files in a multipart request.
EVIDENCE_FIELD = "evidence"
EVIDENCE_DESCRIPTION = (
    "Evidence files: PDF, Word (.docx), Excel (.xlsx), JPEG or PNG, judged by "
    "content; each within EVIDENCE_MAX_MB (default 20 MB)."
)


class PersonRef(Schema):
    id: int
    name: str


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    kind: str = Field(description="pdf, docx, xlsx, jpg or png: judged by the file's content.")
    url: str


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    accept: bool
    comment: str = Field("", max_length=limits.MESSAGE, description="Required when returning.")


def evidence_body(schema: type[Schema], *, json_fields: Sequence[str] = (), files_required: bool = False) -> dict:
    """``openapi_extra`` documenting a request body sent as JSON or as multipart with evidence."""
    return json_or_multipart(
        schema,
        files_field=EVIDENCE_FIELD,
        files_description=EVIDENCE_DESCRIPTION,
        json_fields=json_fields,
        files_required=files_required,
    )


def read_evidence_body(request: HttpRequest, schema: type[Schema], *, json_fields: Sequence[str] = ()) -> tuple[Any, list]:
    """The request's data, validated by ``schema``, and its evidence files (:func:`evidence_body`)."""
    return read_body(request, schema, files_field=EVIDENCE_FIELD, json_fields=json_fields)


def unit_out(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def person_out(user) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": str(user)}


def evidence_out(items) -> list[dict[str, Any]]:
    return [
        {
            "id": e.pk,
            "name": e.name,
            "size": e.size,
            "kind": e.kind,
            "url": reverse("supervision:evidence", args=[e.pk]),
        }
        for e in items
    ]
