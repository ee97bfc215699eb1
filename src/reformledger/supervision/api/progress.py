"""The office's correction of an accepted figure, with a reason (ADR 0022): a leaf task's
progress, or the progress of a reform without tasks. Nobody types progress otherwise."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import ObjectId, signed_in_user

from ..models import Task
from ..rollup import today
from ..selectors import tasks as task_selectors
from ..selectors.reforms import get_reform
from ..services import progress as progress_services
from .tasks import TaskOut, task_out

router = Router()


class CorrectionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    percent: int = Field(..., ge=0, le=100, description="The corrected progress, 0 to 100.")
    reason: str = Field(..., max_length=limits.REASON, description="Why the accepted figure is corrected (required).")


class ReformProgressOut(Schema):
    id: int
    progress: int


@router.post(
    "/tasks/{task_id}/progress-correction",
    response=TaskOut,
    summary="Correct a task's accepted progress (office, with a reason)",
)
def correct_task_progress(request: HttpRequest, task_id: Path[ObjectId], payload: CorrectionIn) -> dict[str, Any]:
    """The office of the reform's district corrects a leaf task's accepted progress; the reform's
    roll-up follows. Recorded in the reform's history as a correction with its reason."""
    user = signed_in_user(request)
    task = task_selectors.get_task(user, task_id, for_change=True)
    progress_services.correct_progress(user=user, task=task, percent=payload.percent, reason=payload.reason)
    task = Task.objects.select_related("unit", "assignee").get(pk=task.pk)
    return task_out(task, today())


@router.post(
    "/reforms/{reform_id}/progress-correction",
    response=ReformProgressOut,
    summary="Correct the progress of a reform without tasks (office, with a reason)",
)
def correct_reform_progress(request: HttpRequest, reform_id: Path[ObjectId], payload: CorrectionIn) -> dict[str, Any]:
    """A reform without tasks has no roll-up: its progress is what the office last set by
    correction (or the ledger imported). A reform with tasks answers 422: correct a task."""
    user = signed_in_user(request)
    reform = get_reform(user, reform_id, for_change=True)
    reform = progress_services.correct_reform_progress(user=user, reform=reform, percent=payload.percent, reason=payload.reason)
    return {"id": reform.pk, "progress": reform.progress}
