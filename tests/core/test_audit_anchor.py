"""``audit-anchor`` signs the chain's head; ``audit-verify --anchor`` finds a cut tail with a rewound
head and a history rewritten before the anchor, which the chain alone cannot (ADR 0027)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from reformledger.core.anchor import FORMAT, Anchor, AnchorError, check_anchor, sign
from reformledger.core.audit import GENESIS_HASH, compute_hash, log_action, verify_chain
from reformledger.core.models import AuditEntry, AuditHead

KEY = "k" * 40


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def keyed(settings):
    settings.AUDIT_ANCHOR_KEY = KEY
    return KEY.encode()


@pytest.fixture
def chain(people, reform_factory):
    reform = reform_factory()
    for n in range(6):
        log_action(people.office, "test.write", reform, {"n": [n, n + 1]})
    return reform


def anchor_file(tmp_path, name: str = "anchor.json"):
    path = tmp_path / name
    call_command("audit-anchor", "--out", str(path))
    return path


def test_the_anchor_is_the_head_signed(chain, keyed, tmp_path):
    path = anchor_file(tmp_path)
    body = json.loads(path.read_text())
    head = AuditHead.objects.get(pk=1)
    assert set(body) == {"format", "seq", "hash", "time", "hmac"}
    assert (body["format"], body["seq"], body["hash"]) == (FORMAT, head.seq, head.last_hash)
    anchor = Anchor.parse(path.read_text())
    assert anchor.hmac == sign(anchor, keyed) and len(anchor.hmac) == 64


def test_the_anchor_goes_to_standard_output_without_a_file(chain, keyed, capsys):
    call_command("audit-anchor")
    anchor = Anchor.parse(capsys.readouterr().out)
    assert anchor.seq == AuditHead.objects.get(pk=1).seq and check_anchor(anchor, key=keyed) == []


def test_no_anchor_without_the_key(chain, settings, tmp_path):
    settings.AUDIT_ANCHOR_KEY = ""
    with pytest.raises(CommandError, match="AUDIT_ANCHOR_KEY"):
        call_command("audit-anchor", "--out", str(tmp_path / "a.json"))
    assert not (tmp_path / "a.json").exists()
    settings.AUDIT_ANCHOR_KEY = "short"
    with pytest.raises(CommandError, match="AUDIT_ANCHOR_KEY"):
        call_command("audit-anchor")


def test_an_intact_chain_holds_its_anchor(chain, keyed, tmp_path, capsys):
    path = anchor_file(tmp_path)
    log_action(None, "test.later", chain)  # the chain goes on after the anchor
    call_command("audit-verify", "--anchor", str(path))
    out = capsys.readouterr().out
    assert Anchor.parse(path.read_text()).hash in out


def test_an_empty_chain_can_be_anchored(db, keyed, tmp_path):
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": 0, "last_hash": GENESIS_HASH})
    AuditEntry.objects.all().delete()
    path = anchor_file(tmp_path)
    assert Anchor.parse(path.read_text()).seq == 0
    call_command("audit-verify", "--anchor", str(path))


def cut_tail_and_rewind_head(keep: int) -> None:
    """What someone with the database's password does to hide the newest entries."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq > %s", [keep])
    last = AuditEntry.objects.get(seq=keep)
    AuditHead.objects.filter(pk=1).update(seq=keep, last_hash=last.entry_hash)


def test_a_cut_tail_with_a_rewound_head_is_found_with_the_anchor(chain, keyed, tmp_path):
    path = anchor_file(tmp_path)
    head = AuditHead.objects.get(pk=1).seq
    cut_tail_and_rewind_head(head - 2)
    call_command("audit-verify")  # the chain alone looks intact
    with pytest.raises(CommandError, match=f"#{head}"):
        call_command("audit-verify", "--anchor", str(path))
    anchor = Anchor.parse(path.read_text())
    assert "cut back" in check_anchor(anchor, key=keyed)[0].message


def test_a_history_rewritten_before_the_anchor_is_found(chain, keyed, tmp_path):
    path = anchor_file(tmp_path)
    # Rewrite entry 2 and recompute every hash after it, and the head: the chain alone is intact.
    prev = AuditEntry.objects.get(seq=1).entry_hash
    for entry in AuditEntry.objects.filter(seq__gte=2).order_by("seq"):
        if entry.seq == 2:
            entry.changes = {"n": [0, 99]}
        entry.prev_hash = prev
        entry.entry_hash = compute_hash(entry)
        entry.save()
        prev = entry.entry_hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev)
    assert list(verify_chain()) == []
    anchor = Anchor.parse(path.read_text())
    assert "rewritten" in check_anchor(anchor, key=keyed)[0].message
    with pytest.raises(CommandError):
        call_command("audit-verify", "--anchor", str(path))


def test_an_altered_or_foreign_anchor_is_refused(chain, keyed, tmp_path, settings):
    path = anchor_file(tmp_path)
    body = json.loads(path.read_text())
    body["seq"] -= 1  # point the anchor at an earlier entry, hash and all
    body["hash"] = AuditEntry.objects.get(seq=body["seq"]).entry_hash
    path.write_text(json.dumps(body))
    assert "signature" in check_anchor(Anchor.parse(path.read_text()), key=keyed)[0].message
    with pytest.raises(CommandError):
        call_command("audit-verify", "--anchor", str(path))
    other = anchor_file(tmp_path, "other.json")
    settings.AUDIT_ANCHOR_KEY = "another key of forty characters........."
    with pytest.raises(CommandError):
        call_command("audit-verify", "--anchor", str(other))


def test_verify_with_an_anchor_needs_the_key_and_a_readable_anchor(chain, keyed, tmp_path, settings):
    path = anchor_file(tmp_path)
    with pytest.raises(CommandError, match="missing.json"):
        call_command("audit-verify", "--anchor", str(tmp_path / "missing.json"))
    (tmp_path / "bad.json").write_text("not an anchor")
    with pytest.raises(CommandError, match="bad.json"):
        call_command("audit-verify", "--anchor", str(tmp_path / "bad.json"))
    settings.AUDIT_ANCHOR_KEY = ""
    with pytest.raises(CommandError, match="AUDIT_ANCHOR_KEY"):
        call_command("audit-verify", "--anchor", str(path))


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"format": "something else"},
        {"format": FORMAT, "seq": 1, "hash": "x", "time": "2026-12-01T00:00:00+00:00"},
        {"format": FORMAT, "seq": "1", "hash": "x", "time": "2026-12-01T00:00:00+00:00", "hmac": "y"},
        {"format": FORMAT, "seq": 1, "hash": "x", "time": "yesterday", "hmac": "y"},
    ],
)
def test_what_is_not_an_anchor_is_named(body):
    with pytest.raises(AnchorError):
        Anchor.parse(json.dumps(body))
