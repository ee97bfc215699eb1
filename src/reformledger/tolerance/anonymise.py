"""The precedent library's words: a decided case's account and reasons with people's names, unit
names and the reform's title taken out (ADR 0048).

Names known to the system are replaced: every person with a membership in the case's district (and
the applicant and reviewers), whose names become 某同志; every unit of the district, which becomes
its kind (某街道, 某区直部门, 某社区…); the district itself (某区); the reform's title and code,
which become its domain (某公共服务提升领域改革). Longest names first, so 罗湖区卫生健康局 goes
before 罗湖区. A name the system does not know (a contractor, a resident) stays: the office reads
the precedent before relying on it, and the guide says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reformledger.org.models import UnitKind

PERSON = "某同志"
UNIT_BY_KIND: dict[str, str] = {
    UnitKind.DISTRICT: "某区",
    UnitKind.COMMITTEE: "区委深改委",
    UnitKind.REFORM_OFFICE: "区委改革办",
    UnitKind.DEPARTMENT: "某区直部门",
    UnitKind.SUB_DISTRICT: "某街道",
    UnitKind.COMMUNITY: "某社区",
    UnitKind.ESTATE: "某小区",
    UnitKind.EXTERNAL: "某单位",
}


def reform_placeholder(domain_name: str | None) -> str:
    return f"某{domain_name}领域改革" if domain_name else "某项改革"


def replacements(
    *, people: Iterable[str], units: Iterable[tuple[str, str]], reform_names: Iterable[str], reform_placeholder_text: str
) -> list[tuple[str, str]]:
    """``(name, replacement)`` pairs, longest name first; names under two characters are left
    (a one-character name would take out common words)."""
    pairs: dict[str, str] = {}
    for name in reform_names:
        pairs[name] = reform_placeholder_text
    for name, kind in units:
        pairs.setdefault(name, UNIT_BY_KIND.get(kind, "某单位"))
    for name in people:
        pairs.setdefault(name, PERSON)
    return sorted(((n.strip(), r) for n, r in pairs.items() if len(n.strip()) >= 2), key=lambda p: (-len(p[0]), p[0]))


def redact(text: str, pairs: list[tuple[str, str]]) -> str:
    """``text`` with every name of ``pairs`` replaced, in one pass (a replacement is never
    replaced again)."""
    if not text or not pairs:
        return text
    table = dict(pairs)
    pattern = re.compile("|".join(re.escape(name) for name, _ in pairs))
    return pattern.sub(lambda m: table[m.group(0)], text)
