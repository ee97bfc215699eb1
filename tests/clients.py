"""Test clients: pages read in a chosen language, as the language switch sets it, and the API
called as a person (with a real token) or anonymously."""

import json as jsonlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.test import Client

from reformledger.core.tokens import create_token


def english_client(**kwargs) -> Client:
    """A client that chose English (the cookie of ``/i18n/setlang/``): stable text for assertions."""
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def sign_in(client: Client, username: str, password: str) -> bool:
    """Sign ``client`` in through the real sign-in page (the lock-out counts it, as it counts a
    person's); True when the page let them in. ``Client.login`` skips the request that django-axes
    needs (ADR 0028)."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


@dataclass
class Api:
    """``/api/v1`` through the test client: ``api.get(path, user, **params)``, ``post``, ``patch``."""

    client: Client
    tokens: dict

    def token(self, user) -> str:
        if user.pk not in self.tokens:
            self.tokens[user.pk] = create_token(user=user)
        return self.tokens[user.pk]

    def headers(self, user=None, token: str | None = None) -> dict:
        headers = {"accept-language": "en"}
        if token is None and user is not None:
            token = self.token(user)
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        return headers

    def get(self, path: str, user=None, *, token: str | None = None, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers(user, token))

    def _send(self, method: str, path: str, user, body, token: str | None, raw: str | None = None):
        send: Callable = getattr(self.client, method)
        data = raw if raw is not None else jsonlib.dumps(body)
        return send(
            f"/api/v1{path}", data, content_type="application/json", headers=self.headers(user, token)
        )

    def post(self, path: str, user=None, body=None, *, token: str | None = None, raw: str | None = None):
        return self._send("post", path, user, body if body is not None else {}, token, raw)

    def patch(self, path: str, user=None, body=None, *, token: str | None = None, raw: str | None = None):
        return self._send("patch", path, user, body if body is not None else {}, token, raw)


def multipart(api: Api, path: str, user, data: dict):
    """POST ``data`` (fields and files) as multipart/form-data with the person's token."""
    return api.client.post(f"/api/v1{path}", data, headers=api.headers(user))


def errors_by_field(response) -> dict:
    """``{field: [messages]}`` from the API's error body (and a check of its shape)."""
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    out: dict = {}
    for item in body["errors"]:
        assert set(item) == {"field", "message"}
        out.setdefault(item["field"], []).append(item["message"])
    return out
