"""API for supervision (督查督办): task trees, progress reports with evidence, the warning board,
supervision orders, change requests, completion and the inbox.

Reads go through :mod:`.selectors`, writes through :mod:`.services` (permission-checked and
audited): the API has no rules of its own. Supervision data is not public, so every operation
needs a signed-in caller (401 otherwise).

* A read answers 404 for what the caller may not see.
* A write on something the caller may know of (a task or reform whose reform the caller may see,
  even by its public fields; an order; a report, change request or completion of such a reform) is
  decided by the service: 403 when it is not permitted. Anything else is 404.
* Progress reports, change requests and completion applications take JSON, or
  ``multipart/form-data`` with the same fields as form fields plus files in ``evidence``: one path,
  both documented. The request is read here (``request.content_type``), validated with the same
  schema, and every error comes back in the one error shape (``reformledger.api.errors``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict
from pydantic import ValidationError as PydanticError

from reformledger.core.api import ObjectId, PageParams, paginate, signed_in_user
from reformledger.core.cache import cached_value
from reformledger.org.api import UnitRef
from reformledger.org.models import Unit, User
from reformledger.org.selectors import actor_for
from reformledger.reforms import selectors as reform_selectors
from reformledger.reforms.api import DomainRef
from reformledger.reforms.models import Reform, Tier

from . import levels, selectors, services
from .models import (
    ChangeRequest,
    Completion,
    Decision,
    Delivery,
    Evidence,
    Level,
    Order,
    OrderItem,
    OrderTarget,
    ProgressReport,
    ReminderKind,
    Task,
    TaskStatus,
)
from .rollup import today

router = Router(tags=["supervision"])

#: The form field that carries evidence files in a multipart request.
EVIDENCE_FIELD = "evidence"


# --- schemas: out ----------------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    name: str


class TaskOut(Schema):
    """A task node. ``level`` is computed (red / amber / green / done; paused while the reform is not
    under way); ``warning`` says why, in words, in the caller's language."""

    id: int
    reform_id: int
    parent_id: int | None
    depth: int = Field(description="0 for a top-level task, 1 for its sub-tasks, and so on.")
    sort_order: int
    title: str
    unit: UnitRef
    assignee: PersonRef | None
    start_date: dt.date
    due_date: dt.date
    weight: float
    deliverable: str
    status: TaskStatus
    progress: int
    level: Level
    level_reason: str = Field(description="Why the level: overdue, silent, behind, child, or empty.")
    warning: str = Field(description="The reason in words, with today's numbers.")
    last_report_on: dt.date | None


class TaskList(Schema):
    count: int
    items: list[TaskOut] = Field(description="The tree, depth first: each task before its sub-tasks.")


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    kind: str = Field(description="pdf, docx, xlsx, jpg or png: judged by the file's content.")
    url: str


class ReportOut(Schema):
    id: int
    task: int
    percent: int
    text: str
    problems: str
    help_needed: str
    status: Decision
    review_comment: str
    reported_on: dt.date
    reporter: PersonRef
    evidence: list[EvidenceOut]


class WarningReform(Schema):
    id: int
    code: str
    title: str
    tier: Tier
    domain: DomainRef


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


class WarningPage(Schema):
    count: int
    items: list[WarningItem]


class OrderTargetOut(Schema):
    unit: UnitRef
    acknowledged_at: dt.datetime | None


class OrderItemOut(Schema):
    task: int
    title: str
    deadline: dt.date


class OrderOut(Schema):
    id: int
    code: str = Field(description="The order's number, e.g. 罗改督〔2018〕3号.")
    title: str
    body: str
    issued_on: dt.date
    reply_by: dt.date
    issued_by: PersonRef
    targets: list[OrderTargetOut]
    items: list[OrderItemOut]


class OrderPage(Schema):
    count: int
    items: list[OrderOut]


class ChangeRequestOut(Schema):
    id: int
    reform: int
    status: ChangeRequest.CRStatus
    proposed: dict[str, Any] = Field(description="The new values asked for.")
    before: dict[str, Any] = Field(description="The values before, once an approved change applied.")
    reason: str
    requested_by: PersonRef
    created_at: dt.datetime
    decided_by: PersonRef | None
    decided_at: dt.datetime | None
    decision_note: str
    committee_meeting: str
    evidence: list[EvidenceOut]


class CompletionOut(Schema):
    id: int
    reform: int
    status: Decision
    summary: str
    applied_by: PersonRef
    created_at: dt.datetime
    decided_by: PersonRef | None
    decided_at: dt.datetime | None
    comment: str
    evidence: list[EvidenceOut]


class UrgeOut(Schema):
    id: int
    kind: ReminderKind
    subject: str
    text: str
    unit: int | None
    task: int | None
    created_at: dt.datetime


class InboxItem(Schema):
    id: int = Field(description="The message's id in the inbox (send it to /inbox/read).")
    kind: ReminderKind
    subject: str
    text: str
    link: str
    sender: PersonRef | None
    task: int | None
    reform: int | None
    order: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxPage(Schema):
    count: int
    unread: int
    items: list[InboxItem]


class ReadOut(Schema):
    marked: int = Field(description="How many messages this call marked read.")
    unread: int


# --- schemas: in -----------------------------------------------------------------------------


class TaskChange(Schema):
    """The fields to change; leave out what stays. The unit and the person by id."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(None, max_length=200)
    unit: ObjectId = Field(None, description="Id of the responsible unit.")
    assignee: ObjectId | None = Field(None, description="Id of the responsible person, or null.")
    start_date: dt.date = None
    due_date: dt.date = None
    weight: float = Field(None, description="Greater than 0, at most two decimals.")
    deliverable: str = None
    sort_order: int = Field(None, ge=0, le=2**31 - 1, description="Place among its siblings.")


class TaskCreate(TaskChange):
    """A new task: at the top of the reform's tree, or under ``parent``."""

    title: str = Field(..., max_length=200)
    unit: ObjectId = Field(..., description="Id of the responsible unit.")
    start_date: dt.date
    due_date: dt.date
    weight: float = Field(1, description="Greater than 0, at most two decimals.")
    deliverable: str = ""
    parent: ObjectId | None = Field(None, description="Id of the parent task; none for a top-level task.")


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    percent: int = Field(..., ge=0, le=100, description="Percent done, 0 to 100.")
    text: str = Field(..., description="What was done.")
    problems: str = ""
    help_needed: str = Field("", description="Help needed (需协调事项): escalated to the special group's leader.")


class OrderItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    task: ObjectId = Field(..., description="Task id.")
    deadline: dt.date | None = Field(None, description="Becomes the task's due date; the current one when left out.")


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(..., max_length=200)
    body: str = ""
    reply_by: dt.date
    units: list[ObjectId] = Field([], description="Ids of the target units (the units of the tasks are added).")
    items: list[OrderItemIn] = []


class AcknowledgeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: ObjectId | None = Field(None, description="Which of your units signs, when you work in several targets.")


class ChangesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    goals: str = None
    measures: str = None
    deliverables: str = None
    start_date: dt.date = None
    due_date: dt.date = None


class ChangeRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    changes: ChangesIn = Field(..., description="The new values: any of goals, measures, deliverables, dates.")
    reason: str


class ChangeDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    note: str = Field("", description="Required when rejecting.")
    committee_meeting: str = Field(
        "", max_length=200, description="Key reforms and upper-level tasks: the committee meeting that decided."
    )


class CompletionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(..., description="Summary of results; evidence files are required (multipart).")


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    accept: bool
    comment: str = Field("", description="Required when returning.")


class UrgeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(..., max_length=2000)


class ReadIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ids: list[ObjectId] | None = Field(None, description="Message ids; all unread messages when left out.")


class WarningFilters(Schema):
    unit: str | None = Field(None, description="Unit code: tasks the unit is responsible for.")
    level: Literal["red", "amber"] | None = Field(None, description="red or amber; both when left out.")
    domain: str | None = Field(None, description="Domain code of the task's reform.")
    tier: Tier | None = None
    district: ObjectId | None = Field(None, description="Id of the district unit.")
    q: str | None = Field(None, description="Text in the task's or the reform's title, or the reform's code.")


# --- reading a body that is JSON or multipart ---------------------------------------------------


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with its ``$defs`` written in place (it sits inside one operation)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                siblings = {key: value for key, value in node.items() if key != "$ref"}
                return {**walk(defs[ref.rsplit("/", 1)[1]]), **siblings}
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(schema)


def _json_or_multipart(schema: type[Schema], *, json_fields: Sequence[str] = (), files_required: bool = False) -> dict:
    """``openapi_extra`` documenting a request body sent as JSON or as multipart with evidence."""
    body = _inline_refs(schema.model_json_schema())
    form = {
        "title": f"{body.get('title', schema.__name__)} (multipart)",
        "type": "object",
        "properties": {
            **{
                name: (
                    {"type": "string", "description": _json_hint(name)} if name in json_fields else prop
                )
                for name, prop in body.get("properties", {}).items()
            },
            EVIDENCE_FIELD: {
                "type": "array",
                "items": {"type": "string", "format": "binary"},
                "description": "Evidence files: PDF, Word (.docx), Excel (.xlsx), JPEG or PNG, judged by "
                "content; each within EVIDENCE_MAX_MB (default 20 MB).",
            },
        },
        "required": [*body.get("required", []), *([EVIDENCE_FIELD] if files_required else [])],
    }
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": body}, "multipart/form-data": {"schema": form}},
        }
    }


def _json_hint(name: str) -> str:
    return f"The `{name}` object of the JSON body, written as JSON text."


def _read_body(
    request: HttpRequest, schema: type[Schema], *, json_fields: Sequence[str] = ()
) -> tuple[Schema, list]:
    """The request's data, validated by ``schema``, and its evidence files.

    JSON (``application/json``): the body is the object. Multipart (``multipart/form-data``): the
    same fields as form fields (``json_fields`` as JSON text) and files in ``evidence``.
    """
    content_type = request.content_type or "application/json"
    files: list = []
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        source = "form"
        data: Any = {key: request.POST.get(key) for key in request.POST}
        errors: dict[str, list[str]] = {}
        for name in json_fields:
            if name in data:
                try:
                    data[name] = json.loads(data[name])
                except ValueError:
                    errors[name] = [_("Send this field as a JSON object.")]
        unknown = sorted(set(request.FILES) - {EVIDENCE_FIELD})
        for name in unknown:
            errors[name] = [_("Send files in the field evidence.")]
        if errors:
            raise ValidationError(errors)
        files = request.FILES.getlist(EVIDENCE_FIELD)
    elif content_type == "application/json":
        source = "body"
        try:
            data = json.loads(request.body) if request.body else {}
        except ValueError as exc:
            raise HttpError(400, _("The request body could not be read: send JSON.")) from exc
    else:
        raise HttpError(415, _("Send JSON, or multipart/form-data when files come with the data."))
    try:
        payload = schema.model_validate(data)
    except PydanticError as exc:
        # Located as ninja locates its own errors, so the error module names the field the same way.
        prefix = ("body", "payload") if source == "body" else (source,)
        raise SchemaError(
            [{**error, "loc": (*prefix, *error["loc"]) if error["loc"] else (source,)} for error in exc.errors(include_url=False)]
        ) from None
    return payload, files


# --- loading what a handler works on -----------------------------------------------------------


def _may_know(user, reform: Reform) -> None:
    """404 unless the caller may see the reform at least by its public fields."""
    if not user.has_perm("reforms.view_public_reform", reform):
        raise Http404


def _reform_for_write(user, pk: int) -> Reform:
    reform = Reform.objects.filter(pk=pk).first()
    if reform is None:
        raise Http404
    _may_know(user, reform)
    return reform


def _task_for_write(user, pk: int) -> Task:
    task = Task.objects.select_related("reform").filter(pk=pk).first()
    if task is None:
        raise Http404
    if not user.has_perm("supervision.view_task", task):
        _may_know(user, task.reform)
    return task


def _visible_task(user, pk: int) -> Task:
    try:
        return selectors.get_visible_task(user, pk)
    except Task.DoesNotExist:
        raise Http404 from None


def _order(pk: int, qs=None) -> Order:
    order = (qs if qs is not None else Order.objects.all()).filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


def _resolve_task_refs(data: dict[str, Any], reform_id: int | None = None) -> dict[str, Any]:
    """Ids to objects; 422 naming every field with an unknown id."""
    errors: dict[str, list[str]] = {}
    out = dict(data)
    if "unit" in data:
        out["unit"] = Unit.objects.filter(pk=data["unit"]).first()
        if out["unit"] is None:
            errors["unit"] = [_("Unknown unit id: %(id)s.") % {"id": data["unit"]}]
    if data.get("assignee") is not None:
        out["assignee"] = User.objects.filter(pk=data["assignee"], is_active=True).first()
        if out["assignee"] is None:
            errors["assignee"] = [_("Unknown person id: %(id)s.") % {"id": data["assignee"]}]
    if data.get("parent") is not None:
        out["parent"] = Task.objects.filter(pk=data["parent"], reform_id=reform_id).first()
        if out["parent"] is None:
            errors["parent"] = [_("Unknown task id in this reform: %(id)s.") % {"id": data["parent"]}]
    if "weight" in data:
        out["weight"] = Decimal(str(data["weight"]))
    if errors:
        raise ValidationError(errors)
    return out


# --- turning objects into the schemas ------------------------------------------------------------


def _unit(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def _person(user) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": str(user)}


def _task(task: Task, on: dt.date, depth: int | None = None) -> dict[str, Any]:
    return {
        "id": task.pk,
        "reform_id": task.reform_id,
        "parent_id": task.parent_id,
        "depth": task.depth if depth is None else depth,
        "sort_order": task.sort_order,
        "title": task.title,
        "unit": _unit(task.unit),
        "assignee": _person(task.assignee),
        "start_date": task.start_date,
        "due_date": task.due_date,
        "weight": float(task.weight),
        "deliverable": task.deliverable,
        "status": task.status,
        "progress": task.progress,
        "level": task.level,
        "level_reason": task.level_reason,
        "warning": levels.describe_task(task, on),
        "last_report_on": task.last_report_on,
    }


def _evidence(items) -> list[dict[str, Any]]:
    return [
        {
            "id": e.pk,
            "name": e.name,
            "size": e.size,
            "kind": e.kind,
            "url": reverse("supervision:evidence", args=[e.pk]),
        }
        for e in items
    ]


def _report(report: ProgressReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "task": report.task_id,
        "percent": report.percent,
        "text": report.text,
        "problems": report.problems,
        "help_needed": report.help_needed,
        "status": report.status,
        "review_comment": report.review_comment,
        "reported_on": report.reported_on,
        "reporter": _person(report.reporter),
        "evidence": _evidence(Evidence.objects.filter(report=report)),
    }


#: An order with everything :func:`_order_out` reads, in a fixed number of queries.
ORDER_PREFETCH = (
    Prefetch("targets", queryset=OrderTarget.objects.select_related("unit").order_by("unit__code", "pk")),
    Prefetch("items", queryset=OrderItem.objects.select_related("task").order_by("pk")),
)


def _order_out(order: Order) -> dict[str, Any]:
    return {
        "id": order.pk,
        "code": order.code,
        "title": order.title,
        "body": order.body,
        "issued_on": order.issued_on,
        "reply_by": order.reply_by,
        "issued_by": _person(order.issued_by),
        "targets": [{"unit": _unit(t.unit), "acknowledged_at": t.acknowledged_at} for t in order.targets.all()],
        "items": [{"task": i.task_id, "title": i.task.title, "deadline": i.deadline} for i in order.items.all()],
    }


def _order_by_pk(pk: int) -> dict[str, Any]:
    order = Order.objects.select_related("issued_by").prefetch_related(*ORDER_PREFETCH).get(pk=pk)
    return _order_out(order)


def _change_request(request: ChangeRequest) -> dict[str, Any]:
    request = ChangeRequest.objects.select_related("requested_by", "decided_by").get(pk=request.pk)
    return {
        "id": request.pk,
        "reform": request.reform_id,
        "status": request.status,
        "proposed": request.proposed,
        "before": request.before,
        "reason": request.reason,
        "requested_by": _person(request.requested_by),
        "created_at": request.created_at,
        "decided_by": _person(request.decided_by),
        "decided_at": request.decided_at,
        "decision_note": request.decision_note,
        "committee_meeting": request.committee_meeting,
        "evidence": _evidence(Evidence.objects.filter(change_request=request)),
    }


def _completion(completion: Completion) -> dict[str, Any]:
    completion = Completion.objects.select_related("applied_by", "decided_by").get(pk=completion.pk)
    return {
        "id": completion.pk,
        "reform": completion.reform_id,
        "status": completion.status,
        "summary": completion.summary,
        "applied_by": _person(completion.applied_by),
        "created_at": completion.created_at,
        "decided_by": _person(completion.decided_by),
        "decided_at": completion.decided_at,
        "comment": completion.comment,
        "evidence": _evidence(Evidence.objects.filter(completion=completion)),
    }


# --- tasks ---------------------------------------------------------------------------------------


@router.get("/reforms/{reform_id}/tasks", response=TaskList, summary="A reform's task tree")
def list_reform_tasks(request: HttpRequest, reform_id: Path[ObjectId]) -> dict[str, Any]:
    """Every task of the reform, in tree order. 404 unless the caller may see the reform in full."""
    user = signed_in_user(request)
    if not reform_selectors.has_full_access(actor_for(user)):
        raise Http404
    reform = reform_selectors.get_visible_reform(user, reform_id)
    on = today()
    rows = selectors.task_tree(reform)
    return {"count": len(rows), "items": [_task(row.task, on, row.depth) for row in rows]}


@router.post("/reforms/{reform_id}/tasks", response={201: TaskOut}, summary="Add a task to a reform")
def create_task(request: HttpRequest, reform_id: Path[ObjectId], payload: TaskCreate) -> Status:
    """The lead unit (or the office) decomposes its reform; the unit responsible for a task may split
    it further by naming it as ``parent``."""
    user = signed_in_user(request)
    reform = _reform_for_write(user, reform_id)
    data = _resolve_task_refs(payload.model_dump(exclude_unset=True), reform.pk)
    parent = data.pop("parent", None)
    task = services.create_task(user=user, reform=reform, parent=parent, data=data)
    task = Task.objects.select_related("unit", "assignee").get(pk=task.pk)
    return Status(201, _task(task, today()))


@router.get("/tasks/{task_id}", response=TaskOut, summary="One task")
def get_task(request: HttpRequest, task_id: Path[ObjectId]) -> dict[str, Any]:
    user = signed_in_user(request)
    return _task(_visible_task(user, task_id), today())


@router.patch("/tasks/{task_id}", response=TaskOut, summary="Change a task")
def update_task(request: HttpRequest, task_id: Path[ObjectId], payload: TaskChange) -> dict[str, Any]:
    user = signed_in_user(request)
    task = _task_for_write(user, task_id)
    data = _resolve_task_refs(payload.model_dump(exclude_unset=True), task.reform_id)
    services.update_task(user=user, task=task, data=data)
    task = Task.objects.select_related("unit", "assignee").get(pk=task.pk)
    return _task(task, today())


# --- progress reports ----------------------------------------------------------------------------


@router.post(
    "/tasks/{task_id}/reports",
    response={201: ReportOut},
    summary="Report progress on a task (JSON, or multipart with evidence)",
    openapi_extra=_json_or_multipart(ReportIn),
)
def submit_report(request: HttpRequest, task_id: Path[ObjectId]) -> Status:
    """A unit reports on one of its own tasks. Send JSON, or ``multipart/form-data`` with the same
    fields plus one or more files in ``evidence``. A file of the wrong type or too large is refused
    (422 naming ``evidence``) and nothing is written."""
    user = signed_in_user(request)
    task = _task_for_write(user, task_id)
    payload, files = _read_body(request, ReportIn)
    report = services.submit_report(user=user, task=task, evidence=files, **payload.model_dump())
    return Status(201, _report(report))


@router.post("/reports/{report_id}/review", response=ReportOut, summary="Accept or return a report")
def review_report(request: HttpRequest, report_id: Path[ObjectId], payload: DecisionIn) -> dict[str, Any]:
    """The office accepts a report (a 100% report completes its task) or returns it with a comment."""
    user = signed_in_user(request)
    report = ProgressReport.objects.select_related("task__reform").filter(pk=report_id).first()
    if report is None:
        raise Http404
    _may_know(user, report.task.reform)
    report = services.review_report(user=user, report=report, accept=payload.accept, comment=payload.comment)
    return _report(ProgressReport.objects.select_related("reporter").get(pk=report.pk))


@router.post("/tasks/{task_id}/urge", response={201: UrgeOut}, summary="Urge the unit responsible (催办)")
def urge_task(request: HttpRequest, task_id: Path[ObjectId], payload: UrgeIn) -> Status:
    user = signed_in_user(request)
    task = _task_for_write(user, task_id)
    reminder = services.urge(user=user, task=task, message=payload.message)
    out = {
        "id": reminder.pk,
        "kind": reminder.kind,
        "subject": reminder.subject,
        "text": reminder.text,
        "unit": reminder.unit_id,
        "task": reminder.task_id,
        "created_at": reminder.created_at,
    }
    return Status(201, out)


# --- the warning board ---------------------------------------------------------------------------


@router.get("/warnings", response=WarningPage, summary="The warning board: red and amber tasks")
def list_warnings(
    request: HttpRequest, filters: Query[WarningFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """Open tasks at red or amber that the caller may see, red first, then by due date."""
    user = signed_in_user(request)
    if not user.has_perm("supervision.view_board"):
        raise PermissionDenied(_("You may not see the warning board."))
    criteria = selectors.TaskFilters(
        unit=filters.unit,
        domain=filters.domain,
        tier=filters.tier,
        level=filters.level,
        district=filters.district,
        q=filters.q,
    )
    on = today()

    def encode() -> bytes:
        page = paginate(selectors.warning_list(user, criteria), paging)
        body = {"count": page["count"], "items": [_warning_item(task, on) for task in page["items"]]}
        return json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False).encode()

    # The same page for everyone who may see the same tasks, until the next write or the next scan
    # (both audited, core.cache); the day and the language are in the key because the warning's
    # words ("overdue by 3 days") move at midnight and follow the language.
    key = (
        f"api-warnings:{reform_selectors.visibility_key(user)}|{criteria!r}|{paging.page}:{paging.page_size}"
        f"|{on.isoformat()}|{get_language()}"
    )
    return HttpResponse(cached_value(key, encode), content_type="application/json; charset=utf-8")


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
        "unit": _unit(task.unit),
        "assignee": _person(task.assignee),
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


# --- supervision orders --------------------------------------------------------------------------


@router.get("/orders", response=OrderPage, summary="Supervision orders")
def list_orders(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The office sees every order; a unit the orders addressed to it."""
    user = signed_in_user(request)
    page = paginate(selectors.visible_orders(user).prefetch_related(*ORDER_PREFETCH), paging)
    return {"count": page["count"], "items": [_order_out(order) for order in page["items"]]}


@router.get("/orders/{order_id}", response=OrderOut, summary="One supervision order")
def get_order(request: HttpRequest, order_id: Path[ObjectId]) -> dict[str, Any]:
    user = signed_in_user(request)
    order = _order(order_id, selectors.visible_orders(user).prefetch_related(*ORDER_PREFETCH))
    return _order_out(order)


@router.post("/orders", response={201: OrderOut}, summary="Issue a supervision order (改革督查令)")
def issue_order(request: HttpRequest, payload: OrderIn) -> Status:
    """The office issues a numbered order to units, listing tasks with deadlines. The units of the
    listed tasks are added to the targets; with no unit at all the order is refused (422 ``units``)."""
    user = signed_in_user(request)
    if not user.has_perm("supervision.issue_order"):
        raise PermissionDenied(_("You may not do this."))
    errors: dict[str, list[str]] = {}
    unit_ids = list(dict.fromkeys(payload.units))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)} if unit_ids else {}
    missing = [str(i) for i in unit_ids if i not in units]
    if missing:
        errors["units"] = [_("Unknown unit ids: %(ids)s.") % {"ids": ", ".join(missing)}]
    task_ids = [item.task for item in payload.items]
    tasks = {t.pk: t for t in selectors.visible_tasks(user).filter(pk__in=task_ids)} if task_ids else {}
    missing = [str(i) for i in dict.fromkeys(task_ids) if i not in tasks]
    if missing:
        errors["items"] = [_("Unknown task ids: %(ids)s.") % {"ids": ", ".join(missing)}]
    elif len(set(task_ids)) != len(task_ids):
        errors["items"] = [_("Each task may be listed once.")]
    if errors:
        raise ValidationError(errors)
    order = services.issue_order(
        user=user,
        title=payload.title,
        body=payload.body,
        reply_by=payload.reply_by,
        units=[units[i] for i in unit_ids],
        items=[(tasks[item.task], item.deadline) for item in payload.items],
    )
    return Status(201, _order_by_pk(order.pk))


@router.post("/orders/{order_id}/acknowledge", response=OrderOut, summary="Acknowledge an order (签收)")
def acknowledge_order(
    request: HttpRequest, order_id: Path[ObjectId], payload: AcknowledgeIn | None = None
) -> dict[str, Any]:
    """A target unit signs for the order. Someone in several target units names the unit; an order
    not addressed to the caller's unit is 403, signing twice 422."""
    user = signed_in_user(request)
    order = _order(order_id)
    unit = None
    if payload is not None and payload.unit is not None:
        unit = Unit.objects.filter(pk=payload.unit).first()
        if unit is None:
            raise ValidationError({"unit": [_("Unknown unit id: %(id)s.") % {"id": payload.unit}]})
    services.acknowledge_order(user=user, order=order, unit=unit)
    return _order_by_pk(order.pk)


# --- change requests (改革深化) and completion (办结) ---------------------------------------------------


@router.post(
    "/reforms/{reform_id}/change-requests",
    response={201: ChangeRequestOut},
    summary="Request a change of a reform (JSON, or multipart with evidence)",
    openapi_extra=_json_or_multipart(ChangeRequestIn, json_fields=("changes",)),
)
def request_change(request: HttpRequest, reform_id: Path[ObjectId]) -> Status:
    """Anyone responsible for the reform asks to change its goals, measures, deliverables or dates,
    with a reason. In multipart, ``changes`` is the JSON object as text, and files go in ``evidence``."""
    user = signed_in_user(request)
    reform = _reform_for_write(user, reform_id)
    payload, files = _read_body(request, ChangeRequestIn, json_fields=("changes",))
    change = services.request_change(
        user=user,
        reform=reform,
        proposed=payload.changes.model_dump(exclude_unset=True),
        reason=payload.reason,
        evidence=files,
    )
    return Status(201, _change_request(change))


@router.post("/change-requests/{request_id}/decide", response=ChangeRequestOut, summary="Decide a change request")
def decide_change(request: HttpRequest, request_id: Path[ObjectId], payload: ChangeDecisionIn) -> dict[str, Any]:
    """The office approves (the change applies at once) or rejects with a note. Key reforms record
    the committee meeting. A request already decided is 422."""
    user = signed_in_user(request)
    change = ChangeRequest.objects.select_related("reform").filter(pk=request_id).first()
    if change is None:
        raise Http404
    _may_know(user, change.reform)
    change = services.decide_change(
        user=user,
        change_request=change,
        approve=payload.approve,
        note=payload.note,
        committee_meeting=payload.committee_meeting,
    )
    return _change_request(change)


@router.post(
    "/reforms/{reform_id}/completion",
    response={201: CompletionOut},
    summary="Apply to close a reform (multipart with evidence)",
    openapi_extra=_json_or_multipart(CompletionIn, files_required=True),
)
def apply_completion(request: HttpRequest, reform_id: Path[ObjectId]) -> Status:
    """The lead unit applies to close its reform, with a summary and evidence files."""
    user = signed_in_user(request)
    reform = _reform_for_write(user, reform_id)
    payload, files = _read_body(request, CompletionIn)
    completion = services.apply_completion(user=user, reform=reform, summary=payload.summary, evidence=files)
    return Status(201, _completion(completion))


@router.post("/completions/{completion_id}/decide", response=CompletionOut, summary="Decide a completion application")
def decide_completion(
    request: HttpRequest, completion_id: Path[ObjectId], payload: DecisionIn
) -> dict[str, Any]:
    """The office accepts (the reform is completed and locked) or returns it with a comment."""
    user = signed_in_user(request)
    completion = Completion.objects.select_related("reform").filter(pk=completion_id).first()
    if completion is None:
        raise Http404
    _may_know(user, completion.reform)
    completion = services.decide_completion(
        user=user, completion=completion, accept=payload.accept, comment=payload.comment
    )
    return _completion(completion)


# --- the inbox -------------------------------------------------------------------------------------


@router.get("/inbox", response=InboxPage, summary="My inbox: reminders, urgings, orders")
def list_inbox(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The caller's messages, newest first, with how many are unread."""
    user = signed_in_user(request)
    qs = selectors.inbox(user)
    # Counted every time: reading a message is not an audited write, so no cached count would notice.
    totals = qs.aggregate(count=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
    start = (paging.page - 1) * paging.page_size
    rows: list[Delivery] = list(qs[start : start + paging.page_size]) if start < totals["count"] else []
    items = [
        {
            "id": d.pk,
            "kind": d.reminder.kind,
            "subject": d.reminder.subject,
            "text": d.reminder.text,
            "link": d.reminder.link,
            "sender": _person(d.reminder.sender),
            "task": d.reminder.task_id,
            "reform": d.reminder.reform_id,
            "order": d.reminder.order_id,
            "created_at": d.reminder.created_at,
            "read_at": d.read_at,
        }
        for d in rows
    ]
    return {"count": totals["count"], "unread": totals["unread"], "items": items}


@router.post("/inbox/read", response=ReadOut, summary="Mark my messages read")
def mark_inbox_read(request: HttpRequest, payload: ReadIn | None = None) -> dict[str, Any]:
    """All unread messages, or those named in ``ids`` (ids of other people's messages change nothing)."""
    user = signed_in_user(request)
    ids = payload.ids if payload is not None else None
    marked = services.mark_read(user=user, delivery_ids=ids)
    return {"marked": marked, "unread": selectors.unread_count(user)}
