"""``reformledger audit-anchor [--out FILE]``: the audit chain's head, signed, for keeping elsewhere.

Writes the head (sequence, hash, time) as a small JSON document signed with HMAC-SHA256 under
``AUDIT_ANCHOR_KEY`` (from the environment; refused without it) to ``FILE`` or to standard output.
Keep the documents away from the database's machine; ``audit-verify --anchor FILE`` checks the
chain still holds the anchored entry (ADR 0027).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from reformledger.core.anchor import KEY_MIN_LENGTH, AnchorError, head_problem, require_key, take_anchor


class Command(BaseCommand):
    help = "Write the audit chain's head (sequence, hash, time) signed with AUDIT_ANCHOR_KEY, to keep elsewhere."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help="the file to write (default: standard output)")

    def handle(self, *args: Any, out: str | None, **options: Any) -> None:
        try:
            key = require_key()
        except AnchorError as exc:
            raise CommandError(str(exc)) from exc
        if len(key) < KEY_MIN_LENGTH:
            raise CommandError(
                _("AUDIT_ANCHOR_KEY is too short: use at least %(n)d characters (e.g. 64 random hex digits).")
                % {"n": KEY_MIN_LENGTH}
            )
        anchor = take_anchor(key=key)
        if (problem := head_problem(anchor)) is not None:
            raise CommandError(_("Not anchored: %(problem)s Run audit-verify.") % {"problem": problem.message})
        if out is None:
            self.stdout.write(anchor.document(), ending="")
            return
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(_("No such directory: %(path)s") % {"path": str(path.parent)})
        path.write_text(anchor.document(), encoding="utf-8")
        self.stderr.write(
            _("Anchored entry #%(seq)d %(hash)s in %(path)s.") % {"seq": anchor.seq, "hash": anchor.hash, "path": out}
        )
