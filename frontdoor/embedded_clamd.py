"""A real ClamAV daemon for machines where none is configured (docs/adr/0032).

When neither ``CLAMD_SOCKET`` nor ``CLAMD_HOST`` is set, settings call ``socket_path()``:
Debian's ``clamd`` (package ``clamav-daemon``, which scripts/install installs) is started
under ``.frontdoor/clamd/``, listening only on a Unix socket there, and shared by every
process of the project like the embedded Redis (frontdoor/embedded.py): the first process
starts it, later ones attach, the last one out stops it.

Its signature database is one this module writes: the EICAR test file's signature, dated
when it was written. ClamAV's official databases come from ``freshclam`` over the
internet, which an install step cannot assume; a database that only knows EICAR proves
the scanning path end to end and is honest about what it catches (the page names it).
Production points ``CLAMD_SOCKET`` or ``CLAMD_HOST`` at a daemon freshclam keeps current.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import signal
import subprocess
import time
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from frontdoor.embedded import STATE_DIR, UNIX_SOCKET_PATH_LIMIT, _ClientRegistry

CLAMD_BINARY_CANDIDATES = ("/usr/sbin/clamd", "/usr/local/sbin/clamd")
START_TIMEOUT_SECONDS = 60
DATABASE_NAME = "frontdoor-test-signatures.hdb"
# The EICAR anti-virus test file (68 bytes): every scanner reports it, it harms nothing.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE_NAME = "Eicar-Test-Signature"


def eicar_signature_line() -> str:
    """The EICAR file's hash signature in ClamAV's ``.hdb`` form (md5:size:name)."""
    return f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:{EICAR_SIGNATURE_NAME}\n"  # noqa: S324 - ClamAV's format


def clamd_binary() -> str | None:
    found = shutil.which("clamd")
    return found or next((c for c in CLAMD_BINARY_CANDIDATES if Path(c).exists()), None)


def paths(state_dir: Path = STATE_DIR) -> tuple[Path, Path, Path]:
    """The daemon's directory, its socket and its signature directory."""
    clamd_dir = state_dir / "clamd"
    socket_path = clamd_dir / "clamd.sock"
    if len(str(socket_path)) > UNIX_SOCKET_PATH_LIMIT:
        import tempfile

        digest = hashlib.sha256(str(state_dir).encode()).hexdigest()[:12]
        socket_path = Path(tempfile.gettempdir()) / f"frontdoor-clamd-{digest}.sock"
    return clamd_dir, socket_path, clamd_dir / "db"


def database_write(database_dir: Path) -> None:
    """Write the EICAR-only signature database, once; its file's date is the database's
    date the pages show (``signatures_described``)."""
    database_dir.mkdir(parents=True, exist_ok=True)
    target = database_dir / DATABASE_NAME
    if not target.exists():
        target.write_text(eicar_signature_line())


def database_date(database_dir: Path) -> datetime | None:
    target = database_dir / DATABASE_NAME
    if not target.exists():
        return None
    return datetime.fromtimestamp(target.stat().st_mtime, tz=UTC)


def answers(socket_path: Path) -> bool:
    from clamav_client.clamd import ClamdError, ClamdUnixSocket

    if not socket_path.exists():
        return False
    try:
        return ClamdUnixSocket(str(socket_path), timeout=2).ping() == "PONG"
    except (ClamdError, OSError):
        return False


def start(clamd_dir: Path, socket_path: Path, database_dir: Path) -> None:
    """Start clamd on ``socket_path`` with the signatures in ``database_dir``; return when
    it answers. Used for the embedded daemon and by tests that run their own."""
    binary = clamd_binary()
    if binary is None:
        raise RuntimeError(
            "clamd is not installed: install Debian's clamav-daemon (scripts/install does), "
            "or set CLAMD_SOCKET or CLAMD_HOST to a ClamAV daemon."
        )
    clamd_dir.mkdir(parents=True, exist_ok=True)
    config = clamd_dir / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"LocalSocket {socket_path}",
                "LocalSocketMode 600",
                f"DatabaseDirectory {database_dir}",
                f"PidFile {clamd_dir / 'clamd.pid'}",
                f"LogFile {clamd_dir / 'clamd.log'}",
                f"TemporaryDirectory {clamd_dir}",
                # Room for the largest upload allowed (DOCUMENT_MAX_BYTES) and its stream framing.
                "StreamMaxLength 100M",
                # Detaches like redis-server's "daemonize yes": the starting process may exit.
                "Foreground no",
                "SelfCheck 600",
                "",
            ]
        )
    )
    with suppress(FileNotFoundError):
        socket_path.unlink()
    started = subprocess.run(  # noqa: S603
        [binary, "--config-file", str(config)], check=False, capture_output=True
    )
    # clamd's parent waits for a SIGINT from its daemon child to say "ready", and dies of
    # it when the child is quicker than the parent's handler (seen under load): the daemon
    # is running then, so only another failure is one. Either way the wait below decides.
    if started.returncode not in (0, -signal.SIGINT):
        raise subprocess.CalledProcessError(
            started.returncode, started.args, started.stdout, started.stderr
        )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not answers(socket_path):
        if time.monotonic() > deadline:
            log = (clamd_dir / "clamd.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"clamd did not start; its log ends:\n{log}")
        time.sleep(0.05)


def stop(socket_path: Path) -> None:
    """Ask the daemon to shut down and wait until it no longer answers."""
    from clamav_client.clamd import ClamdError, ClamdUnixSocket

    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while answers(socket_path):
        if time.monotonic() > deadline:
            raise RuntimeError("clamd did not stop")
        # Asked again until it goes: a daemon that has only just started can answer PING
        # and still drop a SHUTDOWN (seen with clamd 1.4 moments after it detached).
        with suppress(ClamdError, OSError):
            ClamdUnixSocket(str(socket_path), timeout=5).shutdown()
        time.sleep(0.2)


def _stop_if_last(registry: _ClientRegistry, socket_path: Path) -> None:
    with registry.locked():
        if os.getpid() not in registry._read_live():
            return  # a forked child (gunicorn or Celery worker) never registered
        if registry.remove(os.getpid()):
            return
        stop(socket_path)


_socket: str | None = None


def socket_path() -> str:
    """Start (or attach to) the project's embedded clamd; return its socket's path."""
    global _socket
    if _socket is not None:
        return _socket
    clamd_dir, path, database_dir = paths()
    clamd_dir.mkdir(parents=True, exist_ok=True)
    registry = _ClientRegistry(clamd_dir / "clients.json")
    with registry.locked():
        if not answers(path):
            database_write(database_dir)
            start(clamd_dir, path, database_dir)
        registry.add(os.getpid())
    atexit.register(_stop_if_last, registry, path)
    _socket = str(path)
    return _socket
