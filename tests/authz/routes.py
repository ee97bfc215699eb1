"""What the matrix must cover: every operation of the OpenAPI document and every URL pattern of
the site, each named by a key ``"METHOD /path"`` as :mod:`tests.authz.matrix` writes it, and how
a key's path parameters become the URL of a real object of district A (:mod:`tests.authz.world`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from reformledger.api.api import api

#: ``{reform_id}`` in the API, ``<int:pk>`` after ``reforms/`` on pages: what the parameter names.
API_PARAMETERS = {
    "reform_id": "reform",
    "task_id": "task",
    "report_id": "report",
    "extension_id": "extension",
    "order_id": "order",
    "reply_id": "reply",
    "request_id": "change",
    "completion_id": "completion",
}
#: On pages (and in the admin), the path segment before a parameter says what it names.
PAGE_SEGMENTS = {
    "reforms": "reform",
    "reform": "reform",  # admin/reforms/reform/<object_id>/
    "attachments": "attachment",
    "import": "ledger_import",
    "tasks": "task",
    "reports": "report",
    "evidence": "evidence",
    "orders": "order",
    "order-replies": "reply",
    "order-files": "reply_file",
    "completions": "completion",
    "changes": "change",
    "extensions": "extension",
    "help": "help",
    "user": "unit_staff_user",  # admin/org/user/<id>/password/
}

_PAGE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
_API_PARAMETER = re.compile(r"\{(\w+)\}")


def api_operations() -> set[str]:
    """``"GET /api/v1/reforms/{reform_id}"`` for every operation of the OpenAPI document."""
    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}" for path, operations in paths.items() for method in operations}


def url_patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    """Every URL pattern of the site as its route (``office/reforms/<int:pk>/``), included ones too."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def api_route(route: str) -> str:
    """The OpenAPI path of a django-ninja route (``api/v1/reforms/<reform_id>`` ->
    ``/api/v1/reforms/{reform_id}``)."""
    return "/" + _PAGE_PARAMETER.sub(r"{\1}", route)


def url_of(key: str, objects: dict[str, int]) -> str:
    """The path of a matrix key with its parameters filled with district A's objects."""
    _method, path = key.split(" ", 1)
    if "{" in path:
        return _API_PARAMETER.sub(lambda m: str(objects[API_PARAMETERS[m.group(1)]]), path)

    def fill(match: re.Match[str]) -> str:
        before = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        return str(objects[PAGE_SEGMENTS[before]])

    return _PAGE_PARAMETER.sub(fill, path)
