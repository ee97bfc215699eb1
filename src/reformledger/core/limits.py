"""How long a piece of text may be: one number per kind of text, read by the forms, the API
schemas and the edge check alike (ADR 0032), so that a page and the API refuse the same input.

The models keep ``TextField`` (no schema change): the limits are the edge's, where the person who
typed the text is told which field is too long.
"""

from __future__ import annotations

#: A code (reform, unit, domain), as the models store it.
CODE = 40
#: A title or a name (reform, task, order, committee meeting).
TITLE = 200
#: A search box or a filter's free text.
SEARCH = 100
#: A short message: an urge, a review comment, a lifecycle note.
MESSAGE = 2_000
#: A reason, a comment on a decision, an order's text.
REASON = 5_000
#: Long text: goals, measures, deliverables, a public summary, a report, a reply, a summary of results.
LONG_TEXT = 10_000
