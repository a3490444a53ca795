"""Files for the document tests: a small real PDF, the EICAR test file, and a clamd of the
test's own with a signature database the test writes (no internet needed)."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from frontdoor import embedded_clamd

EICAR = embedded_clamd.EICAR


def small_pdf(text: str = "School report") -> bytes:
    """A valid one-page PDF (libmagic reads it as application/pdf)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class OwnClamd:
    """A clamd the test started, on its own socket, with a database the test wrote."""

    directory: Path
    socket: Path
    database: Path

    def stop(self) -> None:
        embedded_clamd.stop(self.socket)

    def start(self) -> None:
        embedded_clamd.start(self.directory, self.socket, self.database)


@contextmanager
def own_clamd() -> Iterator[OwnClamd]:
    """Start clamd with one signature, the EICAR test file's (written here as an ``.hdb``
    line), under a short temporary directory; stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="fd-clamd-") as directory:
        root = Path(directory)
        database = root / "db"
        database.mkdir()
        (database / "eicar-test.hdb").write_text(embedded_clamd.eicar_signature_line())
        clamd = OwnClamd(directory=root, socket=root / "clamd.sock", database=database)
        try:
            # Inside: a start that fails part-way may still leave a daemon to stop.
            clamd.start()
            yield clamd
        finally:
            clamd.stop()


@pytest.fixture(scope="module")
def module_clamd():
    """A clamd of the module's own, shared by its tests; a test that stops it starts its own."""
    with own_clamd() as clamd:
        yield clamd


@pytest.fixture
def clamd(module_clamd, settings):
    """Point the app at the module's clamd for this test."""
    settings.CLAMD_SOCKET = str(module_clamd.socket)
    settings.CLAMD_HOST = ""
    settings.CLAMD_EMBEDDED = False
    return module_clamd
