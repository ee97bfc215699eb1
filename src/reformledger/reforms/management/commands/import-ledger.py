"""``reformledger import-ledger IN.xlsx|IN.xls|IN.csv [--dry-run] [--user USERNAME]
[--take-ledger ROW[,ROW…] | --take-ledger-all]``

Checks the whole ledger first; any problem rejects the file with its problems printed (one per
line, "Row 5 [牵头单位]: ...", the first LEDGER_MAX_PROBLEMS and a count of the rest) and exit
code 1, and nothing is written. A clean file is applied
in one transaction: rows match reforms by code, changed fields are updated, new codes created.

A row whose reform changed since the export it comes from is a conflict: it is printed with, per
differing column, the ledger's value and the current one, and the reform is kept as it is unless
``--take-ledger`` names the row (or ``--take-ledger-all``).
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reformledger.org.models import User
from reformledger.reforms.ledger.applying import ImportResult, import_ledger
from reformledger.reforms.ledger.format import more_problems_line
from reformledger.reforms.ledger.planning import Choice


def row_numbers(text: str) -> list[int]:
    """``5,7, 12`` -> [5, 7, 12]."""
    try:
        return sorted({int(part) for part in text.replace("，", ",").split(",") if part.strip()})
    except ValueError as exc:
        raise CommandError(
            _("--take-ledger takes row numbers separated by commas, such as 5,7,12.")
        ) from exc


class Command(BaseCommand):
    help = "Import a reform ledger (.xlsx, .xls or CSV in UTF-8 or GBK): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the ledger: .xlsx, .xls or .csv")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument(
            "--user",
            help="import as this person (needs the reform office's permission); default: the system",
        )
        take = parser.add_mutually_exclusive_group()
        take.add_argument(
            "--take-ledger",
            metavar="ROW[,ROW...]",
            help="conflicting rows (their reform changed since the export) to apply as the ledger says",
        )
        take.add_argument(
            "--take-ledger-all", action="store_true", help="apply every conflicting row as the ledger says"
        )

    def handle(self, *args, path: str, dry_run: bool, user: str | None, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        person = None
        if user:
            person = User.objects.filter(username=user, is_active=True).first()
            if person is None:
                raise CommandError(_("No active person with the username %(username)s.") % {"username": user})
        rows = row_numbers(options.get("take_ledger") or "")
        choice = Choice(rows=dict.fromkeys(rows), all=bool(options.get("take_ledger_all")))
        try:
            result = import_ledger(
                user=person, source=source, dry_run=dry_run, choice=choice, filename=source.name
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        for warning in result.warnings:
            self.stderr.write(_("Warning: %(message)s") % {"message": warning})
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.problems_not_shown:
                self.stderr.write(more_problems_line(result.problems_not_shown))
            raise CommandError(
                _("The ledger was not imported: %(count)d problem(s). Nothing was written.")
                % {"count": len(result.problems) + result.problems_not_shown},
                returncode=1,
            )
        self._conflicts(result, rows)
        for notice in result.notices:
            self.stdout.write(str(notice))
        counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        if dry_run:
            self.stdout.write(
                _(
                    "Dry run, nothing written: would create %(created)d, update %(updated)d, leave %(unchanged)d unchanged."
                )
                % counts
            )
            if options["verbosity"] >= 2:
                for change in result.changes:
                    self._show(change)
        else:
            self.stdout.write(
                _("Created %(created)d, updated %(updated)d, unchanged %(unchanged)d.") % counts
            )

    def _conflicts(self, result: ImportResult, rows: list[int]) -> None:
        for conflict in result.conflicts:
            if conflict["taken"]:
                head = _("Row %(row)s: %(code)s %(title)s changed since the export; taken from the ledger:")
            else:
                head = _(
                    "Row %(row)s: %(code)s %(title)s changed since the export; kept as it is "
                    "(--take-ledger %(row)s to apply the ledger's values):"
                )
            self.stdout.write(head % conflict)
            for item in conflict["fields"]:
                self.stdout.write(
                    "    "
                    + _("%(header)s: ledger %(ledger)s, now %(current)s")
                    % {**item, "ledger": item["ledger"] or "—", "current": item["current"] or "—"}
                )
            for reason in conflict["reasons"]:
                self.stdout.write("    " + reason["message"])
        for row in sorted(set(rows) - set(result.conflict_versions)):
            self.stderr.write(_("Warning: row %(row)s is not a conflict; --take-ledger ignored it.") % {"row": row})
        if result.kept:
            self.stdout.write(
                _("%(count)d conflicting row(s) kept as they are in Reform Ledger.") % {"count": result.kept}
            )

    def _show(self, change: dict) -> None:
        if change["action"] == "create":
            self.stdout.write(_("Row %(row)s: new %(code)s %(title)s") % change)
            return
        self.stdout.write(_("Row %(row)s: %(code)s %(title)s") % change)
        for item in change["fields"]:
            self.stdout.write(f"    {item['header']}: {item['old'] or '—'} → {item['new'] or '—'}")
