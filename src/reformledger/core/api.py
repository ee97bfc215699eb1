"""What every business area's API router shares.

* parameter types (:data:`ObjectId`, :data:`Year`), paging (:class:`PageParams`, :func:`paginate`)
  and the caller (:func:`signed_in_user`, :func:`caller`);
* a request body sent as JSON or as ``multipart/form-data`` with files (:func:`json_or_multipart`
  documents it, :func:`read_body` reads it), validated by one schema either way;
* :func:`cached_json`: a JSON page served from the cache until the next write (``core.cache``);
* :func:`resolve_ids`: the ids of a payload turned into objects, or one 422 naming every field
  with an unknown id.

Authentication itself is wired in ``reformledger.api``; handlers find the caller in ``request.auth``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from pydantic import ValidationError as PydanticError

from .cache import EVERYTHING, Scopes, cached_count, cached_value, digest, district_count, tracked
from .pagination import KeysetPaginator

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

#: Ids are 64-bit on every database; a larger number would be a database error, not a 404.
MAX_ID = 2**63 - 1
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A year as the catalogue stores it (a small integer).
Year = Annotated[int, Field(ge=1, le=9999)]

#: ``openapi_extra`` for operations anyone may call: credentials are optional (``{}``).
PUBLIC_READ: dict[str, Any] = {"security": [{}]}

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


# --- the caller ----------------------------------------------------------------------------------


def signed_in_user(request: HttpRequest) -> AbstractBaseUser:
    """The caller, who must have signed in (token or session); 401 otherwise."""
    user = getattr(request, "auth", None)
    if not isinstance(user, get_user_model()):
        raise AuthenticationError(message=_("Sign in or send Authorization: Bearer TOKEN."))
    return user


def caller(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    """The caller: a user, or an anonymous visitor (who sees public data only)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, get_user_model() | AnonymousUser) else AnonymousUser()


# --- pages ---------------------------------------------------------------------------------------


class PageParams(Schema):
    page: int = Field(1, ge=1, description="1-based page number.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Rows per page, at most {MAX_PAGE_SIZE}."
    )


def paginate(
    qs: QuerySet[Any], params: PageParams, *, count: int | None = None,
    district_ids: Sequence[int] | None = None, order: Sequence[str] | None = None, family: str = "work",
    count_key: str | None = None, key: Hashable | None = None,
) -> dict[str, Any]:
    """``{"count": N, "items": [...]}`` for one page: two queries whatever the page size
    (one past the last page, which is empty).

    ``count``: the total when the caller has it already. ``district_ids``: count district by
    district, each part cached on its own district's version of ``family``
    (``core.cache.district_count``; ``count_key`` names everything ``qs`` is filtered by, cheaper
    than compiling its SQL). ``order``: the queryset's ordering fields (ending in a unique
    one), so that a page in the second half of the list is read from its end (half the depth).
    ``key``: what ``qs`` is built from, when the caller names it, so that its pages run SQL compiled
    once per process (core.compiled).
    """
    if count is None:
        count = district_count(qs, district_ids, family=family, key=count_key) if district_ids is not None else cached_count(qs)
    paginator = KeysetPaginator(qs, params.page_size, fields=order or (), sort="api", count=count, key=key)
    if params.page > paginator.num_pages or not count:
        return {"count": count, "items": []}
    if order:
        return {"count": count, "items": list(paginator.page_for({"page": params.page}).object_list)}
    start = (params.page - 1) * params.page_size
    return {"count": count, "items": list(qs[start : start + params.page_size])}


def cached_json(key: str, encode: Callable[[], bytes], *, scopes: Scopes = EVERYTHING) -> HttpResponse:
    """The JSON body ``encode`` makes, cached under ``key`` until the next write to ``scopes``
    (``core.cache``)."""
    return HttpResponse(cached_value(key, encode, scopes=scopes), content_type=JSON_CONTENT_TYPE)


def tracked_json(key: str, encode: Callable[[], bytes], *, scopes: Scopes) -> HttpResponse:
    """The JSON body ``encode`` makes, kept under ``key`` with what it read (``scopes``, and every
    versioned lookup or ``depends_on`` while encoding) and served while that stands
    (``core.cache.tracked``, ADR 0033)."""
    return HttpResponse(tracked(f"rl:json:{digest(key)}", encode, scopes=scopes), content_type=JSON_CONTENT_TYPE)


# --- ids to objects ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """How to find the objects a payload field names: in ``queryset``, by primary key.

    ``unknown`` is the message for an id that is not there (``%(id)s``; ``%(ids)s`` for a list when
    ``many``). A ``nullable`` field may be ``None`` (it clears the reference); otherwise ``None`` is
    an unknown id like any other.
    """

    queryset: QuerySet[Any]
    unknown: str
    many: bool = False
    nullable: bool = False


def resolve_ids(
    data: Mapping[str, Any], refs: Mapping[str, Ref], *, errors: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    """``data`` with each field named in ``refs`` turned from ids into objects (a list of ids into
    a list of objects, in the order given); fields not in ``data`` stay out.

    Raises one ValidationError (422) naming every field with an unknown id, together with the
    caller's own ``errors`` (an unknown id replaces the caller's message for that field).
    """
    problems: dict[str, list[str]] = dict(errors or {})
    out = dict(data)
    for name, ref in refs.items():
        if name not in data:
            continue
        value = data[name]
        if ref.many:
            ids = list(dict.fromkeys(value))
            found = {obj.pk: obj for obj in ref.queryset.filter(pk__in=ids)} if ids else {}
            missing = [str(i) for i in ids if i not in found]
            if missing:
                problems[name] = [ref.unknown % {"ids": ", ".join(missing)}]
            out[name] = [found[i] for i in value if i in found]
        elif value is None and ref.nullable:
            out[name] = None
        else:
            out[name] = ref.queryset.filter(pk=value).first() if value is not None else None
            if out[name] is None:
                problems[name] = [ref.unknown % {"id": value}]
    if problems:
        raise ValidationError(problems)
    return out


# --- a body that is JSON or multipart ------------------------------------------------------------


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with its ``$defs`` written in place (it sits inside one operation)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                siblings = {key: value for key, value in node.items() if key != "$ref"}
                return {**walk(defs[ref.rsplit("/", 1)[1]]), **siblings}
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return cast(dict[str, Any], walk(schema))


def json_hint(name: str) -> str:
    return f"The `{name}` object of the JSON body, written as JSON text."


def json_or_multipart(
    schema: type[Schema],
    *,
    files_field: str,
    files_description: str,
    json_fields: Sequence[str] = (),
    files_required: bool = False,
) -> dict[str, Any]:
    """``openapi_extra`` documenting a request body sent as JSON, or as multipart with the same
    fields (``json_fields`` as JSON text) plus files in ``files_field``."""
    body = inline_refs(schema.model_json_schema())
    form = {
        "title": f"{body.get('title', schema.__name__)} (multipart)",
        "type": "object",
        "properties": {
            **{
                name: (
                    # JSON text, validated (and its strings held to their lengths) as the JSON body's object
                    {"type": "string", "contentMediaType": "application/json", "description": json_hint(name)}
                    if name in json_fields else prop
                )
                for name, prop in body.get("properties", {}).items()
            },
            files_field: {
                "type": "array",
                "items": {"type": "string", "format": "binary"},
                "description": files_description,
            },
        },
        "required": [*body.get("required", []), *([files_field] if files_required else [])],
    }
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": body}, "multipart/form-data": {"schema": form}},
        }
    }


def _form_data(
    request: HttpRequest, *, files_field: str, json_fields: Sequence[str]
) -> tuple[dict[str, Any], list[Any]]:
    data: dict[str, Any] = {key: request.POST.get(key) for key in request.POST}
    errors: dict[str, list[str]] = {}
    for name in json_fields:
        if name in data:
            try:
                data[name] = json.loads(data[name])
            except ValueError:
                errors[name] = [_("Send this field as a JSON object.")]
    for name in sorted(set(request.FILES) - {files_field}):
        errors[name] = [_("Send files in the field evidence.")]
    if errors:
        raise ValidationError(errors)
    return data, request.FILES.getlist(files_field)


def read_body(
    request: HttpRequest, schema: type[Schema], *, files_field: str, json_fields: Sequence[str] = ()
) -> tuple[Schema, list[Any]]:
    """The request's data, validated by ``schema``, and its files.

    JSON (``application/json``): the body is the object. Multipart (``multipart/form-data``): the
    same fields as form fields (``json_fields`` as JSON text) and files in ``files_field``.
    """
    content_type = request.content_type or "application/json"
    files: list[Any] = []
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        source = "form"
        data, files = _form_data(request, files_field=files_field, json_fields=json_fields)
    elif content_type == "application/json":
        source = "body"
        try:
            data = json.loads(request.body) if request.body else {}
        except ValueError as exc:
            raise HttpError(400, _("The request body could not be read: send JSON.")) from exc
    else:
        raise HttpError(415, _("Send JSON, or multipart/form-data when files come with the data."))
    try:
        payload = schema.model_validate(data)
    except PydanticError as exc:
        # Located as ninja locates its own errors, so the error module names the field the same way.
        prefix = ("body", "payload") if source == "body" else (source,)
        raise SchemaError(
            [{**error, "loc": (*prefix, *error["loc"]) if error["loc"] else (source,)} for error in exc.errors(include_url=False)]
        ) from None
    return payload, files
