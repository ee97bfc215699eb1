"""The monthly bulletin prints the audit chain's anchor: sequence, hash and time, and the HMAC when
the key is set, exactly as ``audit-verify --anchor`` checks them (ADR 0027)."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from reformledger.core.anchor import Anchor, check_anchor
from reformledger.core.models import AuditHead
from reformledger.supervision.bulletin import Period, make_bulletin
from reformledger.supervision.documents import BulletinDocument, BulletinWorkbook

from .conftest import TODAY

pytestmark = pytest.mark.django_db
PERIOD = Period.of(TODAY)
KEY = "a bulletin's anchor key, forty characters"


@pytest.fixture
def keyed(settings):
    settings.AUDIT_ANCHOR_KEY = KEY


def test_the_bulletin_carries_the_head_signed(people, district, reform, keyed, tmp_path):
    bulletin = make_bulletin(period=PERIOD, district=district.district)
    head = AuditHead.objects.get(pk=1)
    anchor = bulletin.anchor
    assert anchor is not None and (anchor.seq, anchor.hash) == (head.seq, head.last_hash)
    assert check_anchor(anchor, key=KEY.encode()) == []
    # The four printed values make an anchor file that audit-verify accepts.
    text = "\n".join(p.text for p in Document(io.BytesIO(BulletinDocument(bulletin).render())).paragraphs)
    for value in (str(anchor.seq), anchor.hash, anchor.time, anchor.hmac):
        assert value in text
    path = tmp_path / "from-the-bulletin.json"
    path.write_text(json.dumps({"format": "reformledger-audit-anchor/1", "seq": anchor.seq, "hash": anchor.hash,
                                "time": anchor.time, "hmac": anchor.hmac}))
    call_command("audit-verify", "--anchor", str(path))


def test_the_workbook_and_the_page_show_the_anchor(client_for, people, district, reform, keyed):
    bulletin = make_bulletin(period=PERIOD, district=district.district)
    sheet = load_workbook(io.BytesIO(BulletinWorkbook(bulletin).render()))["总体情况"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert bulletin.anchor.hash in values and bulletin.anchor.hmac in values
    html = client_for(people.office).get(reverse("supervision:bulletin")).content.decode()
    head = AuditHead.objects.get(pk=1)
    assert head.last_hash in html and "HMAC" in html


def test_without_the_key_the_anchor_is_printed_unsigned(people, district, reform, settings):
    settings.AUDIT_ANCHOR_KEY = ""
    bulletin = make_bulletin(period=PERIOD, district=district.district)
    assert isinstance(bulletin.anchor, Anchor) and bulletin.anchor.hmac == ""
    text = "\n".join(p.text for p in Document(io.BytesIO(BulletinDocument(bulletin).render())).paragraphs)
    assert bulletin.anchor.hash in text and "未签名" in text
