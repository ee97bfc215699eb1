"""What the assessment adds to lower apps (core.registry, core.cache): the words of its audit
entries and its fact family. :func:`register` is called from ``AssessmentConfig.ready``.

Kept as small lists so that the pages' helper (appeals, commendations) can add its own entries
beside these without touching them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from reformledger.core import registry
from reformledger.core.cache import register_district_of, register_fact_family

from .models import Rule

#: Audit labels of the engine (schemes, computation, versions).
ENGINE_AUDIT_LABELS = {
    "assessment.scheme_create": _("created an assessment scheme"),
    "assessment.scheme_update": _("changed an assessment scheme"),
    "assessment.scheme_import": _("imported an assessment scheme"),
    "assessment.scheme_adopt": _("adopted an assessment scheme"),
    "assessment.scheme_revise": _("started a new revision of an assessment scheme"),
    "assessment.scheme_freeze": _("froze an assessment scheme (its hash is recorded)"),
    "assessment.rule_save": _("saved an assessment rule"),
    "assessment.rule_delete": _("deleted an assessment rule"),
    "assessment.compute": _("computed an assessment version"),
    "assessment.review": _("reviewed an assessment version"),
    "assessment.publish": _("published an assessment version (its hash is recorded)"),
    "assessment.supersede": _("superseded a published assessment version"),
    "assessment.derive": _("derived a new assessment version"),
}
ENGINE_CREATES = ("assessment.scheme_create", "assessment.scheme_import", "assessment.scheme_revise", "assessment.compute", "assessment.derive")

#: (label, family, apart) for core.cache.register_fact_family.
FACT_FAMILIES: list[tuple[str, str, bool]] = [
    ("assessment", "assessment", False),
]

#: Callables run by :func:`register`; the other helpers append theirs.
REGISTRATIONS: list[Callable[[], None]] = []


def _engine() -> None:
    registry.register_audit_labels(ENGINE_AUDIT_LABELS, creates=ENGINE_CREATES)
    register_district_of(Rule, lambda rule: rule.scheme.district_id)


REGISTRATIONS.append(_engine)


def register() -> None:
    for label, family, apart in FACT_FAMILIES:
        register_fact_family(label, family, apart=apart)
    for step in REGISTRATIONS:
        step()


#: Where a line item's evidence is shown: (the line item's id field, the URL name taking ``pk``),
#: first match wins. Names not (yet) in the URLconf are skipped; the pages' helpers may edit these.
EVIDENCE_ROUTES: list[tuple[str, str]] = [
    ("waived_by_id", "tolerance:case"),
    ("case_study_id", "casestudies:case"),  # the published case study's page
    ("round_id", "evaluation:round-results"),
    ("task_id", "supervision:task"),
    ("reform_id", "reforms:detail"),
]
