"""The bulletin (督查通报): the office's monthly figures, previewed on the page and made as Word and
Excel files (:mod:`..bulletin` computes, :mod:`..documents` writes)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from reformledger.core import files
from reformledger.core.permissions import require
from reformledger.org.models import Unit, UnitKind
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Status
from reformledger.reforms.selectors import districts_of
from reformledger.reforms.views import office_member_required

from .. import documents
from ..bulletin import make_bulletin
from ..forms.bulletin import BulletinForm
from .common import attachment

DOCX_TYPE = files.KINDS["docx"][1]
XLSX_TYPE = files.KINDS["xlsx"][1]
#: How many red and how many amber tasks the bulletin page previews (the files list them all).
BULLETIN_PREVIEW_ROWS = 100
BULLETIN_ONLY = gettext_lazy("Only the reform office makes bulletins.")


def _bulletin_districts(user) -> tuple[list[Unit], bool]:
    """The districts the person may make a bulletin for, and whether "all districts" is offered
    (to people who work across districts, e.g. a superuser of a province's instance)."""
    district_ids = districts_of(actor_for(user))
    qs = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("sort_order", "code")
    if district_ids is not None:
        return list(qs.filter(pk__in=district_ids)), False
    return list(qs), True


def _file(kind: str, period, district) -> HttpResponse:
    figures = make_bulletin(period=period, district=district)
    if kind == "docx":
        return attachment(documents.bulletin_docx(figures), documents.bulletin_filename(figures, "docx"), DOCX_TYPE)
    return attachment(documents.bulletin_xlsx(figures), documents.bulletin_filename(figures, "xlsx"), XLSX_TYPE)


def _preview(period, district) -> dict:
    figures = make_bulletin(period=period, district=district, limit=BULLETIN_PREVIEW_ROWS)
    query = f"period={period.code}" + (f"&district={district.pk}" if district is not None else "")
    statuses = [(code, label) for code, label in Status.choices if any(r.counts.get(code) for r in figures.reforms)]
    total = figures.task_total
    return {
        "figures": figures,
        "statuses": statuses,
        "reform_rows": [(r.tier, [r.counts.get(code, 0) for code, _label in statuses], r.total) for r in figures.reforms],
        "status_totals": [sum(r.counts.get(code, 0) for r in figures.reforms) for code, _label in statuses],
        "level_rows": [
            (level, count, round(100 * count / total, 1) if total else 0) for level, count in figures.levels.items()
        ],
        "period": period,
        "district": district,
        "query": query,
        "preview_rows": BULLETIN_PREVIEW_ROWS,
        "previous": period.previous(),
    }


@require_GET
@office_member_required()
def bulletin(request: HttpRequest) -> HttpResponse:
    require(request.user, "supervision.make_bulletin", message=BULLETIN_ONLY)
    districts, allow_all = _bulletin_districts(request.user)
    form = BulletinForm(request.GET or None, districts=districts, allow_all=allow_all)
    if form.is_bound and not form.is_valid():
        return render(request, "supervision/bulletin.html", {"form": form, "figures": None}, status=400)
    period, district = form.choice()
    kind = request.GET.get("format") or ""
    if kind in ("docx", "xlsx"):
        return _file(kind, period, district)
    if kind:
        form.add_error(None, _("Choose Word (docx) or Excel (xlsx)."))
        return render(request, "supervision/bulletin.html", {"form": form, "figures": None}, status=400)
    return render(request, "supervision/bulletin.html", {"form": form, **_preview(period, district)})
