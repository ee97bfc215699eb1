"""Two people racing with one rating code (PostgreSQL): the code's row is locked, one stores, the
other is told the code is used; nothing is stored twice."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from reformledger.evaluation.models import Rating, RatingCode
from reformledger.evaluation.services import codes as code_services
from tests.evaluation.factories import RoundFactory, add_reforms

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite lets one writer in at a time: concurrent writers are a PostgreSQL matter",
    ),
]


def test_one_code_two_people_at_once(district, people, reform_factory):
    round_ = RoundFactory(district=district.district, created_by=people.office)
    reforms = [reform_factory(code="R-1"), reform_factory(code="R-2")]
    add_reforms(round_, reforms)
    pack = code_services.make_code_pack(user=people.office, round=round_, community=district.community_a, size=1)
    code = code_services.download_code_pack(user=people.office, pack=pack)[0]
    items = [{"reform": r.pk, "scores": {"satisfaction": 5, "effect": 5}} for r in reforms]
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def run() -> None:
        try:
            barrier.wait(10)
            with translation.override("en"):  # a thread starts in the default language (zh-Hans)
                outcomes.append(code_services.submit_code_ratings(round=round_, code=code, ratings=items, address="", device=""))
        except ValidationError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    stored = [o for o in outcomes if isinstance(o, list)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(stored) == 1 and len(refused) == 3
    assert all("already been used" in e.message_dict["code"][0] for e in refused), [e.message_dict for e in refused]
    assert Rating.objects.filter(round=round_).count() == 2
    assert RatingCode.objects.get(pack=pack).used_at is not None
