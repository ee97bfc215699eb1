"""Evidence files are stored readable by the service only (issue 9 part 9, ADR 0027)."""

import datetime as dt
import os
import stat

import pytest
from django.conf import settings

from reformledger.supervision.models import Evidence
from tests.clients import multipart
from tests.supervision.conftest import TODAY
from tests.supervision.files import pdf, png

pytestmark = pytest.mark.django_db


def test_uploaded_evidence_is_mode_0600_in_a_0700_directory(api, people, reform, add_task):
    task = add_task(reform, title="建立平台", start_date=TODAY - dt.timedelta(days=10))
    response = multipart(
        api, f"/tasks/{task.pk}/reports", people.unit_staff,
        {"percent": "60", "text": "平台试运行", "problems": "", "help_needed": "", "evidence": [pdf(), png()]},
    )
    assert response.status_code == 201, response.content
    assert (settings.FILE_UPLOAD_PERMISSIONS, settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS) == (0o600, 0o700)
    for evidence in Evidence.objects.filter(report_id=response.json()["id"]):
        path = evidence.file.path
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
        assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
