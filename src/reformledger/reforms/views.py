"""The office's pages for the catalogue: list, detail with history, forms, lifecycle.

Thin: reads come from ``selectors`` (already scoped to the person), writes go through
``services`` (permission-checked and audited). Reads of a reform the person may not see answer
404; writes the person may not make answer 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core.audit import history_of
from reformledger.core.cache import CachedCountPaginator as Paginator
from reformledger.core.cache import cached_fragment, personal_page
from reformledger.core.views import is_htmx
from reformledger.org.models import Domain, Unit, User
from reformledger.org.selectors import actor_for

from . import rules as reform_rules
from . import services
from .forms import (
    UNIT_CREATE_EXTRA,
    AttachmentForm,
    CatalogueFilterForm,
    ReformForm,
    TransitionForm,
)
from .models import Attachment, Plan, Reform, SourceLevel, Status, Tier
from .selectors import (
    districts_of,
    filter_domains,
    filter_units,
    get_visible_reform,
    has_full_access,
    list_key,
    reform_list,
    reform_units,
    suggest_code,
    year_choices,
)
from .templatetags.ui import list_separator, reform_field_label


def office_member_required(public_fallback: str | None = None) -> Callable:
    """Login required; then only people who carry reforms (office, committee, leaders, units).

    Others (experts, residents) are sent to the public page named ``public_fallback`` when there
    is one (same URL kwargs), else refused with 403.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not has_full_access(actor_for(request.user)):
                if public_fallback:
                    return redirect(public_fallback, *args, **kwargs)
                raise PermissionDenied(_("These pages are for the reform office and the units that carry reforms."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# --- catalogue ----------------------------------------------------------------------------------


@require_GET
@office_member_required("portal:catalogue")
@personal_page
def catalogue(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    years, district_ids = year_choices(request.user), districts_of(actor)
    form = CatalogueFilterForm(
        request.GET or None, years=years, domains=filter_domains(), units=filter_units(district_ids)
    )
    filters, sort = form.filters(), form.sort_key()
    rows = reform_list(request.user, filters, sort)

    def results_context() -> dict:
        page = Paginator(rows, settings.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
        return {"page": page, "sort": sort, "query": request.GET.urlencode()}

    # The rows, count, sort headers and pagination, rendered once per (who may see what, filters,
    # sort, query string, language, data version): exact, and shared by everyone who sees the same rows.
    results = cached_fragment(
        request, "reforms/_catalogue_results.html", results_context, key_parts=(list_key(request.user, filters, sort),)
    )
    if is_htmx(request):
        response = HttpResponse(results)
    else:
        # The filter bar is made of the query string and the options (years, districts' units,
        # domains: fixed by the data version); cached like the results.
        filters_html = cached_fragment(
            request,
            "reforms/_catalogue_filters.html",
            {"form": form},
            key_parts=(years, sorted(district_ids) if district_ids is not None else "*"),
        )
        context = {
            "form": form,
            "filters": filters_html,
            "results": results,
            "can_add": request.user.has_perm("reforms.add_reform"),
            "can_import": request.user.has_perm("reforms.import_ledger"),
        }
        response = render(request, "reforms/catalogue.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- detail and history -------------------------------------------------------------------------

ACTION_LABELS = {
    "reform.create": gettext_lazy("created the reform"),
    "reform.update": gettext_lazy("changed the reform"),
    "reform.transition": gettext_lazy("changed the status"),
    "reform.attach": gettext_lazy("added an attachment"),
    "reform.detach": gettext_lazy("removed an attachment"),
    "reform.attachment_public": gettext_lazy("changed who sees an attachment"),
    "reform.import.create": gettext_lazy("created the reform from an Excel ledger"),
    "reform.import.update": gettext_lazy("changed the reform from an Excel ledger"),
    "demo.create": gettext_lazy("created the reform with the demo data"),
    # Recorded on the reform by supervision (tasks, completion, change requests, urging).
    "task.delete": gettext_lazy("removed a task"),
    "supervision.urge": gettext_lazy("urged the responsible unit (催办)"),
    "reform.apply_completion": gettext_lazy("applied for completion"),
    "reform.complete": gettext_lazy("accepted the completion: the reform is completed"),
    "reform.return_completion": gettext_lazy("returned the application for completion"),
    "reform.request_change": gettext_lazy("requested a change"),
    "reform.change": gettext_lazy("changed the reform by an approved change request"),
    "reform.close_tasks": gettext_lazy("closed the open tasks with the completed reform"),
}
#: Actions that bring an object into being: their "before" values are empty and not shown.
CREATE_ACTIONS = frozenset({"reform.create", "reform.import.create", "demo.create"})

_REFERENCE_FIELDS: dict[str, type] = {
    "domain": Domain,
    "lead_unit": Unit,
    "unit": Unit,
    "co_units": Unit,
    "responsible_leader": User,
    "plan": Plan,
}
_CHOICE_FIELDS: dict[str, type] = {"tier": Tier, "status": Status, "source_level": SourceLevel}
_EXTRA_FIELD_LABELS = {
    "note": gettext_lazy("Note"),
    "attachment": gettext_lazy("Attachment"),
    "is_public": gettext_lazy("Public"),
    "task": gettext_lazy("Task"),
    "unit": gettext_lazy("Unit"),
    "evidence": gettext_lazy("Evidence"),
    "tasks_closed": gettext_lazy("Tasks closed"),
}
#: Recorded as the entry's note (words a person wrote), not as a field that changed.
_NOTE_KEYS = ("note", "comment", "message")
#: Ids that link entries to other records (a completion, a change request): not shown.
_INTERNAL_KEYS = frozenset({"completion", "change_request", "request"})


def _field_label(name: str) -> str:
    extra = _EXTRA_FIELD_LABELS.get(name)  # recorded by another action (a note, an attachment)
    return capfirst(str(extra)) if extra else reform_field_label(name)


def history_rows(reform: Reform) -> list[dict[str, Any]]:
    """The reform's audit entries, newest first, with field names translated and ids named.

    Ids of units, domains, leaders and plans are resolved in one query per kind for the whole
    history, not per row.
    """
    entries = list(history_of(reform).select_related("actor"))
    wanted: dict[type, set[int]] = {}
    for entry in entries:
        for name, change in (entry.changes or {}).items():
            model = _REFERENCE_FIELDS.get(name)
            if model is None or not isinstance(change, list):
                continue
            for value in change:
                for pk in value if isinstance(value, list) else [value]:
                    if isinstance(pk, int):
                        wanted.setdefault(model, set()).add(pk)
    names: dict[type, dict[int, str]] = {
        model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=pks)} for model, pks in wanted.items()
    }

    def show(name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        model = _REFERENCE_FIELDS.get(name)
        if model is not None:
            lookup = names.get(model, {})
            values = value if isinstance(value, list) else [value]
            return list_separator().join(lookup.get(v, f"#{v}") for v in values)
        choices = _CHOICE_FIELDS.get(name)
        if choices is not None and value in choices.values:
            return str(choices(value).label)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if name == "tasks_closed" and isinstance(value, list):  # their ids: say how many
            return str(len(value))
        if isinstance(value, list):  # names of files
            return list_separator().join(str(v) for v in value)
        return str(value)

    order = {name: i for i, name in enumerate(services.TRACKED_FIELDS)}
    rows = []
    for entry in entries:
        changes = []
        note = ""
        creates = entry.action in CREATE_ACTIONS
        recorded = dict(entry.changes or {})
        # A change request records what it proposes as one mapping: show it field by field.
        proposed = recorded.pop("proposed", None)
        if isinstance(proposed, dict):
            recorded.update({name: [None, value] for name, value in proposed.items()})
        items = sorted(recorded.items(), key=lambda item: order.get(item[0], len(order)))
        for name, change in items:
            if name in _INTERNAL_KEYS:
                continue
            if name in _NOTE_KEYS:
                note = str(change)
                continue
            if name == "evidence" and isinstance(change, list) and all(isinstance(v, str) for v in change):
                before, after = None, change  # the files that came with a request, not a before/after pair
            elif name == "tasks_closed":
                before, after = None, change  # the ids of the tasks closed, not a before/after pair
            elif isinstance(change, list) and len(change) == 2:
                before, after = change
            else:
                before, after = None, change
            if creates and after in (None, "", []):
                continue
            changes.append(
                {
                    "label": _field_label(name),
                    "before": None if creates else show(name, before),
                    "after": show(name, after),
                }
            )
        rows.append(
            {
                "entry": entry,
                "who": str(entry.actor) if entry.actor else (entry.actor_name or _("System")),
                "action": ACTION_LABELS.get(entry.action, entry.action),
                "changes": changes,
                "note": note,
            }
        )
    return rows


@require_GET
@office_member_required("portal:detail")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    reform = get_visible_reform(request.user, pk)
    user = request.user
    can_change = user.has_perm("reforms.change_reform", reform)
    targets = reform_rules.allowed_targets(user, reform)
    return render(
        request,
        "reforms/detail.html",
        {
            "reform": reform,
            "can_change": can_change,
            "targets": [(status, Status(status).label) for status in targets],
            "transition_form": TransitionForm(),
            "attachment_form": AttachmentForm() if user.has_perm("reforms.manage_attachments", reform) else None,
            "history": history_rows(reform),
        },
    )


# --- create and edit ----------------------------------------------------------------------------


def _form_for(request: HttpRequest, reform: Reform | None, data=None) -> ReformForm:
    actor = actor_for(request.user)
    district_ids = districts_of(actor)
    units = reform_units(district_ids)
    if actor.is_office:
        editable = services.OFFICE_EDITABLE
        lead_units = units
    elif reform is None:
        editable = services.UNIT_EDITABLE | UNIT_CREATE_EXTRA
        lead_units = units.filter(pk__in=actor.unit_ids)
    else:
        editable = services.UNIT_EDITABLE
        lead_units = None
    if reform is None and not actor.is_office:
        # Units propose key and micro reforms; upper-level tasks come down from above, via the office.
        editable = editable - {"source_level"}
    form = ReformForm(data, editable=frozenset(editable), instance=reform, units=units, lead_units=lead_units)
    if reform is None and not actor.is_office:
        form.fields["tier"].choices = [(value, label) for value, label in Tier.choices if value != Tier.UPPER]
    if reform is None and data is None:
        _suggest_new_reform(form, lead_units)
    return form


def _suggest_new_reform(form: ReformForm, lead_units) -> None:
    """Start a new reform as most are: a micro-reform of this year, led by the person's own unit
    when there is only one, with the next free code of the district."""
    year = timezone.localdate().year
    form.initial.update({"year": year, "tier": Tier.MICRO})
    only_unit = list(lead_units[:2]) if lead_units is not None else []
    if len(only_unit) == 1:
        unit = only_unit[0]
        form.initial["lead_unit"] = unit.pk
        district = unit if unit.district_id in (None, unit.pk) else Unit.objects.get(pk=unit.district_id)
        form.initial["code"] = suggest_code(district_code=district.code, year=year, tier=Tier.MICRO)


#: Fields that take the form's full width.
WIDE_FIELDS = ("title", "goals", "measures", "deliverables", "public_summary", "co_units")


def _render_form(request: HttpRequest, form: ReformForm, reform: Reform | None) -> HttpResponse:
    """The form page; 400 when it comes back with errors (nothing was saved)."""
    context = {"form": form, "reform": reform, "wide_fields": WIDE_FIELDS}
    return render(request, "reforms/form.html", context, status=400 if form.errors else 200)


def _save(request: HttpRequest, form: ReformForm, write: Callable[[dict], Reform]) -> Reform | None:
    """Save a valid form through a service; on the service's ValidationError, put its messages on
    the form's fields and return None (nothing was written)."""
    try:
        return write(form.service_data())
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None


@require_http_methods(["GET", "POST"])
@office_member_required()
def create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("reforms.add_reform"):
        raise PermissionDenied(_("You may not create reforms."))
    form = _form_for(request, None, request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, lambda data: services.create_reform(user=request.user, data=data))
        if saved is not None:
            messages.success(request, _("Reform %(code)s created.") % {"code": saved.code})
            return redirect("reforms:detail", pk=saved.pk)
    return _render_form(request, form, None)


@require_http_methods(["GET", "POST"])
@office_member_required()
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        reform = get_object_or_404(Reform.objects.prefetch_related("co_units"), pk=pk)
    else:
        reform = get_visible_reform(request.user, pk)
    if not request.user.has_perm("reforms.change_reform", reform):
        raise PermissionDenied(_("You may not change this reform."))
    form = _form_for(request, reform, request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, lambda data: services.update_reform(user=request.user, reform=reform, data=data))
        if saved is not None:
            messages.success(request, _("Reform %(code)s saved.") % {"code": saved.code})
            return redirect("reforms:detail", pk=saved.pk)
    return _render_form(request, form, reform)


# --- lifecycle and attachments ------------------------------------------------------------------


@require_POST
@office_member_required()
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    reform = get_object_or_404(Reform, pk=pk)
    if not request.user.has_perm("reforms.view_reform", reform):
        raise PermissionDenied(_("You may not make this change of status."))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid new status."))
        return redirect("reforms:detail", pk=reform.pk)
    try:
        services.transition_reform(
            user=request.user, reform=reform, to_status=form.cleaned_data["to"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Status changed to %(status)s.") % {"status": Status(form.cleaned_data["to"]).label},
        )
    return redirect("reforms:detail", pk=reform.pk)


@require_POST
@office_member_required()
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    reform = get_object_or_404(Reform, pk=pk)
    if not request.user.has_perm("reforms.manage_attachments", reform):
        raise PermissionDenied(_("You may not change this reform."))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                user=request.user,
                reform=reform,
                uploaded_file=form.cleaned_data["file"],
                is_public=form.cleaned_data["is_public"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Attachment added."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(reverse("reforms:detail", kwargs={"pk": reform.pk}) + "#attachments")


def _attachment_to_change(request: HttpRequest, pk: int, attachment_id: int) -> Attachment:
    item = get_object_or_404(Attachment.objects.select_related("reform"), pk=attachment_id, reform_id=pk)
    if not request.user.has_perm("reforms.manage_attachments", item.reform):
        raise PermissionDenied(_("You may not change this reform."))
    return item


@require_POST
@office_member_required()
def remove_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    item = _attachment_to_change(request, pk, attachment_id)
    services.remove_attachment(user=request.user, attachment=item)
    messages.success(request, _("Attachment %(name)s removed.") % {"name": item.name})
    return redirect(reverse("reforms:detail", kwargs={"pk": pk}) + "#attachments")


@require_POST
@office_member_required()
def attachment_public(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    item = _attachment_to_change(request, pk, attachment_id)
    services.set_attachment_public(user=request.user, attachment=item, is_public=request.POST.get("is_public") == "1")
    return redirect(reverse("reforms:detail", kwargs={"pk": pk}) + "#attachments")


@require_GET
@office_member_required()
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    reform = get_visible_reform(request.user, pk)
    item = next((a for a in reform.attachments.all() if a.pk == attachment_id), None)
    if item is None:
        raise Http404
    return _file_response(item)


def _file_response(item: Attachment) -> FileResponse:
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=item.name)
