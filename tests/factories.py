"""Factories for tests and benchmarks: real models, saved to the real database.

They set data up without the services: no permission check, no audit entry, no roll-up (a task's
computed ``progress`` and ``level`` are what you give). A test of a write, or one that needs the
audit trail or the computed levels, goes through the service instead.
"""

import datetime as dt

import factory
from django.utils import timezone

from reformledger.org.models import Domain, Membership, Role, SpecialGroup, Unit, UnitKind, User
from reformledger.reforms.models import Plan, Reform, Status, Tier
from reformledger.supervision.models import (
    ChangeRequest,
    Completion,
    HelpRequest,
    Order,
    OrderItem,
    OrderTarget,
    ProgressReport,
    Task,
)
from reformledger.supervision.services.orders import order_code


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = UnitKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.UNIT_STAFF


class SpecialGroupFactory(factory.django.DjangoModelFactory):
    """A special group (专项小组) of one domain in one district, led by ``leader``."""

    class Meta:
        model = SpecialGroup

    district = factory.SubFactory(UnitFactory, kind=UnitKind.DISTRICT)
    domain = factory.LazyFunction(lambda: Domain.objects.get(code="government-functions"))
    name = factory.Sequence(lambda n: f"专项小组{n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    district = factory.SubFactory(UnitFactory, kind=UnitKind.DISTRICT)
    year = 2018
    title = factory.LazyAttribute(lambda o: f"{o.year}年改革计划")


class ReformFactory(factory.django.DjangoModelFactory):
    """``co_units=[...]`` sets the units that work with the lead unit."""

    class Meta:
        model = Reform
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T-{n:05d}")
    title = factory.Sequence(lambda n: f"测试改革{n}")
    tier = Tier.MICRO
    year = 2018
    domain = factory.LazyFunction(lambda: Domain.objects.get(code="government-functions"))
    status = Status.IN_PROGRESS
    progress = 50
    start_date = dt.date(2018, 1, 1)
    due_date = dt.date(2018, 12, 31)
    lead_unit = factory.SubFactory(UnitFactory)
    district = factory.LazyAttribute(lambda o: Unit.objects.get(pk=o.lead_unit.district_id or o.lead_unit.pk))

    @factory.post_generation
    def co_units(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.co_units.set(extracted)


# --- supervision -----------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _in_range(task: Task) -> tuple[dt.date | None, dt.date | None]:
    """The range a task's dates must lie in: its parent's, or its reform's at the top."""
    outer = task.parent or task.reform
    return outer.start_date, outer.due_date


class TaskFactory(factory.django.DjangoModelFactory):
    """A task of ``reform`` (or under ``parent``), in the reform's district, for its lead unit,
    over its parent's dates (the reform's at the top; today and 60 days on when it has none).

    The level is the one you give (green unless told): nothing is computed, so a test that needs
    the level the dates give adds its task through ``task_services.create_task``.
    """

    class Meta:
        model = Task

    parent = None
    reform = factory.Maybe(
        "parent",
        yes_declaration=factory.LazyAttribute(lambda o: o.parent.reform),
        no_declaration=factory.SubFactory(ReformFactory),
    )
    district = factory.LazyAttribute(lambda o: o.reform.district)
    path = factory.LazyAttribute(lambda o: f"{o.parent.path}{o.parent.pk}/" if o.parent else "")
    depth = factory.LazyAttribute(lambda o: o.parent.depth + 1 if o.parent else 0)
    title = factory.Sequence(lambda n: f"任务{n}")
    unit = factory.LazyAttribute(lambda o: o.parent.unit if o.parent else o.reform.lead_unit)
    start_date = factory.LazyAttribute(lambda o: (o.parent or o.reform).start_date or _today())
    due_date = factory.LazyAttribute(
        lambda o: (o.parent or o.reform).due_date or o.start_date + dt.timedelta(days=60)
    )
    original_due_date = factory.LazyAttribute(lambda o: o.due_date)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        task = model_class(*args, **kwargs)
        start, due = _in_range(task)
        if task.district_id != task.reform.district_id:
            raise ValueError(f"task {task.title!r}: its district must be its reform's")
        if (start and task.start_date < start) or (due and task.due_date > due) or task.due_date < task.start_date:
            raise ValueError(f"task {task.title!r}: its dates must lie within {start}..{due}")
        task.save()
        return task


class ProgressReportFactory(factory.django.DjangoModelFactory):
    """A report on ``task``, waiting for review unless told (no roll-up: the task keeps its progress)."""

    class Meta:
        model = ProgressReport

    task = factory.SubFactory(TaskFactory)
    district_id = factory.LazyAttribute(lambda report: report.task.district_id)
    reporter = factory.SubFactory(UserFactory)
    reported_on = factory.LazyFunction(_today)
    percent = 20
    text = "已完成调研"


class HelpRequestFactory(factory.django.DjangoModelFactory):
    """Help asked for in ``report``; of the report's reform and district unless told."""

    class Meta:
        model = HelpRequest

    report = factory.SubFactory(ProgressReportFactory, help_needed="需协调")
    reform = factory.LazyAttribute(lambda o: o.report.task.reform)
    district = factory.LazyAttribute(lambda o: o.reform.district)
    text = factory.LazyAttribute(lambda o: o.report.help_needed or "需协调")


class OrderFactory(factory.django.DjangoModelFactory):
    """A supervision order numbered as the service numbers it (``罗改督〔year〕n号``), issued today.

    ``targets=[unit, ...]`` addresses it to units (not yet signed for: see ``OrderTargetFactory``);
    ``items=[task, ...]`` lists tasks, each with its own due date as the deadline.
    """

    class Meta:
        model = Order
        skip_postgeneration_save = True

    district = factory.SubFactory(UnitFactory, kind=UnitKind.DISTRICT)
    issued_on = factory.LazyFunction(_today)
    year = factory.LazyAttribute(lambda o: o.issued_on.year)
    number = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda o: order_code(district=o.district, year=o.year, number=o.number))
    title = factory.LazyAttribute(lambda o: f"督查令{o.number}")
    issued_by = factory.SubFactory(UserFactory)
    reply_by = factory.LazyAttribute(lambda o: o.issued_on + dt.timedelta(days=10))

    @factory.post_generation
    def targets(obj, create, extracted, **kwargs):
        for unit in extracted or ():
            OrderTargetFactory(order=obj, unit=unit)

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        for task in extracted or ():
            OrderItemFactory(order=obj, task=task)


class OrderTargetFactory(factory.django.DjangoModelFactory):
    """A unit an order is addressed to; ``acknowledged=True`` signs for it now."""

    class Meta:
        model = OrderTarget

    class Params:
        acknowledged = factory.Trait(acknowledged_at=factory.LazyFunction(timezone.now))

    order = factory.SubFactory(OrderFactory)
    unit = factory.SubFactory(UnitFactory)


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    task = factory.SubFactory(TaskFactory)
    deadline = factory.LazyAttribute(lambda o: o.task.due_date)


class CompletionFactory(factory.django.DjangoModelFactory):
    """An application to close ``reform`` (办结), waiting for the office's decision unless told."""

    class Meta:
        model = Completion

    reform = factory.SubFactory(ReformFactory)
    applied_by = factory.SubFactory(UserFactory)
    summary = "已完成"


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """A request to adjust ``reform`` (改革深化), waiting for a decision unless told."""

    class Meta:
        model = ChangeRequest

    reform = factory.SubFactory(ReformFactory)
    requested_by = factory.SubFactory(UserFactory)
    proposed = factory.LazyFunction(lambda: {"goals": "新目标"})
    reason = "情况变化"
