"""The common layout: language switch, log in and out, skip link, error pages."""

import re

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.clients import english_client


def test_chinese_is_the_default_and_english_is_one_click_away(db):
    client = Client()  # no Accept-Language: the default language
    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="en"' in html and ">\n                  <i class=\"bi bi-translate\" aria-hidden=\"true\"></i> English" in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/reforms/"})
    assert response.status_code == 302 and response["Location"] == "/reforms/"
    html = client.get("/reforms/").content.decode()
    assert '<html lang="en">' in html
    assert 'name="language" value="zh-hans"' in html  # and back to Chinese, named in Chinese
    assert "简体中文" in html


def test_every_page_has_a_skip_link_a_main_landmark_and_labelled_inputs(client_for, people):
    for client, url in [(client_for(), "/reforms/"), (client_for(people.office), "/office/reforms/"),
                        (client_for(people.office), "/office/org/people/"), (client_for(), "/accounts/login/")]:
        html = client.get(url).content.decode()
        assert '<a class="rl-skip-link" href="#main">' in html
        assert '<main id="main"' in html
        for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
            assert f'for="{input_id}"' in html, (url, input_id)


def test_log_in_and_log_out_with_post(client_for, people):
    client = english_client()
    page = client.get("/accounts/login/?next=/office/reforms/")
    assert page.status_code == 200
    assert 'name="next" value="/office/reforms/"' in page.content.decode()
    people.office.set_password("s3cret-pass")
    people.office.save()
    response = client.post("/accounts/login/", {"username": "office", "password": "s3cret-pass",
                                                "next": "/office/reforms/"})
    assert response["Location"] == "/office/reforms/"
    html = client.get("/office/reforms/").content.decode()
    assert 'action="/accounts/logout/" method="post"' in html
    assert client.get("/accounts/logout/").status_code == 405  # Django 5: log out by POST only
    assert client.post("/accounts/logout/")["Location"] == reverse("portal:home")
    assert client.get("/office/reforms/").status_code == 302


def test_wrong_password_is_explained(db):
    response = english_client().post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_error_pages_use_the_layout(client_for, people, district):
    not_found = client_for().get("/no-such-page/")
    assert not_found.status_code == 404
    assert "Page not found" in not_found.content.decode()
    assert 'href="#main"' in not_found.content.decode()
    forbidden = client_for(people.resident).get(reverse("org:units"))
    assert forbidden.status_code == 403
    assert "The directory is for the reform office" in forbidden.content.decode()
    assert "500" in render_to_string("500.html")


def test_static_files_are_local(client_for, db):
    html = client_for().get("/").content.decode()
    assert "http://" not in html.replace('http://www.w3.org', '') and "https://" not in html
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html


def test_pages_stay_in_chinese_whatever_the_browser_asks_until_the_person_chooses(db):
    html = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(reverse("portal:home")).content.decode()
    assert '<html lang="zh-hans">' in html


def test_the_api_answers_in_the_language_its_client_asks_for(db):
    body = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me").json()
    assert body["detail"].isascii()
