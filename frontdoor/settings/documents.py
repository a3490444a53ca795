"""Settings for files attached to contacts: their size, the keys they are encrypted
with, and the ClamAV daemon that scans them (docs/adr/0032). Part of every profile
through base.py."""

from __future__ import annotations

import os

from frontdoor import embedded, embedded_clamd

from .environment import env, env_secret

DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# A form's files are read to disk past this size rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440


def _document_keys() -> list[str]:
    """Fernet keys, newest first; a development or test install without DOCUMENT_KEYS
    keeps a generated key under .frontdoor/ (production refuses to start without them)."""
    given = env_secret("DOCUMENT_KEYS")
    if given:
        return [key.strip() for key in given.split(",") if key.strip()]
    key_file = embedded.STATE_DIR / "document-key"
    if not key_file.exists():
        from cryptography.fernet import Fernet

        embedded.STATE_DIR.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(Fernet.generate_key().decode())
    return [key_file.read_text().strip()]


DOCUMENT_KEYS = _document_keys()
DOCUMENT_KEYS_GIVEN = bool(env_secret("DOCUMENT_KEYS"))
# ClamAV's daemon: a Unix socket, or a host and port; neither means the embedded one.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT_SECONDS = env.float("CLAMD_TIMEOUT_SECONDS", default=60.0)
CLAMD_EMBEDDED = not (CLAMD_SOCKET or CLAMD_HOST)
if CLAMD_EMBEDDED:
    CLAMD_SOCKET = embedded_clamd.socket_path()
