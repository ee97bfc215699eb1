"""The REST API at ``/api/v1/``: one NinjaAPI that mounts each business area's router.

* Routers live beside their app (``org/api.py``, ``reforms/api.py``) and call that app's selectors
  and services; this module only wires them up with authentication (:mod:`.auth`) and the one
  error shape (:mod:`.errors`).
* OpenAPI at ``/api/v1/openapi.json``; Swagger UI at ``/api/v1/docs``, served from the files the
  django-ninja package ships (``ninja`` is in ``INSTALLED_APPS``), never from a CDN: intranets are
  offline.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.renderers import JSONRenderer

from reformledger.assessment.api import router as assessment_router
from reformledger.casestudies.api import router as casestudies_router
from reformledger.evaluation.api import router as evaluation_router
from reformledger.org.api import router as org_router
from reformledger.reforms.api import router as reforms_router
from reformledger.supervision.api import router as supervision_router
from reformledger.tolerance.api import router as tolerance_router

from . import errors
from .auth import AUTH
from .schemas import ErrorOut

DESCRIPTION = """
The reform catalogue of Reform Ledger, and its supervision (督查督办): task trees, progress
reports with evidence, the red/amber warning board, supervision orders, change requests,
completion and each person's inbox.

**Authentication.** Send `Authorization: Bearer TOKEN`; an administrator makes a token with
`reformledger create-token USERNAME`. A signed-in browser session works too (writes then need the
`X-CSRFToken` header). Without credentials, GET requests see public data only; writes answer 401.
Supervision data is not public: every supervision operation needs credentials.

**Files.** Progress reports, change requests and completion applications take JSON, or
`multipart/form-data` with the same fields plus files in `evidence` (PDF, Word, Excel, JPEG, PNG,
judged by content; size limit `EVIDENCE_MAX_MB`).

**Errors** always have the shape `{"detail": "...", "errors": [{"field": "...", "message": "..."}]}`:
401 no or bad credentials, 403 not permitted, 404 not found or not visible to you, 422 invalid data.
"""

_ERROR_DESCRIPTIONS = {
    "401": "No credentials for a write, or a bad or revoked token.",
    "403": "Not permitted (or, by session, no CSRF token).",
    "404": "No such object, or not visible to the caller.",
    "422": "Invalid parameters or data; one entry per problem.",
}


class UTF8JSONRenderer(JSONRenderer):
    """Chinese text as UTF-8, not ``\\uXXXX`` escapes: half the bytes, and readable."""

    json_dumps_params = {"ensure_ascii": False}


class ReformLedgerAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        """Ninja's schema, plus the error responses every operation can give, in the one error shape."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorOut.model_json_schema(ref_template=REF_TEMPLATE)
        components.update(error_schema.pop("$defs", {}))
        components["ErrorOut"] = error_schema
        ref = {"application/json": {"schema": {"$ref": REF_TEMPLATE.format(model="ErrorOut")}}}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                codes = ["401"]
                if method != "get":
                    codes.append("403")
                if "{" in path:
                    codes.append("404")
                if operation.get("parameters") or operation.get("requestBody"):
                    codes.append("422")
                responses = operation.setdefault("responses", {})
                for code in codes:
                    responses.setdefault(code, {"description": _ERROR_DESCRIPTIONS[code], "content": ref})
        return schema


api = ReformLedgerAPI(
    title="Reform Ledger API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=AUTH,
    renderer=UTF8JSONRenderer(),
)
errors.install(api)
api.add_router("", org_router)
api.add_router("", reforms_router)
api.add_router("", supervision_router)
api.add_router("", evaluation_router)
api.add_router("", tolerance_router)
api.add_router("", casestudies_router)
api.add_router("", assessment_router)
