"""The server log: a refused request is one line, not a traceback (issue 8, part 10)."""

import logging
import sys

from django.urls import reverse

from reformledger.core.logfilters import RefusalsInOneLine


def test_a_refused_request_logs_one_line_without_a_traceback(client_for, people, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(people.other_staff).get(reverse("supervision:decisions"))
    assert response.status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert len(refused) == 1
    assert refused[0].getMessage().startswith("Forbidden")
    assert refused[0].exc_info is None and not refused[0].exc_text
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback():
    """The filter drops tracebacks of refusals only."""
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), sys.exc_info())
    record.status_code = 500
    assert RefusalsInOneLine().filter(record) and record.exc_info is not None
