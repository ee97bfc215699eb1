"""``reformledger assess --year Y [--district CODE] [--dry-run] [--user USERNAME]``

Computes a new draft version for each district (every district with a scheme for the year when
``--district`` is not given) from the latest adopted revision of its scheme; ``--dry-run`` tries the
year's latest scheme (a draft too) on the year before's data. Prints each district's timing.
"""

import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reformledger.assessment.models import AssessmentPurpose, Scheme, SchemeState
from reformledger.assessment.services.computation import compute
from reformledger.org.models import Unit, UnitKind

from ._common import acting_user, district_by_code


class Command(BaseCommand):
    help = "Compute the year's assessment of one district or of every district."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--district", help="the district's code (default: every district with a scheme)")
        parser.add_argument("--dry-run", action="store_true", help="try the scheme on the year before's data")
        parser.add_argument("--user", help="act as this person (default: each district's first office member)")
        parser.add_argument("--reason", default="", help="why the version is computed")

    def handle(self, *args, year: int, district: str | None, dry_run: bool, user: str | None, reason: str, **options):
        districts = [district_by_code(district)] if district else list(Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code"))
        started, done, failed = time.perf_counter(), 0, 0
        for top in districts:
            scheme = self._scheme(top, year, dry_run=dry_run)
            if scheme is None:
                if district:
                    raise CommandError(_("District %(code)s has no adopted scheme for %(year)s.") % {"code": top.code, "year": year})
                continue
            began = time.perf_counter()
            try:
                version = compute(user=acting_user(top, user), scheme=scheme, reason=reason,
                                  purpose=AssessmentPurpose.DRY_RUN if dry_run else AssessmentPurpose.OFFICIAL)
            except (ValidationError, PermissionDenied) as error:
                failed += 1
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                self.stderr.write(f"{top.code}: " + "; ".join(messages))
                continue
            done += 1
            self.stdout.write(_("%(code)s: version %(version)s (%(purpose)s, data of %(data)s), %(units)s units in %(seconds).2f s") % {
                "code": top.code, "version": version.version, "purpose": version.get_purpose_display(), "data": version.year,
                "units": version.scores.count(), "seconds": time.perf_counter() - began})
        self.stdout.write(_("%(done)s districts computed, %(failed)s failed, in %(seconds).2f s") % {
            "done": done, "failed": failed, "seconds": time.perf_counter() - started})
        if failed:
            raise CommandError(_("Some districts failed (above)."))

    def _scheme(self, top: Unit, year: int, *, dry_run: bool) -> Scheme | None:
        qs = Scheme.objects.filter(district=top, year=year).order_by("-revision")
        if not dry_run:
            qs = qs.filter(state__in=(SchemeState.ADOPTED, SchemeState.FROZEN))
        return qs.first()
