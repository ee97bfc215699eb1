"""Signals the reforms area sends for the areas built on it (which it must not import).

``reforms_changed`` — sent inside the write's transaction, with ``reform_ids`` (a list), when
reforms change status, dates or lead unit (and so maybe district): supervision recomputes their
warnings (a suspended or terminated reform's tasks stop being watched at once, not at the next
daily scan) and keeps its copies of the district in step.
"""

from django.dispatch import Signal

reforms_changed = Signal()

#: ``reform_dates_checked`` — sent with ``reform`` (its new dates, not yet saved) before a reform's dates
#: change; each receiver returns a message naming what would no longer fit (the first task that would
#: fall outside the dates), or ``None``. Any message refuses the change.
reform_dates_checked = Signal()

#: ``reforms_dates_checked`` — the same check for many reforms at once (a ledger import), in a few
#: queries: sent with ``dates``, ``{reform id: (new start date, new due date)}``; each receiver
#: returns ``{reform id: (field, message)}`` for the reforms whose new dates would leave a task
#: outside, ``field`` being ``"start_date"`` or ``"due_date"`` (the date that would leave it out),
#: the message naming the first such task. Any entry refuses that reform's change.
reforms_dates_checked = Signal()
