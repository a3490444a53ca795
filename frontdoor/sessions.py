"""The inactivity timeout (SESSION_INACTIVITY_TIMEOUT): every signed-in request pushes
the session's end on, but writing the session row on every request (a page and its
htmx parts, a keep-alive) costs a database write each for nothing. So the session is
written again only when it was last written at least ``refresh_interval()`` ago. The
browser's timer (static/js/session-timeout.js) ends its session a margin before the
server's (10 s, or a tenth of a short timeout) counting from the last request; the
interval is half that margin, so the server's session always outlives the browser's.
"Stay signed in" always writes it."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

REFRESHED_AT = "_frontdoor_refreshed_at"
# Never more than half the browser's margin, min(10 s, a tenth of the timeout) / 2.
REFRESH_SHARE_OF_TIMEOUT = 20


def refresh_interval() -> float:
    """SESSION_REFRESH_SECONDS (5 s; the test settings write on every request, so a
    page's query count does not depend on how long ago the test's last page was)."""
    return min(
        settings.SESSION_REFRESH_SECONDS, settings.SESSION_COOKIE_AGE / REFRESH_SHARE_OF_TIMEOUT
    )


def session_refresh(request: HttpRequest, *, always: bool = False) -> None:
    """Push a signed-in session's end on when it is due (or ``always``): marking it
    changed makes SessionMiddleware write it with a new expiry."""
    now = time.time()
    refreshed = request.session.get(REFRESHED_AT)
    if always or refreshed is None or now - refreshed >= refresh_interval():
        request.session[REFRESHED_AT] = now


class SlidingSessionMiddleware:
    """After AuthenticationMiddleware: only a signed-in session slides."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session_refresh(request)
        return self.get_response(request)
