"""The queues the workbench and the menu badges count (reports to review, decisions, help…): each
counted district by district, each district's part cached on its own version, once a request."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.db.models import QuerySet
from django.http import HttpRequest

from reformledger.core.cache import district_count, once_a_request
from reformledger.reforms.selectors import reading_districts, visibility_key

from . import selectors

#: The queues whose rows the workbench and the menu badges count.
QUEUES: dict[str, Callable[..., QuerySet]] = {
    "reports": selectors.reports_waiting,
    "completions": selectors.completions_waiting,
    "changes": selectors.changes_waiting,
    "extensions": selectors.extensions_waiting,
    "decisions": selectors.decisions_waiting,
    "help": selectors.help_waiting,
    "orders": selectors.orders_unacknowledged,
    "proposals": selectors.proposals_waiting,
}


#: What a queue's count waits for besides the organisation and the reforms (core.cache): a write to
#: its own records, or (reports) any of its district's work.
QUEUE_FAMILY = {
    "help": "help", "proposals": "reforms", "completions": "decisions", "changes": "decisions",
    "extensions": "decisions", "orders": "orders",
}

#: Where each queue's rows find their district (counted district by district, core.cache).
QUEUE_DISTRICT = {
    "reports": "district_id",
    "completions": "reform__district_id",
    "changes": "reform__district_id",
    "extensions": "district_id",
    "help": "district_id",
    "orders": "district_id",
    "proposals": "district_id",
}


def queue_key(user, name: str) -> str:
    """What the queue ``name`` is built from for this person, as a key: who may see what (help:
    also to whom it was escalated)."""
    return f"queue:{name}:{visibility_key(user)}:{user.pk if name == 'help' else ''}"


def queue_count(request: HttpRequest, name: str) -> int:
    """How many rows the queue ``name`` holds for this person: counted once a request (the page
    and the menu share it), district by district, each district's part cached on its own version
    (every queue changes only through an audited write, so a cached page shows the right badges,
    and a write in one district recounts that district only)."""
    if name == "decisions":
        return once_a_request(
            request, "queue:decisions",
            lambda: sum(queue_count(request, part) for part in ("completions", "changes", "extensions")),
        )
    user = request.user
    return once_a_request(request, f"queue:{name}", lambda: district_count(
        partial(QUEUES[name], user), reading_districts(user), district_field=QUEUE_DISTRICT[name],
        key=queue_key(user, name), family=QUEUE_FAMILY.get(name, "work"),
    ))
