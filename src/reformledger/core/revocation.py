"""Revoking API tokens: the one way a token stops working before it expires (audited).

``/admin/``'s "revoke" action and the office's deactivation of a person call these; a token's
owner and its ``revoked_at`` are never edited by hand (ADR 0026).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from .audit import Change, log_actions
from .models import ApiToken
from .permissions import require

#: Registered by ``org.rules``: the token's owner, or the office that manages its owner.
REVOKE_PERMISSION = "org.revoke_token"


def revoke(tokens: Iterable[ApiToken], *, by: Any) -> int:
    """Revoke those of ``tokens`` still live, one audit entry each; the caller checked the permission
    and holds the transaction. Returns how many were revoked."""
    now = timezone.now()
    changes = []
    for token in tokens:
        if token.revoked_at is not None:
            continue
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        changes.append(Change("token.revoke", token, {"revoked_at": [None, now]}))
    log_actions(by, changes)
    return len(changes)


@transaction.atomic
def revoke_tokens(*, user: Any, tokens: Iterable[ApiToken]) -> int:
    """Revoke these tokens, each only if ``user`` may (else nothing is revoked: PermissionDenied)."""
    locked = list(ApiToken.objects.select_for_update().select_related("user").filter(pk__in=[t.pk for t in tokens]))
    for token in locked:
        require(user, REVOKE_PERMISSION, token)
    return revoke(locked, by=user)


def revoke_all_of(person: Any, *, by: Any) -> int:
    """Revoke every live token of ``person`` (their deactivation; the caller checked)."""
    return revoke(ApiToken.objects.select_for_update().filter(user=person, revoked_at__isnull=True), by=by)
