"""NUL characters refused at the edge, before they reach a query (ADR 0032).

PostgreSQL cannot store or compare text holding a NUL character: without this check such a value
was a server error wherever it reached a query, even for an anonymous ``GET /api/v1/reforms?q=%00``.
:class:`NulCharacterMiddleware` answers 422 in the API's error shape naming the parameter or field,
400 on pages.
"""

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

#: Where the API answers (``reformledger.urls``): its answers are JSON, never a page.
API_PATH = "/api/"

#: A NUL character as JSON writes it inside a string; a body without it holds no NUL in its values.
_JSON_NUL = b"\\u0000"


def _nul_in_json(value: Any, path: str = "") -> str | None:
    """The path (``changes.goals``, ``items.1``) of the first key or string holding a NUL, if any."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return name
            found = _nul_in_json(item, name)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_in_json(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


def _nul_in_form(data: QueryDict) -> str | None:
    """A field holding a NUL, raw or as a JSON escape inside a JSON value (the API's multipart
    bodies carry their structured fields as JSON text, parsed after this check)."""
    for key, values in data.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key
        for value in values:
            if _JSON_NUL.decode() in value.lower():
                try:
                    found = _nul_in_json(json.loads(value), key)
                except ValueError:
                    continue
                if found is not None:
                    return found
    return None


def nul_field(request: HttpRequest) -> str | None:
    """The name of the first parameter or field of ``request`` holding a NUL character (the path
    itself: ``""``), or None. Files are not read: their content is binary."""
    if "\x00" in request.path:
        return ""
    found = _nul_in_form(request.GET)
    if found is not None or request.method in ("GET", "HEAD", "OPTIONS"):
        return found
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            return _nul_in_form(request.POST)  # the text fields; request.FILES holds the files
        except (MultiPartParserError, SuspiciousOperation):
            return None  # the view answers a body it cannot read, as without this check
    if request.content_type == "application/json":
        body = request.body
        if _JSON_NUL not in body and b"\x00" not in body:
            return None
        try:
            return _nul_in_json(json.loads(body))
        except ValueError:
            return None  # not JSON: the API says so (400)
    return None


class NulCharacterMiddleware:
    """Refuse a request with a NUL character in its path, query string, form fields or JSON body:
    422 in the API's error shape naming the parameter or field, 400 on pages.

    PostgreSQL cannot store or compare text with a NUL character: without this check such a value
    is a server error wherever it reaches a query (ADR 0032)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = nul_field(request)
        if field is None:
            return self.get_response(request)
        message = _("Must not contain a NUL character (\\0).")
        if request.path.startswith(API_PATH):
            # The API's one error shape (reformledger.api.errors), built here below the API.
            body = {"detail": _("The request is not valid."), "errors": [{"field": field or None, "message": message}]}
            return HttpResponse(
                json.dumps(body, ensure_ascii=False), status=422, content_type="application/json; charset=utf-8"
            )
        return render(request, "400.html", {"exception": message}, status=400)
