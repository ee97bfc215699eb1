"""Fixtures and helpers of the supervision API tests (``test_supervision_*.py``).

The fixtures are those of ``tests/supervision/conftest.py`` (a reform in progress over this year,
tasks added through the service), registered under the same names; import them with
``from tests.api.supervision_helpers import add_task_fixture, reform_fixture  # noqa: F401``.
"""

import datetime as dt
import pathlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from reformledger.supervision.services import tasks as task_services
from tests.supervision.conftest import TODAY

#: A tiny but real PDF and PNG (the content decides the kind, not the name).
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def day(days: int) -> str:
    """Today plus ``days``, as the API writes dates."""
    return (TODAY + dt.timedelta(days=days)).isoformat()


def pdf(name: str = "evidence.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def fake_pdf() -> SimpleUploadedFile:
    """Named .pdf and sent as a PDF, but only text inside."""
    return SimpleUploadedFile("report.pdf", "这不是PDF文件".encode(), content_type="application/pdf")


def stored_files() -> list:
    """Every evidence file on disk (the test media directory)."""
    folder = pathlib.Path(settings.MEDIA_ROOT) / "evidence"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def multipart(api, path: str, user, data: dict):
    """POST ``data`` (fields and files) as multipart/form-data with the person's token."""
    return api.client.post(f"/api/v1{path}", data, headers=api.headers(user))


@pytest.fixture(name="reform")
def reform_fixture(reform_factory, district):
    return reform_factory(
        code="SV-1",
        title="不动产登记改革",
        start_date=TODAY - dt.timedelta(days=200),
        due_date=TODAY + dt.timedelta(days=200),
        progress=0,
    )


@pytest.fixture(name="add_task")
def add_task_fixture(people, district):
    """Add a task through the service, as the office, with sensible defaults."""

    def add(reform, *, parent=None, user=None, **data):
        data.setdefault("title", "任务")
        data.setdefault("unit", district.sub_a)
        data.setdefault("start_date", TODAY - dt.timedelta(days=10))
        data.setdefault("due_date", TODAY + dt.timedelta(days=60))
        return task_services.create_task(user=user or people.office, reform=reform, parent=parent, **data)

    return add
