"""API tokens: made once and shown once; only their SHA-256 is kept (ADR 0006).

A token expires ``API_TOKEN_DAYS`` after it is made, and dies when its owner's password changes:
it keeps a mark of the password hash it was made under (:func:`password_mark`), and a token whose
mark no longer matches is refused (ADR 0028).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import log_action
from .compiled import compiled_one
from .models import ApiToken

if TYPE_CHECKING:
    # django-stubs resolves this alias to settings.AUTH_USER_MODEL (core may not name org.User).
    from django.contrib.auth.models import _User as User

TOKEN_PREFIX = "rl_"  # noqa: S105 - a label, not a secret


class TokenRefused(Exception):
    """A token that does not let its bearer in; ``str(error)`` says why, for the 401."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def password_mark(user: User) -> str:
    """A mark of the person's current password hash: it changes whenever the password does.

    The SHA-256 of the stored hash (itself salted and slow) tells nothing about the password and
    nothing the user table does not already hold.
    """
    return hashlib.sha256(user.password.encode()).hexdigest()


@transaction.atomic
def create_token(*, user: User, name: str = "", created_by: User | None = None, days: int | None = None) -> str:
    """Make a token for ``user`` that lasts ``days`` (``API_TOKEN_DAYS`` by default) and return it;
    it cannot be read back later."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    lifetime = dt.timedelta(days=settings.API_TOKEN_DAYS if days is None else days)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=_hash(key),
        prefix=key[:8],
        expires_at=timezone.now() + lifetime,
        password_mark=password_mark(user),
    )
    log_action(
        created_by,
        "token.create",
        token,
        {"user": [None, user.get_username()], "name": [None, name], "expires_at": [None, token.expires_at]},
    )
    return key


def user_for_token(key: str) -> User:
    """The active user a token belongs to; :class:`TokenRefused` when it lets nobody in.

    Records when the token was last used (at most every five minutes).
    """
    # key_hash is unique; asked on every API request, so compiled once per process (core.compiled).
    token = compiled_one(
        "token-user", lambda key_hash: ApiToken.objects.select_related("user").filter(key_hash=key_hash), _hash(key),
    ) if key else None
    if token is None or token.revoked_at is not None or not token.user.is_active:
        raise TokenRefused(_("The token is invalid or has been revoked."))
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused(_("The token has expired. Ask the reform office for a new one."))
    if token.password_mark and token.password_mark != password_mark(token.user):
        raise TokenRefused(
            _("The token stopped working when its owner's password changed. Ask the reform office for a new one.")
        )
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
