"""The pages' rules, for the rows that change reforms already in Reform Ledger.

An office moving its history in imports new reforms as its ledger records them (status, dates,
progress). A reform already here changes as the pages change it, whoever imports:

- its status moves only as the lifecycle lets the office (``reforms.rules.TRANSITIONS``), and
  never to completed: a reform is completed only through 办结 (an application, the office's
  decision), which the ledger cannot stand in for;
- a completed or terminated reform is locked: it changes only through an approved change request;
- its progress is the roll-up of accepted work: a ledger's different figure is not applied, and
  the preview says so (a notice, not an error, so that a re-saved older ledger still imports);
- its dates are the office's to set, but they cannot shrink so that a task falls outside them:
  one set-based check for every reform the file moves (``reforms.signals.reforms_dates_checked``,
  answered by supervision, which this area must not import).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from django.utils.translation import gettext as _

from ..models import LOCKED_STATUSES, Reform, Status
from ..rules import TRANSITIONS
from ..signals import reforms_dates_checked
from .format import COLUMNS, HEADER, Problem

DATE_FIELDS = ("start_date", "due_date")


def status_problem(number: int, before: str, after: str) -> Problem | None:
    """A status move the office could not make in the pages, or a completion."""
    if after == Status.COMPLETED:
        return Problem(
            number,
            HEADER["status"],
            _(
                "The ledger cannot complete a reform: apply for completion on the reform's page, with "
                "the evidence; the office decides there."
            ),
        )
    if (before, after) not in TRANSITIONS:
        return Problem(
            number,
            HEADER["status"],
            _("A reform cannot go from %(from)s to %(to)s.")
            % {"from": Status(before).label, "to": Status(after).label},
        )
    return None


def locked_problem(number: int, status: str, changed: Mapping[str, Any]) -> Problem | None:
    """A change to a completed or terminated reform (its status is :func:`status_problem`'s)."""
    if status not in LOCKED_STATUSES or "status" in changed:
        return None
    first = next(c for c in COLUMNS if c.key in changed)
    return Problem(
        number,
        first.header,
        _("This reform is %(status)s: it changes only through an approved change request.")
        % {"status": Status(status).label},
    )


def progress_notice(number: int, current: int, ledger: int) -> Problem:
    return Problem(
        number,
        HEADER["progress"],
        _(
            "The ledger says %(ledger)s%%, the accepted progress is %(current)s%%: progress comes from "
            "accepted work, so the ledger's figure was not applied."
        )
        % {"ledger": ledger, "current": current},
    )


def date_problems(
    moved: Mapping[int, tuple[int, dt.date | None, dt.date | None]], changed_dates: Mapping[int, set[str]]
) -> dict[int, Problem]:
    """Row number -> the problem of each reform whose new dates would leave a task outside.

    ``moved``: reform id -> (row number, new start, new due), for the reforms whose dates the file
    changes; ``changed_dates``: row number -> the date fields the row changes (the column named when
    the receiver's date is not one of them: a due date moved, a start date the task needs)."""
    if not moved:
        return {}
    dates = {pk: (start, due) for pk, (_number, start, due) in moved.items()}
    out: dict[int, Problem] = {}
    for _receiver, found in reforms_dates_checked.send(sender=Reform, dates=dates):
        answer = cast(Mapping[int, tuple[str, str]], found or {})
        for pk, (name, message) in answer.items():
            number = moved[pk][0]
            changed = changed_dates.get(number, set())
            column = name if name in changed or not changed else sorted(changed)[0]
            out.setdefault(number, Problem(number, HEADER[column], message))
    return out
