"""Signed-in sessions for walks that ask hundreds of pages as several users.

``force_login`` is a whole sign-in: it cycles the session, stamps last_login and writes
django-axes' access log, about twenty queries each time. A walk signs each user in once,
keeps what their session held just after, and gives the client a new session with those
contents whenever it would have signed in again: the app sees the session a fresh
sign-in gives (with the authenticator code given, from a VerifiedClient), under a key of
its own.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.test import Client


def session_after_sign_in(client: Client, user) -> dict:
    """What ``user``'s session holds just after ``client.force_login(user)``."""
    client.force_login(user)
    contents = dict(client.session.items())
    client.cookies.clear()
    return contents


def sign_in_with(client: Client, contents: dict) -> None:
    """Give ``client`` a new session holding ``contents``, and no other cookies."""
    client.cookies.clear()
    # Written once, as it is made (``client.session`` would save an empty one first).
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session.update(contents)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
