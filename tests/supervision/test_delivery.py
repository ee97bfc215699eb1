"""Delivery exactly once per channel (issue 3, part 5): e-mail through Django's mail backend,
group-robot webhooks to a real local HTTP server, retries up to ``DELIVERY_MAX_ATTEMPTS``."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reformledger.supervision import delivery
from reformledger.supervision.delivery import deliver_pending, wake_if_stalled
from reformledger.supervision.models import Channel, Delivery
from reformledger.supervision.services import reports as report_services

pytestmark = pytest.mark.django_db
Status = Delivery.DeliveryStatus
OK = (200, {"errcode": 0, "errmsg": "ok"})
#: What lets the worker post to a robot on this machine (refused otherwise: ADR 0030), as
#: settings and as the environment of a worker process.
LOCAL_ROBOTS = {"ROBOT_ALLOWED_HOSTS": ["127.0.0.1"], "ROBOT_ALLOWED_NETWORKS": ["127.0.0.1/32"], "ROBOT_ALLOW_HTTP": True}
LOCAL_ROBOTS_ENV = {"ROBOT_ALLOWED_HOSTS": "127.0.0.1", "ROBOT_ALLOWED_NETWORKS": "127.0.0.1/32", "ROBOT_ALLOW_HTTP": "1"}


class RobotServer:
    """A group robot (WeCom / DingTalk webhook) on localhost, in a thread.

    Records every POST as ``(Idempotency-Key, JSON body, Content-Type)`` and answers ``{"errcode": 0}``,
    or the next answer of ``script`` (``(status, body)``). ``stall_at = n`` holds the n-th request
    (counting from 1) without an answer until ``release`` is set; ``stalled`` tells when it arrived.
    While ``gate`` is clear, every request waits (recorded, unanswered).
    """

    def __init__(self, *, stall_at: int | None = None, delay: float = 0.0):
        self.received: list[tuple[str, dict, str]] = []
        self.script: list[tuple[int, dict]] = []
        self.stall_at = stall_at
        self.delay = delay
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.gate = threading.Event()
        self.gate.set()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with server.lock:
                    server.received.append(
                        (self.headers.get("Idempotency-Key", ""), json.loads(body), self.headers.get("Content-Type", ""))
                    )
                    number = len(server.received)
                    status, answer = server.script.pop(0) if server.script else OK
                server.gate.wait(60)
                if number == server.stall_at:
                    server.stalled.set()
                    server.release.wait(60)
                elif server.delay:
                    server.release.wait(server.delay)
                try:
                    data = json.dumps(answer).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the sender is gone (killed while we held its request)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/cgi-bin/webhook/send?key=test"

    def __enter__(self) -> RobotServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def keys(self) -> list[str]:
        with self.lock:
            return [key for key, _body, _type in self.received]


@pytest.fixture
def local_robots(settings):
    """Robots on 127.0.0.1 over http are allowed (for the test servers here only)."""
    for name, value in LOCAL_ROBOTS.items():
        setattr(settings, name, value)


@pytest.fixture
def robot(local_robots):
    with RobotServer() as server:
        yield server


@pytest.fixture
def mailboxes(people):
    for person in (people.unit_head, people.unit_staff):
        person.email = f"{person.username}@example.gov.cn"
        person.save()


def urge(people, task, text="请于本周内报送进展"):
    return report_services.urge(user=people.office, task=task, message=text)


def run() -> dict:
    """One run of the worker's job, in-process."""
    return deliver_pending.call()


def test_each_email_is_sent_once_with_a_stable_message_id(settings, people, mailboxes, task, mailoutbox):
    settings.SITE_URL = "https://reform.example.gov.cn"
    reminder = urge(people, task)
    emails = Delivery.objects.filter(reminder=reminder, channel=Channel.EMAIL)
    assert sorted(emails.values_list("address", "status")) == [
        ("unit_head@example.gov.cn", Status.PENDING), ("unit_staff@example.gov.cn", Status.PENDING)
    ]
    assert run() == {"sent": 2}
    assert sorted(m.to[0] for m in mailoutbox) == ["unit_head@example.gov.cn", "unit_staff@example.gov.cn"]
    for message in mailoutbox:
        row = emails.get(address=message.to[0])
        assert message.extra_headers["Message-ID"] == delivery.message_id(row.idempotency_key)
        assert message.subject == reminder.subject
        assert "请于本周内报送进展" in message.body
        assert f"https://reform.example.gov.cn{reminder.link}" in message.body
        assert (row.status, row.attempts, row.last_error) == (Status.SENT, 1, "")
        assert row.sent_at is not None
    ids = {m.extra_headers["Message-ID"] for m in mailoutbox}
    assert len(ids) == 2
    # A second run sends nothing; the Message-ID of a delivery never changes.
    assert run() == {}
    assert len(mailoutbox) == 2
    for row in emails:
        assert delivery.message_id(Delivery.objects.get(pk=row.pk).idempotency_key) in ids


def test_inbox_deliveries_are_made_at_once_and_never_sent_again(people, task, mailoutbox):
    reminder = urge(people, task)
    inbox = reminder.deliveries.filter(channel=Channel.INBOX)
    assert set(inbox.values_list("status", flat=True)) == {Status.SENT}
    assert run() == {}
    assert mailoutbox == []


def test_each_webhook_is_posted_once(robot, district, people, task):
    district.sub_a.webhook_url = robot.url
    district.sub_a.save()
    reminder = urge(people, task, "请抓紧推进")
    hook = Delivery.objects.get(reminder=reminder, channel=Channel.WEBHOOK)
    assert (hook.address, hook.user) == (robot.url, None)
    assert run() == {"sent": 1}
    ((key, body, content_type),) = robot.received
    assert key == hook.idempotency_key == f"{reminder.key}|webhook|{robot.url}"
    assert content_type.startswith("application/json")
    assert set(body) == {"msgtype", "text"} and body["msgtype"] == "text"
    assert list(body["text"]) == ["content"]
    assert body["text"]["content"].splitlines()[:2] == [reminder.subject, "请抓紧推进"]
    hook.refresh_from_db()
    assert (hook.status, hook.attempts) == (Status.SENT, 1)
    assert run() == {}
    assert len(robot.received) == 1


@pytest.mark.parametrize(
    "failure",
    [(500, {"errmsg": "server error"}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"})],
    ids=["http-500", "errcode"],
)
def test_failures_are_retried_then_marked_failed(settings, robot, district, people, task, failure):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    district.sub_a.webhook_url = robot.url
    district.sub_a.save()
    robot.script = [failure] * 10
    hook = Delivery.objects.get(reminder=urge(people, task), channel=Channel.WEBHOOK)
    for attempt in (1, 2):
        before = timezone.now()
        assert run() == {"retry": 1}
        hook.refresh_from_db()
        assert (hook.status, hook.attempts) == (Status.PENDING, attempt)
        assert hook.last_error
        # A later run is queued for the retry, a minute on.
        later = DBTaskResult.objects.filter(task_path=deliver_pending.module_path, run_after__gt=before + dt.timedelta(seconds=30))
        assert later.exists()
    assert run() == {"failed": 1}
    hook.refresh_from_db()
    assert (hook.status, hook.attempts) == (Status.FAILED, 3)
    assert ("93000" in hook.last_error) if failure[0] == 200 else ("500" in hook.last_error)
    assert run() == {}
    assert robot.keys == [hook.idempotency_key] * 3  # every attempt carried the same key


def test_a_retry_that_succeeds(robot, district, people, task):
    district.sub_a.webhook_url = robot.url
    district.sub_a.save()
    robot.script = [(502, {})]
    hook = Delivery.objects.get(reminder=urge(people, task), channel=Channel.WEBHOOK)
    assert run() == {"retry": 1}
    assert run() == {"sent": 1}
    hook.refresh_from_db()
    assert (hook.status, hook.attempts, hook.last_error) == (Status.SENT, 2, "")
    assert robot.keys == [hook.idempotency_key] * 2


def test_a_stalled_robot_times_out_and_the_retry_carries_the_same_key(settings, local_robots, district, people, task):
    """The only window where a message can go out twice: the far side got it but did not answer.
    The retry carries the same Idempotency-Key, so a receiver that deduplicates sees it once."""
    settings.WEBHOOK_TIMEOUT = 0.5
    with RobotServer(stall_at=1) as robot:
        district.sub_a.webhook_url = robot.url
        district.sub_a.save()
        hook = Delivery.objects.get(reminder=urge(people, task), channel=Channel.WEBHOOK)
        assert run() == {"retry": 1}
        assert "timed out" in Delivery.objects.get(pk=hook.pk).last_error
        assert run() == {"sent": 1}
        assert robot.keys == [hook.idempotency_key] * 2


@pytest.mark.parametrize("address", ["ftp://robot.example/hook", "file:///etc/passwd", "not a url"])
def test_addresses_that_are_not_http_are_never_fetched(settings, local_robots, district, people, task, address):
    settings.DELIVERY_MAX_ATTEMPTS = 1
    district.sub_a.webhook_url = address
    district.sub_a.save()
    hook = Delivery.objects.get(reminder=urge(people, task), channel=Channel.WEBHOOK)
    assert run() == {"failed": 1}
    hook.refresh_from_db()
    assert hook.status == Status.FAILED and "https://" in hook.last_error


def test_an_unreachable_robot_is_retried(settings, local_robots, district, people, task):
    with RobotServer() as gone:
        url = gone.url  # a port that was open a moment ago and is closed now
    district.sub_a.webhook_url = url
    district.sub_a.save()
    hook = Delivery.objects.get(reminder=urge(people, task), channel=Channel.WEBHOOK)
    assert run() == {"retry": 1}
    hook.refresh_from_db()
    assert hook.status == Status.PENDING and hook.last_error


def test_the_worker_wakes_deliveries_a_killed_worker_left(district, people, task):
    """A run that was killed stays "running" and queues nothing; the worker's tick queues a new run
    when deliveries wait and none is queued (``reformledger worker`` calls this on every tick)."""
    queued = DBTaskResult.objects.filter(task_path=deliver_pending.module_path, status="READY")
    assert wake_if_stalled() is False  # nothing waits
    district.sub_a.webhook_url = "http://127.0.0.1:9/robot"
    district.sub_a.save()
    urge(people, task)  # in this test nothing runs on commit: no run is queued yet
    assert not queued.exists()
    assert wake_if_stalled() is True
    assert queued.count() == 1
    assert wake_if_stalled() is False  # one queued run is enough
    assert queued.count() == 1
