"""A partner system that receives events, decisions that give it deliveries, and a
receiver on loopback that answers what it is told: shared by the webhook admin tests
(services and pages) and their browser journey."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from frontdoor.roles import Role
from outcomes.models import Delivery, WebhookEndpoint
from referrals import services as referral_services
from referrals.models import ApiClient, Contact, Scope
from screening import services as screening_services
from screening.models import Route, ThresholdLevel
from tests.factories import UserFactory, submit_contact
from tests.support.screening import decide


def receiving_system(name: str = "Mosaic (live)", scopes=(Scope.RECEIVE_EVENTS,)) -> ApiClient:
    account = UserFactory(roles=[Role.CASE_SYSTEM])
    client, _ = referral_services.api_client_create(name=name, account=account, scopes=scopes)
    return client


def decision_stands(screener, referrer) -> Contact:
    """A new contact whose early-help decision stands: one event, a delivery to each
    endpoint listening."""
    contact = submit_contact(referrer)
    screening_services.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, ThresholdLevel.objects.get(number=2), route=Route.EARLY_HELP)
    return contact


def deliveries_of(endpoint: WebhookEndpoint) -> list[Delivery]:
    return list(Delivery.objects.filter(endpoint=endpoint).order_by("event_id"))


@contextmanager
def receiver(status: int, body: bytes = b"") -> Iterator[str]:
    """An HTTP receiver on loopback answering every POST with ``status`` and ``body``;
    yields its address."""

    class Answer(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(status)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/events"
    finally:
        server.shutdown()
        server.server_close()
