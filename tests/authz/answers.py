"""The answers of the authorisation matrix: what a request got (:func:`observe`) and what a row
may expect (:data:`EXPECTED_ANSWERS`).

Observed: ``ok`` (2xx), ``redirect`` (3xx, not to a sign-in page), ``invalid`` (400, 409, 415,
422: the request was heard and its data refused), ``login`` (401, or 302 to a sign-in page),
``deny`` (403), ``hide`` (404), ``method`` (405), ``error`` (5xx, never expected).
"""

from __future__ import annotations

from django.http import HttpResponseBase

# What a row of the matrix expects.
OK = "ok"  # 2xx: the role reads it (or the write succeeded)
ALLOW = "allow"  # heard: 2xx, a redirect that is not to a sign-in page, or a 4xx about the data; never 401/403/404/405
AWAY = "away"  # a redirect that is not to a sign-in page (experts and residents sent to the public page)
LOGIN = "login"  # 302 to a sign-in page (pages), 401 (API)
DENY = "deny"  # 403: sees it, may not do it
HIDE = "hide"  # 404: may not see it (another district's object; what a role never sees)
METHOD = "method"  # 405: this method is not served to this role

EXPECTED_ANSWERS = {
    OK: {"ok"},
    ALLOW: {"ok", "redirect", "invalid"},
    AWAY: {"redirect"},
    LOGIN: {"login"},
    DENY: {"deny"},
    HIDE: {"hide"},
    METHOD: {"method"},
}
#: Expected answers that refuse: a write so answered must have changed nothing.
REFUSALS = {LOGIN, DENY, HIDE, METHOD}

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


def observe(response: HttpResponseBase) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        return "login" if any(path in location for path in LOGIN_PATHS) else "redirect"
    named = {401: "login", 403: "deny", 404: "hide", 405: "method"}
    if status in named:
        return named[status]
    if 200 <= status < 300:
        return "ok"
    if 400 <= status < 500:
        return "invalid"
    return "error"
