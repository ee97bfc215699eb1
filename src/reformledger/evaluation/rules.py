"""Permission predicates of the evaluation (django-rules), registered by name: ``evaluation.*``."""

from __future__ import annotations

# --- expert panels (eval-panels) ------------------------------------------------------------------
# The district's office forms and runs its panels (``is_district_office`` on the panel, its round,
# the expert or the sheet: each carries its district, a sheet through its reform); the province
# office reads them and changes nothing. An expert scores only their own sheets. What each sees of
# the marks is the selectors' business (``selectors.panels``): nobody sees another expert's marks
# while the panel scores; the office sees progress and agreement live, marks after close (ADR).
import rules  # noqa: E402

from reformledger.org.models import Role  # noqa: E402
from reformledger.org.rules import is_district_office, reads_every_district  # noqa: E402
from reformledger.org.selectors import actor_for  # noqa: E402


@rules.predicate
def is_expert(user) -> bool:
    return Role.EXPERT in actor_for(user).roles


@rules.predicate
def owns_sheet(user, sheet) -> bool:
    """The sheet is this person's (its expert is them). Reads ``sheet.expert`` (select it)."""
    return sheet is not None and getattr(user, "pk", None) is not None and sheet.expert.person_id == user.pk


#: The office of the panel's district, or the province office (reads only).
reads_panels = is_district_office | reads_every_district

rules.add_perm("evaluation.manage_panel", is_district_office)  # on the panel, its round or an expert
rules.add_perm("evaluation.view_panel", reads_panels)  # progress, agreement; marks after close
rules.add_perm("evaluation.score_sheet", is_expert & owns_sheet)
rules.add_perm("evaluation.reopen_sheet", is_district_office)  # on the sheet
rules.add_perm("evaluation.view_my_panels", is_expert)
# --- end expert panels ---
