"""Signing in: whose address a request comes from, the lock-out page, and its audit entry (ADR 0028).

django-axes counts failed sign-ins per username and per address (``AXES_*`` settings). This
module gives it three things of ours:

* :func:`client_ip` — the caller's address. Behind a reverse proxy every request comes from the
  proxy; only when the connection comes from one of ``TRUSTED_PROXIES`` is the client's address
  read from ``CLIENT_IP_HEADER`` (the right-most entry that is not itself a trusted proxy: the one
  our proxy saw). A header sent by anyone else is ignored, so a guesser cannot pick a new address
  for every attempt.
* :func:`lockout_response` — the sign-in page again, with a clear message and status 429.
* :func:`record_lockout` — one audit entry per lock-out (not one per refused attempt during it).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from .audit import log_action

LOCKOUT_STATUS = 429


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str:
    """The address a sign-in attempt comes from, trusting the proxy's header only from the proxy."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = set(settings.TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    header = request.headers.get(settings.CLIENT_IP_HEADER, "")
    # From the right, past our own proxies only: the first entry a proxy did not add is the client's
    # as our proxy saw it. Anything left of it the client wrote itself; an entry that is no address
    # stops the walk (skipping it would let a client pick a new address for every attempt).
    for candidate in reversed([part.strip() for part in header.split(",")]):
        if candidate in trusted:
            continue
        return candidate if _is_address(candidate) else remote
    return remote


def lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed sign-ins for this account or from this address. Signing in is paused for "
        "%(minutes)d minute; try again later, or ask the reform office if you have forgotten your password.",
        "Too many failed sign-ins for this account or from this address. Signing in is paused for "
        "%(minutes)d minutes; try again later, or ask the reform office if you have forgotten your password.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The sign-in page with the lock-out message (the admin's sign-in shows the same page)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "next": request.POST.get("next", request.GET.get("next", "")),
        "lockout_message": lockout_message(),
    }
    response = render(request, "registration/login.html", context, status=LOCKOUT_STATUS)
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response


def record_lockout(sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    """An audit entry when a lock-out begins; further refused attempts during it add none.

    axes sets ``axes_failures_since_start`` only when it has just counted the failure that reached
    the limit; a refused attempt while already locked out leaves it ``None``.
    """
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    changes = {"username": [None, username or ""], "ip_address": [None, ip_address or ""]}
    user = get_user_model()._default_manager.filter(username=username).first() if username else None
    if user is not None:
        log_action(None, "signin.lock_out", user, changes)
        return
    # No such person: the entry is about the attempts themselves (axes' record of them).
    attempt = _latest_attempt(username, ip_address)
    if attempt is not None:
        log_action(None, "signin.lock_out", attempt, changes)


def _latest_attempt(username: str | None, ip_address: str | None) -> AccessAttempt | None:
    return AccessAttempt.objects.filter(username=username, ip_address=ip_address).order_by("-attempt_time").first()
