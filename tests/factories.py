"""Factories for tests and benchmarks: real models, saved to the real database."""

import datetime as dt

import factory

from reformledger.org.models import Domain, Membership, Role, Unit, UnitKind, User
from reformledger.reforms.models import Reform, Status, Tier


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


class ReformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reform

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
