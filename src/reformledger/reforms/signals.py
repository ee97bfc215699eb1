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
