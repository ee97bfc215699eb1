"""``reformledger assessment-scheme import FILE --district CODE [--user USERNAME]`` and
``reformledger assessment-scheme export FILE --district CODE --year Y [--revision N]``.

Import makes a new draft scheme (the next revision of its year) from the YAML file, nothing when a
rule is wrong (the error names the clause). Export writes the latest revision (or ``--revision``).
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reformledger.assessment.models import Scheme
from reformledger.assessment.services.schemes import export_scheme_yaml, import_scheme_yaml

from ._common import acting_user, district_by_code


class Command(BaseCommand):
    help = "Import or export an assessment scheme as YAML."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("import", "export"))
        parser.add_argument("path", help="the YAML file to read or write")
        parser.add_argument("--district", required=True, help="the district's code")
        parser.add_argument("--year", type=int, help="export: the scheme's year")
        parser.add_argument("--revision", type=int, help="export: this revision (default: the latest)")
        parser.add_argument("--user", help="import: act as this person (default: the district's first office member)")

    def handle(self, *args, action: str, path: str, district: str, year: int | None, revision: int | None, user: str | None, **options):
        top = district_by_code(district)
        file = Path(path)
        if action == "import":
            if not file.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
            try:
                made = import_scheme_yaml(user=acting_user(top, user), district=top, text=file.read_text(encoding="utf-8"))
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            self.stdout.write(_("Imported %(title)s: %(year)s, revision %(revision)s, %(rules)s rules (draft).") % {
                "title": made.title, "year": made.year, "revision": made.revision, "rules": made.rules.count()})
            return
        if year is None:
            raise CommandError(_("Name the scheme's year with --year."))
        qs = Scheme.objects.filter(district=top, year=year).order_by("-revision")
        scheme: Scheme | None = qs.filter(revision=revision).first() if revision else qs.first()
        if scheme is None:
            raise CommandError(_("District %(code)s has no scheme for %(year)s.") % {"code": top.code, "year": year})
        file.write_text(export_scheme_yaml(scheme=scheme), encoding="utf-8")
        self.stdout.write(_("Wrote %(path)s (revision %(revision)s).") % {"path": path, "revision": scheme.revision})
