"""Keys for what a person typed when their session timed out (docs/adr/0015).

At the end of the inactivity timer the browser encrypts the open forms' text with the
key the page carries, keeps it in that tab's sessionStorage, and signs out. After the
same account signs in again (two-factor included), its pages carry the same key, so
the text can be put back; a page served to anyone else carries other keys, cannot read
it, and discards it. The server stores nothing: the keys are derived, not kept.
"""

from __future__ import annotations

import base64
import time

from django.utils.crypto import salted_hmac

from frontdoor.models import User

# A key is good for this period and the next, so held text outlives a lunch break but
# not a day, and a copy of an old page's key soon opens nothing.
KEY_PERIOD_SECONDS = 12 * 60 * 60


def hold_keys(*, user: User, now: float | None = None) -> list[str]:
    """The current key (the browser encrypts with the first), then the previous one."""
    period = int((time.time() if now is None else now) // KEY_PERIOD_SECONDS)
    return [_key(user, period), _key(user, period - 1)]


def _key(user: User, period: int) -> str:
    # The session auth hash changes with the password, so a reset also retires the keys.
    value = f"{user.pk}:{user.get_session_auth_hash()}:{period}"
    digest = salted_hmac("frontdoor.held_input", value, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
