"""Factories of the evaluation for tests and the benchmark: rounds, their reforms, ratings, code
packs (without the services: no permission check, no audit entry)."""

import datetime as dt

import factory
from django.utils import timezone

from reformledger.evaluation.models import (
    DEFAULT_DIMENSIONS,
    Channel,
    Rating,
    RatingCode,
    RatingCodePack,
    Round,
    RoundKind,
    RoundReform,
)
from reformledger.evaluation.services import tallies
from reformledger.org.models import Unit
from tests.factories import UserFactory


def dimensions(**labels: str) -> list[dict[str, str]]:
    return [{"key": key, "label": label} for key, label in (labels or DEFAULT_DIMENSIONS).items()]


class RoundFactory(factory.django.DjangoModelFactory):
    """An open public round (opened yesterday, closing in a week) unless told otherwise."""

    class Meta:
        model = Round

    district = factory.LazyFunction(lambda: Unit.objects.get(code="lh"))
    kind = RoundKind.PUBLIC
    year = 2018
    title = factory.Sequence(lambda n: f"群众评议{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    dimensions = factory.LazyFunction(dimensions)
    min_ratings = 30
    prior_weight = 10
    created_by = factory.SubFactory(UserFactory)


class RoundReformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundReform

    position = factory.Sequence(lambda n: n)


class RatingFactory(factory.django.DjangoModelFactory):
    """A web rating by a new person: ``score_1``, ``score_2`` … as given; counted in its round's
    tallies, as every stored rating is (``services.tallies``)."""

    class Meta:
        model = Rating

    channel = Channel.WEB
    rater = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        rating = super()._create(model_class, *args, **kwargs)
        tallies.count(round=rating.round, ratings=[rating])
        return rating


class CodePackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RatingCodePack

    size = 10
    created_by = factory.SubFactory(UserFactory)


class CodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RatingCode

    code_hash = factory.Sequence(lambda n: f"{n:064x}")


def add_reforms(round: Round, reforms) -> None:
    RoundReform.objects.bulk_create([RoundReform(round=round, reform=r, position=i) for i, r in enumerate(reforms)])
