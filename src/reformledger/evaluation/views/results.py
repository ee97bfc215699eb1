"""A round's results (``evaluation:round-results``): the office's live view with charts and every
score, or, once published, everyone's page (scores below the round's minimum withheld); its export
(CSV, Excel); the office's anomaly flags.

Who sees what is :func:`..selectors.results.round_for_results`: 404 for a round the person may not
name, 403 before publication for everyone but the office of its district and the province office.
Charts are server-made bars sized through ``data-rl-width`` (ADR 0029: no inline style or script).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reformledger.core.cache import fact_scopes
from reformledger.core.exporters import response
from reformledger.core.fragments import cached_fragment
from reformledger.org.selectors import actor_for

from ..documents.results import ResultsWorkbook, results_csv
from ..models import Round
from ..selectors.anomalies import (
    BURST_MINUTES,
    BURST_RATINGS,
    IDENTICAL_MIN_LENGTH,
    IDENTICAL_MIN_RATINGS,
    PACK_MINUTES,
    PACK_USED_SHARE,
    round_anomalies,
)
from ..selectors.results import SMALL_N, RoundResults, method, results_key, round_for_results, round_results
from ..selectors.seals import seal_status


def base_template(request: HttpRequest, round: Round) -> str:
    return "office/base.html" if request.user.has_perm("evaluation.view_live_results", round) else "base.html"


def office_round(request: HttpRequest, pk: int, perm: str) -> Round:
    """A round for an office page: 404 when there is none or it lies outside the districts the
    person is bound to (ADR 0025), 403 without ``perm`` on it."""
    found = Round.objects.filter(pk=pk).select_related("district").first()
    if found is None or actor_for(request.user).outside_districts(found.district_id):
        raise Http404(_("No such round."))
    if not request.user.has_perm(perm, found):
        raise PermissionDenied(_("Only the reform office of the round's district may do this."))
    return found


def _chart_rows(results: RoundResults) -> list[tuple[str, int, float]]:
    top = max((p.count for p in results.sub_districts), default=0)
    return [(p.name, p.count, 100 * p.count / top if top else 0.0) for p in results.sub_districts]


@require_GET
def round_results_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = round_for_results(request.user, pk)
    key = results_key(found)
    results = round_results(found, key=key)
    office = request.user.has_perm("evaluation.view_live_results", found)

    def body_context() -> dict:
        rows = [(r, list(zip(results.dimensions, r.dimensions, strict=True)), office or r.shown) for r in results.reforms]
        channel_top = max((n for _k, _l, n in results.channels), default=0)
        return {
            "round": found, "results": results, "rows": rows, "office": office, "method": method(results), "small_n": SMALL_N,
            "sub_districts": _chart_rows(results),
            "channels": [(label, n, 100 * n / channel_top if channel_top else 0.0) for _k, label, n in results.channels],
        }

    # The table of 500 reforms is rendered once per version of the results (and per audience).
    body = cached_fragment(request, "evaluation/_results_body.html", body_context, key_parts=(key, office),
                           scopes=fact_scopes("evaluation", [found.district_id]))
    context = {
        "round": found, "results": results, "office": office, "base_template": base_template(request, found), "body": body,
        "seals": seal_status(found),
    }
    return render(request, "evaluation/results.html", context)


@require_GET
def round_results_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | FileResponse:
    found = round_for_results(request.user, pk)
    results = round_results(found)
    office = request.user.has_perm("evaluation.view_live_results", found)
    if fmt == "csv":
        answer = HttpResponse(results_csv(results, office=office).encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        answer["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"评议结果-{found.pk}.csv")
        return answer
    return response(ResultsWorkbook(found, results, office=office))


@require_GET
@login_required
def round_anomalies_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = office_round(request, pk, "evaluation.view_anomalies")
    context = {
        "round": found, "anomalies": round_anomalies(found),
        "thresholds": {
            "burst_ratings": BURST_RATINGS, "burst_minutes": BURST_MINUTES, "identical_ratings": IDENTICAL_MIN_RATINGS,
            "identical_length": IDENTICAL_MIN_LENGTH, "pack_share": round(PACK_USED_SHARE * 100), "pack_minutes": PACK_MINUTES,
        },
    }
    return render(request, "evaluation/anomalies.html", context)
