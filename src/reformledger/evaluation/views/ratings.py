"""A resident's pages (and staff's, in open rounds): the rounds open to me, a round's reforms, rate
a reform (with its public summary and progress), my ratings. The office's moderation queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core.forms import add_service_errors
from reformledger.core.signin import client_ip
from reformledger.org.decorators import office_member_required
from reformledger.reforms.selectors import get_public_reform

from ..forms.rounds import ModerationForm, RatingForm
from ..models import Channel, RoundReform
from ..rules import may_rate_round, verified_resident
from ..selectors import ratings as rating_selectors
from ..selectors import rounds as round_selectors
from ..services import ratings as rating_services
from ..services.throttle import Throttled

PAGE_SIZE = 50


@require_GET
@login_required
def open_rounds(request: HttpRequest) -> HttpResponse:
    rounds = round_selectors.rounds_open_to(request.user)
    context = {"rounds": rounds, "verified": verified_resident(request.user) is not None}
    return render(request, "evaluation/open_rounds.html", context)


@require_GET
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A rated round's reforms, each with whether the person rated it (and may)."""
    round_ = round_selectors.get_round(request.user, pk)
    entries = list(round_selectors.round_entries(round_))
    context = {
        "round": round_, "entries": entries, "rated": rating_selectors.rated_reform_ids(request.user, round_),
        "may_rate": round_.is_open() and may_rate_round(request.user, round_),
    }
    return render(request, "evaluation/round.html", context)


def _entry(request: HttpRequest, pk: int, reform_pk: int) -> RoundReform:
    round_ = round_selectors.get_round(request.user, pk)
    entry = RoundReform.objects.filter(round=round_, reform_id=reform_pk).first()
    if entry is None:
        raise Http404
    entry.round, entry.reform = round_, get_public_reform(reform_pk)
    return entry


@require_http_methods(["GET", "POST"])
@login_required
def rate(request: HttpRequest, pk: int, reform_pk: int) -> HttpResponse:
    entry = _entry(request, pk, reform_pk)
    round_, reform = entry.round, entry.reform
    form = RatingForm(request.POST or None, dimensions=round_.dimensions)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            rating_services.submit_rating(
                user=request.user, round=round_, reform=reform, scores=form.scores(), comment=form.cleaned_data["comment"],
                channel=Channel.WEB, address=client_ip(request), device=request.headers.get("User-Agent", "")[:300],
            )
        except Throttled as exc:
            return render(request, "evaluation/rate.html", {"round": round_, "reform": reform, "form": form, "throttled": str(exc)}, status=429)
        except rating_services.AlreadyRated:
            messages.info(request, _("You have rated this reform in this round already."))
            return redirect("evaluation:round", pk=round_.pk)
        except ValidationError as exc:
            aliases = {f"scores.{key}": f"score_{key}" for key in form.dimension_keys}
            add_service_errors(form, exc, aliases=aliases)
            status = 400
        else:
            messages.success(request, _("Thank you: your rating of “%(title)s” is recorded.") % {"title": reform.title})
            return redirect("evaluation:round", pk=round_.pk)
    elif request.method == "POST":
        status = 400
    if not request.user.has_perm("evaluation.rate", entry):
        raise PermissionDenied(rating_services.refusal(request.user, round_))
    return render(request, "evaluation/rate.html", {"round": round_, "reform": reform, "form": form}, status=status)


@require_GET
@login_required
def my_ratings(request: HttpRequest) -> HttpResponse:
    page = Paginator(rating_selectors.my_ratings(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(r, list(zip([d["label"] for d in r.round.dimensions], r.scores(r.round.dimension_keys).values(), strict=False))) for r in page.object_list]
    return render(request, "evaluation/my_ratings.html", {"page": page, "rows": rows})


@require_GET
@office_member_required()
def moderation(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("evaluation.view_round_office"):
        raise PermissionDenied(_("The moderation queue is the reform office's."))
    round_id = request.GET.get("round") or ""
    qs = rating_selectors.moderation_queue(request.user, round_id=int(round_id) if round_id.isdigit() else None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "evaluation/moderation.html", {"page": page})


@require_POST
@office_member_required()
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    rating = rating_selectors.get_rating_for_moderation(request.user, pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        if not request.user.has_perm("evaluation.moderate_comment", rating):
            raise PermissionDenied(_("Only the reform office of the district moderates comments."))
        messages.error(request, _("Choose whether to show the comment."))
        return redirect("evaluation:moderation")
    try:
        rating_services.moderate_comment(
            user=request.user, rating=rating, approve=form.cleaned_data["decision"] == "approve", reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The comment was moderated."))
    return redirect("evaluation:moderation")
