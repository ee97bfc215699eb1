"""One error shape for the whole API: ``{"detail": "...", "errors": [{"field": ..., "message": ...}]}``.

* a service's ``django.core.exceptions.ValidationError`` -> 422, one entry per message of each field;
* a request that does not match the schema (pydantic) -> 422, in the same shape;
* ``PermissionDenied`` -> 403, ``Http404`` -> 404, no or bad credentials -> 401;
* any other ``ninja.errors.HttpError`` (unparsable JSON, CSRF) -> its own status.

``field`` is the name the client sent (``due_date``, ``page_size``, ``co_units.1``) or ``null`` for a
problem with the request as a whole. Messages go through gettext, so they follow the request's
language (``Accept-Language``; zh-Hans by default).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.main import ExcHandler

E = TypeVar("E", bound=Exception)

#: Request parts whose name is not part of the field path a client knows.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})


def error_body(detail: str, errors: Iterable[tuple[str | None, str]] = ()) -> dict[str, Any]:
    return {"detail": str(detail), "errors": [{"field": f, "message": str(m)} for f, m in errors]}


def _respond(api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="reformledger"'
    return response


def _field_name(loc: Iterable[Any]) -> str | None:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)  # the handler's parameter name ("payload") means nothing to the client
    return ".".join(str(p) for p in parts) or None


def pydantic_message(error: Mapping[str, Any]) -> str:
    """A translatable message for the common pydantic error types; pydantic's own text otherwise."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        return _("Must be at most %(limit)s.") % {"limit": limit}
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        return _("Must be at least %(limit)s.") % {"limit": limit}
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Must be a whole number.")
    if kind.startswith("date"):
        return _("Must be a date written as YYYY-MM-DD.")
    if kind == "string_type":
        return _("Must be text.")
    if kind in {"list_type", "set_type"}:
        return _("Must be a list.")
    if kind in {"enum", "literal_error"}:
        return _("Must be one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("Must be a JSON object.")
    return str(error.get("msg", _("Invalid value.")))


def _add_handler(api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # ninja types a handler as taking the exception or its class (``ninja.main.Exc``), but only ever
    # calls it with the exception raised (``NinjaAPI.on_exception``, looked up by ``type(exc)``).
    api.add_exception_handler(exc_class, cast("ExcHandler[E]", handler))


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api`` (replacing ninja's defaults for these exceptions)."""

    def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                (None if field == NON_FIELD_ERRORS else field, message)
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [(None, message) for message in exc.messages]
        return _respond(api, request, 422, error_body(_("The data is not valid."), errors))

    def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [(_field_name(e.get("loc", ())), pydantic_message(e)) for e in exc.errors]
        return _respond(api, request, 422, error_body(_("The request is not valid."), errors))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _respond(api, request, 403, error_body(str(exc) or _("You may not do this.")))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _respond(api, request, 404, error_body(_("Not found.")))

    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = (
            exc.message
            if exc.message != "Unauthorized"
            else _("Sign in or send Authorization: Bearer TOKEN.")
        )
        return _respond(api, request, 401, error_body(message))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = (
            _("The request body could not be read: send JSON.") if exc.status_code == 400 else exc.message
        )
        return _respond(api, request, exc.status_code, error_body(message))

    _add_handler(api, DjangoValidationError, on_django_validation_error)
    _add_handler(api, NinjaValidationError, on_schema_error)
    _add_handler(api, PermissionDenied, on_permission_denied)
    _add_handler(api, Http404, on_not_found)
    _add_handler(api, AuthenticationError, on_authentication_error)
    _add_handler(api, HttpError, on_http_error)
