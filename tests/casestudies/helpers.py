"""Builders for the case-study tests: a reform of sub-district A with an accepted report and a
public attachment, a case study drafted, written and published through the services, images."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reformledger.casestudies.services import adoptions as adoption_services
from reformledger.casestudies.services import cases as services
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Status, Tier
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SECTIONS = {
    "background": "罗湖区公立医院与社康机构各自为政，居民看病难。",
    "features": "组建区医疗健康集团，人财物统一管理。",
    "highlights": "社康诊疗量占比超过六成。",
    "experience": "以医保支付改革为牵引，推动资源下沉。",
}


def png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny) PNG of the given declared size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(min(height, 4)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def png_upload(name: str = "photo.png", **size) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(**size), content_type="image/png")


def pdf_upload(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def reform_with_evidence(reform_factory, district, people, **kwargs):
    """A key reform in progress of sub-district A, with an accepted progress report and a public
    attachment: ``(reform, report, attachment)``."""
    today = timezone.localdate()
    kwargs.setdefault("tier", Tier.KEY)
    reform = reform_factory(
        status=Status.IN_PROGRESS, start_date=today - dt.timedelta(days=100), due_date=today + dt.timedelta(days=100),
        progress=0, **kwargs,
    )
    task = task_services.create_task(
        user=people.office, reform=reform, title="组建集团", unit=district.sub_a,
        start_date=today - dt.timedelta(days=30), due_date=today + dt.timedelta(days=30),
    )
    report = report_services.submit_report(user=people.unit_staff, task=task, percent=60, text="已完成集团组建")
    report_services.review_report(user=people.office, report=report, accept=True)
    attachment = reform_services.add_attachment(user=people.office, reform=reform, uploaded_file=pdf_upload(), is_public=True)
    return reform, report, attachment


def written_case(user, reform, **extra):
    """A draft with every section written."""
    case = services.draft_case_study(user=user, reform=reform, title=f"{reform.title}的经验")
    return services.update_case_study(user=user, case=case, changes={**SECTIONS, **extra})


def published_case(office, reform, *, adoptions=()):
    case = written_case(office, reform)
    case = services.publish_case_study(user=office, case=case)
    for level, place, day in adoptions:
        adoption_services.record_adoption(user=office, case=case, level=level, place=place, adopted_on=day)
    case.refresh_from_db()
    return case
