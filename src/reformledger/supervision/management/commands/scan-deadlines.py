"""``reformledger scan-deadlines [--today YYYY-MM-DD]``: recompute every warning and make the day's
reminders (the worker also runs it daily at ``SCAN_AT``). Safe to run twice: nothing new is made."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reformledger.supervision.scan import scan_deadlines


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("--today takes a date as YYYY-MM-DD, not %(value)s.") % {"value": value}) from exc


class Command(BaseCommand):
    help = "Recompute red/amber/green warnings and create the day's reminders and escalations."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Scan as of this date (YYYY-MM-DD); default: today in TIME_ZONE.")

    def handle(self, *args, today=None, **options):
        on = _day(today) if today else None
        verbose = options["verbosity"] > 1

        def progress(done: int, total: int) -> None:
            if verbose:
                self.stderr.write(f"{done}/{total}")

        summary = scan_deadlines(on=on, progress=progress)
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
