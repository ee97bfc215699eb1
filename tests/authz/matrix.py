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
    """A row: ``profile`` with the roles that differ from it. The discipline reviewer carries no
    reform and holds no office: unless the row names it, it gets what the resident gets (issue 11)."""
    unknown = set(differences) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    out = {**profile, **differences}
    if "discipline" not in differences:
        out["discipline"] = out["resident"]
    return out


def profile(default: str, **answers: str) -> dict[str, str]:
    return row(dict.fromkeys(ROLES, default), **answers)


_STRANGERS = {"resident": DENY, "expert": DENY, "discipline": DENY}  # signed in, but carry no reform

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
OFFICE_WRITES = profile(DENY, anonymous=LOGIN, office=ALLOW, other_office=HIDE)
#: A write on district A's object that its lead unit makes.
LEAD_UNIT_WRITES = profile(DENY, anonymous=LOGIN, unit_staff=ALLOW, unit_head=ALLOW, other_office=HIDE)
#: A write that creates something new in the writer's own district (no object of district A named).
OFFICE_CREATES = profile(DENY, anonymous=LOGIN, office=ALLOW, other_office=ALLOW)
#: A write anyone may send (sign-in, the language switch).
ANYONE_WRITES = profile(ALLOW)
#: A write on the caller's own things (their inbox).
OWN_WRITES = profile(ALLOW, anonymous=LOGIN)
#: A form or an action nobody is served with this method.
NOBODY = profile(METHOD)
#: Nothing there for anyone.
NOT_FOUND = profile(HIDE)
#: A redirect for everyone (the language switch read with GET).
REDIRECTS = profile(AWAY)
#: Signed-in people are sent on to their own start page.
SENDS_ON = profile(AWAY, anonymous=LOGIN)
#: The admin: the installation's operator (a superuser) only; every role of the programme is sent to
#: its sign-in page (business records change only through the services, ADR 0026).
ADMIN = profile(LOGIN)

#: Evaluation (issue 10): a round's results before publication: its district's office and the province
#: office; another district's office 404; everyone else 403 (anonymous too: the round is public).
LIVE_RESULTS = profile(DENY, office=OK, province=OK, other_office=HIDE)
#: Assessment (issue 11): a district's published ranking and a unit's line items, read by its people.
ASSESSMENT_READS = profile(OK, anonymous=LOGIN, **_STRANGERS, other_office=HIDE, province=ALLOW)
#: Evaluation (issue 10): the office pages of one of district A's rounds (code packs, slips, anomaly flags).
ROUND_OFFICE_PAGES = profile(DENY, anonymous=LOGIN, office=OK, province=OK, other_office=HIDE)

#: Assessment (issue 11): a unit's own pages ("my score", "my appeals"): unit heads and staff only.
UNIT_PAGES = profile(DENY, anonymous=LOGIN, unit_staff=OK, unit_head=OK, other_unit=OK)

PROFILES = {
    "PUBLIC": PUBLIC,
    "SIGNED_IN": SIGNED_IN,
    "CARRIERS": CARRIERS,
    "OF_THE_REFORM": OF_THE_REFORM,
    "OFFICE_PAGES": OFFICE_PAGES,
    "OFFICE_WRITES": OFFICE_WRITES,
    "LEAD_UNIT_WRITES": LEAD_UNIT_WRITES,
    "OFFICE_CREATES": OFFICE_CREATES,
    "ANYONE_WRITES": ANYONE_WRITES,
    "OWN_WRITES": OWN_WRITES,
    "NOBODY": NOBODY,
    "NOT_FOUND": NOT_FOUND,
    "REDIRECTS": REDIRECTS,
    "SENDS_ON": SENDS_ON,
    "ADMIN": ADMIN,
    "LIVE_RESULTS": LIVE_RESULTS,  # evaluation (issue 10)
    "ROUND_OFFICE_PAGES": ROUND_OFFICE_PAGES,  # evaluation (issue 10)
    "UNIT_PAGES": UNIT_PAGES,  # assessment (issue 11)
}


# --- the table ---------------------------------------------------------------------------------------

EXPECTED: dict[str, dict[str, str]] = {
    # --- The public pages and the public API -------------------------------------------------------
    "GET /": row(PUBLIC),
    "GET /accounts/login/": row(PUBLIC),
    "GET /api/v1/": row(NOT_FOUND),
    "GET /api/v1/docs": row(PUBLIC),
    "GET /api/v1/openapi.json": row(PUBLIC),
    "GET /healthz": row(PUBLIC),
    "GET /i18n/setlang/": row(REDIRECTS),
    "GET /reforms/": row(PUBLIC),
    "GET /reforms/<int:pk>/": row(PUBLIC),
    "GET /reforms/<int:pk>/attachments/<int:attachment_id>/": row(PUBLIC),
    "GET /accounts/password/change/": row(SIGNED_IN),
    "GET /accounts/password/change/done/": row(SIGNED_IN),
    "GET /accounts/password/reset/": row(NOT_FOUND),  # no mail configured: no reset by e-mail
    "GET /accounts/password/reset/done/": row(PUBLIC),
    "GET /accounts/password/reset/sent/": row(PUBLIC),
    "POST /accounts/password/change/": row(OWN_WRITES),
    "POST /accounts/password/change/done/": row(NOBODY, anonymous=LOGIN),
    "POST /accounts/password/reset/": row(NOT_FOUND),
    "POST /accounts/login/": row(ANYONE_WRITES),
    "POST /accounts/logout/": row(ANYONE_WRITES),
    "POST /api/v1/": row(NOT_FOUND),
    "POST /api/v1/docs": row(ANYONE_WRITES),
    "POST /api/v1/openapi.json": row(ANYONE_WRITES),
    "POST /i18n/setlang/": row(ANYONE_WRITES),
    # --- The API -----------------------------------------------------------------------------------
    "GET /api/v1/extensions": row(SIGNED_IN),
    "GET /api/v1/inbox": row(SIGNED_IN),
    "GET /api/v1/me": row(SIGNED_IN),
    "GET /api/v1/orders": row(SIGNED_IN),
    "GET /api/v1/orders/{order_id}": row(OF_THE_REFORM, resident=HIDE, expert=HIDE, leader_main=HIDE, leader_domains=HIDE),
    "GET /api/v1/reforms": row(PUBLIC),
    "GET /api/v1/reforms/{reform_id}": row(PUBLIC),
    "GET /api/v1/reforms/{reform_id}/tasks": row(OF_THE_REFORM, resident=HIDE, expert=HIDE),
    "GET /api/v1/stats": row(PUBLIC),
    "GET /api/v1/tasks/{task_id}": row(OF_THE_REFORM, resident=HIDE, expert=HIDE),
    "GET /api/v1/units": row(PUBLIC),
    "GET /api/v1/warnings": row(CARRIERS),
    "PATCH /api/v1/reforms/{reform_id}": row(LEAD_UNIT_WRITES, office=ALLOW),
    "PATCH /api/v1/tasks/{task_id}": row(OFFICE_WRITES),
    "POST /api/v1/change-requests/{request_id}/decide": row(OFFICE_WRITES),
    "POST /api/v1/completions/{completion_id}/decide": row(OFFICE_WRITES),
    "POST /api/v1/extensions/{extension_id}/decision": row(OFFICE_WRITES),
    "POST /api/v1/inbox/read": row(OWN_WRITES),
    "POST /api/v1/order-replies/{reply_id}/review": row(OFFICE_WRITES),
    "POST /api/v1/orders": row(OFFICE_WRITES, other_office=DENY),
    "POST /api/v1/orders/{order_id}/acknowledge": row(LEAD_UNIT_WRITES),
    "POST /api/v1/orders/{order_id}/replies": row(LEAD_UNIT_WRITES),
    "POST /api/v1/reforms": row(LEAD_UNIT_WRITES, office=ALLOW, other_office=DENY),
    "POST /api/v1/reforms/{reform_id}/change-requests": row(LEAD_UNIT_WRITES, leader_main=ALLOW, leader_domains=ALLOW, office=ALLOW),
    "POST /api/v1/reforms/{reform_id}/completion": row(LEAD_UNIT_WRITES),
    "POST /api/v1/reforms/{reform_id}/completion/reopen": row(OFFICE_WRITES),
    "POST /api/v1/reforms/{reform_id}/progress-correction": row(OFFICE_WRITES),
    "POST /api/v1/reforms/{reform_id}/tasks": row(LEAD_UNIT_WRITES, office=ALLOW),
    "POST /api/v1/reforms/{reform_id}/transition": row(OFFICE_WRITES),
    "POST /api/v1/reports/review": row(OFFICE_WRITES),  # the ids name district A's report
    "POST /api/v1/reports/{report_id}/review": row(OFFICE_WRITES),
    "POST /api/v1/tasks/{task_id}/extensions": row(LEAD_UNIT_WRITES),
    "POST /api/v1/tasks/{task_id}/progress-correction": row(OFFICE_WRITES),
    "POST /api/v1/tasks/{task_id}/reports": row(LEAD_UNIT_WRITES),
    "POST /api/v1/tasks/{task_id}/urge": row(OFFICE_WRITES),
    # --- The office's catalogue, ledger and organisation pages -------------------------------------
    "GET /office/": row(SIGNED_IN, resident=AWAY, expert=AWAY, unit_staff=AWAY, unit_head=AWAY, other_unit=AWAY),
    "GET /office/ledger/export/": row(CARRIERS),
    "GET /office/ledger/import/": row(OFFICE_PAGES, province=DENY),
    "GET /office/ledger/import/<int:pk>/": row(OFFICE_WRITES, office=OK),
    "GET /office/org/people/": row(CARRIERS),
    "GET /office/org/units/": row(CARRIERS),
    "GET /office/reforms/": row(SIGNED_IN, resident=AWAY, expert=AWAY),
    "GET /office/reforms/<int:pk>/": row(OF_THE_REFORM, resident=AWAY, expert=AWAY),
    "GET /office/reforms/<int:pk>/attachments/<int:attachment_id>/": row(OF_THE_REFORM),
    "GET /office/reforms/<int:pk>/edit/": row(OF_THE_REFORM, leader_main=DENY, leader_domains=DENY, committee=DENY, province=DENY),
    "GET /office/reforms/new/": row(CARRIERS, leader_main=DENY, leader_domains=DENY, committee=DENY, province=DENY),
    "GET /office/start/": row(SENDS_ON),
    "GET /office/org/people/<int:pk>/": row(CARRIERS, other_office=HIDE),
    "GET /office/org/people/new/": row(OFFICE_PAGES, province=DENY),
    "GET /office/org/units/<int:pk>/": row(OFFICE_WRITES, office=OK),
    "GET /office/org/units/new/": row(OFFICE_PAGES, province=DENY),
    "POST /office/ledger/import/<int:pk>/retry/": row(OFFICE_WRITES, resident=HIDE, expert=HIDE, unit_staff=HIDE, unit_head=HIDE, other_unit=HIDE),
    "POST /office/org/people/<int:pk>/": row(OFFICE_WRITES),
    "POST /office/org/people/<int:pk>/active/": row(OFFICE_WRITES),
    "POST /office/org/people/<int:pk>/password/": row(OFFICE_WRITES),
    "POST /office/org/people/<int:pk>/roles/": row(OFFICE_WRITES),
    "POST /office/org/people/<int:pk>/roles/<int:membership_pk>/remove/": row(OFFICE_WRITES),
    "POST /office/org/people/new/": row(OFFICE_CREATES),
    "POST /office/org/units/<int:pk>/": row(OFFICE_WRITES),
    "POST /office/org/units/<int:pk>/active/": row(OFFICE_WRITES),
    "POST /office/org/units/<int:pk>/move/": row(OFFICE_WRITES),
    "POST /office/org/units/new/": row(OFFICE_CREATES),
    "POST /office/ledger/import/": row(OFFICE_CREATES),
    "POST /office/ledger/import/<int:pk>/confirm/": row(OFFICE_WRITES),
    "POST /office/reforms/<int:pk>/attachments/": row(LEAD_UNIT_WRITES, office=ALLOW),
    "POST /office/reforms/<int:pk>/attachments/<int:attachment_id>/public/": row(LEAD_UNIT_WRITES, office=ALLOW),
    "POST /office/reforms/<int:pk>/attachments/<int:attachment_id>/remove/": row(LEAD_UNIT_WRITES, office=ALLOW),
    "POST /office/reforms/<int:pk>/edit/": row(LEAD_UNIT_WRITES, office=ALLOW),
    "POST /office/reforms/<int:pk>/transition/": row(OFFICE_WRITES),
    "POST /office/reforms/new/": row(LEAD_UNIT_WRITES, other_unit=ALLOW, office=ALLOW, other_office=ALLOW),
    # --- Supervision pages -------------------------------------------------------------------------
    "GET /office/supervision/": row(CARRIERS),
    "GET /office/supervision/board/": row(CARRIERS),
    "GET /office/supervision/board/export/": row(CARRIERS),
    "GET /office/supervision/bulletin/": row(OFFICE_PAGES),
    "GET /office/supervision/changes/<int:pk>/": row(OF_THE_REFORM),
    "GET /office/supervision/completions/<int:pk>/decide/": row(OFFICE_WRITES, office=OK),
    "GET /office/supervision/decisions/": row(OFFICE_PAGES, province=DENY),
    "GET /office/supervision/evidence/<int:pk>/": row(OF_THE_REFORM),
    "GET /office/supervision/extensions/<int:pk>/": row(OF_THE_REFORM),
    "GET /office/supervision/help/": row(OFFICE_PAGES, leader_main=OK, leader_domains=OK),
    "GET /office/supervision/inbox/": row(CARRIERS),
    "GET /office/supervision/order-files/<int:pk>/": row(OF_THE_REFORM, leader_main=HIDE, leader_domains=HIDE),
    "GET /office/supervision/orders/": row(CARRIERS),
    "GET /office/supervision/orders/<int:pk>/": row(OF_THE_REFORM, leader_main=HIDE, leader_domains=HIDE),
    "GET /office/supervision/orders/<int:pk>/document/": row(OF_THE_REFORM, leader_main=HIDE, leader_domains=HIDE),
    "GET /office/supervision/orders/new/": row(OFFICE_PAGES, province=DENY),
    "GET /office/supervision/reforms/<int:pk>/changes/new/": row(OF_THE_REFORM, committee=DENY, province=DENY),
    "GET /office/supervision/reforms/<int:pk>/completion/": row(LEAD_UNIT_WRITES, unit_staff=OK, unit_head=OK, other_unit=HIDE),
    "GET /office/supervision/reforms/<int:pk>/completion/reopen/": row(OFFICE_WRITES, office=OK),
    "GET /office/supervision/reforms/<int:pk>/correct-progress/": row(OFFICE_WRITES, office=OK),
    "GET /office/supervision/reforms/<int:pk>/tasks/": row(OF_THE_REFORM),
    "GET /office/supervision/reforms/<int:pk>/tasks/new/": row(OF_THE_REFORM, leader_main=DENY, leader_domains=DENY, committee=DENY, province=DENY),
    "GET /office/supervision/reports/": row(OFFICE_PAGES, province=DENY),
    "GET /office/supervision/tasks/<int:pk>/": row(OF_THE_REFORM),
    "GET /office/supervision/tasks/<int:pk>/correct-progress/": row(OFFICE_WRITES, office=OK),
    "GET /office/supervision/tasks/<int:pk>/edit/": row(OFFICE_WRITES, other_unit=HIDE, office=OK),
    "GET /office/supervision/tasks/<int:pk>/extension/": row(LEAD_UNIT_WRITES, unit_staff=OK, unit_head=OK, other_unit=HIDE),
    "POST /office/supervision/board/urge/": row(OFFICE_CREATES),
    "POST /office/supervision/changes/<int:pk>/decide/": row(OFFICE_WRITES),
    "POST /office/supervision/completions/<int:pk>/decide/": row(OFFICE_WRITES),
    "POST /office/supervision/extensions/<int:pk>/": row(OFFICE_WRITES),
    "POST /office/supervision/help/<int:pk>/resolve/": row(OFFICE_WRITES, leader_main=ALLOW),
    "POST /office/supervision/inbox/read/": row(OWN_WRITES, resident=DENY, expert=DENY),
    "POST /office/supervision/order-replies/<int:pk>/review/": row(OFFICE_WRITES),
    "POST /office/supervision/orders/<int:pk>/acknowledge/": row(LEAD_UNIT_WRITES),
    "POST /office/supervision/orders/<int:pk>/reply/": row(LEAD_UNIT_WRITES),
    "POST /office/supervision/orders/new/": row(OFFICE_CREATES),
    "POST /office/supervision/reforms/<int:pk>/changes/new/": row(LEAD_UNIT_WRITES, leader_main=ALLOW, leader_domains=ALLOW, office=ALLOW),
    "POST /office/supervision/reforms/<int:pk>/completion/": row(LEAD_UNIT_WRITES),
    "POST /office/supervision/reforms/<int:pk>/completion/reopen/": row(OFFICE_WRITES),
    "POST /office/supervision/reforms/<int:pk>/correct-progress/": row(OFFICE_WRITES),
    "POST /office/supervision/reforms/<int:pk>/tasks/new/": row(LEAD_UNIT_WRITES, office=ALLOW),
    "POST /office/supervision/reports/<int:pk>/review/": row(OFFICE_WRITES),
    "POST /office/supervision/reports/accept/": row(OFFICE_CREATES),
    "POST /office/supervision/tasks/<int:pk>/correct-progress/": row(OFFICE_WRITES),
    "POST /office/supervision/tasks/<int:pk>/delete/": row(OFFICE_WRITES),
    "POST /office/supervision/tasks/<int:pk>/edit/": row(OFFICE_WRITES),
    "POST /office/supervision/tasks/<int:pk>/extension/": row(LEAD_UNIT_WRITES),
    "POST /office/supervision/tasks/<int:pk>/report/": row(LEAD_UNIT_WRITES),
    "POST /office/supervision/tasks/<int:pk>/urge/": row(OFFICE_WRITES),
    # --- Evaluation: results, code packs, paper slips (issue 10 parts 2 and 4; the round is not published:
    # its office and the province office see live results, another district's office 404, others 403) ---
    "GET /api/v1/rounds/{round_id}/results": row(LIVE_RESULTS),
    "GET /evaluation/rounds/<int:pk>/results/": row(LIVE_RESULTS),
    "GET /evaluation/rounds/<int:pk>/results.csv": row(LIVE_RESULTS),
    "GET /evaluation/rounds/<int:pk>/results.xlsx": row(LIVE_RESULTS),
    "POST /evaluation/rounds/<int:pk>/results/": row(NOBODY),
    "POST /evaluation/rounds/<int:pk>/results.csv": row(NOBODY),
    "POST /evaluation/rounds/<int:pk>/results.xlsx": row(NOBODY),
    "GET /evaluation/rounds/<int:pk>/anomalies/": row(ROUND_OFFICE_PAGES),
    "POST /evaluation/rounds/<int:pk>/anomalies/": row(NOBODY),
    "GET /evaluation/rounds/<int:pk>/codes/": row(ROUND_OFFICE_PAGES),
    "POST /evaluation/rounds/<int:pk>/codes/": row(OFFICE_WRITES),
    "GET /evaluation/rounds/<int:pk>/codes/<int:pack>/download/": row(NOBODY),
    "POST /evaluation/rounds/<int:pk>/codes/<int:pack>/download/": row(OFFICE_WRITES),
    "GET /evaluation/rounds/<int:pk>/slips/": row(ROUND_OFFICE_PAGES),
    "POST /evaluation/rounds/<int:pk>/slips/": row(OFFICE_WRITES),
    "GET /evaluation/rounds/<int:pk>/slips/template.xlsx": row(ROUND_OFFICE_PAGES),
    "POST /evaluation/rounds/<int:pk>/slips/template.xlsx": row(NOBODY),
    "GET /evaluation/rounds/<int:pk>/code/": row(PUBLIC),
    "POST /evaluation/rounds/<int:pk>/code/": row(ANYONE_WRITES),
    # --- Look-back reviews (回头看), issue 10 part 6: the office of the reform's district writes; its
    # committee, the reform's lead unit and leaders read a review; the province office reads, writes nothing.
    "GET /api/v1/lookback/due": row(OFFICE_PAGES, committee=OK),
    "GET /api/v1/reforms/{reform_id}/lookback": row(OF_THE_REFORM, other_unit=DENY),
    "POST /api/v1/reforms/{reform_id}/lookback": row(OFFICE_WRITES),
    "GET /evaluation/lookback/": row(OFFICE_PAGES, committee=OK),
    "GET /evaluation/lookback/<int:pk>/": row(OF_THE_REFORM),
    "GET /evaluation/lookback/<int:pk>/conclude/": row(OFFICE_WRITES, other_unit=HIDE, office=OK),
    "GET /evaluation/lookback/<int:pk>/edit/": row(OFFICE_WRITES, other_unit=HIDE, office=OK),
    "GET /evaluation/lookback/<int:pk>/reopen/": row(OFFICE_WRITES, other_unit=HIDE, office=OK),
    "GET /evaluation/lookback/problems/<int:pk>/follow-up/": row(OFFICE_WRITES, other_unit=HIDE, office=OK),
    "GET /evaluation/lookback/reforms/<int:pk>/new/": row(OFFICE_WRITES, office=OK),
    "GET /evaluation/lookback/schedule-due/": row(NOBODY),
    "POST /evaluation/lookback/<int:pk>/conclude/": row(OFFICE_WRITES, other_unit=HIDE),
    "POST /evaluation/lookback/<int:pk>/edit/": row(OFFICE_WRITES, other_unit=HIDE),
    "POST /evaluation/lookback/<int:pk>/reopen/": row(OFFICE_WRITES, other_unit=HIDE),
    "POST /evaluation/lookback/problems/<int:pk>/follow-up/": row(OFFICE_WRITES, other_unit=HIDE),
    "POST /evaluation/lookback/reforms/<int:pk>/new/": row(OFFICE_WRITES),
    "POST /evaluation/lookback/schedule-due/": row(OFFICE_CREATES),
    # --- eval-ratings: rounds, residents, ratings (issue 10) -----------------------------------------
    "GET /api/v1/rounds": row(PUBLIC),
    "GET /api/v1/rounds/{round_id}": row(PUBLIC),
    "GET /evaluation/my-ratings/": row(SIGNED_IN),
    "GET /evaluation/office/moderation/": row(OFFICE_PAGES),
    "GET /evaluation/office/ratings/<int:pk>/moderate/": row(NOBODY),
    "GET /evaluation/office/rounds/": row(OFFICE_PAGES),
    "GET /evaluation/office/rounds/<int:pk>/": row(OF_THE_REFORM, unit_staff=HIDE, unit_head=HIDE, leader_main=HIDE, leader_domains=HIDE, committee=HIDE),
    "GET /evaluation/office/rounds/<int:pk>/close/": row(NOBODY),
    "GET /evaluation/office/rounds/<int:pk>/edit/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, office=OK, province=DENY),
    "GET /evaluation/office/rounds/<int:pk>/publish/": row(NOBODY),
    "GET /evaluation/office/rounds/new/": row(OFFICE_PAGES, province=DENY),
    "GET /evaluation/rounds/": row(SIGNED_IN),
    "GET /evaluation/rounds/<int:pk>/": row(PUBLIC),
    "GET /evaluation/rounds/<int:pk>/reforms/<int:reform_pk>/rate/": row(OFFICE_WRITES, resident=OK, office=DENY, other_office=DENY, discipline=DENY),
    "GET /evaluation/signup/": row(PUBLIC, resident=AWAY, discipline=OK),  # the matrix's resident is verified already
    "POST /api/v1/rounds": row(OFFICE_CREATES),
    "POST /api/v1/rounds/{round_id}/ratings": row(OFFICE_WRITES, resident=ALLOW, office=DENY, other_office=DENY),
    "POST /evaluation/office/ratings/<int:pk>/moderate/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, office=ALLOW, province=DENY),
    "POST /evaluation/office/rounds/<int:pk>/close/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, office=ALLOW, province=DENY),
    "POST /evaluation/office/rounds/<int:pk>/edit/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, office=ALLOW, province=DENY),
    "POST /evaluation/office/rounds/<int:pk>/publish/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, office=ALLOW, province=DENY),
    "POST /evaluation/office/rounds/new/": row(OFFICE_CREATES),
    "POST /evaluation/rounds/<int:pk>/reforms/<int:reform_pk>/rate/": row(OFFICE_WRITES, resident=ALLOW, office=DENY, other_office=DENY, discipline=DENY),
    "POST /evaluation/signup/": row(ANYONE_WRITES),
    # --- end eval-ratings ---
    # --- Expert panels (eval-panels; issue 10 part 5): district A's panel, closed; ``sheet`` is the
    # matrix expert's own. The office of the district runs it (the province office reads it, 403 on
    # writes); its expert scores alone (another's sheet is 404, the office cannot score: 403); every
    # other role never sees it (404), experts and residents meet the office gate first (403).
    "GET /api/v1/panels": row(SIGNED_IN),
    "GET /api/v1/panels/{panel_id}": row(NOT_FOUND, anonymous=LOGIN, expert=OK, office=OK, province=OK),
    "GET /api/v1/panels/{panel_id}/sheets/{sheet_id}": row(NOT_FOUND, anonymous=LOGIN, expert=OK, office=OK, province=OK),
    "POST /api/v1/panels/{panel_id}/sheets": row(NOT_FOUND, anonymous=LOGIN, expert=ALLOW, office=DENY, province=DENY),
    "POST /api/v1/panels/{panel_id}/sheets/{sheet_id}/reopen": row(NOT_FOUND, anonymous=LOGIN, expert=DENY, office=ALLOW, province=DENY),
    "POST /api/v1/panels/{panel_id}/sheets/{sheet_id}/submit": row(NOT_FOUND, anonymous=LOGIN, expert=ALLOW, office=DENY, province=DENY),
    "GET /evaluation/my-panels/": row(profile(DENY, anonymous=LOGIN, expert=OK)),
    "GET /evaluation/my-panels/<int:pk>/": row(NOT_FOUND, anonymous=LOGIN, expert=OK),
    "GET /evaluation/my-panels/<int:panel>/sheets/<int:pk>/": row(NOT_FOUND, anonymous=LOGIN, expert=OK),
    "POST /evaluation/my-panels/<int:panel>/sheets/<int:pk>/": row(NOT_FOUND, anonymous=LOGIN, expert=ALLOW),
    "GET /evaluation/my-panels/<int:panel>/sheets/<int:pk>/submit/": row(NOT_FOUND, anonymous=LOGIN, expert=OK),
    "POST /evaluation/my-panels/<int:panel>/sheets/<int:pk>/submit/": row(NOT_FOUND, anonymous=LOGIN, expert=ALLOW),
    "GET /evaluation/panels/": row(OFFICE_PAGES),
    "GET /evaluation/panels/new/": row(OFFICE_PAGES, province=DENY),
    "POST /evaluation/panels/new/": row(OFFICE_CREATES),
    "GET /evaluation/panels/experts/new/": row(OFFICE_PAGES, province=DENY),
    "POST /evaluation/panels/experts/new/": row(OFFICE_CREATES),
    "GET /evaluation/panels/<int:pk>/": row(OF_THE_REFORM, unit_staff=HIDE, unit_head=HIDE, leader_main=HIDE, leader_domains=HIDE, committee=HIDE),
    "GET /evaluation/panels/<int:pk>/report.docx": row(OF_THE_REFORM, unit_staff=HIDE, unit_head=HIDE, leader_main=HIDE, leader_domains=HIDE, committee=HIDE),
    "GET /evaluation/panels/<int:pk>/report.xlsx": row(OF_THE_REFORM, unit_staff=HIDE, unit_head=HIDE, leader_main=HIDE, leader_domains=HIDE, committee=HIDE),
    "GET /evaluation/panels/<int:pk>/edit/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, office=AWAY, province=DENY),  # closed: back to the panel
    "POST /evaluation/panels/<int:pk>/edit/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, office=ALLOW, province=DENY),
    "GET /evaluation/panels/<int:pk>/open/": row(NOBODY),
    "POST /evaluation/panels/<int:pk>/open/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, office=ALLOW, province=DENY),
    "GET /evaluation/panels/<int:pk>/close/": row(NOBODY),
    "POST /evaluation/panels/<int:pk>/close/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, office=ALLOW, province=DENY),
    "GET /evaluation/panels/<int:panel>/sheets/<int:pk>/reopen/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, office=OK, province=DENY),
    "POST /evaluation/panels/<int:panel>/sheets/<int:pk>/reopen/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, office=ALLOW, province=DENY),
    # --- end expert panels ---
    # --- Case studies (issue 11 part 6): district A's MX-1 case study, published and adopted. The public
    # pages and the API show published cases to anyone. The case's readers are its reform's people
    # (another unit and another district's office: 404); the lead unit writes only while it is a draft
    # (so on this published case: 403), the office of the district does the rest, the province office
    # reads (403 on writes). A new case: the office of a district and unit staff and heads.
    "GET /api/v1/case-studies": row(PUBLIC),
    "GET /api/v1/case-studies/{case_study_id}": row(PUBLIC),
    "GET /case-studies/": row(PUBLIC),
    "GET /case-studies/<int:pk>/": row(PUBLIC),
    "GET /case-studies/<int:pk>/attachments/<int:attachment_id>/": row(PUBLIC),
    "GET /case-studies/<int:pk>/materials/<int:material_id>/": row(PUBLIC),
    "GET /office/case-studies/": row(CARRIERS),
    "GET /office/case-studies/<int:pk>/": row(OF_THE_REFORM),
    "GET /office/case-studies/<int:pk>/adoptions/new/": row(OFFICE_WRITES, other_unit=HIDE, office=OK),
    "GET /office/case-studies/<int:pk>/edit/": row(OFFICE_WRITES, other_unit=HIDE, office=OK),
    "GET /office/case-studies/<int:pk>/materials/": row(NOBODY),
    "GET /office/case-studies/<int:pk>/materials/<int:material_id>/": row(OF_THE_REFORM),
    "GET /office/case-studies/<int:pk>/materials/<int:material_id>/remove/": row(NOBODY),
    "GET /office/case-studies/<int:pk>/publish/": row(NOBODY),
    "GET /office/case-studies/<int:pk>/return/": row(OFFICE_WRITES, other_unit=HIDE, office=OK),
    "GET /office/case-studies/<int:pk>/submit/": row(NOBODY),
    "GET /office/case-studies/<int:pk>/unpublish/": row(OFFICE_WRITES, other_unit=HIDE, office=OK),
    "GET /office/case-studies/new/": row(CARRIERS, leader_main=DENY, leader_domains=DENY, committee=DENY, province=DENY),
    "POST /office/case-studies/<int:pk>/adoptions/new/": row(OFFICE_WRITES, other_unit=HIDE),
    "GET /office/case-studies/<int:pk>/adoptions/<int:adoption_id>/withdraw/": row(OFFICE_WRITES, other_unit=HIDE, office=OK),
    "POST /office/case-studies/<int:pk>/adoptions/<int:adoption_id>/withdraw/": row(OFFICE_WRITES, other_unit=HIDE),
    "POST /office/case-studies/<int:pk>/edit/": row(OFFICE_WRITES, other_unit=HIDE),
    "POST /office/case-studies/<int:pk>/materials/": row(OFFICE_WRITES, other_unit=HIDE),
    "POST /office/case-studies/<int:pk>/materials/<int:material_id>/remove/": row(OFFICE_WRITES, other_unit=HIDE),
    "POST /office/case-studies/<int:pk>/publish/": row(OFFICE_WRITES, other_unit=HIDE),
    "POST /office/case-studies/<int:pk>/return/": row(OFFICE_WRITES, other_unit=HIDE),
    "POST /office/case-studies/<int:pk>/submit/": row(OFFICE_WRITES, other_unit=HIDE, office=DENY),
    "POST /office/case-studies/<int:pk>/unpublish/": row(OFFICE_WRITES, other_unit=HIDE),
    "POST /office/case-studies/new/": row(LEAD_UNIT_WRITES, other_unit=ALLOW, office=ALLOW, other_office=ALLOW),
    # --- end case studies ---
    # --- The assessment's pages (issue 11 parts 3, 5, 7): district A's 2018 scheme (frozen), its published
    # public version, the lead unit's open appeal of its base line, a commendation of the lead unit. The
    # office of the district writes; the province office reads (403 on writes); another district's office
    # never sees them (404); a unit appeals and withdraws only its own (another unit: 404); the public
    # pages show published versions the office made public.
    "GET /assessment/appeals/<int:pk>/": row(OF_THE_REFORM, leader_main=HIDE, leader_domains=HIDE, committee=HIDE),
    "GET /assessment/appeals/<int:pk>/withdraw/": row(NOBODY),
    "GET /assessment/lines/<int:pk>/appeal/": row(OF_THE_REFORM, leader_main=HIDE, leader_domains=HIDE, committee=HIDE, office=HIDE, province=HIDE),
    "GET /assessment/my-appeals/": row(UNIT_PAGES),
    "GET /assessment/my-score/": row(UNIT_PAGES),
    "GET /assessment/office/appeals/": row(OFFICE_PAGES),
    "GET /assessment/office/commendations/": row(OFFICE_PAGES),
    "GET /assessment/office/commendations/<int:pk>/": row(ROUND_OFFICE_PAGES),
    "GET /assessment/office/commendations/<int:pk>/revoke/": row(OFFICE_WRITES, office=OK),
    "GET /assessment/office/commendations/new/": row(OFFICE_PAGES, province=DENY),
    "GET /assessment/office/schemes/": row(OFFICE_PAGES),
    "GET /assessment/office/schemes/<int:pk>/": row(ROUND_OFFICE_PAGES),
    "GET /assessment/office/schemes/<int:pk>/adopt/": row(NOBODY),
    "GET /assessment/office/schemes/<int:pk>/compute/": row(NOBODY),
    "GET /assessment/office/schemes/<int:pk>/export.yaml": row(ROUND_OFFICE_PAGES),
    "GET /assessment/office/schemes/<int:pk>/revise/": row(NOBODY),
    "GET /assessment/office/schemes/<int:pk>/rules/<int:rule>/": row(OFFICE_WRITES, office=OK),
    "GET /assessment/office/schemes/<int:pk>/rules/<int:rule>/delete/": row(NOBODY),
    "GET /assessment/office/schemes/<int:pk>/rules/new/": row(OFFICE_WRITES, office=OK),
    "GET /assessment/office/schemes/<int:pk>/what-if/": row(OFFICE_WRITES, office=OK),
    "GET /assessment/office/versions/": row(OFFICE_PAGES),
    "GET /assessment/office/versions/<int:pk>/": row(ROUND_OFFICE_PAGES),
    "GET /assessment/office/versions/<int:pk>/diff/": row(ROUND_OFFICE_PAGES),
    "GET /assessment/office/versions/<int:pk>/publish/": row(OFFICE_WRITES, office=OK),
    "GET /assessment/office/versions/<int:pk>/review/": row(NOBODY),
    "GET /assessment/office/versions/<int:pk>/units/<int:unit>/": row(ROUND_OFFICE_PAGES),
    "GET /assessment/rankings/": row(PUBLIC),
    "GET /assessment/rankings/<int:pk>/": row(PUBLIC),
    "GET /assessment/rankings/<int:pk>/units/<int:unit>/": row(PUBLIC),
    "POST /assessment/appeals/<int:pk>/": row(OFFICE_WRITES, other_unit=HIDE, leader_main=HIDE, leader_domains=HIDE, committee=HIDE),
    "POST /assessment/appeals/<int:pk>/withdraw/": row(LEAD_UNIT_WRITES, other_unit=HIDE, leader_main=HIDE, leader_domains=HIDE, committee=HIDE),
    "POST /assessment/lines/<int:pk>/appeal/": row(NOT_FOUND, anonymous=LOGIN, resident=DENY, expert=DENY, unit_staff=ALLOW, unit_head=ALLOW),
    "POST /assessment/office/commendations/<int:pk>/revoke/": row(OFFICE_WRITES),
    "POST /assessment/office/commendations/new/": row(OFFICE_CREATES),
    "POST /assessment/office/schemes/": row(OFFICE_CREATES),
    "POST /assessment/office/schemes/<int:pk>/": row(OFFICE_WRITES),
    "POST /assessment/office/schemes/<int:pk>/adopt/": row(OFFICE_WRITES),
    "POST /assessment/office/schemes/<int:pk>/compute/": row(OFFICE_WRITES),
    "POST /assessment/office/schemes/<int:pk>/revise/": row(OFFICE_WRITES),
    "POST /assessment/office/schemes/<int:pk>/rules/<int:rule>/": row(OFFICE_WRITES),
    "POST /assessment/office/schemes/<int:pk>/rules/<int:rule>/delete/": row(OFFICE_WRITES),
    "POST /assessment/office/schemes/<int:pk>/rules/new/": row(OFFICE_WRITES),
    "POST /assessment/office/schemes/<int:pk>/what-if/": row(OFFICE_WRITES),
    "POST /assessment/office/versions/<int:pk>/publish/": row(OFFICE_WRITES),
    "POST /assessment/office/versions/<int:pk>/review/": row(OFFICE_WRITES),
    # --- end assessment pages ---
    # --- annual assessment engine (issue 11): district A's published version of 2018 ------------------
    # The district's people read its published ranking and line items; the province office must name
    # the district (?district=: 422 without it); another district's office finds none of its own (404).
    "GET /api/v1/assessments/{year}": row(ASSESSMENT_READS),
    "GET /api/v1/assessments/{year}/units/{unit_id}": row(ASSESSMENT_READS),
    # Computing and previewing act on the caller's own district (another office has no scheme: 422).
    "POST /api/v1/assessments/{year}/compute": row(OFFICE_CREATES),
    "POST /api/v1/assessments/{year}/what-if": row(OFFICE_CREATES),
    "POST /api/v1/assessments/{year}/versions/{number}/review": row(OFFICE_WRITES),
    "POST /api/v1/assessments/{year}/versions/{number}/publish": row(OFFICE_WRITES),
    # --- end annual assessment engine ---
    # --- The admin: representative rows (the rest of /admin/ is covered by ADMIN_MODELS) ---------------
    "GET /admin/": row(ADMIN),
    "GET /admin/reforms/reform/": row(ADMIN),
    "GET /admin/reforms/reform/<path:object_id>/change/": row(ADMIN),
    "POST /admin/reforms/reform/<path:object_id>/change/": row(ADMIN),
    "GET /admin/org/user/<id>/password/": row(ADMIN),
    "POST /admin/org/user/<id>/password/": row(ADMIN),
    # --- fault tolerance (容错纠错), issue 11 part 4 ------------------------------------------------
    # A case is its applicant's (the lead unit's staff), its district's office's and discipline
    # reviewers', and the province office's to read (ADR 0047); 404 for everyone else, the unit's head
    # included. Applying: the people responsible for the reform (lead unit, co-unit, named leader).
    "GET /api/v1/tolerance-cases": row(SIGNED_IN),
    "POST /api/v1/tolerance-cases": row(LEAD_UNIT_WRITES, leader_main=ALLOW),
    "GET /api/v1/tolerance-cases/{case_id}": row(NOT_FOUND, anonymous=LOGIN, unit_staff=OK, office=OK, province=OK, discipline=OK),
    "POST /api/v1/tolerance-cases/{case_id}/decide": row(NOT_FOUND, anonymous=LOGIN, unit_staff=DENY, office=ALLOW, province=DENY, discipline=ALLOW),
    "GET /tolerance/": row(CARRIERS, committee=DENY, office=DENY, other_office=DENY, province=DENY),
    "GET /tolerance/apply/": row(CARRIERS, committee=DENY, office=DENY, other_office=DENY, province=DENY),
    "GET /tolerance/reforms/<int:pk>/apply/": row(LEAD_UNIT_WRITES, unit_staff=OK, unit_head=OK, leader_main=OK),
    "POST /tolerance/reforms/<int:pk>/apply/": row(LEAD_UNIT_WRITES, leader_main=ALLOW),
    "GET /tolerance/cases/<int:pk>/": row(NOT_FOUND, anonymous=LOGIN, unit_staff=OK, office=OK, province=OK, discipline=OK),
    "GET /tolerance/cases/<int:pk>/files/<int:file_id>/": row(NOT_FOUND, anonymous=LOGIN, unit_staff=OK, office=OK, province=OK, discipline=OK),
    "GET /tolerance/cases/<int:pk>/opinion/": row(NOBODY),
    "POST /tolerance/cases/<int:pk>/opinion/": row(NOT_FOUND, anonymous=LOGIN, unit_staff=DENY, office=ALLOW, province=DENY, discipline=ALLOW),
    "GET /tolerance/cases/<int:pk>/withdraw/": row(NOBODY),
    "POST /tolerance/cases/<int:pk>/withdraw/": row(NOT_FOUND, anonymous=LOGIN, unit_staff=ALLOW, office=DENY, province=DENY, discipline=DENY),
    "GET /tolerance/queue/": row(OFFICE_PAGES, discipline=OK),
    "GET /tolerance/precedents/": row(OFFICE_PAGES, discipline=OK),
    "GET /tolerance/checklist/": row(OFFICE_PAGES, discipline=OK),
    "GET /tolerance/checklist/items/": row(NOBODY),
    "POST /tolerance/checklist/items/": row(OFFICE_CREATES),
    "GET /tolerance/checklist/items/<int:pk>/": row(NOBODY),
    "POST /tolerance/checklist/items/<int:pk>/": row(NOT_FOUND, anonymous=LOGIN, office=ALLOW, province=DENY, discipline=DENY),
}

#: URL patterns with no row, each with its reason.
EXEMPT = {
    "/accounts/password/reset/<uidb64>/<token>/": "the link of a reset e-mail: its token is the credential, no object of a district",
    "/admin/login/": "Django's admin sign-in and sign-out: the site's own sign-in has its rows",
    "/admin/logout/": "Django's admin sign-in and sign-out: the site's own sign-in has its rows",
    "/admin/password_change/": "a person's own password (the admin's form; the sign-in branch owns it)",
    "/admin/password_change/done/": "a person's own password (the admin's form; the sign-in branch owns it)",
    "/admin/autocomplete/": "the admin's helpers, behind the same staff gate as its index",
    "/admin/jsi18n/": "the admin's helpers, behind the same staff gate as its index",
    "/admin/r/<path:content_type_id>/<path:object_id>/": "the admin's view-on-site redirect",
    "/admin/(?P<url>.*)$": "the admin's catch-all (404 or its sign-in)",
}

#: Prefixes of URL patterns with no row: the admin's app index (its pattern lists the apps).
EXEMPT_PREFIXES = {"/admin/^(?P<app_label>": "the admin's app index, behind the same gate as its index"}

#: The admin's models (``admin/<app>/<model>/``), covered by the representative rows above. A model
#: added to the admin must be added here after deciding who may open it.
ADMIN_MODELS = {
    "auth/group", "axes/accessattempt", "axes/accessfailurelog", "axes/accesslog", "core/apitoken", "core/auditentry", "django_tasks_database/dbtaskresult",
    "org/domain", "org/specialgroup", "org/unit", "org/user",
    "reforms/ledgerimport", "reforms/plan", "reforms/reform",
    "supervision/changerequest", "supervision/completion", "supervision/delivery", "supervision/helprequest",
    "supervision/order", "supervision/progressreport", "supervision/reminder", "supervision/scanrun",
    "supervision/task",
}

# --- pending: pairs that answer otherwise today ---------------------------------------------------------
# Strict: a pair listed here that answers as the table says fails the test (take it out). Empty
# since issue 9 landed: the last gaps it found (another district's office learning of district A's
# attachments, another unit opening an extension request, a role form answering 400 before rights)
# are closed; a later feature lists here only what it knowingly leaves open, with its reason.

#: The district boundary (ADR 0025).
PENDING_TENANCY: set[tuple[str, str]] = set()

#: The read-only admin (ADR 0026).
PENDING_ADMIN: set[tuple[str, str]] = set()

#: Found by the matrix, in no area's part.
PENDING_FOUND: set[tuple[str, str]] = set()

PENDING = PENDING_TENANCY | PENDING_ADMIN | PENDING_FOUND
