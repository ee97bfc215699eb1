"""The inbox: a person's messages (reminders, urgings, orders), read or unread."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from ..models import Channel, Delivery


def mark_read(*, user, delivery_ids: Sequence[int] | None = None) -> int:
    """Mark the person's inbox messages read (all of them, or these). Reading changes nothing in
    the programme, so it is not audited."""
    qs = Delivery.objects.filter(user=user, channel=Channel.INBOX, read_at__isnull=True)
    if delivery_ids is not None:
        qs = qs.filter(pk__in=list(delivery_ids))
    return qs.update(read_at=timezone.now())
