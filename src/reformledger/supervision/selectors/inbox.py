"""The inbox: a person's messages, newest first, and how many are unread."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Channel, Delivery


def inbox(user) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(user=user, channel=Channel.INBOX)
        .select_related("reminder", "reminder__sender")
        .order_by("-pk")
    )


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Delivery.objects.filter(user=user, channel=Channel.INBOX, read_at__isnull=True).count()


def request_unread(request) -> int:
    """The signed-in person's unread inbox messages, counted once per request whatever asks (the
    navigation bar's badge, the key of a cached personal page)."""
    count = getattr(request, "_rl_inbox_unread", None)
    if count is None:
        count = request._rl_inbox_unread = unread_count(request.user)
    return count
