"""What the matrix must cover: every operation of the OpenAPI document and every URL pattern of
the site, each named by a key ``"METHOD /path"`` as :mod:`tests.authz.matrix` writes it, and how
a key's path parameters become the URL of a real object of district A (:mod:`tests.authz.world`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from reformledger.api.api import api
from reformledger.tolerance.defaults import CONDITIONS, NEGATIVE

_CONDITIONS = tuple(code for code, _text, _hint in CONDITIONS)
_NEGATIVE = tuple(code for code, _text, _hint in NEGATIVE)

#: ``{reform_id}`` in the API, ``<int:pk>`` after ``reforms/`` on pages: what the parameter names.
API_PARAMETERS = {
    "reform_id": "reform",
    "task_id": "task",
    "report_id": "report",
    "extension_id": "extension",
    "order_id": "order",
    "reply_id": "reply",
    "request_id": "change",
    "completion_id": "completion",
    "round_id": "round",  # evaluation (issue 10)
    # expert panels (eval-panels)
    "panel_id": "panel",
    "sheet_id": "sheet",
    "case_id": "tolerance_case",  # fault tolerance (issue 11 part 4)
    "case_study_id": "case_study",  # case studies (issue 11 part 6)
    # annual assessment (issue 11): district A's published version of the year
    "year": "assessment_year",
    "unit_id": "unit_a",
    "number": "assessment_version",
}
#: On pages (and in the admin), the path segment before a parameter says what it names.
PAGE_SEGMENTS = {
    "reforms": "reform",
    "reform": "reform",  # admin/reforms/reform/<object_id>/
    "attachments": "attachment",
    "import": "ledger_import",
    "tasks": "task",
    "reports": "report",
    "evidence": "evidence",
    "orders": "order",
    "order-replies": "reply",
    "order-files": "reply_file",
    "completions": "completion",
    "changes": "change",
    "extensions": "extension",
    "help": "help",
    "people": "unit_staff_user",  # office/org/people/<pk>/: a person of district A
    "units": "unit_a",
    "roles": "membership",  # the lead unit's staff member's membership
    "user": "unit_staff_user",  # admin/org/user/<id>/password/: a person of district A
    "rounds": "round",  # evaluation (issue 10): a round of district A
    "codes": "code_pack",  # evaluation/rounds/<pk>/codes/<pack>/download/
    # --- look-back reviews (issue 10 part 6)
    "lookback": "lookback",  # evaluation/lookback/<pk>/...: a review of district A
    "problems": "lookback_problem",  # evaluation/lookback/problems/<pk>/follow-up/
    "ratings": "rating",  # evaluation/office/ratings/<pk>/moderate/
    # expert panels (eval-panels): evaluation/panels/<pk>/, evaluation/my-panels/<panel>/sheets/<pk>/
    "panels": "panel",
    "my-panels": "panel",
    "sheets": "sheet",
    # fault tolerance (issue 11 part 4): tolerance/cases/<pk>/, its files, checklist items
    "cases": "tolerance_case",
    "files": "tolerance_file",
    "items": "checklist_item",
    # case studies (issue 11 part 6): case-studies/<pk>/..., office/case-studies/<pk>/materials/<id>/
    "case-studies": "case_study",
    "materials": "case_material",
    "adoptions": "case_adoption",
    # the assessment (issue 11): assessment/office/schemes/<pk>/rules/<rule>/, versions/<pk>/units/<unit>/…
    "schemes": "scheme",
    "rules": "rule",
    "versions": "assessment",
    "rankings": "assessment",
    "lines": "line_item",
    "appeals": "appeal",
    "commendations": "commendation",
}

_PAGE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
_API_PARAMETER = re.compile(r"\{(\w+)\}")


def api_operations() -> set[str]:
    """``"GET /api/v1/reforms/{reform_id}"`` for every operation of the OpenAPI document."""
    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}" for path, operations in paths.items() for method in operations}


def url_patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    """Every URL pattern of the site as its route (``office/reforms/<int:pk>/``), included ones too."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def api_route(route: str) -> str:
    """The OpenAPI path of a django-ninja route (``api/v1/reforms/<reform_id>`` ->
    ``/api/v1/reforms/{reform_id}``)."""
    return "/" + _PAGE_PARAMETER.sub(r"{\1}", route)


def url_of(key: str, objects: dict[str, int]) -> str:
    """The path of a matrix key with its parameters filled with district A's objects."""
    _method, path = key.split(" ", 1)
    if "{" in path:
        return _API_PARAMETER.sub(lambda m: str(objects[API_PARAMETERS[m.group(1)]]), path)

    def fill(match: re.Match[str]) -> str:
        before = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        return str(objects[PAGE_SEGMENTS[before]])

    return _PAGE_PARAMETER.sub(fill, path)


def api_bodies(objects: dict[str, int], today: dt.date) -> dict[str, dict[str, Any]]:
    """A valid body for each API write, so that a role is judged by its rights, not by the schema
    (an empty body is refused by the schema before anyone's rights are asked). A write missing
    here is sent ``{}``."""
    day = (today + dt.timedelta(days=30)).isoformat()
    later = (today + dt.timedelta(days=120)).isoformat()
    unit = objects["unit_a"]
    return {
        "POST /api/v1/reforms": {
            "code": "MX-NEW", "title": "新改革", "tier": "micro", "year": today.year,
            "domain": "public-services", "lead_unit": unit,
        },
        "PATCH /api/v1/reforms/{reform_id}": {"title": "新标题"},
        "POST /api/v1/reforms/{reform_id}/transition": {"status": "suspended", "note": "暂缓"},
        "POST /api/v1/reforms/{reform_id}/tasks": {
            "title": "新任务", "unit": unit, "start_date": today.isoformat(), "due_date": day,
        },
        "PATCH /api/v1/tasks/{task_id}": {"title": "新任务名"},
        "POST /api/v1/tasks/{task_id}/reports": {"percent": 40, "text": "完成方案"},
        "POST /api/v1/reports/review": {"ids": [objects["report"]], "accept": True},
        "POST /api/v1/reports/{report_id}/review": {"accept": True},
        "POST /api/v1/tasks/{task_id}/urge": {"message": "请加快进度"},
        "POST /api/v1/tasks/{task_id}/progress-correction": {"percent": 50, "reason": "核实"},
        "POST /api/v1/reforms/{reform_id}/progress-correction": {"percent": 50, "reason": "核实"},
        "POST /api/v1/tasks/{task_id}/extensions": {"new_due_date": later, "reason": "场地"},
        "POST /api/v1/extensions/{extension_id}/decision": {"approve": False, "comment": "不同意"},
        "POST /api/v1/orders": {"title": "督查令", "reply_by": day, "units": [unit]},
        "POST /api/v1/orders/{order_id}/acknowledge": {},
        "POST /api/v1/orders/{order_id}/replies": {"text": "再次回复"},
        "POST /api/v1/order-replies/{reply_id}/review": {"accept": False, "comment": "退回补充"},
        "POST /api/v1/reforms/{reform_id}/change-requests": {"changes": {"goals": "新目标"}, "reason": "情况变化"},
        "POST /api/v1/change-requests/{request_id}/decide": {"approve": False, "note": "不同意"},
        "POST /api/v1/reforms/{reform_id}/completion": {"summary": "已完成"},
        "POST /api/v1/completions/{completion_id}/decide": {"accept": False, "comment": "证据不足"},
        "POST /api/v1/reforms/{reform_id}/completion/reopen": {"reason": "复核"},
        "POST /api/v1/inbox/read": {},
        # eval-ratings
        "POST /api/v1/rounds": {
            "kind": "public", "year": today.year, "title": "新一轮群众评", "opens_at": f"{day}T09:00:00+08:00",
            "closes_at": f"{later}T18:00:00+08:00", "reforms": [objects["reform"]],
        },
        "POST /api/v1/rounds/{round_id}/ratings": {"reform": objects["reform"], "scores": {"satisfaction": 4, "effect": 5}},
        # expert panels (eval-panels)
        "POST /api/v1/panels/{panel_id}/sheets": {"reform": objects["reform"], "marks": {}},
        "POST /api/v1/panels/{panel_id}/sheets/{sheet_id}/reopen": {"reason": "复核"},
        # fault tolerance (issue 11 part 4): every item answered (the open case makes a second one a 422)
        "POST /api/v1/tolerance-cases": {
            "reform": objects["tolerance_reform"], "year": 2016, "what_happened": "再次申请",
            "answers": [{"code": c, "answer": c in _CONDITIONS, "explanation": "说明"} for c in (*_CONDITIONS, *_NEGATIVE)],
        },
        "POST /api/v1/tolerance-cases/{case_id}/decide": {"outcome": "rejected", "reasons": "程序欠缺"},
        # annual assessment (issue 11)
        "POST /api/v1/assessments/{year}/what-if": {"changes": [{"clause": "1", "params": {"points": 50}}]},
    }


#: Form data for the page writes whose view reads its form before it asks for rights (an empty form
#: would be sent back to everyone alike). Files are made afresh for each request (``files``);
#: ``"@kind"`` is the id of district A's object of that kind.
PAGE_BODIES: dict[str, dict[str, Any]] = {
    "POST /office/reforms/<int:pk>/transition/": {"to": "suspended", "note": "暂缓"},
    "POST /office/supervision/order-replies/<int:pk>/review/": {"decision": "return", "comment": "请补充"},
    "POST /office/supervision/reports/<int:pk>/review/": {"decision": "accept"},
    "POST /office/supervision/tasks/<int:pk>/urge/": {"message": "请加快进度"},
    "POST /office/reforms/<int:pk>/attachments/": {"files": ["file"]},
    "POST /office/org/people/<int:pk>/": {"full_name": "改名"},
    "POST /office/org/people/<int:pk>/roles/": {"role": "unit_staff", "unit": "@unit_a"},
    # --- look-back reviews (issue 10 part 6)
    "POST /evaluation/lookback/schedule-due/": {"scheduled_on": "2099-01-01"},
    # --- fault tolerance (issue 11 part 4)
    "POST /tolerance/cases/<int:pk>/opinion/": {"outcome": "rejected", "reasons": "程序欠缺"},
    "POST /tolerance/cases/<int:pk>/withdraw/": {"reason": "撤回"},
    # --- case studies (issue 11 part 6)
    "POST /office/case-studies/<int:pk>/materials/": {"files": ["file"]},
    # --- the assessment (issue 11 parts 3, 5, 7)
    "POST /assessment/lines/<int:pk>/appeal/": {"reason": "扣分有误"},
    "POST /assessment/appeals/<int:pk>/": {"outcome": "reject", "reasons": "不予支持"},
    "POST /assessment/office/commendations/new/": {
        "year": "2018", "kind": "best_micro", "title": "年度最佳微改革", "unit": "@unit_a", "citation": "成效显著", "awarded_on": "2018-12-30",
    },
    "POST /assessment/office/commendations/<int:pk>/revoke/": {"reason": "撤销"},
    "POST /assessment/office/schemes/": {
        "create": "1", "year": "2019", "title": "2019年度方案", "unit_kinds": "sub_district", "noise_margin": "1", "appeal_days": "10",
    },
    "POST /assessment/office/schemes/<int:pk>/rules/new/": {"clause": "9", "title": "加分", "kind": "base", "params": '{"points": 1}'},
    "POST /assessment/office/schemes/<int:pk>/rules/<int:rule>/": {"clause": "1", "title": "基础分", "kind": "base", "params": '{"points": 90}'},
    "POST /assessment/office/schemes/<int:pk>/compute/": {"purpose": "dry_run"},
    "POST /assessment/office/schemes/<int:pk>/what-if/": {"clause": "1", "params": '{"points": 90}'},
    "POST /assessment/office/versions/<int:pk>/publish/": {"is_public": "1"},
}
