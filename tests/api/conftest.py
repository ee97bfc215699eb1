"""Helpers for the API tests: call an endpoint as a person (with a real token) or anonymously."""

import json as jsonlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from reformledger.core.tokens import create_token


@dataclass
class Api:
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


@pytest.fixture
def api(client) -> Api:
    return Api(client=client, tokens={})


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


def with_co_units(reform, *units):
    reform.co_units.set(units)
    return reform
