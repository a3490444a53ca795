"""Encrypting stored documents: Fernet (AES-128-CBC with HMAC-SHA256, from
``cryptography``) under a list of keys, newest first (``MultiFernet``): the first key
encrypts, every key decrypts, so a key is rotated by putting a new one first and
running ``manage.py documents_rekey`` before the old one is removed (SECURITY.md).

Keys come from ``DOCUMENT_KEYS`` or ``DOCUMENT_KEYS_FILE`` (comma-separated); a
development or test install without them keeps a generated key under ``.frontdoor/``
(settings), and production refuses to start without them.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "rotate"]


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.DOCUMENT_KEYS))


def encrypt(data: bytes) -> bytes:
    return _current().encrypt(data)


def decrypt(token: bytes) -> bytes:
    """The plaintext; ``InvalidToken`` when no key opens it or it was altered."""
    return _current().decrypt(token)


def rotate(token: bytes) -> bytes:
    """The same plaintext, encrypted again under the newest key."""
    return _current().rotate(token)
