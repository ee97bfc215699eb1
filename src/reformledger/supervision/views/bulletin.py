"""The bulletin (督查通报): the office's monthly figures, previewed on the page and made as Word and
Excel files (:mod:`..bulletin` computes, the exporters of :mod:`..documents` write)."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from reformledger.core.exporters import response
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.org.models import Unit, UnitKind
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Status
from reformledger.reforms.selectors import office_districts

from ..bulletin import make_bulletin
from ..documents import BulletinDocument, BulletinWorkbook
from ..forms.bulletin import BulletinForm

#: How many red and how many amber tasks the bulletin page previews (the files list them all).
BULLETIN_PREVIEW_ROWS = 100
BULLETIN_ONLY = gettext_lazy("Only the reform office and the province office make bulletins.")


def _bulletin_districts(user) -> tuple[list[Unit], bool]:
    """The districts the person may make a bulletin for, and whether "all districts" is offered:
    the office's and the committee's own districts; every district, and all of them together, for
    the province office (and a superuser; ADR 0025)."""
    district_ids = office_districts(actor_for(user))
    qs = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("sort_order", "code")
    if district_ids is not None:
        return list(qs.filter(pk__in=district_ids)), False
    return list(qs), True


def _preview(period, district) -> dict:
    figures = make_bulletin(period=period, district=district, limit=BULLETIN_PREVIEW_ROWS)
    query = f"period={period.code}" + (f"&district={district.pk}" if district is not None else "")
    used = figures.statuses_used
    statuses = [(code, label) for code, label in Status.choices if code in used]
    return {
        "figures": figures,
        "statuses": statuses,
        "reform_rows": figures.tier_rows(used),
        "status_totals": [figures.status_totals[code] for code in used],
        "level_rows": [
            (level, count, 0 if share is None else round(share, 1)) for level, count, share in figures.level_shares()
        ],
        "period": period,
        "district": district,
        "query": query,
        "preview_rows": BULLETIN_PREVIEW_ROWS,
        "previous": period.previous(),
    }


@require_GET
@office_member_required()
def bulletin(request: HttpRequest) -> HttpResponseBase:
    require(request.user, "supervision.make_bulletin", message=BULLETIN_ONLY)
    districts, allow_all = _bulletin_districts(request.user)
    form = BulletinForm(request.GET or None, districts=districts, allow_all=allow_all)
    if form.is_bound and not form.is_valid():
        return render(request, "supervision/bulletin.html", {"form": form, "figures": None}, status=400)
    period, district = form.choice()
    kind = request.GET.get("format") or ""
    if kind in ("docx", "xlsx"):
        figures = make_bulletin(period=period, district=district)
        return response(BulletinDocument(figures) if kind == "docx" else BulletinWorkbook(figures))
    if kind:
        form.add_error(None, _("Choose Word (docx) or Excel (xlsx)."))
        return render(request, "supervision/bulletin.html", {"form": form, "figures": None}, status=400)
    return render(request, "supervision/bulletin.html", {"form": form, **_preview(period, district)})
