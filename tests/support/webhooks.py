"""A real webhook receiver on loopback, and a case system listening to it.

The receiver is an HTTP/1.1 server (keep-alive, as a real one) that checks every
delivery's signature with the ``standardwebhooks`` library, as the README tells a
council's developers to, and keeps what it accepted. It can be taken down (nothing
listens on its port: connection refused) and brought back on the same port."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from frontdoor.roles import Role
from outcomes.handoff.secrets import secret_new, secret_prefix, secret_seal
from outcomes.models import WebhookEndpoint, WebhookSecret
from referrals.models import Scope
from referrals.services import api_client_create
from tests.factories import UserFactory


class Receiver:
    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.received: list[dict] = []  # verified deliveries: id, type, data, headers
        self.refused: list[str] = []  # why a delivery did not verify
        self.answer_status = 200
        self.hold = threading.Event()  # set: answer at once; clear: wait until set
        self.hold.set()
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/front-door/events"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.arrived.set()
                receiver.hold.wait(60)
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError as error:
                    with receiver._lock:
                        receiver.refused.append(str(error))
                    self._answer(400, b"bad signature")
                    return
                if receiver.answer_status < 300:
                    with receiver._lock:
                        receiver.received.append(
                            {"id": headers["webhook-id"], **payload, "headers": headers}
                        )
                self._answer(receiver.answer_status, json.dumps({"ok": True}).encode())

            def _answer(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the sender was killed while this one was held
                    self.close_connection = True

        return Handler

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def ids(self) -> list[str]:
        with self._lock:
            return [delivery["id"] for delivery in self.received]


def case_system(*, scopes=(Scope.POST_OUTCOME_EVENTS, Scope.RECEIVE_EVENTS)):
    """A case-management system's account and partner system; returns (client, token)."""
    account = UserFactory(roles=[Role.CASE_SYSTEM])
    return api_client_create(name="Mosaic", account=account, scopes=list(scopes))


def listening(client, url: str) -> tuple[WebhookEndpoint, str]:
    """An endpoint of ``client`` at ``url`` with one signing secret; returns both."""
    endpoint = WebhookEndpoint.objects.create(client=client, url=url)
    secret = secret_new()
    WebhookSecret.objects.create(
        endpoint=endpoint, prefix=secret_prefix(secret), sealed=secret_seal(secret)
    )
    return endpoint, secret


# Fixtures for tests of delivery: a receiver on loopback, and an endpoint of the case
# system pointing at it (tests/outcomes/conftest.py offers both).
@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def endpoint(receiver, transactional_db):
    client, _ = case_system()
    endpoint, receiver.secret = listening(client, receiver.url)
    return endpoint
