"""A local HTTP server that speaks the shape of GOV.UK Notify's v2 API.

Enough for the official client: send email / SMS / letter (201 with an id), list
notifications by reference, and the failure responses Notify documents (400 and
403 permanent, 429 rate limit and 500 temporary), and the undocumented ones a busy
network gives: a connection reset before the send is taken, and a garbled answer after
it was.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TEST_API_KEY = f"front_door_test-{uuid.uuid4()}-{uuid.uuid4()}"


class FakeNotify:
    def __init__(self) -> None:
        self.sent: list[dict] = []
        self.fail_with: int | None = None  # status to answer sends with, once each
        self.failures_left = 0
        self.auth_headers: list[str] = []
        self.resets_left = 0  # sends to drop without an answer (not taken)
        self.garbles_left = 0  # sends to take, then answer with something not JSON
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                fake.auth_headers.append(self.headers.get("Authorization", ""))
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                kind = self.path.rsplit("/", 1)[-1]
                if fake.resets_left > 0:
                    fake.resets_left -= 1
                    self.close_connection = True
                    self.connection.shutdown(2)  # a reset: no answer at all
                    return
                if fake.failures_left > 0:
                    fake.failures_left -= 1
                    status = fake.fail_with
                    error = {400: "BadRequestError", 403: "AuthError", 429: "RateLimitError"}
                    self._reply(
                        status,
                        {
                            "errors": [
                                {"error": error.get(status, "Exception"), "message": "fake"}
                            ],
                            "status_code": status,
                        },
                    )
                    return
                notification = {
                    "id": str(uuid.uuid4()),
                    "reference": payload.get("reference"),
                    "type": kind,
                    "payload": payload,
                }
                fake.sent.append(notification)
                if fake.garbles_left > 0:
                    fake.garbles_left -= 1
                    data = b"<html>502 Bad Gateway</html>"
                    self.send_response(201)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                self._reply(
                    201,
                    {
                        "id": notification["id"],
                        "reference": notification["reference"],
                        "content": {"body": payload.get("personalisation", {}).get("body", "")},
                        "uri": f"/v2/notifications/{notification['id']}",
                        "template": {"id": payload.get("template_id"), "version": 1, "uri": ""},
                    },
                )

            def do_GET(self):
                from urllib.parse import parse_qs, urlsplit

                query = parse_qs(urlsplit(self.path).query)
                reference = query.get("reference", [None])[0]
                found = [
                    {"id": n["id"], "reference": n["reference"], "status": "sending"}
                    for n in fake.sent
                    if reference is None or n["reference"] == reference
                ]
                self._reply(200, {"notifications": found, "links": {}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def fail_next(self, status: int, times: int = 1) -> None:
        self.fail_with, self.failures_left = status, times

    def __enter__(self) -> FakeNotify:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
