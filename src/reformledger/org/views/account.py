"""Every person's own password: change it (with the old one), or reset it by an e-mail link where
the installation has mail (``EMAIL_CONFIGURED``; else the link is not offered and its page is 404).
Django's views, writing through :func:`reformledger.org.services.passwords.set_own_password`
(audited; a one-time password given by the office is replaced). ADR 0026.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme

from ..services.passwords import set_own_password


def mail_configured() -> bool:
    """Whether the installation sends real e-mail (not the console backend of a fresh install)."""
    return bool(getattr(settings, "EMAIL_CONFIGURED", False))


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["must_change"] = getattr(self.request.user, "must_change_password", False)
        context["next"] = self._next()
        return context

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        allowed = url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure())
        return target if allowed else ""

    def form_valid(self, form: Any) -> HttpResponse:
        set_own_password(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self._next() or self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not mail_configured():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    token_generator = default_token_generator

    def form_valid(self, form: Any) -> HttpResponse:
        set_own_password(user=form.user, password=form.cleaned_data["new_password1"], by_link=True)
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())
