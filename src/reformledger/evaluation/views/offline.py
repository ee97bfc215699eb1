"""The offline channels' pages: the office's code packs (make, download once) and paper slip
imports (upload, the template, the row errors), and the public page where a code holder rates.

The office pages answer 404 for a round outside the person's districts, 403 to whoever may not use
them (the province office reads the lists and changes nothing). The public page needs no account;
it is slowed down per address (after :data:`CODE_ATTEMPTS` refused codes in :data:`CODE_WINDOW`
seconds, counted in the shared cache: Redis when ``REDIS_URL`` is set), so codes cannot be guessed at
speed, while a meeting's people, who share the venue's address and type valid codes, are not held up.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core.exporters import response
from reformledger.core.forms import submit
from reformledger.core.signin import client_ip
from reformledger.org.models import User

from ..documents.offline import CodeSheet, SlipTemplate
from ..forms.offline import CodeRatingForm, PackForm, SlipUploadForm
from ..hashing import address_hash
from ..models import RATED_KINDS, Round
from ..selectors import offline as offline_selectors
from ..services import codes as code_services
from ..services import slips as slip_services
from ..services import throttle
from .results import office_round

CODE_ATTEMPTS = 10
CODE_WINDOW = 600


def _person(request: HttpRequest) -> User:
    """The signed-in person of a ``login_required`` page."""
    return cast(User, request.user)


@require_http_methods(["GET", "POST"])
@login_required
def code_packs(request: HttpRequest, pk: int) -> HttpResponse:
    found = office_round(request, pk, "evaluation.view_live_results")
    communities = offline_selectors.pack_communities(found)
    form = PackForm(request.POST or None, communities=communities)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("evaluation.make_code_pack", found):
            raise PermissionDenied(code_services.MAKES)
        if form.is_valid():
            pack = submit(form, lambda: code_services.make_code_pack(
                user=_person(request), round=found, community=form.cleaned_data["community"], size=form.cleaned_data["size"],
                note=form.cleaned_data["note"],
            ))
            if pack is not None:
                messages.success(request, _("The pack was made. Download its codes once, and print them."))
                return redirect("evaluation:code-packs", pk=found.pk)
        status = 400
    context = {
        "round": found, "form": form, "packs": offline_selectors.code_packs(found),
        "may_make": request.user.has_perm("evaluation.make_code_pack", found) and found.kind in RATED_KINDS,
    }
    return render(request, "evaluation/code_packs.html", context, status=status)


@require_POST
@login_required
def code_pack_download(request: HttpRequest, pk: int, pack: int) -> HttpResponse | FileResponse:
    found = office_round(request, pk, "evaluation.make_code_pack")
    item = offline_selectors.pack_of(found, pack)
    if item is None:
        raise Http404(_("No such pack."))
    try:
        codes = code_services.download_code_pack(user=_person(request), pack=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evaluation:code-packs", pk=found.pk)
    rate_url = request.build_absolute_uri(reverse("evaluation:code-rate", args=[found.pk]))
    answer = response(CodeSheet(item, codes, rate_url))
    answer["Cache-Control"] = "no-store"
    return answer


@require_http_methods(["GET", "POST"])
@login_required
def slips(request: HttpRequest, pk: int) -> HttpResponse:
    found = office_round(request, pk, "evaluation.view_live_results")
    form = SlipUploadForm(request.POST or None, request.FILES or None)
    problems, more, status = [], 0, 200
    if request.method == "POST":
        if not request.user.has_perm("evaluation.import_slips", found):
            raise PermissionDenied(slip_services.IMPORTS)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = submit(form, lambda: slip_services.import_slips(
                    user=_person(request), round=found, file_name=upload.name, data=upload.read(),
                ), reraise=("file",))
            except slip_services.SlipProblems as exc:
                problems, more = exc.problems, exc.more
                form.add_error("file", exc.messages[0])
                record = None
            except ValidationError as exc:
                form.add_error("file", exc.message_dict.get("file", exc.messages))
                record = None
            if record is not None:
                messages.success(request, _("%(rows)s rows of paper slips were imported.") % {"rows": f"{record.rows:,}"})
                return redirect("evaluation:slips", pk=found.pk)
        status = 400
    context = {
        "round": found, "form": form, "imports": offline_selectors.slip_imports(found), "problems": problems, "more": more,
        "may_import": request.user.has_perm("evaluation.import_slips", found) and found.kind in RATED_KINDS,
    }
    return render(request, "evaluation/slips.html", context, status=status)


@require_GET
@login_required
def slips_template(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    found = office_round(request, pk, "evaluation.view_live_results")
    reforms = list(found.entries.order_by("position", "pk").values_list("reform__code", "reform__title"))
    communities = list(offline_selectors.pack_communities(found).values_list("code", "name"))
    return response(SlipTemplate(found, reforms, communities))


def _failures(request: HttpRequest) -> throttle.Limit:
    """The refused codes of this address: :data:`CODE_ATTEMPTS` in :data:`CODE_WINDOW` seconds,
    counted by the ratings' own rate limits (in the database, in Redis with ``REDIS_URL``). Only
    refused codes count: a meeting's people share the venue's one address, and a guesser is refused
    nearly every time."""
    return throttle.Limit(f"code-failures:{(address_hash(client_ip(request)) or 'none')[:32]}", CODE_ATTEMPTS, CODE_WINDOW)


def _slowed(request: HttpRequest) -> bool:
    return throttle.over(_failures(request))


def _count_failure(request: HttpRequest) -> None:
    throttle.count(_failures(request))


def _aliases(form: CodeRatingForm, ratings: list[dict]) -> dict[str, str]:
    out = {}
    for i, item in enumerate(ratings):
        for d in form.round.dimensions:
            out[f"ratings.{i}.scores.{d['key']}"] = f"r{item['reform']}_{d['key']}"
        out[f"ratings.{i}.comment"] = f"r{item['reform']}_comment"
    return out


@require_http_methods(["GET", "POST"])
def code_rate(request: HttpRequest, pk: int) -> HttpResponse:
    found = Round.objects.filter(pk=pk, kind__in=list(RATED_KINDS)).first()
    if found is None:
        raise Http404(_("No such round."))
    reforms = [entry.reform for entry in found.entries.select_related("reform").order_by("position", "pk")]
    form = CodeRatingForm(request.POST or None, round=found, reforms=reforms)
    status = 200
    if request.method == "POST":
        if _slowed(request):
            context = {"round": found, "form": form, "slowed": True, "open": found.is_open()}
            answer = render(request, "evaluation/code_rate.html", context, status=429)
            answer["Retry-After"] = str(CODE_WINDOW)
            return answer
        if form.is_valid():
            ratings = form.ratings()
            made = submit(form, lambda: code_services.submit_code_ratings(
                round=found, code=form.cleaned_data["code"], ratings=ratings,
                address=client_ip(request), device=request.headers.get("User-Agent", ""),
            ), aliases=_aliases(form, ratings))
            if made is not None:
                return render(request, "evaluation/code_thanks.html", {"round": found, "count": len(made)})
            if form.has_error("code"):
                _count_failure(request)
        status = 400
    return render(request, "evaluation/code_rate.html", {"round": found, "form": form, "open": found.is_open()}, status=status)
