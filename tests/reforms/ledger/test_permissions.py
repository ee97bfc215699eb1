"""Only the reform office imports; everyone else is refused by the service and by the pages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reformledger.reforms.jobs import check_ledger_import
from reformledger.reforms.ledger.applying import import_ledger
from reformledger.reforms.ledger.uploads import start_import
from reformledger.reforms.models import LedgerImport
from tests.reforms.test_permissions import ROLES

from .conftest import counts, good_row, write

#: Every signed-in role but the office (the roles of the permission matrix).
NOT_OFFICE = [role for role in ROLES if role not in ("office", "anonymous")]


@pytest.mark.parametrize("role", NOT_OFFICE)
def test_service_refuses_everyone_but_the_office(role, people, district, tmp_path):
    path = write(tmp_path / "ok.xlsx", [good_row()])
    user = getattr(people, role)
    before = counts()
    for dry_run in (True, False):
        with pytest.raises(PermissionDenied):
            import_ledger(user=user, source=path, dry_run=dry_run)
    with pytest.raises(PermissionDenied):
        start_import(
            user=user,
            uploaded_file=SimpleUploadedFile("a.xlsx", path.read_bytes()),
            language="en",
            enqueue=check_ledger_import.enqueue,
        )
    assert counts() == before
    assert not LedgerImport.objects.exists()


@pytest.fixture
def an_import(people, tmp_path):
    path = write(tmp_path / "ok.xlsx", [good_row()])
    return LedgerImport.objects.create(
        uploaded_by=people.office,
        file=SimpleUploadedFile("ok.xlsx", path.read_bytes()),
        filename="ok.xlsx",
        status=LedgerImport.ImportStatus.READY,
    )


@pytest.mark.parametrize("role", NOT_OFFICE)
def test_pages_answer_403_to_everyone_but_the_office(role, people, an_import, client, tmp_path):
    client.force_login(getattr(people, role))
    upload = SimpleUploadedFile("x.xlsx", write(tmp_path / "x.xlsx", [good_row()]).read_bytes())
    assert client.get(reverse("reforms:ledger-import")).status_code == 403
    assert client.post(reverse("reforms:ledger-import"), {"file": upload}).status_code == 403
    assert client.get(reverse("reforms:ledger-import-detail", args=[an_import.pk])).status_code == 403
    assert client.post(reverse("reforms:ledger-import-confirm", args=[an_import.pk])).status_code == 403
    an_import.refresh_from_db()
    assert an_import.status == LedgerImport.ImportStatus.READY
    assert LedgerImport.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(an_import, client):
    for url in (
        reverse("reforms:ledger-import"),
        reverse("reforms:ledger-import-detail", args=[an_import.pk]),
        reverse("reforms:ledger-export"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["expert", "resident"])
def test_people_without_reforms_may_not_export(role, people, client):
    client.force_login(getattr(people, role))
    assert client.get(reverse("reforms:ledger-export")).status_code == 403
