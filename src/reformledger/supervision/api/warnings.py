"""The warning board: red and amber tasks the caller may see, cached until the next write or scan."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder

from reformledger.core import limits
from reformledger.core.api import ObjectId, PageParams, cached_json, paginate, signed_in_user
from reformledger.core.fragments import cached_rows
from reformledger.org.schemas import UnitRef
from reformledger.reforms import selectors as reform_selectors
from reformledger.reforms.api import DomainRef
from reformledger.reforms.models import Tier

from .. import levels
from ..lateness import days_within, month_bounds
from ..models import Level
from ..rollup import today
from ..selectors import warnings as warning_selectors
from .schemas import PersonRef, person_out, unit_out

router = Router()


class WarningReform(Schema):
    id: int
    code: str
    title: str
    tier: Tier
    domain: DomainRef


class OverdueInPeriod(Schema):
    started_on: dt.date = Field(description="The first day overdue.")
    ended_on: dt.date | None = Field(description="The day it stopped being overdue; null while it still is.")
    ended_by: str = Field(description="completed, extended, closed, stopped, split, or empty while open.")
    days: int = Field(description="Days overdue, both ends counted, up to today while open.")
    days_in_period: int = Field(description="Of those, the days in the month asked for.")


class WarningItem(Schema):
    id: int = Field(description="The task's id.")
    title: str
    level: Level
    level_reason: str
    warning: str
    start_date: dt.date
    due_date: dt.date
    progress: int
    last_report_on: dt.date | None
    unit: UnitRef
    assignee: PersonRef | None
    reform: WarningReform
    overdue: OverdueInPeriod | None = Field(None, description="With ``period``: the time the task was overdue in that month.")


class WarningPage(Schema):
    count: int
    items: list[WarningItem]


class WarningFilters(Schema):
    unit: str | None = Field(None, max_length=limits.CODE, description="Unit code: tasks the unit is responsible for.")
    level: Literal["red", "amber"] | None = Field(None, description="red or amber; both when left out.")
    domain: str | None = Field(None, max_length=limits.CODE, description="Domain code of the task's reform.")
    tier: Tier | None = None
    district: ObjectId | None = Field(None, description="Id of the district unit.")
    q: str | None = Field(None, max_length=limits.SEARCH, description="Text in the task's or the reform's title, or the reform's code.")
    period: str | None = Field(
        None, max_length=7, pattern=r"^\d{4}-\d{2}$",
        description="A month, YYYY-MM: instead of today's warnings, the leaf tasks overdue at some time in it "
        "(done or extended since included), one item per time overdue, earliest first; ``level`` is ignored.",
    )


@router.get("/warnings", response=WarningPage, summary="The warning board: red and amber leaf tasks (or those overdue in a month)")
def list_warnings(
    request: HttpRequest, filters: Query[WarningFilters], paging: Query[PageParams]
) -> HttpResponse:
    """Open leaf tasks (tasks without sub-tasks) at red or amber that the caller may see, red first, then by
    due date: the same tasks the warning board, the workbench and the bulletin count."""
    user = signed_in_user(request)
    warning_selectors.require_board(user)
    criteria = warning_selectors.TaskFilters(
        unit=filters.unit,
        domain=filters.domain,
        tier=filters.tier,
        level=filters.level,
        district=filters.district,
        q=filters.q,
        period=filters.period,
    )
    on = today()

    def encode() -> bytes:
        if criteria.period:
            return _encode_period(user, criteria, paging, on)
        # The page's keys (the columns an item shows, nothing joined); each item encoded once per
        # version of what it shows, day and language, and loaded in full only when it is not kept,
        # as the board's rows are (core.fragments.cached_rows).
        page = paginate(
            warning_selectors.warning_keys(user, criteria), paging,
            count=warning_selectors.board_count(user, criteria), order=warning_selectors.BOARD_ORDER,
            key=("api-warnings", reform_selectors.visibility_key(user), repr(criteria)),
        )
        items = cached_rows(
            page["items"], name="api-warning", version_of=lambda task: (warning_selectors.row_facts(task), on),
            render=lambda task: json.dumps(_warning_item(task, on), cls=NinjaJSONEncoder, ensure_ascii=False),
            load=lambda keys: warning_selectors.full_rows(user, keys),
        )
        # What json.dumps({"count": …, "items": […]}) writes, with the items as they were encoded.
        return f'{{"count": {page["count"]}, "items": [{", ".join(items)}]}}'.encode()

    # The same page for everyone who may see the same tasks, until a write moves the levels of the
    # districts it reads (every write of their work and the scan, but not a report that moves
    # nothing listed: ADR 0052; a month's lateness: until any write of their work); the day and the
    # language are in the key because the warning's words ("overdue by 3 days") move at midnight
    # and follow the language.
    key = (
        f"api-warnings:{reform_selectors.visibility_key(user)}|{criteria!r}|{paging.page}:{paging.page_size}"
        f"|{on.isoformat()}|{get_language()}"
    )
    return cached_json(key, encode, scopes=warning_selectors.board_scopes(user, period=criteria.period))


def _encode_period(user, criteria: warning_selectors.TaskFilters, paging: PageParams, on: dt.date) -> bytes:
    first, last = month_bounds(criteria.period) or (on, on)
    page = paginate(warning_selectors.overdue_in_period(user, criteria), paging, order=warning_selectors.PERIOD_ORDER)
    items = [
        {
            **_warning_item(spell.task, on),
            "overdue": {
                "started_on": spell.started_on, "ended_on": spell.ended_on, "ended_by": spell.ended_by, "days": spell.days(on),
                "days_in_period": days_within(spell.started_on, spell.ended_on, first=first, last=last, made_on=on),
            },
        }
        for spell in page["items"]
    ]
    return json.dumps({"count": page["count"], "items": items}, cls=NinjaJSONEncoder, ensure_ascii=False).encode()


def _warning_item(task, on: dt.date) -> dict[str, Any]:
    """One row of the warning board, as the WarningPage schema documents it."""
    return {
        "id": task.pk,
        "title": task.title,
        "level": task.level,
        "level_reason": task.level_reason,
        "warning": levels.describe_task(task, on),
        "start_date": task.start_date,
        "due_date": task.due_date,
        "progress": task.progress,
        "last_report_on": task.last_report_on,
        "unit": unit_out(task.unit),
        "assignee": person_out(task.assignee),
        "reform": {
            "id": task.reform.pk,
            "code": task.reform.code,
            "title": task.reform.title,
            "tier": task.reform.tier,
            "domain": {
                "id": task.reform.domain.pk,
                "code": task.reform.domain.code,
                "name": task.reform.domain.name,
            },
        },
    }
