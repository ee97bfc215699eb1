"""``reformledger bulletin --period YYYY-MM --format docx|xlsx --out FILE [--district CODE]``

Writes the month's supervision bulletin (督查通报) as a Word document or an Excel workbook: counts
by tier and status, red and amber lists by unit, units praised and units named for overdue work,
orders and their acknowledgement (see :mod:`reformledger.supervision.bulletin`). Without
``--district`` the bulletin covers every district in the database.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reformledger.org.models import Unit, UnitKind
from reformledger.supervision.bulletin import Period, make_bulletin
from reformledger.supervision.documents import BulletinDocument, BulletinWorkbook

FORMATS = ("docx", "xlsx")


class Command(BaseCommand):
    help = "Write the month's supervision bulletin (督查通报) as Word (.docx) or Excel (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="the month, YYYY-MM (e.g. 2026-11)")
        parser.add_argument("--format", dest="kind", required=True, help="docx or xlsx")
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--district", help="the district's unit code (default: every district)")

    def handle(self, *args, period: str, kind: str, out: str, district: str | None, **options):
        try:
            month = Period.parse(period)
        except ValidationError as exc:
            raise CommandError(exc.message_dict["period"][0]) from exc
        kind = (kind or "").strip().lower().lstrip(".")
        if kind not in FORMATS:
            raise CommandError(_("Unknown format %(format)s; use docx or xlsx.") % {"format": kind})
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(_("No such directory: %(path)s") % {"path": str(path.parent)})
        scope = None
        if district:
            scope = Unit.objects.filter(code=district).first()
            if scope is None:
                raise CommandError(_("There is no unit with the code %(code)s.") % {"code": district})
            if scope.kind != UnitKind.DISTRICT:
                raise CommandError(_("%(code)s is not a district.") % {"code": district})
        figures = make_bulletin(period=month, district=scope)
        content = (BulletinDocument(figures) if kind == "docx" else BulletinWorkbook(figures)).render()
        path.write_bytes(content)
        self.stdout.write(
            _("Wrote the bulletin for %(period)s (%(red)d red and %(amber)d amber tasks) to %(path)s.")
            % {"period": month.code, "red": figures.red_total, "amber": figures.amber_total, "path": str(path)}
        )
