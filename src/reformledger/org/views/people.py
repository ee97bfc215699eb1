"""The office keeps its district's people: add, edit contacts, roles, deactivate, one-time password.

404 for a person of a district the reader does not see; the page is read-only for those who see
but do not keep the person (403 on a write). Every write is a service of
:mod:`reformledger.org.services` (checked, audited). A one-time password is shown once, in the
response to the request that made it (never stored, never put in a message or a cookie).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.core.registry import person_panels

from ..forms import ContactForm, MembershipForm, NewPersonForm
from ..models import User
from ..selectors import memberships_of, person_in, units_in
from ..services import passwords, people
from .common import Viewer, attempt, viewer
from .units import _keeper


def _person(reader: Viewer, pk: int) -> User:
    person = person_in(reader.sees, pk)
    if person is None:
        raise Http404
    return person


def _units(reader: Viewer) -> Any:
    return units_in(reader.keeps).filter(is_active=True)


def _page(request: HttpRequest, reader: Viewer, person: User, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    contacts = {name: getattr(person, name) for name in ("full_name", "email", "phone")}
    context = {
        "person": person,
        "memberships": memberships_of(person, reader.sees),
        "can_manage": user.has_perm("org.manage_person", person),
        "can_reset": user.has_perm("org.reset_password", person),
        "can_deactivate": user.has_perm("org.deactivate_person", person),
        "form": forms.get("form") or ContactForm(initial=contacts),
        "membership_form": forms.get("membership_form") or MembershipForm(units=_units(reader)),
        "page_errors": forms.get("page_errors", []),
        "panels": person_panels(request, person),
    }
    return render(request, "org/person.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    reader = _keeper(request)
    form = NewPersonForm(request.POST or None, units=_units(reader), initial={"unit": request.GET.get("unit")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = submit(form, lambda: people.create_person(
            user=reader.user, username=data["username"], full_name=data["full_name"], email=data["email"],
            phone=data["phone"], role=data["role"], unit=data["unit"], title=data["title"],
            leader_tier=data["leader_tier"], domains=data["domains"],
        ))
        if made is not None:
            person, password = made
            return render(request, "org/password_once.html", {"person": person, "password": password, "new": True})
    return render(request, "org/person_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reader = viewer(request)
    person = _person(reader, pk)
    if request.method == "GET":
        return _page(request, reader, person)
    form = ContactForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = submit(form, lambda: people.update_person(
            user=reader.user, person=person, full_name=data["full_name"], email=data["email"], phone=data["phone"]))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("org:person", person.pk)
    return _page(request, reader, person, status=400, form=form)


@require_POST
@login_required
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    reader = viewer(request)
    person = _person(reader, pk)
    form = MembershipForm(request.POST, units=_units(reader))
    if form.is_valid():
        data = form.cleaned_data
        done = submit(form, lambda: people.add_membership(
            user=reader.user, person=person, role=data["role"], unit=data["unit"], title=data["title"],
            leader_tier=data["leader_tier"], domains=data["domains"]))
        if done is not None:
            messages.success(request, _("The role was added."))
            return redirect("org:person", person.pk)
    else:
        require(reader.user, "org.manage_person", person)  # a bad form goes back only to who may send it
    return _page(request, reader, person, status=400, membership_form=form)


@require_POST
@login_required
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    reader = viewer(request)
    person = _person(reader, pk)
    membership = get_object_or_404(memberships_of(person, reader.sees), pk=membership_pk)
    _done, refused = attempt(lambda: people.remove_membership(user=reader.user, membership=membership))
    if refused:
        return _page(request, reader, person, status=400, page_errors=refused)
    messages.success(request, _("The role was removed."))
    return redirect("org:person", person.pk)


@require_POST
@login_required
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    reader = viewer(request)
    person = _person(reader, pk)
    active = request.POST.get("active") == "1"
    _done, refused = attempt(lambda: people.set_person_active(user=reader.user, person=person, active=active))
    if refused:
        return _page(request, reader, person, status=400, page_errors=refused)
    messages.success(request, _("The person was reactivated.") if active else _("The person was deactivated."))
    return redirect("org:person", person.pk)


@never_cache
@require_POST
@login_required
def person_password(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a one-time password and show it, once."""
    reader = viewer(request)
    person = _person(reader, pk)
    password, refused = attempt(lambda: passwords.issue_one_time_password(user=reader.user, person=person))
    if password is None:
        return _page(request, reader, person, status=400, page_errors=refused)
    return render(request, "org/password_once.html", {"person": person, "password": password, "new": False})

