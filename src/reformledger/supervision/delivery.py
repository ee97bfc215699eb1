"""Sending e-mail and group-robot messages, exactly once per delivery row.

:func:`deliver_one` locks the delivery row, sends, and records ``sent_at`` in one transaction:

* two workers never send the same row (the lock; on PostgreSQL the second one skips it);
* a worker that dies before the send leaves the row pending, and the next run sends it;
* a worker that dies after the send but before the commit — the only window where a message can
  go out twice — resends it with the same idempotency key (``Idempotency-Key`` header on the
  webhook, a fixed ``Message-ID`` on the e-mail), so a receiver that deduplicates sees it once.
  The window is one HTTP answer or one SMTP reply long (ADR 0012).

Failures are retried by later runs, up to ``DELIVERY_MAX_ATTEMPTS``, then marked failed and shown
to the office.

The worker's run over every pending delivery (:func:`deliver_pending`, a django-tasks task) is here
too, with what wakes it: :func:`wake_worker` after a transaction made deliveries (:mod:`.notify`),
:func:`wake_if_stalled` on the worker's schedule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import webhooks
from .models import Channel, Delivery

logger = logging.getLogger(__name__)
Status = Delivery.DeliveryStatus
BATCH = 500
RETRY_AFTER = dt.timedelta(seconds=60)


def absolute(link: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{link}" if link and settings.SITE_URL else link


def message_text(delivery: Delivery) -> str:
    reminder = delivery.reminder
    parts = [reminder.subject, reminder.text]
    if reminder.link:
        parts.append(absolute(reminder.link))
    return "\n".join(p for p in parts if p)


def message_id(key: str) -> str:
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@reformledger>"


def send_email(delivery: Delivery) -> None:
    reminder = delivery.reminder
    email = EmailMessage(
        subject=reminder.subject,
        body=message_text(delivery),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={"Message-ID": message_id(delivery.idempotency_key)},
    )
    email.send(fail_silently=False)


def webhook_payload(delivery: Delivery) -> dict:
    """A group-robot text message: the shape WeCom (企业微信) and DingTalk (钉钉) both accept."""
    return {"msgtype": "text", "text": {"content": message_text(delivery)}}


def post_webhook(delivery: Delivery) -> None:
    """Post to the unit's group robot: an allowed host at a public address, no redirect, and of
    its answer only a status and a short reason kept (:mod:`.webhooks`, ADR 0030)."""
    webhooks.post_json(
        delivery.address,
        webhook_payload(delivery),
        headers={"Idempotency-Key": delivery.idempotency_key},
        timeout=settings.WEBHOOK_TIMEOUT,
    )


SENDERS: dict[str, Callable[[Delivery], None]] = {Channel.EMAIL: send_email, Channel.WEBHOOK: post_webhook}


def deliver_one(delivery_id: int) -> str:
    """Send one pending delivery; returns ``sent``, ``failed``, ``retry`` or ``skipped``."""
    with transaction.atomic():
        rows = Delivery.objects.filter(pk=delivery_id, status=Status.PENDING).select_related("reminder")
        skip = connection.features.has_select_for_update_skip_locked
        delivery = rows.select_for_update(skip_locked=skip, of=("self",) if connection.features.has_select_for_update_of else ()).first()
        if delivery is None:
            return "skipped"  # sent already, or another worker holds it
        delivery.attempts += 1
        try:
            SENDERS[delivery.channel](delivery)
        except Exception as exc:  # noqa: BLE001 - any failure of the far side is recorded, never lost
            logger.warning("Delivery %s via %s failed: %s", delivery.pk, delivery.channel, exc)
            delivery.last_error = str(exc)[:300]
            if delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
                delivery.status = Status.FAILED
            delivery.save(update_fields=["attempts", "last_error", "status"])
            return "failed" if delivery.status == Status.FAILED else "retry"
        delivery.status = Status.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return "sent"


def pending_ids(limit: int = 500) -> list[int]:
    return list(
        Delivery.objects.filter(status=Status.PENDING)
        .exclude(channel=Channel.INBOX)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- the worker's run ------------------------------------------------------------------------------


@task()
def deliver_pending() -> dict:
    """Send every pending e-mail and webhook delivery. Runs queued after each batch of messages;
    a batch that leaves retries behind queues another run a minute later."""
    outcome: Counter = Counter()
    seen: set[int] = set()
    while ids := [pk for pk in pending_ids(BATCH + len(seen)) if pk not in seen][:BATCH]:
        for pk in ids:
            seen.add(pk)
            outcome[deliver_one(pk)] += 1
    if outcome.get("retry"):
        deliver_pending.using(run_after=timezone.now() + RETRY_AFTER).enqueue()
    return dict(outcome)


def wake_worker() -> None:
    """Queue a delivery run after the current transaction commits (one is enough however many
    messages were made: the run takes every pending delivery)."""
    transaction.on_commit(lambda: deliver_pending.enqueue())


def wake_if_stalled() -> bool:
    """Queue a delivery run when deliveries wait and no run is queued; True when it queued one.

    A worker killed in the middle of :func:`deliver_pending` leaves that run marked running for
    ever and the rest of its deliveries pending, with nothing left to wake them (a retry run is
    queued only by a run that ends). The worker calls this when it starts and on every tick of its
    schedule, so a restarted worker finishes what the killed one left.
    """
    if not pending_ids(1):
        return False
    queued = DBTaskResult.objects.filter(task_path=deliver_pending.module_path, status=TaskResultStatus.READY)
    if queued.exists():
        return False
    deliver_pending.enqueue()
    return True
