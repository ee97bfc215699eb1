"""The office's look-back review pages (回头看): the list with the due ones and "schedule the due
ones", scheduling one reform's review, the review (read), its form with the repeating rows,
concluding, reopening, and a problem's follow-up task.

A review the person may not read answers 404; a form the person may not use answers 403; bad input
goes back on the form with status 400 and nothing written (the service's errors on the fields).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from reformledger.core.forms import add_service_errors, submit
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.org.models import Membership, Role, Unit, User
from reformledger.org.selectors import actor_for, office_district_ids
from reformledger.reforms.models import Reform

from ..forms.lookback import (
    AdoptionFormSet,
    ConcludeForm,
    DocumentFormSet,
    FollowUpForm,
    ProblemFormSet,
    ReopenForm,
    ReviewForm,
    ScheduleDueForm,
    ScheduleForm,
    formset_rows,
)
from ..models import LookbackProblem, LookbackReview
from ..selectors import lookback as selectors
from ..services import lookback as services

READS = gettext_lazy("The look-back reviews are for the reform office and the committee.")
MANAGES = gettext_lazy("Only the reform office of the reform's district schedules and writes its look-back reviews.")
PAGE_SIZE = 50


def _reviewers(district_id: int) -> QuerySet[User]:
    ids = Membership.objects.filter(role=Role.OFFICE, unit__district_id=district_id, unit__is_active=True).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "username")


@require_http_methods(["GET"])
@office_member_required()
def lookback_list(request: HttpRequest) -> HttpResponse:
    """The reviews of the reader's districts, the due list and, for the office, the proposal."""
    require(request.user, "evaluation.view_lookbacks", message=READS)
    page = Paginator(selectors.visible_reviews(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    due_qs = selectors.due_reforms(request.user)
    due = list(due_qs[:PAGE_SIZE])
    due_count = len(due) if len(due) < PAGE_SIZE else due_qs.count()
    districts = office_district_ids(actor_for(request.user))
    proposed = list(selectors.unscheduled_due(district_ids=districts, on=timezone.localdate())) if districts else []
    context = {
        "page": page, "due": due, "due_count": due_count, "proposed": proposed,
        "schedule_form": ScheduleDueForm(proposed=proposed) if proposed else None,
        "can_manage": bool(districts),
    }
    return render(request, "evaluation/lookback/list.html", context)


@require_POST
@office_member_required()
def lookback_schedule_due(request: HttpRequest) -> HttpResponse:
    """Schedule the proposed reforms that are checked, district by district of the office."""
    districts = office_district_ids(actor_for(request.user))
    if not districts:
        raise PermissionDenied(MANAGES)
    proposed = list(selectors.unscheduled_due(district_ids=districts, on=timezone.localdate()))
    form = ScheduleDueForm(request.POST, proposed=proposed)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("evaluation:lookback-list")
    chosen = set(form.cleaned_data["reforms"])
    by_district: dict[int, list[int]] = defaultdict(list)
    for reform in proposed:
        if reform.pk in chosen:
            by_district[reform.district_id].append(reform.pk)
    made = 0
    try:
        for district_id, ids in by_district.items():
            made += len(services.schedule_due(
                user=request.user, district=Unit.objects.get(pk=district_id), scheduled_on=form.cleaned_data["scheduled_on"],
                reform_ids=ids,
            ))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("evaluation:lookback-list")
    messages.success(request, _("%(n)d look-back reviews scheduled.") % {"n": made})
    return redirect("evaluation:lookback-list")


@require_http_methods(["GET", "POST"])
@office_member_required()
def lookback_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Schedule one reform's review."""
    reform = get_object_or_404(Reform, pk=pk)
    if actor_for(request.user).outside_districts(reform.district_id):
        raise Http404
    require(request.user, "evaluation.manage_lookback", reform, message=MANAGES)
    form = ScheduleForm(request.POST or None, reviewers=_reviewers(reform.district_id),
                        initial={"scheduled_on": timezone.localdate(), "reviewer": request.user.pk})
    if request.method == "POST" and form.is_valid():
        made = submit(form, lambda: services.schedule_review(user=request.user, reform=reform, **form.cleaned_data),
                      aliases={"reform": "__all__", "state": "__all__"})
        if made is not None:
            messages.success(request, _("The look-back review is scheduled."))
            return redirect("evaluation:lookback", pk=made.pk)
    completed_on = selectors.completion_date(reform)
    context = {
        "reform": reform, "form": form, "completed_on": completed_on,
        "earliest": selectors.years_after(completed_on, selectors.DUE_AFTER_YEARS) if completed_on else None,
    }
    return render(request, "evaluation/lookback/schedule.html", context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET"])
@office_member_required()
def lookback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review(request.user, pk)
    context = {
        "review": review, "reform": review.reform, **selectors.review_rows(review),
        "residents": selectors.residents_view(review, user=request.user),
        "can_manage": request.user.has_perm("evaluation.manage_lookback", review),
    }
    return render(request, "evaluation/lookback/detail.html", context)


def _formsets(data=None, review: LookbackReview | None = None) -> dict[str, Any]:
    initial: dict[str, list[dict[str, Any]]] = {"documents": [], "adoptions": [], "problems": []}
    if review is not None and data is None:
        rows = selectors.review_rows(review)
        initial["documents"] = [{"id": d.pk, "title": d.title, "number": d.number, "issuer": d.issuer, "issued_on": d.issued_on} for d in rows["documents"]]
        initial["adoptions"] = [
            {"id": a.pk, "place": a.place, "level": a.level, "description": a.description, "evidence_url": a.evidence_url,
             "evidence_document": a.evidence_document} for a in rows["adoptions"]
        ]
        initial["problems"] = [{"id": p.pk, "description": p.description, "severity": p.severity} for p in rows["problems"]]
    return {
        "documents": DocumentFormSet(data, prefix="documents", initial=initial["documents"] or None),
        "adoptions": AdoptionFormSet(data, prefix="adoptions", initial=initial["adoptions"] or None),
        "problems": ProblemFormSet(data, prefix="problems", initial=initial["problems"] or None),
    }


def _put_row_errors(sets: dict[str, Any], form: ReviewForm, exc: ValidationError) -> None:
    """The service's errors: ``documents.2.title`` on that row's field, the rest on the form."""
    rest: dict[str, list[str]] = {}
    for name, errors in exc.message_dict.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] in sets and parts[1].isdigit():
            kept = [f for f in sets[parts[0]].forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            index = int(parts[1])
            if index < len(kept) and parts[2] in kept[index].fields:
                for message in errors:
                    kept[index].add_error(parts[2], message)
                continue
        rest.setdefault(name if name in form.fields else "__all__", []).extend(errors)
    if rest:
        add_service_errors(form, ValidationError(rest))


@require_http_methods(["GET", "POST"])
@office_member_required()
def lookback_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The review's form: its fields and the three kinds of rows, saved together or not at all."""
    review = selectors.get_review(request.user, pk, for_change=True)
    require(request.user, "evaluation.manage_lookback", review, message=MANAGES)
    data = request.POST if request.method == "POST" else None
    initial = {name: getattr(review, f"{name}_id" if name in ("reviewer", "lookback_round") else name) for name in services.REVIEW_FIELDS}
    form = ReviewForm(data, reviewers=_reviewers(review.district_id), rounds=selectors.lookback_rounds(review), initial=initial)
    sets = _formsets(data, review)
    if data is not None and form.is_valid() and all(s.is_valid() for s in sets.values()):
        try:
            services.update_review(
                user=request.user, review=review, changes=form.cleaned_data,
                **{name: formset_rows(s) for name, s in sets.items()},
            )
        except ValidationError as exc:
            if "state" in getattr(exc, "error_dict", {}):
                messages.error(request, exc.message_dict["state"][0])
                return redirect("evaluation:lookback", pk=review.pk)
            _put_row_errors(sets, form, exc)
        else:
            messages.success(request, _("The look-back review is saved."))
            if "more" in request.POST:
                return redirect("evaluation:lookback-edit", pk=review.pk)
            return redirect("evaluation:lookback", pk=review.pk)
    context = {"review": review, "reform": review.reform, "form": form, **sets}
    return render(request, "evaluation/lookback/form.html", context, status=400 if data is not None else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def lookback_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review(request.user, pk, for_change=True)
    require(request.user, "evaluation.manage_lookback", review, message=MANAGES)
    form = ConcludeForm(request.POST or None, initial={"grade": review.grade, "conclusion": review.conclusion})
    if request.method == "POST" and form.is_valid():
        done = submit(form, lambda: services.conclude_review(user=request.user, review=review, **form.cleaned_data),
                      aliases={"mechanism": "__all__", "sustained": "__all__", "state": "__all__"})
        if done is not None:
            messages.success(request, _("The look-back review is concluded and locked."))
            return redirect("evaluation:lookback", pk=review.pk)
    return render(request, "evaluation/lookback/conclude.html", {"review": review, "reform": review.reform, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def lookback_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review(request.user, pk, for_change=True)
    require(request.user, "evaluation.manage_lookback", review, message=MANAGES)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = submit(form, lambda: services.reopen_review(user=request.user, review=review, reason=form.cleaned_data["reason"]),
                      aliases={"state": "__all__"})
        if done is not None:
            messages.success(request, _("The look-back review is reopened."))
            return redirect("evaluation:lookback", pk=review.pk)
    return render(request, "evaluation/lookback/reopen.html", {"review": review, "reform": review.reform, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def lookback_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem's follow-up task in supervision: title, unit, due date."""
    problem = get_object_or_404(LookbackProblem.objects.select_related("review", "follow_up_task"), pk=pk)
    review = selectors.get_review(request.user, problem.review_id, for_change=True)
    require(request.user, "evaluation.manage_lookback", review, message=MANAGES)
    units = Unit.objects.filter(district_id=review.district_id, is_active=True).order_by("sort_order", "code")
    form = FollowUpForm(request.POST or None, units=units, initial={"unit": review.reform.lead_unit_id})
    if request.method == "POST" and form.is_valid():
        done = submit(form, lambda: services.file_follow_up(user=request.user, problem=problem, **form.cleaned_data),
                      aliases={"problem": "__all__", "reform": "__all__", "assignee": "__all__"})
        if done is not None:
            messages.success(request, _("The follow-up task is filed in supervision."))
            return redirect("evaluation:lookback", pk=review.pk)
    context = {"review": review, "reform": review.reform, "problem": problem, "form": form}
    return render(request, "evaluation/lookback/follow_up.html", context, status=400 if request.method == "POST" else 200)
