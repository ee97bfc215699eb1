"""``reformledger import-ledger IN.xlsx [--dry-run] [--user USERNAME]``

Checks the whole ledger first; any problem rejects the file with every problem printed (one per
line, "Row 5 [牵头单位]: ...") and exit code 1, and nothing is written. A clean file is applied
in one transaction: rows match reforms by code, changed fields are updated, new codes created.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reformledger.org.models import User
from reformledger.reforms.ledger.applying import import_ledger


class Command(BaseCommand):
    help = "Import an Excel reform ledger (.xlsx): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument(
            "--user",
            help="import as this person (needs the reform office's permission); default: the system",
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
        try:
            result = import_ledger(user=person, source=source, dry_run=dry_run)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        for warning in result.warnings:
            self.stderr.write(_("Warning: %(message)s") % {"message": warning})
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("The ledger was not imported: %(count)d problem(s). Nothing was written.")
                % {"count": len(result.problems)},
                returncode=1,
            )
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

    def _show(self, change: dict) -> None:
        if change["action"] == "create":
            self.stdout.write(_("Row %(row)s: new %(code)s %(title)s") % change)
            return
        self.stdout.write(_("Row %(row)s: %(code)s %(title)s") % change)
        for item in change["fields"]:
            self.stdout.write(f"    {item['header']}: {item['old'] or '—'} → {item['new'] or '—'}")
