"""``reformledger evaluation-tallies [--round N] (--check | --recount)``: check that the rating
tallies the results read agree with the ratings (exit 1 naming each difference), or rebuild them
after ratings were loaded round the services (a bulk COPY, a restore of the rating table alone)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from reformledger.evaluation.models import Round
from reformledger.evaluation.services import tallies


class Command(BaseCommand):
    help = "Check the rating tallies against the ratings, or recount them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, help="one round's id (default: every round)")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="report where the tallies and the ratings differ")
        action.add_argument("--recount", action="store_true", help="rebuild the tallies from the ratings")

    def handle(self, *args: Any, round: int | None = None, check: bool = False, **options: Any) -> None:  # noqa: A002
        rounds = Round.objects.order_by("pk")
        if round is not None:
            rounds = rounds.filter(pk=round)
            if not rounds.exists():
                raise CommandError(_("There is no round %(id)s.") % {"id": round})
        differences = 0
        for found in rounds:
            if check:
                for line in tallies.disagreements(round=found):
                    differences += 1
                    self.stderr.write(f"round {found.pk}: {line}")
            else:
                self.stdout.write(_("Round %(id)s: %(rows)s tally rows.") % {"id": found.pk, "rows": tallies.recount(round=found)})
        if differences:
            raise CommandError(_("%(n)s tally rows differ from the ratings; run --recount.") % {"n": differences})
        if check:
            self.stdout.write(_("The tallies agree with the ratings."))
