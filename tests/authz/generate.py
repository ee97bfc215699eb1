"""Rows for :mod:`tests.authz.matrix` from what the roles got (a file written by
``AUTHZ_RECORD=FILE pytest tests/authz -k test_row``).

    python -m tests.authz.generate FILE [--all]

prints, for every operation or URL without a row (every one with ``--all``), a row in the table's
syntax: the profile with the fewest differences and the roles that differ. It records behaviour;
it does not judge it. Read each line before it goes into the table: a ``# CHANGED`` or ``# ERROR``
comment marks a refusal that wrote something or a server error, both bugs to fix first.
"""

from __future__ import annotations

import json
import sys

from tests.authz import matrix
from tests.authz.answers import ALLOW, AWAY, DENY, HIDE, LOGIN, METHOD, OK
from tests.authz.world import ROLES

_READ = {"ok": OK, "redirect": AWAY, "invalid": ALLOW, "login": LOGIN, "deny": DENY, "hide": HIDE, "method": METHOD}
_WRITE = {**_READ, "ok": ALLOW, "redirect": ALLOW}
_NAMES = {OK: "OK", ALLOW: "ALLOW", AWAY: "AWAY", LOGIN: "LOGIN", DENY: "DENY", HIDE: "HIDE", METHOD: "METHOD"}


def expected_row(key: str, observed: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The answers as the table writes them, and the notes (changed data, server errors)."""
    table = _READ if key.startswith(("GET ", "HEAD ")) else _WRITE
    row, notes = {}, []
    for role in ROLES:
        got = observed[role]
        if got.endswith("+changed"):
            got = got.removesuffix("+changed")
            if got in ("login", "deny", "hide", "method"):
                notes.append(f"CHANGED by {role}")
        if got == "error":
            notes.append(f"ERROR for {role}")
            got = "ok"
        row[role] = table[got]
    return row, notes


def as_line(key: str, row: dict[str, str], notes: list[str]) -> str:
    name, profile = min(matrix.PROFILES.items(), key=lambda item: sum(row[r] != item[1][r] for r in ROLES))
    overrides = ", ".join(f"{role}={_NAMES[row[role]]}" for role in ROLES if row[role] != profile[role])
    comment = f"  # {'; '.join(notes)}" if notes else ""
    return f'    "{key}": row({name}{", " if overrides else ""}{overrides}),{comment}'


def main(argv: list[str]) -> None:
    observed = json.load(open(argv[0]))
    keys = sorted(observed) if "--all" in argv else sorted(set(observed) - set(matrix.EXPECTED))
    for key in keys:
        row, notes = expected_row(key, observed[key])
        if key.split(" ", 1)[0] != "GET" and set(row.values()) == {METHOD}:
            continue  # a method nobody is served: no row needed
        print(as_line(key, row, notes))


if __name__ == "__main__":
    main(sys.argv[1:])
