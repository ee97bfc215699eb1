"""``reformledger export-ledger OUT.xlsx [--year Y] [--tier T] [--unit CODE] [--user USERNAME]``

Writes the catalogue (or the filtered part of it) as an Excel ledger that imports back unchanged.
``--unit`` selects the reforms a unit leads or co-runs; ``--user`` limits the file to what that
person may see (default: every reform, for the operator of the command line).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reformledger.org.models import Unit, User
from reformledger.org.selectors import actor_for, has_full_access
from reformledger.reforms.ledger.export import write_ledger
from reformledger.reforms.ledger.format import TIER_LABELS
from reformledger.reforms.models import Reform
from reformledger.reforms.selectors import ReformFilters, apply_filters, reform_list


class Command(BaseCommand):
    help = "Export reforms as an Excel ledger (.xlsx) that can be edited and imported again."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file to write")
        parser.add_argument("--year", type=int, help="only this year")
        parser.add_argument(
            "--tier", help="only this tier: upper, key, micro (or 上级任务, 重点改革, 微改革)"
        )
        parser.add_argument("--unit", help="only reforms this unit (by code) leads or co-runs")
        parser.add_argument("--user", help="only what this person may see")

    def handle(
        self,
        *args,
        path: str,
        year: int | None,
        tier: str | None,
        unit: str | None,
        user: str | None,
        **options,
    ):
        out = Path(path)
        if out.suffix.lower() != ".xlsx":
            raise CommandError(_("The file name must end in .xlsx."))
        if not out.parent.is_dir():
            raise CommandError(_("No such directory: %(path)s") % {"path": str(out.parent)})
        if tier:
            labels = {label: code for code, label in TIER_LABELS.items()}
            tier = labels.get(tier.strip(), tier.strip().lower())
            if tier not in TIER_LABELS:
                raise CommandError(_("Unknown tier %(tier)s; use upper, key or micro.") % {"tier": tier})
        if unit and not Unit.objects.filter(code=unit).exists():
            raise CommandError(_("There is no unit with the code %(code)s.") % {"code": unit})
        filters = ReformFilters(year=year, tier=tier, unit=unit)
        if user:
            person = User.objects.filter(username=user, is_active=True).first()
            if person is None:
                raise CommandError(_("No active person with the username %(username)s.") % {"username": user})
            if not has_full_access(actor_for(person)):
                raise CommandError(_("%(username)s may not export the ledger.") % {"username": user})
            reforms = reform_list(person, filters, "code")
        else:
            reforms = apply_filters(Reform.objects.all(), filters).order_by("code")
        count = write_ledger(reforms, out)
        self.stdout.write(_("Wrote %(count)d reforms to %(path)s.") % {"count": count, "path": str(out)})
