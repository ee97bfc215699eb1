"""What the assessment's pages share: the district and the year a page is about."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from reformledger.core.forms import add_service_errors
from reformledger.org.models import Unit, UnitKind
from reformledger.org.selectors import actor_for, office_district_ids

from ..models import Assessment, Scheme
from ..selectors.scope import office_districts

READ_ONLY = gettext_lazy("The province reform office reads every district's assessment and changes none.")


def chosen_district(request: HttpRequest, *, writing: bool = False) -> tuple[Unit | None, list[Unit]]:
    """The district a page is about (``?district=``, else the reader's first) and those the reader
    may choose from: the office's own, every district for the province office (reading only).
    A district the reader may not read answers 404."""
    if writing:
        ids: frozenset[int] | None = office_district_ids(actor_for(request.user))
    else:
        ids = office_districts(request.user)
    districts = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("sort_order", "code")
    if ids is not None:
        districts = districts.filter(pk__in=ids)
    choices = list(districts)
    wanted = request.GET.get("district") or request.POST.get("district")
    if wanted:
        found = next((d for d in choices if str(d.pk) == wanted), None)
        if found is None:
            readable = office_districts(request.user) if writing else ids
            if writing and wanted.isdigit() and (readable is None or int(wanted) in readable):
                raise PermissionDenied(READ_ONLY)  # the province office reads the district, changes nothing
            raise Http404
        return found, choices
    return (choices[0] if choices else None), choices


def chosen_year(request: HttpRequest, district: Unit | None = None) -> int:
    """``?year=``, else the latest year the district has a scheme or a version of, else this year."""
    wanted = request.GET.get("year", "")
    if wanted.isdigit() and 2000 <= int(wanted) <= 2100:
        return int(wanted)
    if district is not None:
        years = [
            Scheme.objects.filter(district=district).order_by("-year").values_list("year", flat=True).first(),
            Assessment.objects.filter(district=district).order_by("-year").values_list("year", flat=True).first(),
        ]
        known = [y for y in years if y]
        if known:
            return max(known)
    return timezone.localdate().year


def field_errors(form, exc: ValidationError) -> None:
    """The engine's errors on the form: ``params.x`` on ``params``, unknown names above the form."""
    if not hasattr(exc, "error_dict"):
        add_service_errors(form, exc)
        return
    for name, errors in exc.message_dict.items():
        target = name.split(".", 1)[0]
        for message in errors:
            form.add_error(target if target in form.fields else None, message)


def attempt(form, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ValidationError as exc:
        field_errors(form, exc)
        return None


def flash(request: HttpRequest, call: Callable[[], Any], done: str) -> Any:
    try:
        result = call()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    messages.success(request, done)
    return result
