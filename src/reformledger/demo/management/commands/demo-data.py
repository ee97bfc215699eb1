"""``reformledger demo-data``: load the demo district and its supervision (idempotent), and print
the demo logins.

The catalogue (``demo.district.load_demo``) first, then on top of it the supervision of its open
reforms (``demo.supervision.load_supervision_demo``).
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.demo.assessment import load_assessment_demo
from reformledger.demo.casestudies import load_case_studies_demo
from reformledger.demo.district import load_demo
from reformledger.demo.evaluation_lookback import load_lookback_demo
from reformledger.demo.evaluation_offline import load_offline_demo
from reformledger.demo.evaluation_panels import load_panels_demo
from reformledger.demo.evaluation_ratings import load_ratings_demo
from reformledger.demo.reset import reset_demo
from reformledger.demo.story import DEMO_CODE, DEMO_PASSWORD, SHOWCASE_SUB_DISTRICT, YEARS, programme_year
from reformledger.demo.supervision import load_supervision_demo
from reformledger.demo.tolerance import load_tolerance_demo
from reformledger.demo.writing import DemoDataError
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform, Tier
from reformledger.supervision.models import Level, Task


class Command(BaseCommand):
    help = (
        "Load the demo district (罗湖区: its programme of 2014–2018 as history — 11 upper-level tasks, "
        "38 key reforms, 491 micro-reforms — and this year's plan with the supervision of its open reforms: "
        "task trees, reports, orders, warnings), and print the demo logins. Running it again only fills gaps. "
        "For trying Reform Ledger out, not for a production database: the demo logins share one known password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true",
            help="Start afresh: empty the database and the stored files first (refused when the database holds "
            "any district other than the demo's). Stop the server first, or restart it after.",
        )

    def handle(self, *args, **options):
        try:
            if options["reset"]:
                reset_demo()
                self.stdout.write(_("Emptied the demo database; loading the demo afresh."))
            result = load_demo()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        district = result.district
        supervision = load_supervision_demo(district=district)
        # The evaluation (issue 10): public and open rounds rated on line, a round rated with code
        # packs and paper slips, the expert panels, the look-back reviews of past key reforms.
        evaluation = {
            "ratings": load_ratings_demo(district=district),
            "offline": load_offline_demo(district=district),
            "panels": load_panels_demo(district=district),
            "lookback": load_lookback_demo(district=district),
        }
        # Fault tolerance (issue 11 part 4): the discipline reviewer and cases on failed reforms.
        tolerance = load_tolerance_demo(district=district)
        # The case studies (issue 11 part 6): the article's reforms written up, published, adopted.
        case_studies = load_case_studies_demo(district=district)
        # The annual assessment (issue 11): schemes 2014–2018, published rankings, commendations, appeals.
        assessment = load_assessment_demo(district=district)
        made_later_parts = any(any(part.values()) for part in evaluation.values()) or bool(tolerance.get("cases")) or bool(case_studies) or bool(assessment)
        if not result.created_anything and not supervision.created_anything and not made_later_parts:
            self.stdout.write(
                _("The demo district %(name)s is already loaded; nothing was changed.") % {"name": district.name}
            )
        else:
            created = result.created
            if result.created_anything:
                self.stdout.write(
                    self.style.SUCCESS(
                        _(
                            "Loaded the demo district %(name)s in %(seconds).1f s: created %(units)d units, "
                            "%(people)d people, %(plans)d plans, %(groups)d special groups and %(reforms)d reforms "
                            "(%(entries)d audit entries)."
                        )
                        % {
                            "name": district.name,
                            "seconds": result.seconds,
                            "units": created["units"],
                            "people": created["people"],
                            "plans": created["plans"],
                            "groups": created["special_groups"],
                            "reforms": created["reforms"],
                            "entries": created["audit_entries"],
                        }
                    )
                )
            if supervision.created_anything:
                made = supervision.created
                self.stdout.write(
                    self.style.SUCCESS(
                        _(
                            "Loaded its supervision in %(seconds).1f s: %(trees)d task trees (%(tasks)d tasks), "
                            "%(reports)d progress reports with %(files)d evidence files, %(orders)d supervision orders, "
                            "%(changes)d change requests; the deadline scan made %(reminders)d reminders."
                        )
                        % {
                            "seconds": supervision.seconds,
                            "trees": made["task_trees"],
                            "tasks": made["tasks"],
                            "reports": made["reports"] + made["reports_today"],
                            "files": made["evidence_files"],
                            "orders": made["orders"],
                            "changes": made["change_requests"],
                            "reminders": (supervision.scan or {}).get("reminders_made", 0)
                            + (supervision.scan or {}).get("reminders_order_escalation", 0),
                        }
                    )
                )
        self._print_evaluation(**evaluation)
        self._print_tolerance(tolerance)
        self._print_case_studies(case_studies)
        self._print_assessment(assessment)
        self._print_totals(district)
        self._print_logins()

    def _print_evaluation(self, *, ratings: dict, offline: dict, panels: dict, lookback: dict) -> None:
        if ratings.get("rounds") or ratings.get("ratings"):
            self.stdout.write(self.style.SUCCESS(
                _("Loaded its public and open ratings: %(rounds)d rounds, %(ratings)d ratings.")
                % {"rounds": ratings.get("rounds", 0), "ratings": ratings.get("ratings", 0)}
            ))
        if offline.get("rounds"):
            self.stdout.write(self.style.SUCCESS(
                _("Evaluation: a 2018 round with %(codes)d ratings by rating code and %(slips)d paper slip rows.")
                % {"codes": offline["code_ratings"], "slips": offline["slip_rows"]}
            ))
        if any(panels.values()):
            self.stdout.write(self.style.SUCCESS(
                _("Loaded its expert panels: %(experts)d experts in the pool; the 2019 panel scored %(reforms)d "
                  "micro-reforms (%(sheets)d sheets); this year's panel is scoring.")
                % {"experts": panels["experts"], "reforms": panels.get("2019_reforms", 0), "sheets": panels.get("2019_sheets", 0)}
            ))
        if any(lookback.values()):
            self.stdout.write(self.style.SUCCESS(
                _(
                    "Look-back reviews: %(reviews)d reviews (%(concluded)d concluded) with %(documents)d documents, "
                    "%(adoptions)d adoptions elsewhere, %(problems)d problems and %(tasks)d follow-up tasks."
                )
                % {
                    "reviews": lookback.get("reviews", 0), "concluded": lookback.get("concluded", 0),
                    "documents": lookback.get("documents", 0), "adoptions": lookback.get("adoptions", 0),
                    "problems": lookback.get("problems", 0), "tasks": lookback.get("follow_up_tasks", 0),
                }
            ))

    def _print_tolerance(self, tolerance: dict) -> None:
        if tolerance.get("cases"):
            self.stdout.write(self.style.SUCCESS(
                _("Fault tolerance: %(cases)d cases on failed reforms (%(exempt)d exempt, %(partly)d partly, "
                  "%(rejected)d rejected, %(pending)d pending).")
                % {"cases": tolerance["cases"], "exempt": tolerance.get("exempt", 0), "partly": tolerance.get("partly", 0),
                   "rejected": tolerance.get("rejected", 0), "pending": tolerance.get("pending", 0)}
            ))

    def _print_case_studies(self, made: dict) -> None:
        if made.get("case_studies"):
            self.stdout.write(self.style.SUCCESS(
                _("Case studies: %(cases)d written (%(published)d published, %(submitted)d awaiting the office) with "
                  "%(adoptions)d adoptions elsewhere (%(nation)d nationwide).")
                % {
                    "cases": made["case_studies"], "published": made.get("published", 0), "submitted": made.get("submitted", 0),
                    "adoptions": made.get("adoptions", 0), "nation": made.get("adopted_nation", 0),
                }
            ))

    def _print_assessment(self, made: dict) -> None:
        if not made:
            return
        self.stdout.write(self.style.SUCCESS(
            _(
                "Annual assessment in %(seconds).1f s: %(schemes)d schemes imported from YAML, %(versions)d published rankings "
                "(public), %(commendations)d commendations; appeals: %(upheld)d upheld (a new version published), "
                "%(rejected)d rejected, %(open)d open."
            )
            % {
                "seconds": made.get("seconds", 0), "schemes": made.get("schemes", 0), "versions": made.get("versions", 0),
                "commendations": made.get("commendations", 0), "upheld": made.get("appeals_upheld", 0),
                "rejected": made.get("appeals_rejected", 0), "open": made.get("appeals_open", 0),
            }
        ))

    def _print_totals(self, district: Unit) -> None:
        year = programme_year(timezone.localdate())
        reforms = Reform.objects.filter(district=district)
        for label, part in (
            (_("%(name)s, 2014–2018") % {"name": district.name}, reforms.filter(year__in=YEARS)),
            (_("%(name)s, the %(year)d plan") % {"name": district.name, "year": year}, reforms.filter(year=year)),
        ):
            totals = dict(part.values_list("tier").annotate(n=Count("pk")).values_list("tier", "n"))
            self.stdout.write(
                _("%(part)s: %(upper)d upper-level tasks, %(key)d key reforms, %(micro)d micro-reforms.")
                % {
                    "part": label,
                    "upper": totals.get(Tier.UPPER, 0),
                    "key": totals.get(Tier.KEY, 0),
                    "micro": totals.get(Tier.MICRO, 0),
                }
            )
        # Counted as the warning board, the workbench and the bulletin count: leaf tasks.
        leaves = Task.objects.filter(district=district).leaves()
        warnings = dict(leaves.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
        self.stdout.write(
            _(
                "Supervision: %(tasks)d tasks, %(leaves)d of them leaf tasks; leaf tasks at red %(red)d,"
                " amber %(amber)d, green %(green)d."
            )
            % {
                "tasks": Task.objects.filter(district=district).count(),
                "leaves": sum(warnings.values()),
                "red": warnings.get(Level.RED, 0),
                "amber": warnings.get(Level.AMBER, 0),
                "green": warnings.get(Level.GREEN, 0),
            }
        )

    def _print_logins(self) -> None:
        showcase = Unit.objects.filter(code=f"{DEMO_CODE}-{SHOWCASE_SUB_DISTRICT}").values_list("name", flat=True).first()
        logins = [
            ("office", _("reform office"), _("everything: the catalogue, the warning board, orders, reviews, /admin/")),
            ("leader", _("main district leader"), _("upper-level tasks and key reforms; escalations in the inbox")),
            (
                "unit",
                _("staff of %(unit)s") % {"unit": showcase or ""},
                _("my tasks (late, due soon), report progress, acknowledge an order"),
            ),
            ("committee", _("reform committee member"), _("the whole catalogue; approves proposed reforms")),
            ("expert", _("expert"), _("the public catalogue; evaluation panels")),
            ("resident", _("resident"), _("the public catalogue; rate this year's key reforms (verified resident)")),
            ("province", _("province reform office"), _("every district's catalogue, board and bulletins, read-only")),
            ("discipline", _("discipline reviewer"), _("tolerance cases: opinions, the precedent library")),
        ]
        port = os.environ.get("PORT", "8000")
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                _("Demo logins (password for all: %(password)s), at http://127.0.0.1:%(port)s/")
                % {"password": DEMO_PASSWORD, "port": port}
            )
        )
        width = max(len(username) for username, _role, _look in logins)
        for username, role, look_at in logins:
            self.stdout.write(f"  {username.ljust(width)}  {role} — {look_at}")
