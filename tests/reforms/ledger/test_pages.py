"""The office's pages: export the catalogue; upload -> check -> confirm -> apply, with the real worker."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from reformledger.core.audit import history_of
from reformledger.core.models import AuditEntry
from reformledger.reforms.ledger.format import COLUMN_BY_KEY, COLUMNS, SHEET_TITLE
from reformledger.reforms.models import LedgerImport, Reform

from .conftest import counts, good_row, write

S = LedgerImport.ImportStatus


def run_worker() -> None:
    """Run every queued job (of every queue) with the real django-tasks-db worker, then return."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--queue-name", "*", verbosity=0)


def sheet_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def upload(client, name: str, content: bytes):
    return client.post(reverse("reforms:ledger-import"), {"file": SimpleUploadedFile(name, content)})


# --- export -------------------------------------------------------------------------------------


def test_export_view_streams_what_the_person_sees_with_the_catalogues_filters(catalogue, people, client):
    client.force_login(people.office)
    response = client.get(reverse("reforms:ledger-export"), {"tier": "key"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[0] == [c.header for c in COLUMNS]
    assert [row[0] for row in rows[1:]] == ["ZD-2018-01"]

    client.force_login(people.other_staff)  # sub-district B only co-runs the upper-level task
    rows = sheet_rows(b"".join(client.get(reverse("reforms:ledger-export")).streaming_content))
    assert [row[0] for row in rows[1:]] == ["SJ-2018-01"]


def test_export_sheet_is_laid_out_for_reading(catalogue, people, client):
    client.force_login(people.office)
    content = b"".join(client.get(reverse("reforms:ledger-export")).streaming_content)
    sheet = load_workbook(io.BytesIO(content))[SHEET_TITLE]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width == COLUMN_BY_KEY["title"].width
    assert sheet["N2"].is_date and sheet["N2"].number_format == "yyyy-mm-dd"


def test_export_view_runs_the_same_queries_for_5_and_50_reforms(
    people, reform_factory, district, client, django_assert_num_queries
):
    client.force_login(people.office)
    client.get(reverse("reforms:ledger-export"))  # warm the session

    def count_queries_for(n: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("reforms:ledger-export"))
            rows = sheet_rows(b"".join(response.streaming_content))
        assert len(rows) == n + 1
        return len(queries)

    for i in range(5):
        reform = reform_factory(code=f"Q-{i:03d}", responsible_leader=people.leader_main)
        reform.co_units.set([district.sub_b, district.community_a])
    five = count_queries_for(5)
    for i in range(5, 50):
        reform = reform_factory(
            code=f"Q-{i:03d}", responsible_leader=people.leader_domain, lead_unit=district.sub_b
        )
        reform.co_units.set([district.sub_a])
    with django_assert_num_queries(five):
        client.get(reverse("reforms:ledger-export")).getvalue()
    assert count_queries_for(50) == five


# --- import pages -------------------------------------------------------------------------------


def test_upload_page_shows_the_form_the_limit_and_the_columns(people, client, settings):
    settings.LEDGER_MAX_UPLOAD_MB = 20
    client.force_login(people.office)
    response = client.get(reverse("reforms:ledger-import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html and "Largest file: 20 MB" in html
    assert "At most 20,000 rows; formulas are not read: write values." in html
    for column in COLUMNS:
        assert column.header in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.xlsx", b"not a workbook", "not an Excel workbook"),
        ("empty.xlsx", b"", "The submitted file is empty."),
    ],
)
def test_upload_of_a_bad_file_is_refused_on_the_form(name, content, message, people, client):
    client.force_login(people.office)
    response = upload(client, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LedgerImport.objects.exists()


def test_upload_of_too_large_a_file_is_refused_on_the_form(people, client, settings, tmp_path):
    settings.LEDGER_MAX_UPLOAD_MB = 0.001
    client.force_login(people.office)
    response = upload(client, "big.xlsx", write(tmp_path / "big.xlsx", [good_row()]).read_bytes())
    assert response.status_code == 400
    assert "the largest ledger accepted is 0.001 MB" in response.content.decode()
    assert not LedgerImport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_upload_check_confirm_apply_with_the_real_worker(catalogue, people, client):
    client.force_login(people.office)
    exported = b"".join(client.get(reverse("reforms:ledger-export")).streaming_content)
    workbook = load_workbook(io.BytesIO(exported))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == "ZD-2018-01":
            sheet.cell(row=row, column=headers.index("名称") + 1, value="罗湖医改（深化）")
    sheet.append(good_row())
    edited = io.BytesIO()
    workbook.save(edited)
    before_reforms, before_audit = counts()

    # Upload: the check is queued, the page polls.
    response = upload(client, "台账.xlsx", edited.getvalue())
    item = LedgerImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reforms:ledger-import-detail", args=[item.pk]
    )
    assert (item.status, item.filename, item.uploaded_by) == (S.CHECKING, "台账.xlsx", people.office)
    detail = reverse("reforms:ledger-import-detail", args=[item.pk])
    page = client.get(detail).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'role="progressbar"' in page

    # Check: a dry run by the worker; the preview lists the changes.
    run_worker()
    item.refresh_from_db()
    assert item.status == S.READY, item.errors
    assert (item.rows_done, item.rows_total) == (4, 4)
    assert (item.summary["created"], item.summary["updated"], item.summary["unchanged"]) == (1, 1, 2)
    assert counts() == (before_reforms, before_audit)
    partial = client.get(detail, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and "<html" not in partial
    assert "Apply these changes" in partial and "NEW-001" in partial
    assert "<del>罗湖医改</del>" in partial and "<ins>罗湖医改（深化）</ins>" in partial

    # Confirm: the apply is queued; then the worker applies it in one go.
    response = client.post(reverse("reforms:ledger-import-confirm", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == S.APPLYING
    assert 'hx-trigger="every 1s"' in client.get(detail, HTTP_HX_REQUEST="true").content.decode()
    run_worker()
    item.refresh_from_db()
    assert item.status == S.APPLIED, item.errors
    assert counts() == (before_reforms + 1, before_audit + 2)
    assert Reform.objects.get(code="ZD-2018-01").title == "罗湖医改（深化）"
    entry = history_of(Reform.objects.get(code="NEW-001")).get()
    assert (entry.action, entry.actor_name) == ("reform.import.create", "office")
    page = client.get(detail).content.decode()
    assert "The ledger was applied." in page and "hx-trigger" not in page

    # A second confirm does nothing.
    client.post(reverse("reforms:ledger-import-confirm", args=[item.pk]))
    run_worker()
    assert counts() == (before_reforms + 1, before_audit + 2)


@pytest.mark.django_db(transaction=True)
def test_a_rejected_upload_lists_every_problem_and_cannot_be_confirmed(catalogue, people, client, tmp_path):
    client.force_login(people.office)
    path = write(
        tmp_path / "bad.xlsx", [good_row(lead_unit="无此单位"), good_row(code="NEW-2", due_date="明天")]
    )
    upload(client, "bad.xlsx", path.read_bytes())
    item = LedgerImport.objects.get()
    run_worker()
    item.refresh_from_db()
    assert item.status == S.REJECTED
    assert [(e["row"], e["column"]) for e in item.errors] == [(2, "牵头单位"), (3, "完成时限")]
    page = client.get(reverse("reforms:ledger-import-detail", args=[item.pk])).content.decode()
    assert "The ledger was not imported. Nothing was written." in page
    assert "There is no unit 无此单位 in 罗湖区." in page and "明天 is not a date" in page
    assert "Apply these changes" not in page
    before = counts()
    response = client.post(reverse("reforms:ledger-import-confirm", args=[item.pk]), follow=True)
    assert "not ready to apply" in response.content.decode()
    run_worker()
    assert counts() == before
    assert AuditEntry.objects.filter(action__startswith="reform.import").count() == 0


@pytest.mark.django_db(transaction=True)
def test_apply_checks_again_and_writes_nothing_if_the_catalogue_changed(
    catalogue, people, district, client, tmp_path
):
    client.force_login(people.office)
    path = write(tmp_path / "ok.xlsx", [good_row()])
    upload(client, "ok.xlsx", path.read_bytes())
    run_worker()
    item = LedgerImport.objects.get()
    assert item.status == S.READY
    district.sub_a.name = "桂园街道（撤并）"  # the unit the file names is renamed in between
    district.sub_a.save()
    client.post(reverse("reforms:ledger-import-confirm", args=[item.pk]))
    before = counts()
    run_worker()
    item.refresh_from_db()
    assert item.status == S.REJECTED
    assert item.errors[0]["column"] == "牵头单位"
    assert counts() == before


def test_the_preview_names_fields_in_the_reader_s_language():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load ui %}{{ 'progress'|reform_field_label }}|{{ 'lead_unit'|reform_field_label }}")
    with translation.override("en"):
        assert template.render(Context()) == "Progress|Lead unit"
    with translation.override("zh-hans"):
        assert template.render(Context()) == "进度|牵头单位"
