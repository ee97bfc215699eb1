"""``reformledger audit-verify [--anchor FILE]``: walk the audit chain; with an anchor kept elsewhere
(``audit-anchor``), also check the chain still holds the anchored entry with its hash (ADR 0027)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from reformledger.core.anchor import Anchor, AnchorError, check_anchor, require_key
from reformledger.core.audit import verify_chain
from reformledger.core.models import AuditEntry, AuditHead


def read_anchor(path: str) -> tuple[Anchor, bytes]:
    """The anchor in ``path`` and the key to check it with; CommandError naming what is wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(_("Cannot read the anchor %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from exc
    try:
        return Anchor.parse(text), require_key()
    except AnchorError as exc:
        raise CommandError(f"{path}: {exc}") from exc


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exit non-zero naming the first bad entry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--anchor", help="an anchor written by audit-anchor: the chain must still hold it")

    def handle(self, *args: Any, anchor: str | None = None, **options: Any) -> None:
        kept = read_anchor(anchor) if anchor else None
        problems = list(verify_chain())
        if kept is not None:
            problems += check_anchor(kept[0], key=kept[1])
        if problems:
            for problem in problems:
                self.stderr.write(problem.message)
            first = problems[0]
            raise CommandError(_("Audit trail broken: first bad entry is #%(seq)s.") % {"seq": first.seq})
        count = AuditEntry.objects.count()
        head = AuditHead.objects.get(pk=1)
        self.stdout.write(
            _("Audit trail intact: %(count)d entries; head #%(seq)d %(hash)s.")
            % {"count": count, "seq": head.seq, "hash": head.last_hash}
        )
        if kept is not None:
            self.stdout.write(
                _("It holds the anchor of %(time)s: entry #%(seq)d %(hash)s.")
                % {"time": kept[0].time, "seq": kept[0].seq, "hash": kept[0].hash}
            )
