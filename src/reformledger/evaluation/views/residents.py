"""Residents' sign-up (群众注册): a mobile number or an e-mail address, verified by a one-time code.

One page, two steps: ``action=send`` sends the code (the fields stay on the page), ``action=verify``
checks it and makes the person a verified resident — a new account for a visitor (signed in at
once), the signed-in person's own otherwise. Nothing is kept between the steps but the code's hash.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reformledger.core.forms import submit
from reformledger.core.signin import client_ip

from ..forms.rounds import SignUpForm
from ..rules import verified_resident
from ..services import residents as resident_services

PASSWORD_BACKEND = "reformledger.core.backends.PasswordBackend"  # noqa: S105 - a dotted path, not a password


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    if user is not None and verified_resident(user) is not None:
        messages.info(request, _("Your account is verified already."))
        return redirect("evaluation:open-rounds")
    form = SignUpForm(request.POST or None, new_account=user is None)
    step = "verify" if request.method == "POST" and request.POST.get("action") in {"send", "verify"} else "send"
    if request.method != "POST" or not form.is_valid():
        return render(request, "evaluation/signup.html", {"form": form, "step": "send"}, status=400 if request.method == "POST" else 200)
    data = form.cleaned_data
    if request.POST.get("action") == "send":
        sent = submit(form, lambda: resident_services.send_code(identifier=data["identifier"], address=client_ip(request)))
        if sent is None:
            step = "send"
        else:
            messages.info(request, _("A code was sent to %(to)s. It is valid for %(minutes)d minutes.") % {"to": sent.masked, "minutes": resident_services.CODE_MINUTES})
        return render(request, "evaluation/signup.html", {"form": form, "step": step}, status=200 if sent else 400)
    account = None if user is not None else resident_services.NewAccount(username=data.get("username", ""), password=data.get("password", ""))
    resident = submit(form, lambda: resident_services.verify_resident(
        user=user, identifier=data["identifier"], code=data.get("code", ""), community=data["community"],
        keep_contact=data["keep_contact"], address=client_ip(request), account=account,
    ))
    if resident is None:
        return render(request, "evaluation/signup.html", {"form": form, "step": "verify"}, status=400)
    if user is None:
        login(request, resident.user, backend=PASSWORD_BACKEND)
    messages.success(request, _("You are a verified resident: you can rate the reforms of your district."))
    return redirect("evaluation:open-rounds")
