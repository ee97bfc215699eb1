"""The pages: sign-up with a code, rounds open to me, a round, rate a reform, my ratings; the
office's rounds, new round (with the reform search), round page, close, publish, moderation."""

from __future__ import annotations

import pytest
from django.utils import timezone

from reformledger.evaluation.models import CommentStatus, Rating, Resident, Round, RoundKind
from reformledger.evaluation.services.ratings import submit_rating
from reformledger.org.models import User
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings

pytestmark = pytest.mark.django_db


def test_sign_up_then_rate_then_my_ratings(client_for, sent_codes, district, public_round, key_reforms):
    client = client_for()
    fields = {"identifier": "13812345678", "community": district.community_a.pk, "username": "newbie", "password": "a-long-Passphrase-42"}
    sent = client.post("/evaluation/signup/", {**fields, "action": "send"})
    assert sent.status_code == 200 and b"138****5678" in sent.content
    wrong = client.post("/evaluation/signup/", {**fields, "action": "verify", "code": "x"})
    assert wrong.status_code == 400
    done = client.post("/evaluation/signup/", {**fields, "action": "verify", "code": sent_codes[-1][1]})
    assert done.status_code == 302 and done["Location"] == "/evaluation/rounds/"
    user = User.objects.get(username="newbie")
    assert Resident.objects.get(user=user).contact == ""
    listing = client.get("/evaluation/rounds/")
    assert public_round.title.encode() in listing.content
    page = client.get(f"/evaluation/rounds/{public_round.pk}/reforms/{key_reforms[0].pk}/rate/")
    assert page.status_code == 200 and key_reforms[0].title.encode() in page.content
    hostile = "<script>alert(1)</script>"
    bad = client.post(f"/evaluation/rounds/{public_round.pk}/reforms/{key_reforms[0].pk}/rate/", {"score_satisfaction": "5", "comment": "x"})
    assert bad.status_code == 400 and not Rating.objects.exists()
    rated = client.post(
        f"/evaluation/rounds/{public_round.pk}/reforms/{key_reforms[0].pk}/rate/",
        {"score_satisfaction": "5", "score_effect": "3", "comment": hostile},
    )
    assert rated.status_code == 302
    assert Rating.objects.get().comment == hostile
    mine = client.get("/evaluation/my-ratings/")
    assert hostile.encode() not in mine.content and b"&lt;script&gt;" in mine.content
    again = client.post(f"/evaluation/rounds/{public_round.pk}/reforms/{key_reforms[0].pk}/rate/", {"score_satisfaction": "5", "score_effect": "3"})
    assert again.status_code == 302 and Rating.objects.count() == 1


def test_an_unverified_person_is_refused_the_rating_page(client_for, people, public_round, key_reforms):
    response = client_for(people.resident).get(f"/evaluation/rounds/{public_round.pk}/reforms/{key_reforms[0].pk}/rate/")
    assert response.status_code == 403


def test_office_opens_a_round_with_the_search(client_for, people, district, key_reforms, reform_factory):
    client = client_for(people.office)
    reform_factory(code="OTHER-1", title="无关改革")
    page = client.get("/evaluation/office/rounds/new/", {"q": "重点"})
    assert page.status_code == 200 and b"K-1" in page.content and b"OTHER-1" not in page.content
    now = timezone.localtime()
    data = {
        "kind": "public", "year": 2018, "title": "新一轮", "opens_at": (now + timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timezone.timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"), "min_ratings": 30, "prior_weight": 10,
        "reforms": [key_reforms[0].pk, key_reforms[1].pk], "dimensions": "satisfaction: 满意度\nspeed: 办事速度",
    }
    searched = client.post("/evaluation/office/rounds/new/", {**data, "action": "filter", "q": "OTHER"})
    assert searched.status_code == 200 and b"OTHER-1" in searched.content and b'value="%d" id="rf-%d" checked' % (key_reforms[0].pk, key_reforms[0].pk) in searched.content
    saved = client.post("/evaluation/office/rounds/new/", {**data, "action": "save"})
    assert saved.status_code == 302
    round_ = Round.objects.get(title="新一轮")
    assert [d["key"] for d in round_.dimensions] == ["satisfaction", "speed"] and round_.entries.count() == 2
    assert client.get(f"/evaluation/office/rounds/{round_.pk}/").status_code == 200
    edit = client.get(f"/evaluation/office/rounds/{round_.pk}/edit/")
    assert edit.status_code == 200
    bad = client.post("/evaluation/office/rounds/new/", {**data, "action": "save", "closes_at": data["opens_at"], "reforms": []})
    assert bad.status_code == 400 and Round.objects.count() == 1


def test_office_round_list_queries_and_scoping(client_for, people, other_people, make_round, django_assert_max_num_queries):
    for i in range(5):
        make_round(title=f"轮次{i}")
    client = client_for(people.office)
    client.get("/evaluation/office/rounds/")
    with django_assert_max_num_queries(25):
        page = client.get("/evaluation/office/rounds/")
    assert page.status_code == 200 and "轮次4".encode() in page.content
    other = client_for(other_people.office).get("/evaluation/office/rounds/")
    assert "轮次4".encode() not in other.content
    round_ = Round.objects.first()
    assert client_for(other_people.office).get(f"/evaluation/office/rounds/{round_.pk}/").status_code == 404


def test_close_publish_and_moderate(client_for, people, province_office, resident, public_round, key_reforms):
    rating = submit_rating(user=resident, round=public_round, reform=key_reforms[0], scores={"satisfaction": 4, "effect": 4},
                           comment="<b>好</b>", channel="web", address=None, device=None)
    office = client_for(people.office)
    queue = office.get("/evaluation/office/moderation/")
    assert queue.status_code == 200 and b"&lt;b&gt;" in queue.content
    assert client_for(province_office).post(f"/evaluation/office/ratings/{rating.pk}/moderate/", {"decision": "approve"}).status_code == 403
    rating.refresh_from_db()
    assert rating.comment_status == CommentStatus.PENDING
    office.post(f"/evaluation/office/ratings/{rating.pk}/moderate/", {"decision": "approve"})
    rating.refresh_from_db()
    assert rating.comment_status == CommentStatus.APPROVED
    office.post(f"/evaluation/office/rounds/{public_round.pk}/close/", {"reason": "提前结束"})
    office.post(f"/evaluation/office/rounds/{public_round.pk}/publish/")
    public_round.refresh_from_db()
    assert public_round.has_closed() and public_round.published_at is not None


def test_staff_see_open_rounds_only(client_for, people, make_round):
    opened = make_round(kind=RoundKind.OPEN, title="大家评")
    make_round(title="群众评")
    page = client_for(people.other_staff).get("/evaluation/rounds/")
    assert "大家评".encode() in page.content and "群众评".encode() not in page.content
    assert opened


def test_lists_read_in_a_fixed_number_of_queries(client_for, people, resident, make_round, key_reforms, django_assert_max_num_queries):
    rounds = [make_round(title=f"轮次{i}") for i in range(3)]
    for round_ in rounds:
        for reform in key_reforms:
            submit_rating(user=resident, round=round_, reform=reform, scores={"satisfaction": 4, "effect": 4},
                          comment="意见", channel="web", address=None, device=None)
    mine, office = client_for(resident), client_for(people.office)
    for client, url in ((mine, "/evaluation/my-ratings/"), (mine, "/evaluation/rounds/"), (mine, f"/evaluation/rounds/{rounds[0].pk}/"),
                        (office, "/evaluation/office/moderation/"), (office, f"/evaluation/office/rounds/{rounds[0].pk}/")):
        client.get(url)  # warm the per-process caches (the person's roles, the navigation)
        with django_assert_max_num_queries(10):  # 5–8 today, whatever the number of rows
            response = client.get(url)
        assert response.status_code == 200, url
    assert "轮次2".encode() in mine.get("/evaluation/my-ratings/").content


def test_a_signed_in_person_verifies_their_own_account(client_for, people, sent_codes, district, public_round):
    client = client_for(people.resident)
    fields = {"identifier": "li@example.org", "community": district.community_a.pk, "keep_contact": "on"}
    page = client.get("/evaluation/signup/")
    assert page.status_code == 200 and b'name="password"' not in page.content
    client.post("/evaluation/signup/", {**fields, "action": "send"})
    done = client.post("/evaluation/signup/", {**fields, "action": "verify", "code": sent_codes[-1][1]})
    assert done.status_code == 302
    assert Resident.objects.get(user=people.resident).contact == "li@example.org"
    assert public_round.title.encode() in client.get("/evaluation/rounds/").content
    assert client.get("/evaluation/signup/").status_code == 302  # verified already
