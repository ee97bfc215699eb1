"""Posting to a group robot: to the address checked, never redirected, answer kept short (ADR 0030).

The address is checked and resolved once by :func:`reformledger.org.robots.resolve_robot_address`;
the connection goes to that IP, with the robot's name in the Host header and in TLS (SNI and the
certificate check), so a name that answers differently the second time (DNS rebinding) changes
nothing. ``http.client`` follows no redirect: a 3xx answer is a failure like any other. Of the
robot's answer only the status and, for WeCom/DingTalk JSON, ``errcode`` and a short, cleaned
``errmsg`` are kept: never the body.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
from typing import Any

from django.core.exceptions import ValidationError

from reformledger.org.robots import RobotTarget, resolve_robot_address

#: Bytes of the answer read to find its ``errcode`` (WeCom and DingTalk answer in well under 1 KB).
ANSWER_BYTES = 65536
#: Characters of the robot's ``errmsg`` kept.
REASON_CHARS = 200
_UNPRINTABLE = re.compile(r"[^\w .,:;!?()\[\]{}/#=&%+@'\"*~|-]", re.UNICODE)
_SPACES = re.compile(r"\s+")


class WebhookError(Exception):
    """The robot refused or could not be reached; the message is short and safe to show."""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: RobotTarget, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target

    def connect(self) -> None:
        self.sock = socket.create_connection((self.target.address, self.target.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: RobotTarget, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self.target = target

    def connect(self) -> None:
        sock = socket.create_connection((self.target.address, self.target.port), self.timeout)
        # The certificate is checked against the name, though the socket went to the checked IP.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.target.host)  # type: ignore[attr-defined]


def clean(text: Any, limit: int = REASON_CHARS) -> str:
    """A far side's text made short and plain: one line, no markup characters, at most ``limit``."""
    text = _UNPRINTABLE.sub(" ", str(text))
    return _SPACES.sub(" ", text).strip()[:limit]


def post_json(url: str, payload: dict, *, headers: dict[str, str], timeout: float) -> None:
    """POST ``payload`` to the robot at ``url``; :class:`WebhookError` unless it accepted it."""
    try:
        target = resolve_robot_address(url)
    except ValidationError as exc:
        raise WebhookError(clean(" ".join(exc.messages), 280)) from exc
    body = json.dumps(payload, ensure_ascii=False).encode()
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, timeout)
    try:
        connection.request(
            "POST", target.path, body=body,
            headers={"Content-Type": "application/json; charset=utf-8", "Content-Length": str(len(body)), **headers},
        )
        response = connection.getresponse()
        status = response.status
        answer = response.read(ANSWER_BYTES)
    finally:
        connection.close()
    if not 200 <= status < 300:  # a redirect too: it is not followed
        raise WebhookError(f"HTTP {status}")
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        data = {}
    # WeCom and DingTalk answer 200 with {"errcode": 0, ...}; anything else is a refusal.
    if isinstance(data, dict) and data.get("errcode", 0) != 0:
        raise WebhookError(f"HTTP {status} errcode {clean(data.get('errcode'), 20)}: {clean(data.get('errmsg', ''))}")
