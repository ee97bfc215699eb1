"""The office's ledger pages: export the catalogue to Excel; upload a ledger, watch it being
checked, read the preview, confirm, watch it being applied.

Thin views: the work is in :mod:`reformledger.reforms.ledger` (its steps: format, checks, uploads,
export) and in :mod:`reformledger.reforms.jobs` (background jobs), which the pages hand to the
upload and confirm steps to queue.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core.exporters import response
from reformledger.core.permissions import require
from reformledger.core.views import is_htmx
from reformledger.org.selectors import actor_for, has_full_access

from .. import jobs
from ..forms import CatalogueFilterForm
from ..ledger.applying import IMPORT_REFUSED
from ..ledger.export import LedgerWorkbook
from ..ledger.format import COLUMNS, LedgerFileError, more_problems_line
from ..ledger.uploads import confirm_import, get_import, recent_imports, retry_import, start_import
from ..models import LedgerImport
from ..selectors import (
    districts_of,
    filter_districts,
    filter_domains,
    filter_units,
    reform_list,
    year_choices,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What the upload's file picker offers: the kinds the ledger reads (judged by content on upload).
ACCEPT = f".xlsx,.xls,.csv,{XLSX},application/vnd.ms-excel,text/csv"
#: How many problems the status page lists (the command line prints them all).
ERRORS_SHOWN = 1000
RECENT_IMPORTS = 10


#: What each column holds, for the upload page (the headers themselves are fixed, see ledger/format.py).
COLUMN_HELP = {
    "code": gettext_lazy("Unique code. Rows match reforms by code; a new code creates a reform."),
    "title": gettext_lazy("The reform's title."),
    "tier": gettext_lazy("上级任务, 重点改革 or 微改革 (or upper, key, micro)."),
    "source_level": gettext_lazy("Upper-level tasks only: 国家级, 省级 or 市级."),
    "year": gettext_lazy("Four digits, such as 2019."),
    "district": gettext_lazy("The district's name or code."),
    "domain": gettext_lazy("The domain's name or code."),
    "lead_unit": gettext_lazy("A unit of the district, by name or code."),
    "co_units": gettext_lazy("Units by name or code, separated by 、 or , or ；."),
    "responsible_leader": gettext_lazy("Username, or the full name when only one person has it."),
    "goals": gettext_lazy("Free text."),
    "measures": gettext_lazy("Free text."),
    "deliverables": gettext_lazy("Free text."),
    "start_date": gettext_lazy("An Excel date, or text as YYYY-MM-DD, YYYY/M/D or YYYY年M月D日."),
    "due_date": gettext_lazy("As the start date, and not before it."),
    "status": gettext_lazy(
        "草稿, 已提出, 已批准, 推进中, 已完成, 已暂停 or 已终止. A new reform takes it as written; a reform "
        "already here moves only as its lifecycle allows, and is completed only by applying for completion. "
        "Blank keeps the status (draft for a new reform)."
    ),
    "progress": gettext_lazy(
        "A whole number from 0 to 100, taken for a new reform; a reform already here keeps the progress "
        "of its accepted work. Blank keeps the progress (0 for a new reform)."
    ),
    "public_summary": gettext_lazy("Free text, shown on the public pages once the reform is approved."),
    "version": gettext_lazy(
        "Written by the export: which state of the reform the row shows. Leave it as it is; blank for new rows."
    ),
}

#: An import's status -> the look of its badge (tone as the status badges, Bootstrap icon).
IMPORT_LOOK = {
    LedgerImport.ImportStatus.CHECKING: ("in-progress", "bi-hourglass-split"),
    LedgerImport.ImportStatus.REJECTED: ("terminated", "bi-x-octagon"),
    LedgerImport.ImportStatus.READY: ("approved", "bi-eye"),
    LedgerImport.ImportStatus.APPLYING: ("in-progress", "bi-hourglass-split"),
    LedgerImport.ImportStatus.APPLIED: ("completed", "bi-check-circle-fill"),
    LedgerImport.ImportStatus.FAILED: ("terminated", "bi-exclamation-triangle"),
}


def _with_look(items):
    for item in items:
        item.tone, item.icon = IMPORT_LOOK.get(item.status, ("draft", "bi-circle"))
    return items


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Ledger file (.xlsx, .xls or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
    )


# --- export -------------------------------------------------------------------------------------


@require_GET
@login_required
def export(request: HttpRequest) -> HttpResponse | FileResponse:
    """The catalogue as the person sees it (same filters and sort as the catalogue), as an xlsx."""
    actor = actor_for(request.user)
    if not has_full_access(actor):
        raise PermissionDenied(_("The ledger is for the reform office and the units that carry reforms."))
    form = CatalogueFilterForm(
        request.GET or None,
        years=year_choices(request.user),
        domains=filter_domains(),
        units=filter_units(districts_of(actor)),
        districts=filter_districts(request.user),
    )
    reforms = reform_list(request.user, form.filters(), form.sort_key())
    return response(LedgerWorkbook(reforms), stream=True)


# --- import -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    # The page lists the office's uploads: shown only to those who may import.
    require(request.user, "reforms.import_ledger", message=IMPORT_REFUSED)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = start_import(
                user=request.user,
                uploaded_file=form.cleaned_data["file"],
                language=get_language(),
                enqueue=jobs.check_ledger_import.enqueue,
            )
        except LedgerFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("reforms:ledger-import-detail", pk=item.pk)
    recent = _with_look(recent_imports(request.user, RECENT_IMPORTS))
    return render(
        request,
        "reforms/ledger/upload.html",
        {
            "form": form,
            "max_mb": f"{settings.LEDGER_MAX_UPLOAD_MB:g}",
            "max_rows": f"{settings.LEDGER_MAX_ROWS:,}",
            "accept": ACCEPT,
            "columns": [(column, COLUMN_HELP.get(column.key, "")) for column in COLUMNS],
            "recent": recent,
        },
        status=400 if form.errors else 200,
    )


@never_cache
@require_GET
@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's state; while it is being checked or applied, htmx polls this every second."""
    require(request.user, "reforms.import_ledger", message=IMPORT_REFUSED)
    item = get_import(request.user, pk)
    _with_look([item])
    summary = item.summary or {}
    errors = item.errors or []
    # An import keeps at most LEDGER_MAX_PROBLEMS problems and counts the rest (older ones kept all).
    hidden = summary.get("problems_not_shown", 0) + max(len(errors) - ERRORS_SHOWN, 0)
    context = {
        "item": item,
        "S": LedgerImport.ImportStatus,
        "working": item.status in (LedgerImport.ImportStatus.CHECKING, LedgerImport.ImportStatus.APPLYING),
        "summary": summary,
        "changes": summary.get("changes", []),
        "conflicts": summary.get("conflicts", []),
        "notices": summary.get("notices", []),
        "to_apply": summary.get("created", 0) + summary.get("updated", 0),
        "errors": errors[:ERRORS_SHOWN],
        "errors_hidden": more_problems_line(hidden) if hidden else "",
        "errors_total": len(errors) + summary.get("problems_not_shown", 0),
        "file_error": next((e["message"] for e in errors if e.get("row") is None), ""),
    }
    template = "reforms/ledger/_status.html" if is_htmx(request) else "reforms/ledger/detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@login_required
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply the previewed ledger, taking from it the conflicting rows the office ticked."""
    require(request.user, "reforms.import_ledger", message=IMPORT_REFUSED)
    item = get_import(request.user, pk)
    take = sorted({int(row) for row in request.POST.getlist("take") if row.isdigit()})
    try:
        confirm_import(
            user=request.user,
            ledger_import=item,
            language=get_language(),
            enqueue=jobs.apply_ledger_import.enqueue,
            take=take,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("reforms:ledger-import-detail", pk=item.pk)


@require_POST
@login_required
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a failed import's step again (its check, or its apply), as the person who retries."""
    item = get_import(request.user, pk)
    try:
        retry_import(
            user=request.user,
            ledger_import=item,
            language=get_language(),
            enqueue_check=jobs.check_ledger_import.enqueue,
            enqueue_apply=jobs.apply_ledger_import.enqueue,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("reforms:ledger-import-detail", pk=item.pk)
