"""Who may do what in supervision. Services check these; pages and the API show only what passes.

* Every office rule is the office *of the record's district* (``is_district_office``, ADR 0025):
  an office sees and changes only its own district; the province office reads every district and
  changes nothing (no rule below that changes anything admits it).
* The office runs supervision: issues orders, reviews reports, urges, decides completions and
  change requests; it may also edit every task.
* The lead unit decomposes its reform; the unit responsible for a task may split that task
  further (layer by layer, 层层分解).
* A unit reports only on its own tasks; it acknowledges and replies to only the orders addressed
  to it (its staff and head). A unit an order is copied to (抄送) reads it and owes nothing.
* The office of the order's district reviews the replies (accepts or returns them); the order
  closes by itself when the last reply is accepted.
* The office of the district corrects an accepted figure and reopens a completion, each with a reason.
* Anyone responsible for a reform (office, lead unit, responsible leader) may request a change.
* Help needed is resolved by the leader it was escalated to, or by the office.
* Once a task exists only the office moves its dates; the unit responsible for it (or the lead
  unit) asks for more time with an extension request, which the district's office decides.
* A completed or terminated reform is locked: its tasks change only through a change request.
"""

import rules

from reformledger.org.rules import is_district_office, reads_every_district, sees_whole_district
from reformledger.org.selectors import actor_for, has_full_access
from reformledger.reforms.rules import can_view_full, in_lead_unit, is_locked, leads_reform


def _reform_of(obj):
    return getattr(obj, "reform", obj)


@rules.predicate
def in_its_unit(user, obj) -> bool:
    """The task (or the order's target) is given to a unit the person works in."""
    return obj is not None and obj.unit_id in actor_for(user).unit_ids


@rules.predicate
def in_task_lead_unit(user, task) -> bool:
    return task is not None and in_lead_unit(user, task.reform)


@rules.predicate
def task_locked(user, task) -> bool:
    """The task's reform is completed or terminated; a follow-up task filed after completion (by a
    look-back review) stays open work: its unit reports on it."""
    return task is not None and not getattr(task, "follow_up", False) and is_locked(user, task.reform)


@rules.predicate
def can_view_task_reform(user, task) -> bool:
    return task is not None and can_view_full(user, task.reform)


@rules.predicate
def splits_parent(user, task) -> bool:
    """Whoever may split a task's parent may edit or remove the sub-tasks (the parent's reform
    is read from ``task.parent.reform``: hand it over when it is loaded already)."""
    return task is not None and task.parent_id is not None and user.has_perm("supervision.split_task", task.parent)


@rules.predicate
def set_by_office(user, task) -> bool:
    """The reform office set this task (units change only the sub-tasks they made themselves)."""
    return task is not None and task.set_by_office


@rules.predicate
def is_help_leader(user, help_request) -> bool:
    return help_request is not None and help_request.leader_id == user.pk


@rules.predicate
def addressed_or_copied(user, order) -> bool:
    """The order is addressed or copied to a unit the person works in (the order's targets and
    copies are read from the database: one query each)."""
    unit_ids = actor_for(user).unit_ids
    if order is None or not unit_ids:
        return False
    return order.targets.filter(unit_id__in=unit_ids).exists() or order.copies.filter(unit_id__in=unit_ids).exists()


#: The office and the committee see every order of their district; the province office every order.
sees_all_orders = sees_whole_district


@rules.predicate
def sees_supervision(user) -> bool:
    """The office, the committee and leaders watch the board; a unit sees its own part of it.
    What each sees is scoped like the catalogue (``selectors.visible_tasks``)."""
    return has_full_access(actor_for(user))


# Reforms. Every office rule is checked on the record (a reform, task, order, request, report):
# the office of its district (ADR 0025).
rules.add_perm("supervision.decompose_reform", (is_district_office | in_lead_unit) & ~is_locked)
rules.add_perm("supervision.apply_completion", in_lead_unit & ~is_locked)
rules.add_perm("supervision.request_change", is_district_office | in_lead_unit | leads_reform)
rules.add_perm("supervision.decide", is_district_office)  # on the completion's or change request's reform
# The office of the reform's district corrects an accepted figure (a leaf task's, or the progress
# of a reform without tasks) with a reason, and reopens a completion with a reason.
rules.add_perm("supervision.correct_progress", is_district_office)
rules.add_perm("supervision.reopen_completion", is_district_office)
# Tasks
rules.add_perm("supervision.view_task", can_view_task_reform | in_its_unit)
can_change_task = (is_district_office | in_task_lead_unit) & ~task_locked
rules.add_perm("supervision.change_task", can_change_task)
# Edit or remove a task: whoever may change it, or whoever may split its parent; work the office
# set, the office only.
rules.add_perm("supervision.edit_task", (can_change_task | splits_parent) & (is_district_office | ~set_by_office))
rules.add_perm("supervision.split_task", (is_district_office | in_task_lead_unit | in_its_unit) & ~task_locked)
rules.add_perm("supervision.report_on_task", in_its_unit & ~task_locked)
# Dates are the office's commitments: a unit asks for more time (延期申请), the district's office decides.
rules.add_perm("supervision.move_dates", is_district_office)
rules.add_perm("supervision.request_extension", (in_its_unit | in_task_lead_unit) & ~task_locked)
rules.add_perm("supervision.decide_extension", is_district_office)  # on the request: its district
rules.add_perm("supervision.review_report", is_district_office)  # on the report's task
rules.add_perm("supervision.urge", is_district_office)  # on the task or reform urged about
# Orders
rules.add_perm("supervision.issue_order", is_district_office)  # on the order's district
rules.add_perm("supervision.acknowledge_order", in_its_unit)
rules.add_perm("supervision.reply_to_order", in_its_unit)  # on the OrderTarget: the unit's own staff
rules.add_perm("supervision.review_order_reply", is_district_office)  # on the Order
rules.add_perm("supervision.view_order", sees_all_orders | addressed_or_copied)
# Help needed
rules.add_perm("supervision.resolve_help", is_district_office | is_help_leader)
# Pages
rules.add_perm("supervision.view_board", sees_supervision)
# Follow-up tasks after completion (整改, from a look-back review): the office of the reform's district.
rules.add_perm("supervision.file_follow_up", is_district_office & is_locked)
rules.add_perm("supervision.make_bulletin", is_district_office | reads_every_district)  # a read: the province office too


# Figures awaiting review (ADR 0022): plain functions, for pages and the API to decide what to show.


def sees_reported(user, task, reform=None) -> bool:
    """Whether this person sees a task's reported figure awaiting review: the office, the task's
    unit and the reform's lead unit. Leaders, the committee and the public see accepted figures
    only (ADR 0022). Reads the task's reform (pass ``reform`` when it is not loaded)."""
    actor = actor_for(user)
    reform = reform or task.reform
    if actor.is_office and actor.in_district(reform.district_id):
        return True
    return bool(actor.unit_ids) and (task.unit_id in actor.unit_ids or reform.lead_unit_id in actor.unit_ids)


def sees_reported_of_reform(user, reform) -> bool:
    """Whether this person sees the figures awaiting review of a reform as a whole: the office
    and the lead unit."""
    actor = actor_for(user)
    return (actor.is_office and actor.in_district(reform.district_id)) or reform.lead_unit_id in actor.unit_ids
