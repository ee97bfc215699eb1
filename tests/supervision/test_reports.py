"""Progress reports (issue 3, part 3): percent, evidence judged by content and size, help needed
escalated and tracked, the office's review."""

import datetime as dt
import io
import os
import struct
import zlib

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from reformledger.core.models import AuditEntry
from reformledger.supervision.models import (
    Channel,
    Decision,
    Delivery,
    Evidence,
    HelpRequest,
    Level,
    ProgressReport,
    ReminderKind,
    TaskStatus,
)
from reformledger.supervision.orphans import sweep_orphan_evidence
from reformledger.supervision.services import help as help_services
from reformledger.supervision.services import reports as report_services
from tests.factories import SpecialGroupFactory
from tests.supervision.files import PDF

from .conftest import TODAY

pytestmark = pytest.mark.django_db


# --- real files --------------------------------------------------------------------------------------


def png_bytes(width: int = 1, height: int = 1) -> bytes:
    """A real PNG image (RGB, noisy so that it does not compress away)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("改革进展材料")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "台账"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode."


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else []


def counts():
    return (ProgressReport.objects.count(), Evidence.objects.count(), HelpRequest.objects.count(), AuditEntry.objects.count())


# --- evidence ----------------------------------------------------------------------------------------


def test_real_files_are_accepted_and_stored(people, task, media):
    files = [
        upload("照片.png", png_bytes(4, 4)),
        upload("scan.JPG", JPG),
        upload("说明.pdf", PDF),
        upload("方案.docx", docx_bytes()),
        upload("台账.xlsx", xlsx_bytes()),
    ]
    report = report_services.submit_report(user=people.unit_staff, task=task, percent=30, text="进展", evidence=files)
    kinds = sorted(report.evidence.values_list("kind", flat=True))
    assert kinds == ["docx", "jpg", "pdf", "png", "xlsx"]
    assert {e.uploaded_by_id for e in report.evidence.all()} == {people.unit_staff.pk}
    assert len(stored_files(media)) == 5
    assert all(name.startswith(f"evidence/{task.reform_id}/") for name in stored_files(media))
    entry = AuditEntry.objects.filter(action="task.report").latest("seq")
    assert sorted(entry.changes["evidence"][1]) == sorted(f.name for f in files)


WRONG = [
    ("report.pdf", "这其实是一段文字，不是 PDF".encode()),  # text named .pdf
    ("setup.docx", EXE),  # a program renamed .docx
    ("photo.png", JPG),  # a JPEG named .png: content and name disagree
    ("table.xlsx", None),  # a Word file named .xlsx
    ("notes.txt", b"plain text"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),  # legacy Word: not on the list
    ("fake.docx", b"PK\x03\x04 not really a zip"),
    ("empty.pdf", b""),
]


def test_wrong_type_is_refused_with_nothing_written(people, task, media):
    before = counts()
    for name, content in WRONG:
        with pytest.raises(ValidationError) as exc:
            report_services.submit_report(
                user=people.unit_staff, task=task, percent=30, text="进展",
                evidence=[upload("good.png", png_bytes()), upload(name, content or docx_bytes())],
            )
        messages = exc.value.message_dict["evidence"]
        assert len(messages) == 1 and name in messages[0], name
        assert counts() == before, name
        assert stored_files(media) == [], name
    task.refresh_from_db()
    assert (task.progress, task.status, task.last_report_on) == (0, TaskStatus.NOT_STARTED, None)


def test_too_large_is_refused_with_nothing_written(settings, people, task, media):
    settings.EVIDENCE_MAX_MB = 0.01  # 10,485 bytes
    big = png_bytes(80, 80)
    assert len(big) > 10_485
    before = counts()
    with pytest.raises(ValidationError) as exc:
        report_services.submit_report(
            user=people.unit_staff, task=task, percent=30, text="进展",
            evidence=[upload("small.png", png_bytes()), upload("big.png", big)],
        )
    (message,) = exc.value.message_dict["evidence"]
    assert "big.png" in message and "0.01" in message
    assert counts() == before
    assert stored_files(media) == []
    # Just under the limit is fine.
    settings.EVIDENCE_MAX_MB = len(big) / 1024 / 1024 + 0.001
    report_services.submit_report(user=people.unit_staff, task=task, percent=30, text="进展", evidence=[upload("big.png", big)])
    assert len(stored_files(media)) == 1


def test_every_bad_file_is_named(people, task, media):
    with pytest.raises(ValidationError) as exc:
        report_services.submit_report(
            user=people.unit_staff, task=task, percent=30, text="进展",
            evidence=[upload("a.pdf", b"text"), upload("b.docx", EXE)],
        )
    messages = exc.value.message_dict["evidence"]
    assert len(messages) == 2 and "a.pdf" in messages[0] and "b.docx" in messages[1]


def test_a_rolled_back_report_leaves_no_file_after_the_sweep(people, task, media):
    """Files are written inside the transaction; one rolled back leaves an orphan that the daily
    scan's sweep removes once it is old enough (a transaction in flight keeps its files)."""

    class Abort(Exception):
        pass

    kept = report_services.submit_report(user=people.unit_staff, task=task, percent=10, text="留存", evidence=[upload("keep.png", png_bytes())])
    with pytest.raises(Abort), transaction.atomic():
        report_services.submit_report(
            user=people.unit_staff, task=task, percent=30, text="进展", evidence=[upload("a.png", png_bytes())]
        )
        raise Abort
    assert Evidence.objects.count() == 1
    assert len(stored_files(media)) == 2  # the orphan is still there
    assert sweep_orphan_evidence() == 0  # too young: it could belong to a transaction in flight
    assert sweep_orphan_evidence(min_age=dt.timedelta(0)) == 1
    assert stored_files(media) == [kept.evidence.get().file.name]


# --- percent and text --------------------------------------------------------------------------------


def test_bad_percent_is_refused(people, task):
    before = counts()
    for percent in (-1, 101, "abc", "", None, 50.5, "50.5", "1e2", [50]):
        with pytest.raises(ValidationError) as exc:
            report_services.submit_report(user=people.unit_staff, task=task, percent=percent, text="进展")
        assert list(exc.value.message_dict) == ["percent"], percent
    assert counts() == before


def test_good_percent_is_taken(people, task):
    # Each with its own text: an identical report sent again at once is refused (issue 8, part 9).
    for n, percent in enumerate((0, 100, "40", " 40 ", 40.0)):
        report = report_services.submit_report(user=people.unit_staff, task=task, percent=percent, text=f"进展{n}")
        assert report.percent == int(float(str(percent).strip())), percent


def test_text_is_required(people, task):
    with pytest.raises(ValidationError) as exc:
        report_services.submit_report(user=people.unit_staff, task=task, percent=10, text="   ")
    assert "text" in exc.value.message_dict
    assert not ProgressReport.objects.exists()


def test_a_report_awaits_review_and_does_not_move_progress(people, task):
    """Issue 8 finding 2: a report counted before the office reviewed it. Now it shows as reported,
    awaiting review; the unit has reported (not silent, started), but the progress stands."""
    report_services.submit_report(user=people.unit_staff, task=task, percent=30, text="进展", problems="人手不足")
    task.refresh_from_db()
    assert (task.progress, task.reported_percent, task.status, task.last_report_on) == (0, 30, TaskStatus.IN_PROGRESS, TODAY)
    task.reform.refresh_from_db()
    assert task.reform.progress == 0


def test_no_report_on_a_parent_or_a_done_task(people, reform, add_task):
    parent = add_task(reform, title="P")
    child = add_task(reform, parent=parent, title="C")
    with pytest.raises(ValidationError) as exc:
        report_services.submit_report(user=people.unit_staff, task=parent, percent=10, text="进展")
    assert "task" in exc.value.message_dict
    report = report_services.submit_report(user=people.unit_staff, task=child, percent=100, text="完成")
    report_services.review_report(user=people.office, report=report, accept=True)
    with pytest.raises(ValidationError) as exc:
        report_services.submit_report(user=people.unit_staff, task=child, percent=100, text="再报")
    assert "task" in exc.value.message_dict
    assert ProgressReport.objects.count() == 1


# --- help needed -------------------------------------------------------------------------------------


def inbox_of(user):
    return Delivery.objects.filter(user=user, channel=Channel.INBOX, reminder__kind=ReminderKind.HELP)


def test_help_goes_to_the_special_groups_leader(people, district, reform, task):
    reform.responsible_leader = people.leader_domain
    reform.save()
    SpecialGroupFactory(district=district.district, domain=reform.domain, name="政府职能转变专项小组", leader=people.leader_main)
    report = report_services.submit_report(
        user=people.unit_staff, task=task, percent=20, text="进展", help_needed="需要协调规划部门"
    )
    help_request = HelpRequest.objects.get(report=report)
    assert help_request.leader == people.leader_main
    assert (help_request.text, help_request.status, help_request.reform) == ("需要协调规划部门", "open", reform)
    (message,) = inbox_of(people.leader_main)
    assert message.reminder.text == "需要协调规划部门" and message.read_at is None
    assert not inbox_of(people.leader_domain).exists()
    # Tracked to closure, once.
    help_services.resolve_help(user=people.leader_main, help_request=help_request, resolution="已召开协调会")
    help_request.refresh_from_db()
    assert (help_request.status, help_request.resolved_by) == ("resolved", people.leader_main)
    with pytest.raises(ValidationError):
        help_services.resolve_help(user=people.office, help_request=help_request, resolution="再次")
    with pytest.raises(ValidationError) as exc:
        other = report_services.submit_report(user=people.unit_staff, task=task, percent=30, text="进展", help_needed="再协调")
        help_services.resolve_help(user=people.office, help_request=other.help, resolution=" ")
    assert "resolution" in exc.value.message_dict


def test_help_goes_to_the_responsible_leader_without_a_group(people, reform, task):
    reform.responsible_leader = people.leader_domain
    reform.save()
    report = report_services.submit_report(user=people.unit_staff, task=task, percent=20, text="进展", help_needed="协调资金")
    assert report.help.leader == people.leader_domain
    assert inbox_of(people.leader_domain).count() == 1


def test_help_with_nobody_to_escalate_to_is_still_tracked(people, reform, task):
    report = report_services.submit_report(user=people.unit_staff, task=task, percent=20, text="进展", help_needed="协调")
    assert report.help.leader is None and report.help.status == "open"
    help_services.resolve_help(user=people.office, help_request=report.help, resolution="改革办已协调")


def test_no_help_no_help_request(people, task):
    report_services.submit_report(user=people.unit_staff, task=task, percent=20, text="进展", help_needed="  ")
    assert not HelpRequest.objects.exists()


# --- review ------------------------------------------------------------------------------------------


def report(people, task, percent):
    return report_services.submit_report(user=people.unit_staff, task=task, percent=percent, text=f"{percent}%")


def standing(task):
    task.refresh_from_db()
    task.reform.refresh_from_db()
    return task.progress, task.reform.progress


def test_accepting_moves_progress_and_returning_leaves_the_accepted_figure(people, task):
    first = report(people, task, 30)
    assert standing(task) == (0, 0)
    report_services.review_report(user=people.office, report=first, accept=True)
    assert standing(task) == (30, 30)
    assert task.reported_percent is None
    second = report(people, task, 60)
    assert standing(task) == (30, 30)
    assert task.reported_percent == 60
    report_services.review_report(user=people.office, report=second, accept=False, comment="证据不足")
    assert standing(task) == (30, 30)
    assert task.reported_percent is None
    second.refresh_from_db()
    assert (second.status, second.review_comment, second.reviewed_by) == (Decision.RETURNED, "证据不足", people.office)
    # The reporter hears about it in the inbox.
    assert Delivery.objects.filter(user=people.unit_staff, reminder__kind=ReminderKind.REVIEW).count() == 2


def test_returning_a_later_report_keeps_an_earlier_pending_one(people, task):
    earlier = report(people, task, 20)
    later = report(people, task, 70)
    assert (standing(task), task.reported_percent) == ((0, 0), 70)
    report_services.review_report(user=people.office, report=later, accept=False, comment="数字有误")
    assert (standing(task), task.reported_percent) == ((0, 0), 20)
    report_services.review_report(user=people.office, report=earlier, accept=True)
    assert (standing(task), task.reported_percent) == ((20, 20), None)


def test_returning_the_only_report_goes_back_to_zero(people, task):
    only = report(people, task, 50)
    report_services.review_report(user=people.office, report=only, accept=False, comment="无附件")
    task.refresh_from_db()
    assert (task.progress, task.last_report_on) == (0, None)


def test_return_needs_a_comment_and_a_report_is_reviewed_once(people, task):
    r = report(people, task, 50)
    with pytest.raises(ValidationError) as exc:
        report_services.review_report(user=people.office, report=r, accept=False, comment="  ")
    assert "comment" in exc.value.message_dict
    r.refresh_from_db()
    assert r.status == Decision.PENDING
    report_services.review_report(user=people.office, report=r, accept=True)
    for accept, comment in ((True, ""), (False, "再退回")):
        with pytest.raises(ValidationError) as exc:
            report_services.review_report(user=people.office, report=r, accept=accept, comment=comment)
        assert "status" in exc.value.message_dict
    r.refresh_from_db()
    assert r.status == Decision.ACCEPTED


def test_accepting_100_percent_completes_the_task(people, task):
    half = report(people, task, 50)
    report_services.review_report(user=people.office, report=half, accept=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    done = report(people, task, 100)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS  # not before the office accepts
    report_services.review_report(user=people.office, report=done, accept=True)
    task.refresh_from_db()
    assert (task.status, task.completed_on, task.level, task.progress) == (TaskStatus.DONE, TODAY, Level.DONE, 100)
    task.reform.refresh_from_db()
    assert task.reform.progress == 100
