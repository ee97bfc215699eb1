"""API tokens: made once and shown once; only their SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from .audit import log_action
from .models import ApiToken

if TYPE_CHECKING:
    # django-stubs resolves this alias to settings.AUTH_USER_MODEL (core may not name org.User).
    from django.contrib.auth.models import _User as User

TOKEN_PREFIX = "rl_"  # noqa: S105 - a label, not a secret


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(*, user: User, name: str = "", created_by: User | None = None) -> str:
    """Make a token for ``user`` and return it; it cannot be read back later."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=_hash(key), prefix=key[:8])
    log_action(created_by, "token.create", token, {"user": [None, user.get_username()], "name": [None, name]})
    return key


def user_for_token(key: str) -> User | None:
    """The active user a token belongs to, or None. Records when the token was last used."""
    if not key:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
