"""Filters for the server log.

A refused request (403) is an expected answer, not a fault: Django logs it with the exception's
traceback, which buries real errors in a busy log. :class:`RefusalsInOneLine` keeps the line (who
was refused what is worth knowing) and drops the traceback.
"""

from __future__ import annotations

import logging


class RefusalsInOneLine(logging.Filter):
    """Log a 403 as one line: ``Forbidden (Permission denied): /path``, without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
