"""The inbox: a person's messages, newest first, and how many are unread."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from reformledger.core.compiled import compiled

from ..models import Channel, Delivery


def inbox(user) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(user=user, channel=Channel.INBOX)
        .select_related("reminder", "reminder__sender")
        .order_by("-pk")
    )


def unread_count(user) -> int:
    """Asked on every page a signed-in person opens: its SQL is compiled once per process
    (core.compiled), the count grouped by the person so that it is a list of one row, or none."""
    if not getattr(user, "is_authenticated", False):
        return 0

    def build(user_id: int) -> QuerySet[Any, int]:
        unread = Delivery.objects.filter(user_id=user_id, channel=Channel.INBOX, read_at__isnull=True)
        return unread.order_by().values("user_id").annotate(n=Count("pk")).values_list("n", flat=True)

    return sum(compiled("inbox-unread", build, user.pk))


def request_unread(request) -> int:
    """The signed-in person's unread inbox messages, counted once per request whatever asks (the
    navigation bar's badge, the key of a cached personal page)."""
    count = getattr(request, "_rl_inbox_unread", None)
    if count is None:
        count = request._rl_inbox_unread = unread_count(request.user)
    return count
