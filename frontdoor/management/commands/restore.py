"""``manage.py restore <backup>``: into an empty database, checked against the backup's
manifest (frontdoor/restores.py, docs/adr/0048-backups.md)."""

from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError

from frontdoor.backups import BackupError, connected_as_app, this_database
from frontdoor.database_roles import manage_as_owner
from frontdoor.restores import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database (as the owner "
        "role) and the documents storage, then check every table's row count, the "
        "append-only tables' checksums and every file against the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup's directory (frontdoor-backup-…).")
        parser.add_argument(
            "--database",
            default=None,
            help="Restore into this database on the configured server (default: the "
            "configured database). It must exist and be empty.",
        )
        parser.add_argument(
            "--documents-root",
            default=None,
            help="Restore the files into this directory (default: the documents storage).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore into a database that is not empty: the backed-up tables are "
            "dropped and recreated; and replace differing files in the documents storage.",
        )

    def handle(self, *args, backup, database, documents_root, force, **options):
        backup = Path(backup).resolve()
        if connected_as_app():
            arguments = [str(backup)]
            arguments += [f"--database={database}"] if database else []
            arguments += [f"--documents-root={documents_root}"] if documents_root else []
            arguments += ["--force"] if force else []
            code = manage_as_owner("restore", *arguments)
            if code:
                raise CommandError("The restore failed (see above).", returncode=code)
            return
        storage = (
            FileSystemStorage(
                location=documents_root,
                directory_permissions_mode=0o700,
                file_permissions_mode=0o600,
            )
            if documents_root
            else storages["documents"]
        )
        target = this_database(name=database)
        try:
            restored = backup_restore(backup=backup, database=target, storage=storage, force=force)
        except BackupError as failed:
            raise CommandError(str(failed)) from None
        if restored.problems:
            for problem in restored.problems:
                self.stderr.write(f"Does not match the backup: {problem}")
            raise CommandError(
                f"The restored database {target.name} does not match the backup "
                f"(differences: {len(restored.problems)}, above). Do not use it."
            )
        # Grants are compared only with a backup of this release's schema (restores.py).
        same_release = not (restored.migrations_to_apply or restored.migrations_unknown)
        grants = "the app role's grants, " if same_release else ""
        self.stdout.write(
            f"Restored into {target.name} and checked against the backup: {restored.tables} "
            f"tables' row counts ({restored.rows} rows), {restored.checksummed} append-only "
            f"tables' checksums, the triggers, {grants}the sequences and "
            f"{restored.documents} documents match."
        )
        if restored.migrations_to_apply:
            self.stdout.write(
                f"This code has {restored.migrations_to_apply} migrations the backup's "
                "database had not applied: run `DATABASE_ROLE=owner python manage.py "
                "migrate` before starting the app."
            )
        if restored.migrations_unknown:
            self.stdout.write(
                f"The backup's database had applied {restored.migrations_unknown} migrations "
                "this code does not have: run the release the backup was taken with."
            )
