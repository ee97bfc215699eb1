"""The authorisation matrix: what every role gets from every API operation and every page.

One line per operation or URL, keyed ``"METHOD /path"`` as the OpenAPI document or the URL pattern
writes it; the value is a profile (the common answers of a group of pages, below) and the roles
that differ from it. Roles, in column order: see ``tests.authz.world.ROLES``. Answers: see
``tests.authz.answers`` (``OK``, ``ALLOW``, ``AWAY``, ``LOGIN``, ``DENY``, ``HIDE``, ``METHOD``).

Every object a URL names is district A's (``tests.authz.world``): the lead unit's staff and head
carry the reform, ``other_unit`` is another unit of district A, ``other_office`` is district B's
office (it must get 404 on district A's objects), ``province`` the province office (reads
everything, changes nothing: 403 on writes).

**Adding a page or an operation?** Add its row here (ADR 0032, ``docs/architecture.md``). To see
what the roles get today: ``AUTHZ_RECORD=/tmp/o.json .venv/bin/pytest tests/authz -k test_row
-p no:xdist``, then ``.venv/bin/python -m tests.authz.generate /tmp/o.json``.
"""

from __future__ import annotations

from tests.authz.answers import ALLOW, AWAY, DENY, HIDE, LOGIN, METHOD, OK
from tests.authz.world import ROLES

__all__ = ["ALLOW", "AWAY", "DENY", "HIDE", "LOGIN", "METHOD", "OK"]


def row(profile: dict[str, str], **differences: str) -> dict[str, str]:
    """A row: ``profile`` with the roles that differ from it."""
    unknown = set(differences) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    return {**profile, **differences}


def profile(default: str, **answers: str) -> dict[str, str]:
    return row(dict.fromkeys(ROLES, default), **answers)


_STRANGERS = {"resident": DENY, "expert": DENY}  # signed in, but carry no reform

# --- profiles: the common answers of a group of pages and operations ------------------------------

#: Anyone, signed in or not (public pages, the public API).
PUBLIC = profile(OK)
#: Anyone signed in (their own inbox, who they are).
SIGNED_IN = profile(OK, anonymous=LOGIN)
#: The office pages of everyone who carries or watches reforms: unit staff and heads, leaders, the
#: committee, the office (any district: each sees its own), the province office.
CARRIERS = profile(OK, anonymous=LOGIN, **_STRANGERS)
#: A page of one of district A's reforms (or its task, order…): its people read it; another unit and
#: another district's office never see it (404); the province office reads it.
OF_THE_REFORM = profile(OK, anonymous=LOGIN, **_STRANGERS, other_unit=HIDE, other_office=HIDE)
#: The reform office's own pages (queues, decisions): the office of any district, the province office.
OFFICE_PAGES = profile(
    DENY, anonymous=LOGIN, office=OK, other_office=OK, province=OK,
)
#: A write on district A's object that only its office makes.
OFFICE_WRITES = profile(
    DENY, anonymous=LOGIN, other_unit=HIDE, office=ALLOW, other_office=HIDE,
)
#: A write on district A's object that its lead unit makes.
LEAD_UNIT_WRITES = profile(
    DENY, anonymous=LOGIN, unit_staff=ALLOW, unit_head=ALLOW, other_unit=HIDE, other_office=HIDE,
)
#: A write that creates something new in the writer's own district (no object of district A named).
OFFICE_CREATES = profile(DENY, anonymous=LOGIN, office=ALLOW, other_office=ALLOW)
#: A form or an action nobody is served with this method.
NOBODY = profile(METHOD)
#: The admin: staff only; everyone else is sent to its sign-in page.
ADMIN = profile(LOGIN, office=OK, other_office=OK)

PROFILES = {
    "PUBLIC": PUBLIC,
    "SIGNED_IN": SIGNED_IN,
    "CARRIERS": CARRIERS,
    "OF_THE_REFORM": OF_THE_REFORM,
    "OFFICE_PAGES": OFFICE_PAGES,
    "OFFICE_WRITES": OFFICE_WRITES,
    "LEAD_UNIT_WRITES": LEAD_UNIT_WRITES,
    "OFFICE_CREATES": OFFICE_CREATES,
    "NOBODY": NOBODY,
    "ADMIN": ADMIN,
}
