"""A unique value taken by another writer in the same instant is a 422 naming the field, never a
500 (issue 9, finding 10: 30 racing creates of one reform code gave one 500)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reformledger.core.integrity import save_unique
from reformledger.reforms.models import Reform
from tests.clients import Api, english_client, errors_by_field
from tests.factories import ReformFactory

RACERS = 30


def new_reform(unit):
    return {"code": "LH-RACE-1", "title": "同号改革", "tier": "micro", "year": 2019,
            "domain": "grassroots-governance", "lead_unit": unit.pk}


@pytest.mark.django_db
def test_a_code_taken_between_the_check_and_the_save_is_a_validation_error_on_code(district):
    """What the losing writer meets: the check passed, the insert finds the code taken."""
    ReformFactory(code="LH-1", lead_unit=district.sub_a)
    late = ReformFactory.build(code="LH-1", lead_unit=district.sub_a, district=district.district)
    with pytest.raises(ValidationError) as raised:
        save_unique(late, fields=["code"])
    assert list(raised.value.message_dict) == ["code"]
    assert Reform.objects.filter(code="LH-1").count() == 1
    assert Reform.objects.count() == 1  # and the transaction goes on: the savepoint took the failure


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time: racing inserts are a PostgreSQL matter",
)
def test_thirty_racing_creates_of_one_code_give_one_201_and_422s(people, district):
    token = Api(client=english_client(), tokens={}).token(people.office)
    barrier = threading.Barrier(RACERS)
    answers: list = [None] * RACERS

    def create(i: int) -> None:
        try:
            api = Api(client=english_client(), tokens={people.office.pk: token})
            barrier.wait(20)
            answers[i] = api.post("/reforms", people.office, new_reform(district.sub_a))
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] + [422] * (RACERS - 1), codes
    for response in answers:
        if response.status_code == 422:
            assert list(errors_by_field(response)) == ["code"]
    assert Reform.objects.filter(code="LH-RACE-1").count() == 1
