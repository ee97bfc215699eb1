"""The precedent library: decided cases, anonymised, ranked by how alike they are to a case being
decided or to a text searched for (ADR 0048).

A decided case carries its anonymised account, its index terms (``similarity.terms``) and its
checklist flags, all written once when it is decided; a search reads the scoring columns of the
reader's districts' decided cases in one query, ranks them in Python (BM25 over character bigrams,
the overlap of the checklist flags, the same domain and tier) and loads the shown page in a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from reformledger.org.selectors import actor_for

from ..models import CaseState, ItemKind, ToleranceCase
from ..rules import reviewing_district_ids
from ..similarity import Document, bm25, overlap, terms

#: How a similarity is made of its parts when a case is compared (they sum to 1).
WEIGHTS = {"text": 0.6, "checklist": 0.25, "domain": 0.1, "tier": 0.05}
PAGE_SIZE = 20


@dataclass(frozen=True)
class Probe:
    """What a search compares against: a text, and (for a case) its flags, domain and tier."""

    text: str
    flags: frozenset[str] = frozenset()
    domain_id: int | None = None
    tier: str = ""
    exclude: int | None = None

    @property
    def is_case(self) -> bool:
        return self.exclude is not None


@dataclass(frozen=True)
class Precedent:
    case: ToleranceCase
    score: float
    text_score: float
    shared_flags: tuple[str, ...]


def flags_of(answers, found: Sequence[str] = ()) -> frozenset[str]:
    """A case's checklist flags: conditions answered "not met", negative items that apply (declared
    by the applicant or ``found`` by a reviewer)."""
    out = set()
    for answer in answers:
        if answer.kind == ItemKind.CONDITION and not answer.answer:
            out.add(f"condition:{answer.code}")
        if answer.kind == ItemKind.NEGATIVE and answer.answer:
            out.add(f"negative:{answer.code}")
    return frozenset(out | {f"negative:{code}" for code in found})


def probe_for(case: ToleranceCase) -> Probe:
    """The probe of a case under review: its own account, its answers, its reform's domain and tier."""
    return Probe(
        text=case.what_happened, flags=flags_of(case.answers.all()), domain_id=case.reform.domain_id,
        tier=case.reform.tier, exclude=case.pk,
    )


def decided_cases(user) -> QuerySet[ToleranceCase]:
    districts = reviewing_district_ids(actor_for(user))
    qs = ToleranceCase.objects.filter(state=CaseState.DECIDED)
    return qs if districts is None else qs.filter(district_id__in=districts)


def rank(user, probe: Probe, *, outcome: str = "", domain_id: int | None = None) -> list[tuple[int, float, float, tuple[str, ...]]]:
    """Every decided case the reader's districts hold, best match first: ``(pk, score, text score,
    shared flags)``. One query."""
    qs = decided_cases(user)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if domain_id is not None:
        qs = qs.filter(reform__domain_id=domain_id)
    if probe.exclude is not None:
        qs = qs.exclude(pk=probe.exclude)
    rows = list(qs.values_list("pk", "terms", "term_count", "flags", "reform__domain_id", "reform__tier", "decided_at"))
    text = bm25(terms(probe.text), [Document(pk, t or {}, n) for pk, t, n, *_ in rows])
    ranked = []
    for pk, _terms, _n, flags, domain, tier, decided_at in rows:
        shared = tuple(sorted(probe.flags & set(flags or ())))
        if probe.is_case:
            score = (
                WEIGHTS["text"] * text[pk] + WEIGHTS["checklist"] * overlap(probe.flags, flags or ())
                + WEIGHTS["domain"] * (domain == probe.domain_id) + WEIGHTS["tier"] * (tier == probe.tier)
            )
        else:
            score = text[pk] if probe.text.strip() else 0.0
        ranked.append((score, decided_at.timestamp() if decided_at else 0.0, pk, text[pk], shared))
    ranked.sort(key=lambda r: (-r[0], -r[1], -r[2]))
    return [(pk, round(score, 4), round(t, 4), shared) for score, _at, pk, t, shared in ranked]


def precedents(
    user, probe: Probe, *, outcome: str = "", domain_id: int | None = None, page: int = 1, page_size: int = PAGE_SIZE
) -> tuple[int, list[Precedent]]:
    """One page of the library for ``probe``: the total and the page's precedents (two queries)."""
    ranked = rank(user, probe, outcome=outcome, domain_id=domain_id)
    start = (max(page, 1) - 1) * page_size
    shown = ranked[start : start + page_size]
    cases = ToleranceCase.objects.select_related("reform__domain").defer("terms", "what_happened", "reasons").in_bulk(
        [pk for pk, *_ in shown]
    )
    return len(ranked), [Precedent(cases[pk], score, t, shared) for pk, score, t, shared in shown if pk in cases]
