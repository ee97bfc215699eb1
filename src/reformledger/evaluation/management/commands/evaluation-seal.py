"""``reformledger evaluation-seal [--round N] [--verify]``: seal every rating still waiting for its seal
(ADR 0051), or, with ``--verify``, recompute every round's chain of seals from its ratings and exit
non-zero naming each break (a rating changed, removed or added, a seal removed, ratings left
unsealed too long)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from reformledger.evaluation.models import Round
from reformledger.evaluation.services import seals


class Command(BaseCommand):
    help = "Seal the ratings waiting for their seal, or verify every round's chain of seals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, help="one round's id (default: every round)")
        parser.add_argument("--verify", action="store_true", help="recompute the seals and report every break")

    def handle(self, *args: Any, round: int | None = None, verify: bool = False, **options: Any) -> None:  # noqa: A002
        rounds = Round.objects.order_by("pk")
        if round is not None:
            rounds = rounds.filter(pk=round)
            if not rounds.exists():
                raise CommandError(_("There is no round %(id)s.") % {"id": round})
        if not verify:
            for found in rounds:
                sealed = seals.seal_all(round_id=found.pk)
                if sealed:
                    self.stdout.write(_("Round %(id)s: %(n)s ratings sealed.") % {"id": found.pk, "n": sealed})
            self.stdout.write(_("Every rating is sealed."))
            return
        problems = 0
        for found in rounds:
            for problem in seals.chain_problems(found):
                problems += 1
                self.stderr.write(_("Round %(id)s: %(problem)s") % {"id": found.pk, "problem": problem})
        if problems:
            raise CommandError(_("%(n)s breaks in the chains of rating seals.") % {"n": problems})
        self.stdout.write(_("Every round's chain of rating seals is intact."))
