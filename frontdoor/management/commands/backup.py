"""``manage.py backup``: the database and the attached files, into one dated directory
(frontdoor/backups.py, docs/adr/0048-backups.md)."""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from frontdoor.backups import BackupError, backup_create, connected_as_app, this_database
from frontdoor.database_roles import manage_as_owner


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, as the owner role), the attached files (still "
        "encrypted; the keys are not included) and a manifest to check a restore against."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=None,
            help="The directory to write the dated backup directory in (default BACKUP_DIR).",
        )

    def handle(self, *args, to: str | None, **options):
        destination = Path(to or settings.BACKUP_DIR).resolve()
        if connected_as_app():
            code = manage_as_owner("backup", f"--to={destination}")
            if code:
                raise CommandError("The backup failed (see above).", returncode=code)
            return
        try:
            with _stopped_cleanly():
                made = backup_create(
                    database=this_database(),
                    storage=storages["documents"],
                    destination=destination,
                )
        except BackupError as failed:
            raise CommandError(str(failed)) from None
        self.stdout.write(
            f"Backed up {made.tables} tables ({made.rows} rows; {made.checksummed} append-only "
            f"tables checksummed) and {made.documents} documents to {made.path}. The document "
            "keys (DOCUMENT_KEYS) are not in the backup: keep them safe apart from it."
        )
        if made.documents_missing:
            # Not a warning a timer's journal would keep to itself: the run fails, so
            # OnFailure= (or cron's mail) tells someone. The backup is kept.
            raise CommandError(
                f"{made.documents_missing} files the database's documents name are not in "
                "the documents storage, so their rows are in the backup without them: "
                "deleted while the backup was taken (run backups away from the nightly "
                "jobs), lost before, or DOCUMENT_ROOT is not the app's. The backup is kept; "
                "find out why before relying on it."
            )


def _stop(signum: int, frame: object) -> None:
    raise CommandError(
        "Stopped (SIGTERM) before the backup was finished: what it had written is removed.",
        returncode=128 + signum,
    )


@contextmanager
def _stopped_cleanly() -> Iterator[None]:
    """SIGTERM (systemd's stop or timeout) ends Python without unwinding, which would
    leave a ``.partial`` directory holding a dump of personal data: made an exception
    instead, so backup_create removes it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
