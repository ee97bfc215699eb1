"""Group robots reach only the robots (issue 9, finding 7; ADR 0030): an allow-list of hosts, https,
no private address after the name is resolved, no redirect followed, the answer kept short.

The servers here are real HTTP servers on 127.0.0.1; the tests that need the worker to reach one
allow it with settings for that test only."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from reformledger.org.models import Unit
from reformledger.org.robots import check_robot_address, resolve_robot_address
from reformledger.supervision.delivery import deliver_pending
from reformledger.supervision.models import Channel, Delivery
from reformledger.supervision.services import reports as report_services

pytestmark = pytest.mark.django_db
Status = Delivery.DeliveryStatus
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=abc"


class AnswerServer:
    """A local HTTP server that answers every request with ``status``, ``headers`` and ``body``,
    and records the paths and Host headers it was asked for."""

    def __init__(self, status: int = 200, headers: dict[str, str] | None = None, body: bytes = b"{}"):
        self.hits: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                server.hits.append((self.path, self.headers.get("Host", "")))
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer  # noqa: N815 - http.server's names

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key=test"

    def __enter__(self) -> AnswerServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def allow_local(settings, *, networks=("127.0.0.1/32",), hosts=("127.0.0.1",)) -> None:
    settings.ROBOT_ALLOWED_HOSTS = list(hosts)
    settings.ROBOT_ALLOWED_NETWORKS = list(networks)
    settings.ROBOT_ALLOW_HTTP = True


def hook_for(people, task, unit, url) -> Delivery:
    """Give ``unit`` the robot ``url`` as stored data (not through a form) and urge its task."""
    Unit.objects.filter(pk=unit.pk).update(webhook_url=url)
    reminder = report_services.urge(user=people.office, task=task, message="请抓紧推进")
    return Delivery.objects.get(reminder=reminder, channel=Channel.WEBHOOK)


def send(hook: Delivery) -> Delivery:
    deliver_pending.call()
    hook.refresh_from_db()
    return hook


# --- at save ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [WECOM, DINGTALK, ""])
def test_wecom_and_dingtalk_are_allowed_by_default(url):
    check_robot_address(url)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://127.0.0.1:8080/cgi-bin/webhook/send?key=x", "https://"),
        ("https://127.0.0.1:8080/robot", "127.0.0.1"),
        ("https://localhost/robot", "localhost"),
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send", "qyapi.weixin.qq.com.evil.example"),
        ("https://user:secret@qyapi.weixin.qq.com/cgi-bin/webhook/send", "password"),
        ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", "https://"),
        ("ftp://qyapi.weixin.qq.com/x", "https://"),
    ],
)
def test_other_addresses_are_refused_when_saved(settings, district, url, says):
    settings.LANGUAGE_CODE = "en"
    unit = district.sub_a
    unit.webhook_url = url
    with pytest.raises(ValidationError) as refused:
        unit.full_clean()  # what every form over the unit runs (the field's validator)
    assert "webhook_url" in refused.value.message_dict
    with pytest.raises(ValidationError) as direct:
        check_robot_address(url)
    assert says in " ".join(direct.value.messages)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.5", "169.254.169.254", "0.0.0.0",  # noqa: S104 - refused
        "224.0.0.1", "100.64.0.1", "240.0.0.1", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::",
    ],
)
def test_a_private_literal_address_is_refused_even_when_its_host_is_listed(settings, host):
    settings.ROBOT_ALLOWED_HOSTS = [host]
    url = f"https://[{host}]/robot" if ":" in host else f"https://{host}/robot"
    with pytest.raises(ValidationError):
        check_robot_address(url)
    with pytest.raises(ValidationError):
        resolve_robot_address(url)


def test_a_listed_name_that_resolves_inside_is_refused_at_send(settings):
    """``localhost`` is only a name: the check at save cannot tell, the resolution at send does."""
    settings.ROBOT_ALLOWED_HOSTS = ["localhost"]
    check_robot_address("https://localhost/robot")  # a name: not resolved at save
    with pytest.raises(ValidationError, match="127.0.0.1|::1"):
        resolve_robot_address("https://localhost/robot")


def test_the_operator_may_allow_an_intranet_relay(settings):
    settings.ROBOT_ALLOWED_HOSTS = ["10.20.0.5"]
    settings.ROBOT_ALLOWED_NETWORKS = ["10.20.0.5/32"]
    target = resolve_robot_address("https://10.20.0.5:8443/robot/send?key=1")
    assert (target.address, target.port, target.path) == ("10.20.0.5", 8443, "/robot/send?key=1")
    with pytest.raises(ValidationError):
        check_robot_address("https://10.20.0.6/robot")  # neither listed nor in the network


# --- at send ------------------------------------------------------------------------------------


def test_a_local_server_saved_before_the_rules_is_never_posted_to(settings, district, people, task):
    settings.DELIVERY_MAX_ATTEMPTS = 1
    with AnswerServer() as local:
        hook = send(hook_for(people, task, district.sub_a, local.url))
    assert local.hits == []
    assert hook.status == Status.FAILED and hook.last_error


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_listed_host_on_a_private_address_is_not_posted_to(settings, district, people, task, host):
    """The host is on the list (an address, or a name that resolves to loopback) and http is
    allowed, but not the network: refused after resolution, nothing is sent."""
    settings.DELIVERY_MAX_ATTEMPTS = 1
    allow_local(settings, networks=(), hosts=(host,))
    with AnswerServer() as local:
        hook = send(hook_for(people, task, district.sub_a, local.url.replace("127.0.0.1", host)))
    assert local.hits == []
    assert hook.status == Status.FAILED
    assert "127.0.0.1" in hook.last_error or "::1" in hook.last_error


def test_the_post_goes_to_the_checked_address_with_the_name_as_host(settings, district, people, task):
    allow_local(settings, hosts=("localhost",), networks=("127.0.0.0/8", "::1/128"))
    with AnswerServer(body=b'{"errcode": 0}') as local:
        hook = send(hook_for(people, task, district.sub_a, local.url.replace("127.0.0.1", "localhost")))
    assert hook.status == Status.SENT
    assert local.hits == [("/cgi-bin/webhook/send?key=test", f"localhost:{local.port}")]


def test_a_redirect_is_not_followed(settings, district, people, task):
    settings.DELIVERY_MAX_ATTEMPTS = 1
    allow_local(settings)
    with AnswerServer() as target, AnswerServer(302, {"Location": target.url}) as allowed:
        hook = send(hook_for(people, task, district.sub_a, allowed.url))
    assert len(allowed.hits) == 1
    assert target.hits == []  # the redirect's target is never asked
    assert (hook.status, hook.last_error) == (Status.FAILED, "HTTP 302")


def test_the_answer_is_not_stored_only_its_status(settings, district, people, task):
    settings.DELIVERY_MAX_ATTEMPTS = 1
    allow_local(settings)
    body = b"<html><body>internal admin console: db password=hunter2" + b"x" * 10000 + b"</body></html>"
    with AnswerServer(500, {"Content-Type": "text/html"}, body) as local:
        hook = send(hook_for(people, task, district.sub_a, local.url))
    assert (hook.status, hook.last_error) == (Status.FAILED, "HTTP 500")


def test_a_robots_refusal_keeps_a_short_clean_reason(settings, district, people, task):
    settings.DELIVERY_MAX_ATTEMPTS = 1
    allow_local(settings)
    errmsg = "invalid webhook url\r\n<script>alert(1)</script>\x00" + "很长的说明" * 200
    answer = json.dumps({"errcode": 93000, "errmsg": errmsg}).encode()
    with AnswerServer(200, {"Content-Type": "application/json"}, answer) as local:
        hook = send(hook_for(people, task, district.sub_a, local.url))
    assert hook.status == Status.FAILED
    assert hook.last_error.startswith("HTTP 200 errcode 93000: invalid webhook url")
    assert len(hook.last_error) <= len("HTTP 200 errcode 93000: ") + 200
    assert not any(c in hook.last_error for c in "<>\r\n\x00")
