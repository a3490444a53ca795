"""The inactivity timeout (SESSION_INACTIVITY_TIMEOUT): every signed-in request pushes
the session's end on, but writing the session row on every request (a page and its
htmx parts, a keep-alive) costs a database write each for nothing. So the session is
written again only when it was last written at least ``refresh_interval()`` ago. The
browser's timer (static/js/session-timeout.js) ends its session a margin before the
server's (10 s, or a tenth of a short timeout) counting from the last request; the
interval is half that margin, so the server's session always outlives the browser's.
"Stay signed in" always writes it.

A page that keeps itself current (the queue, the today page) polls the server while it
is open; those requests carry ``POLL_HEADER`` and do not push the session's end on, so a
page left open still times out (docs/adr/0041)."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

REFRESHED_AT = "_frontdoor_refreshed_at"
# Sent by htmx with every poll (hx-headers on the polling element).
POLL_HEADER = "X-Frontdoor-Poll"
# Never more than half the browser's margin, min(10 s, a tenth of the timeout) / 2.
REFRESH_SHARE_OF_TIMEOUT = 20


def refresh_interval() -> float:
    """SESSION_REFRESH_SECONDS (5 s; the test settings write on every request, so a
    page's query count does not depend on how long ago the test's last page was)."""
    return min(
        settings.SESSION_REFRESH_SECONDS, settings.SESSION_COOKIE_AGE / REFRESH_SHARE_OF_TIMEOUT
    )


def is_poll(request: HttpRequest) -> bool:
    """A page asking by itself what changed, not a person doing something."""
    return request.headers.get(POLL_HEADER) == "1"


def session_refresh(request: HttpRequest, *, always: bool = False) -> None:
    """Push a signed-in session's end on when it is due (or ``always``): marking it
    changed makes SessionMiddleware write it with a new expiry."""
    now = time.time()
    refreshed = request.session.get(REFRESHED_AT)
    if always or refreshed is None or now - refreshed >= refresh_interval():
        request.session[REFRESHED_AT] = now


class SlidingSessionMiddleware:
    """After AuthenticationMiddleware: only a signed-in session slides, and only when a
    person asked (a page's poll does not)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not is_poll(request):
            session_refresh(request)
        return self.get_response(request)
