"""Messages: reminders and their deliveries (inbox, e-mail, group-robot webhook).

A :class:`Message` becomes one :class:`~.models.Reminder` row, identified by its idempotency key,
and one :class:`~.models.Delivery` row per channel and recipient. Creating the same key twice does
nothing (unique keys, conflicts ignored), so a scan run twice on one day sends nothing new. Inbox
deliveries are made in the same transaction (the row is the inbox); e-mail and webhook deliveries
wait for the worker (:mod:`.delivery`), woken after commit.

Messages are written in the site's language (``LANGUAGE_CODE``, zh-Hans by default): they go to
group chats and mailboxes, where the reader's chosen language is unknown.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from reformledger.core.bulk import chunks
from reformledger.core.cache import ORGANISATION, cached_value
from reformledger.core.compiled import compiled
from reformledger.org.models import Membership, Role, Unit, User
from reformledger.org.selectors import UNIT_ROLES

from .delivery import wake_worker
from .models import Channel, Delivery, Reminder, ReminderKind

CHUNK = 2000


@dataclass
class Message:
    key: str
    kind: str
    district_id: int
    subject: str
    text: str
    link: str = ""
    unit_id: int | None = None  # the unit's people and its group robot receive it
    user_ids: tuple[int, ...] = ()  # and/or these people
    task_id: int | None = None
    reform_id: int | None = None
    order_id: int | None = None
    sender_id: int | None = None
    extra: dict = field(default_factory=dict)
    emails: tuple[str, ...] = ()  # and these addresses by e-mail (an account notice's previous address)


def site_language():
    return translation.override(settings.LANGUAGE_CODE)


def unit_people(unit_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Each unit's active heads and staff as ``[(user id, e-mail)]``, in one query."""
    people: dict[int, list[tuple[int, str]]] = defaultdict(list)
    unit_ids = list(set(unit_ids))
    for part in chunks(unit_ids, CHUNK):
        rows = (
            Membership.objects.filter(unit_id__in=part, role__in=UNIT_ROLES, user__is_active=True)
            .values_list("unit_id", "user_id", "user__email")
            .distinct()
        )
        for unit_id, user_id, email in rows:
            if (user_id, email) not in people[unit_id]:
                people[unit_id].append((user_id, email))
    return people


def _reminder_keys(keys: tuple[str, ...]) -> QuerySet[Any, str]:
    return Reminder.objects.filter(key__in=keys).values_list("key", flat=True)


def _reminder_ids(keys: tuple[str, ...]) -> QuerySet[Any, tuple[str, int]]:
    return Reminder.objects.filter(key__in=keys).values_list("key", "pk")


def _active_emails(user_ids: tuple[int, ...]) -> QuerySet[Any, tuple[int, str]]:
    return User.objects.filter(pk__in=user_ids, is_active=True).values_list("pk", "email")


def send(messages: list[Message]) -> int:
    """Create the reminders and deliveries of these messages that do not exist yet; returns how
    many reminders were new. Call inside a transaction; the worker is woken after commit."""
    if not messages:
        return 0
    by_key = {m.key: m for m in messages}
    keys = list(by_key)
    # Every report filed sends one message: the reads here are compiled once a process (core.compiled).
    existing: set[str] = set()
    for part in chunks(keys, CHUNK):
        existing.update(compiled("reminder-keys", _reminder_keys, tuple(part)))
    new = [by_key[k] for k in keys if k not in existing]
    if not new:
        return 0
    Reminder.objects.bulk_create(
        [
            Reminder(
                key=m.key, kind=m.kind, district_id=m.district_id, unit_id=m.unit_id, task_id=m.task_id,
                reform_id=m.reform_id, order_id=m.order_id, sender_id=m.sender_id, subject=m.subject[:200],
                text=m.text, link=m.link,
            )
            for m in new
        ],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )
    ids: dict[str, int] = {}
    new_keys = [m.key for m in new]
    for part in chunks(new_keys, CHUNK):
        ids.update(compiled("reminder-ids", _reminder_ids, tuple(part)))
    people = unit_people(m.unit_id for m in new if m.unit_id)
    hooks = dict(
        Unit.objects.filter(pk__in={m.unit_id for m in new if m.unit_id}).exclude(webhook_url="").values_list("pk", "webhook_url")
    )
    explicit = {u for m in new for u in m.user_ids}
    emails = dict(compiled("active-emails", _active_emails, tuple(sorted(explicit)))) if explicit else {}
    now = timezone.now()
    deliveries = []
    for m in new:
        reminder_id = ids[m.key]
        recipients: dict[int, str] = {}
        for user_id, email in people.get(m.unit_id, []) if m.unit_id else []:
            recipients[user_id] = email
        for user_id in m.user_ids:
            if user_id in emails:
                recipients[user_id] = emails[user_id]
        for user_id, email in recipients.items():
            deliveries.append(
                Delivery(reminder_id=reminder_id, channel=Channel.INBOX, user_id=user_id, address=f"user:{user_id}", status=Delivery.DeliveryStatus.SENT, sent_at=now)
            )
            if email:
                deliveries.append(Delivery(reminder_id=reminder_id, channel=Channel.EMAIL, user_id=user_id, address=email))
        deliveries.extend(
            Delivery(reminder_id=reminder_id, channel=Channel.EMAIL, address=email)
            for email in m.emails if email and email not in recipients.values()
        )
        if m.unit_id in hooks:
            deliveries.append(Delivery(reminder_id=reminder_id, channel=Channel.WEBHOOK, address=hooks[m.unit_id]))
    Delivery.objects.bulk_create(deliveries, batch_size=CHUNK, ignore_conflicts=True)
    if any(d.channel != Channel.INBOX for d in deliveries):
        wake_worker()
    return len(new)


# --- the messages of the services ------------------------------------------------------------------


def task_link(task_id: int) -> str:
    return reverse("supervision:task", args=[task_id])


def reform_link(reform_id: int) -> str:
    return reverse("supervision:tree", args=[reform_id])


def order_link(order_id: int) -> str:
    return reverse("supervision:order", args=[order_id])


def urge(*, sender, unit, reform, task, message: str) -> Reminder:
    with site_language():
        about = task.title if task is not None else reform.title
        m = Message(
            key=f"urge:{uuid.uuid4().hex}",
            kind=ReminderKind.URGE,
            district_id=reform.district_id,
            subject=_("Urging: %(about)s") % {"about": about},
            text=message,
            link=task_link(task.pk) if task is not None else reform_link(reform.pk),
            unit_id=unit.pk,
            user_ids=(task.assignee_id,) if task is not None and task.assignee_id else (),
            task_id=task.pk if task is not None else None,
            reform_id=reform.pk,
            sender_id=sender.pk,
        )
    send([m])
    return Reminder.objects.get(key=m.key)


def urge_unit(*, sender, unit, tasks, message: str) -> Reminder:
    """One urging to a unit about several of its tasks (the board's bulk urging): one task is told
    as :func:`urge` tells it; several are listed under the message."""
    first = tasks[0]
    if len(tasks) == 1:
        return urge(sender=sender, unit=unit, reform=first.reform, task=first, message=message)
    with site_language():
        listed = "\n".join(f"· {task.title} ({task.reform.code})" for task in tasks)
        m = Message(
            key=f"urge:{uuid.uuid4().hex}",
            kind=ReminderKind.URGE,
            district_id=first.district_id,
            subject=_("Urging: %(count)s tasks of %(unit)s") % {"count": len(tasks), "unit": unit.name},
            text=f"{message}\n\n{listed}",
            link=reverse("supervision:my-tasks") + "?scope=unit",
            unit_id=unit.pk,
            user_ids=tuple(sorted({t.assignee_id for t in tasks if t.assignee_id})),
            sender_id=sender.pk,
        )
    send([m])
    return Reminder.objects.get(key=m.key)


def order_issued(order) -> None:
    """To each addressed unit (acknowledge and reply) and each unit it is copied to (for information)."""
    with site_language():
        about = {"code": order.code, "title": order.title}
        subject = _("Supervision order %(code)s: %(title)s") % about
        base = {"kind": ReminderKind.ORDER, "district_id": order.district_id, "link": order_link(order.pk),
                "order_id": order.pk, "sender_id": order.issued_by_id}
        messages = [
            Message(
                key=f"order:{order.pk}:unit:{target.unit_id}",
                subject=subject,
                text=_("Acknowledge the order and reply by %(date)s.") % {"date": formats.date_format(order.reply_by, "DATE_FORMAT")},
                unit_id=target.unit_id,
                **base,
            )
            for target in order.targets.all()
        ] + [
            Message(
                key=f"order:{order.pk}:cc:{copy.unit_id}",
                subject=_("Copy (抄送): supervision order %(code)s: %(title)s") % about,
                text=_("For your information: the order is copied to your unit; no acknowledgement or reply is due."),
                unit_id=copy.unit_id,
                **base,
            )
            for copy in order.copies.all()
        ]
    send(messages)


def settle(*, order_id: int, unit_id: int, kinds) -> int:
    """The step these reminders about an order and a unit asked for is done: they are marked
    settled, their e-mail and webhook deliveries not yet sent are withdrawn (the worker sends
    pending ones only) and their unread inbox copies are marked read. Returns how many reminders."""
    reminders = Reminder.objects.filter(order_id=order_id, unit_id=unit_id, kind__in=list(kinds), settled_at__isnull=True)
    ids = list(reminders.values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    Reminder.objects.filter(pk__in=ids).update(settled_at=now)
    Delivery.objects.filter(reminder_id__in=ids, status=Delivery.DeliveryStatus.PENDING).exclude(channel=Channel.INBOX).update(
        status=Delivery.DeliveryStatus.WITHDRAWN
    )
    Delivery.objects.filter(reminder_id__in=ids, channel=Channel.INBOX, read_at__isnull=True).update(read_at=now)
    return len(ids)


def order_replied(reply, *, unit) -> None:
    """To the office person who issued the order: a reply waits for review."""
    order = reply.order
    with site_language():
        about = {"unit": unit.name, "code": order.code}
        send(
            [
                Message(
                    key=f"order_reply:{reply.pk}",
                    kind=ReminderKind.ORDER_REPLY,
                    district_id=order.district_id,
                    subject=_("Reply from %(unit)s to supervision order %(code)s") % about,
                    text=reply.text[:500],
                    link=order_link(order.pk),
                    user_ids=(order.issued_by_id,),
                    order_id=order.pk,
                    sender_id=reply.submitted_by_id,
                )
            ]
        )


def tell_decision(
    *, key: str, district_id: int, subject: str, comment: str, link: str, sender_id: int | None,
    unit_id: int | None = None, user_ids: tuple[int, ...] = (), task_id: int | None = None,
    reform_id: int | None = None, order_id: int | None = None,
) -> None:
    """Tell those who asked what the office decided (a review result): one message, its key making
    it once; the office's comment is its text, or the subject when there is none."""
    send([Message(
        key=key, kind=ReminderKind.REVIEW, district_id=district_id, subject=subject, text=comment or subject,
        link=link, unit_id=unit_id, user_ids=user_ids, task_id=task_id, reform_id=reform_id, order_id=order_id,
        sender_id=sender_id,
    )])


def reply_reviewed(reply, *, order, unit) -> None:
    """To the replying unit: its reply was accepted (and the order closed, when it was the last) or returned."""
    with site_language():
        about = {"code": order.code}
        if reply.status == "accepted":
            subject = _("Reply accepted: supervision order %(code)s") % about
        else:
            subject = _("Reply returned: supervision order %(code)s") % about
        tell_decision(
            key=f"review:order_reply:{reply.pk}", district_id=order.district_id, subject=subject,
            comment=reply.review_comment, link=order_link(order.pk), unit_id=unit.pk,
            user_ids=(reply.submitted_by_id,), order_id=order.pk, sender_id=reply.reviewed_by_id,
        )


def help_needed(help_request, *, task) -> None:
    if help_request.leader_id is None:
        return
    with site_language():
        send(
            [
                Message(
                    key=f"help:{help_request.pk}",
                    kind=ReminderKind.HELP,
                    district_id=help_request.district_id,
                    subject=_("Help needed: %(task)s") % {"task": task.title},
                    text=help_request.text,
                    link=task_link(task.pk),
                    user_ids=(help_request.leader_id,),
                    task_id=task.pk,
                    reform_id=help_request.reform_id,
                )
            ]
        )


def reviewed(report) -> None:
    task = report.task
    with site_language():
        if report.status == "accepted":
            subject = _("Report accepted: %(task)s") % {"task": task.title}
        else:
            subject = _("Report returned: %(task)s") % {"task": task.title}
        tell_decision(
            key=f"review:report:{report.pk}", district_id=task.district_id, subject=subject,
            comment=report.review_comment, link=task_link(task.pk), user_ids=(report.reporter_id,),
            task_id=task.pk, reform_id=task.reform_id, sender_id=report.reviewed_by_id,
        )


def completion_decided(completion) -> None:
    reform = completion.reform
    with site_language():
        if completion.status == "accepted":
            subject = _("Completion accepted: %(reform)s") % {"reform": reform.title}
        else:
            subject = _("Completion returned: %(reform)s") % {"reform": reform.title}
        tell_decision(
            key=f"review:completion:{completion.pk}", district_id=reform.district_id, subject=subject,
            comment=completion.comment, link=reform_link(reform.pk), unit_id=reform.lead_unit_id,
            reform_id=reform.pk, sender_id=completion.decided_by_id,
        )


def completion_reopened(completion) -> None:
    """The lead unit is told that the office reopened its completed reform, and why."""
    reform = completion.reform
    with site_language():
        subject = _("Completion reopened: %(reform)s") % {"reform": reform.title}
        tell_decision(
            key=f"review:completion-reopened:{completion.pk}", district_id=reform.district_id,
            subject=subject, comment=completion.reopen_reason, link=reform_link(reform.pk),
            unit_id=reform.lead_unit_id, reform_id=reform.pk, sender_id=completion.reopened_by_id,
        )


def change_decided(request) -> None:
    reform = request.reform
    with site_language():
        if request.status == "approved":
            subject = _("Change approved: %(reform)s") % {"reform": reform.title}
        else:
            subject = _("Change rejected: %(reform)s") % {"reform": reform.title}
        tell_decision(
            key=f"review:change:{request.pk}", district_id=reform.district_id, subject=subject,
            comment=request.decision_note, link=reform_link(reform.pk), unit_id=reform.lead_unit_id,
            user_ids=(request.requested_by_id,), reform_id=reform.pk, sender_id=request.decided_by_id,
        )


# --- the reform office told (its inbox) ---------------------------------------------------------


def office_people(district_id: int) -> tuple[int, ...]:
    """The active reform office people of a district (their office unit is the district or in it: a
    district records itself as its own district). Cached until the organisation changes: every
    report filed asks it, and memberships and deactivations are audited organisation writes."""
    return cached_value(
        f"office-people:{district_id}",
        lambda: tuple(
            Membership.objects.filter(role=Role.OFFICE, user__is_active=True, unit__district_id=district_id)
            .order_by("user_id").values_list("user_id", flat=True).distinct()
        ),
        scopes=ORGANISATION,
    )


def tell_office(*, key: str, district_id: int, subject: str, text: str, link: str, reform_id: int | None = None,
                task_id: int | None = None, sender_id: int | None = None) -> None:
    """Tell the reform office of a district that something waits for it: one message (its key makes
    it once) in the inbox, and by e-mail, of each of the district's office people. Other notices of
    "something for the office" (extension requests, …) call this with their own key."""
    people = tuple(person for person in office_people(district_id) if person != sender_id)
    if not people:
        return
    send([Message(key=key, kind=ReminderKind.FOR_OFFICE, district_id=district_id, subject=subject[:200], text=text,
                  link=link, user_ids=people, reform_id=reform_id, task_id=task_id, sender_id=sender_id)])


def report_submitted(report) -> None:
    task = report.task
    with site_language():
        subject = _("Progress report to review: %(task)s (%(percent)s%%)") % {"task": task.title, "percent": report.percent}
        tell_office(key=f"office:report:{report.pk}", district_id=task.district_id, subject=subject, text=report.text[:500],
                    link=reverse("supervision:reports"), reform_id=task.reform_id, task_id=task.pk, sender_id=report.reporter_id)


def completion_applied(completion) -> None:
    reform = completion.reform
    with site_language():
        subject = _("Completion application to decide: %(reform)s") % {"reform": reform.title}
        tell_office(key=f"office:completion:{completion.pk}", district_id=reform.district_id, subject=subject,
                    text=completion.summary[:500], link=reverse("supervision:decisions"), reform_id=reform.pk,
                    sender_id=completion.applied_by_id)


def change_requested(request) -> None:
    reform = request.reform
    with site_language():
        subject = _("Change request to decide: %(reform)s") % {"reform": reform.title}
        tell_office(key=f"office:change:{request.pk}", district_id=reform.district_id, subject=subject,
                    text=request.reason[:500], link=reverse("supervision:change", args=[request.pk]), reform_id=reform.pk,
                    sender_id=request.requested_by_id)


def help_for_office(help_request, *, task) -> None:
    with site_language():
        subject = _("Help needed: %(task)s") % {"task": task.title}
        tell_office(key=f"office:help:{help_request.pk}", district_id=help_request.district_id, subject=subject,
                    text=help_request.text[:500], link=reverse("supervision:help"), reform_id=help_request.reform_id,
                    task_id=task.pk, sender_id=help_request.report.reporter_id if help_request.report_id else None)


def extension_requested(request, *, task) -> None:
    """To the reform office of the task's district: an extension request waits for its decision."""
    with site_language():
        subject = _("Extension request to decide: %(task)s (to %(date)s)") % {
            "task": task.title, "date": formats.date_format(request.requested_date, "DATE_FORMAT"),
        }
        tell_office(key=f"office:extension:{request.pk}", district_id=request.district_id, subject=subject,
                    text=request.reason[:500], link=reverse("supervision:extension", args=[request.pk]),
                    reform_id=request.reform_id, task_id=task.pk, sender_id=request.requested_by_id)


def extension_decided(request, *, task) -> None:
    """To the unit responsible for the task and the person who asked: approved (with the date) or refused."""
    with site_language():
        about = {
            "task": task.title,
            "date": formats.date_format(request.granted_date, "DATE_FORMAT") if request.granted_date else "",
        }
        if request.status == "approved":
            subject = _("Extension granted to %(date)s: %(task)s") % about
        else:
            subject = _("Extension refused: %(task)s") % about
        tell_decision(
            key=f"review:extension:{request.pk}", district_id=request.district_id, subject=subject,
            comment=request.comment, link=task_link(task.pk), unit_id=request.unit_id,
            user_ids=(request.requested_by_id,), task_id=task.pk, reform_id=request.reform_id,
            sender_id=request.decided_by_id,
        )


def tell_person(notice) -> None:
    """A notice about a person's own account (``core.registry.notify_person``): in their inbox,
    and by e-mail where they have an address. Never carries a password."""
    send([Message(key=notice.key or f"account:{uuid.uuid4().hex}", kind=ReminderKind.ACCOUNT,
                  district_id=notice.district_id, subject=notice.subject[:200], text=notice.text,
                  user_ids=(notice.person.pk,), sender_id=getattr(notice.sender, "pk", None),
                  emails=(notice.also_email,) if notice.also_email else ())])
