"""Rating code packs: made by the district's office, downloaded once (codes drawn then, stored
hashed), each code used once to rate reforms of an open round, on a public page slowed per address."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from openpyxl import load_workbook

from reformledger.core.models import AuditEntry
from reformledger.evaluation.hashing import code_hash
from reformledger.evaluation.models import Channel, CommentStatus, Rating, RatingCode, RoundKind
from reformledger.evaluation.services import codes as code_services
from reformledger.evaluation.services import tallies
from reformledger.evaluation.services.codes import ALPHABET, CODE_LENGTH, MAX_PACK_SIZE
from reformledger.evaluation.views import offline as offline_views
from tests.evaluation.factories import RoundFactory, add_reforms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages in English whatever an earlier test left active (zh-Hans is the default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def round_(district, people, reform_factory):
    found = RoundFactory(district=district.district, created_by=people.office)
    add_reforms(found, [reform_factory(code="R-1"), reform_factory(code="R-2")])
    return found


@pytest.fixture
def pack(round_, people, district):
    return code_services.make_code_pack(user=people.office, round=round_, community=district.community_a, size=5)


def rating(reform, s1=5, s2=4, comment=""):
    return {"reform": reform.pk, "scores": {"satisfaction": s1, "effect": s2}, "comment": comment}


def test_make_pack_rights(round_, people, other_people, province_office, district):
    for who in (province_office, other_people.office, people.unit_staff, people.committee, people.resident):
        with pytest.raises(PermissionDenied):
            code_services.make_code_pack(user=who, round=round_, community=district.community_a, size=5)
    made = code_services.make_code_pack(user=people.office, round=round_, community=district.community_a, size=5, note="周三居民议事会")
    assert made.downloaded_at is None and not made.codes.exists()
    assert AuditEntry.objects.filter(action="evaluation.code_pack.make", object_id=str(made.pk)).exists()


def test_make_pack_bad_input(round_, people, district, other_district):
    with pytest.raises(ValidationError) as caught:
        code_services.make_code_pack(user=people.office, round=round_, community=other_district.street, size=MAX_PACK_SIZE + 1)
    assert set(caught.value.message_dict) == {"community", "size"}
    with pytest.raises(ValidationError) as caught:
        code_services.make_code_pack(user=people.office, round=round_, community=district.department, size=0)
    assert set(caught.value.message_dict) == {"community", "size"}
    round_.closes_at = timezone.now() - dt.timedelta(minutes=1)
    round_.opens_at = round_.closes_at - dt.timedelta(days=3)
    round_.save()
    with pytest.raises(ValidationError) as caught:
        code_services.make_code_pack(user=people.office, round=round_, community=district.community_a, size=3)
    assert "round" in caught.value.message_dict
    expert = RoundFactory(district=round_.district, created_by=people.office, kind=RoundKind.EXPERT, dimensions=[])
    with pytest.raises(ValidationError):
        code_services.make_code_pack(user=people.office, round=expert, community=district.community_a, size=3)


def test_download_once_hashed_only(pack, people):
    codes = code_services.download_code_pack(user=people.office, pack=pack)
    assert len(codes) == len(set(codes)) == 5
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    stored = set(RatingCode.objects.filter(pack=pack).values_list("code_hash", flat=True))
    assert stored == {code_hash(c) for c in codes}
    assert not stored & set(codes)  # nothing in clear
    with pytest.raises(ValidationError) as caught:
        code_services.download_code_pack(user=people.office, pack=pack)
    assert "cannot be printed again" in caught.value.messages[0]
    assert RatingCode.objects.filter(pack=pack).count() == 5
    assert AuditEntry.objects.filter(action="evaluation.code_pack.download_refused", object_id=str(pack.pk)).count() == 1


def test_download_rights(pack, province_office, other_people):
    for who in (province_office, other_people.office):
        with pytest.raises(PermissionDenied):
            code_services.download_code_pack(user=who, pack=pack)
    assert not pack.codes.exists()


def test_use_a_code(round_, pack, people):
    code = code_services.download_code_pack(user=people.office, pack=pack)[0]
    reforms = list(round_.reforms.order_by("code"))
    typed = f" {code[:5].lower()}-{code[5:]} "  # as a person types it
    made = code_services.submit_code_ratings(
        round=round_, code=typed, ratings=[rating(reforms[0], comment="<b>好</b>"), rating(reforms[1], 3, 3)],
        address="10.0.0.1", device="Mozilla/5.0",
    )
    assert len(made) == 2
    stored = list(Rating.objects.filter(round=round_).order_by("reform__code"))
    assert {r.channel for r in stored} == {Channel.CODE}
    assert {r.community_id for r in stored} == {pack.community_id}
    assert (stored[0].score_1, stored[0].score_2, stored[0].comment) == (5, 4, "<b>好</b>")
    assert stored[0].comment_status == CommentStatus.PENDING and stored[1].comment_status == CommentStatus.NONE
    assert stored[0].address_hash and stored[0].address_hash != "10.0.0.1"
    assert RatingCode.objects.get(code_hash=code_hash(code)).used_at is not None
    with pytest.raises(ValidationError) as caught:
        code_services.submit_code_ratings(round=round_, code=code, ratings=[rating(reforms[0])], address="", device="")
    assert "already been used" in caught.value.message_dict["code"][0]
    assert Rating.objects.filter(round=round_).count() == 2
    assert tallies.disagreements(round=round_) == []


def test_bad_codes_and_ratings_store_nothing(round_, pack, people, reform_factory):
    code = code_services.download_code_pack(user=people.office, pack=pack)[0]
    reform = round_.reforms.first()
    outsider = reform_factory(code="NOT-IN")
    cases = [
        ("ABCDE-FGHJK", [rating(reform)], "code"),  # well formed, unknown
        ("0O1IL", [rating(reform)], "code"),  # not a code at all
        (code, [], "ratings"),
        (code, [rating(outsider)], "ratings.0.reform"),
        (code, [rating(reform), rating(reform)], "ratings.1.reform"),
        (code, [rating(reform, s1=6)], "ratings.0.scores.satisfaction"),
        (code, [{"reform": reform.pk, "scores": {"satisfaction": 5}}], "ratings.0.scores.effect"),
        (code, [{"reform": reform.pk, "scores": {"satisfaction": 5, "effect": 5, "speed": 5}}], "ratings.0.scores.speed"),
        (code, [rating(reform, comment="x" * 100_000)], "ratings.0.comment"),
    ]
    for typed, items, field in cases:
        with pytest.raises(ValidationError) as caught:
            code_services.submit_code_ratings(round=round_, code=typed, ratings=items, address="", device="")
        assert field in caught.value.message_dict, (field, caught.value.message_dict)
    assert not Rating.objects.exists()
    assert RatingCode.objects.filter(used_at__isnull=False).count() == 0


def test_code_of_another_round_or_a_closed_round(round_, pack, people, district):
    code = code_services.download_code_pack(user=people.office, pack=pack)[0]
    other = RoundFactory(district=district.district, created_by=people.office)
    add_reforms(other, list(round_.reforms.all()))
    with pytest.raises(ValidationError) as caught:
        code_services.submit_code_ratings(round=other, code=code, ratings=[rating(round_.reforms.first())], address="", device="")
    assert "not known for this round" in caught.value.message_dict["code"][0]
    round_.closes_at = timezone.now() - dt.timedelta(seconds=1)
    round_.save()
    with pytest.raises(ValidationError) as caught:
        code_services.submit_code_ratings(round=round_, code=code, ratings=[rating(round_.reforms.first())], address="", device="")
    assert "round" in caught.value.message_dict


# --- pages -------------------------------------------------------------------------------------


def test_office_pages_make_and_download_once(round_, client_for, people, district, province_office, other_people):
    client = client_for(people.office)
    url = f"/evaluation/rounds/{round_.pk}/codes/"
    assert client.get(url).status_code == 200
    answer = client.post(url, {"community": district.community_a.pk, "size": "3", "note": "<script>x</script>"})
    assert answer.status_code == 302
    made = round_.code_packs.get()
    assert client.post(url, {"community": district.community_a.pk, "size": "0"}).status_code == 400
    sheet = client.post(f"{url}{made.pk}/download/")
    assert sheet.status_code == 200 and sheet["Cache-Control"] == "no-store"
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(sheet.content)).worksheets[0].iter_rows(min_row=4)]
    assert len(rows) == 3 and all(len(r[1]) == CODE_LENGTH + 1 for r in rows)
    again = client.post(f"{url}{made.pk}/download/", follow=True)
    assert "cannot be printed again" in again.content.decode()
    page = client.get(url).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    province = client_for(province_office)
    assert province.get(url).status_code == 200
    assert province.post(url, {"community": district.community_a.pk, "size": "3"}).status_code == 403
    assert client_for(other_people.office).get(url).status_code == 404
    assert client_for(people.unit_staff).get(url).status_code == 403


def test_pack_list_queries(round_, client_for, people, district, django_assert_max_num_queries):
    for _i in range(5):
        code_services.make_code_pack(user=people.office, round=round_, community=district.community_a, size=5)
    client = client_for(people.office)
    client.get(f"/evaluation/rounds/{round_.pk}/codes/")
    with django_assert_max_num_queries(20):
        assert client.get(f"/evaluation/rounds/{round_.pk}/codes/").status_code == 200


def test_public_page_rates_with_a_code(round_, pack, people, client_for):
    codes = code_services.download_code_pack(user=people.office, pack=pack)
    reforms = list(round_.reforms.order_by("code"))
    client = client_for(None)
    url = f"/evaluation/rounds/{round_.pk}/code/"
    assert client.get(url).status_code == 200
    data = {"code": codes[0], f"r{reforms[0].pk}_satisfaction": "5", f"r{reforms[0].pk}_effect": "4"}
    answer = client.post(url, data)
    assert answer.status_code == 200 and "Your code is now used" in answer.content.decode()
    assert Rating.objects.filter(channel=Channel.CODE).count() == 1
    again = client.post(url, data)
    assert again.status_code == 400 and "already been used" in again.content.decode()
    half = client.post(url, {"code": codes[1], f"r{reforms[1].pk}_satisfaction": "5"})
    assert half.status_code == 400 and "Give a score from 1 to 5" in half.content.decode()
    assert Rating.objects.count() == 1


def test_public_page_is_slowed_per_address_after_refused_codes(round_, pack, client_for):
    client = client_for(None)
    url = f"/evaluation/rounds/{round_.pk}/code/"
    reform = round_.reforms.first()
    guess = {"code": "ABCDE-FGHJK", f"r{reform.pk}_satisfaction": "5", f"r{reform.pk}_effect": "5"}
    answers = [client.post(url, guess).status_code for _i in range(offline_views.CODE_ATTEMPTS + 2)]
    assert answers[: offline_views.CODE_ATTEMPTS] == [400] * offline_views.CODE_ATTEMPTS
    assert answers[-1] == 429
    other = client_for(None)
    assert other.post(url, guess, REMOTE_ADDR="10.9.9.9").status_code == 400


def test_a_meeting_on_one_address_is_not_slowed(round_, people, district, client_for):
    pack = code_services.make_code_pack(user=people.office, round=round_, community=district.community_a,
                                        size=offline_views.CODE_ATTEMPTS + 5)
    reform = round_.reforms.first()
    client = client_for(None)
    url = f"/evaluation/rounds/{round_.pk}/code/"
    for code in code_services.download_code_pack(user=people.office, pack=pack):
        answer = client.post(url, {"code": code, f"r{reform.pk}_satisfaction": "4", f"r{reform.pk}_effect": "4"})
        assert answer.status_code == 200
    assert Rating.objects.filter(round=round_).count() == offline_views.CODE_ATTEMPTS + 5
