"""Load the schools directory from CSV files: the DfE's Get Information about Schools
extract (a national extract is fine: ENCOMPASS_LOCAL_AUTHORITIES keeps your area's), the
council's Key Adult list, and term dates. The same service as the administrators'
upload page, without its size limit."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outcomes.encompass import directory


class Command(BaseCommand):
    help = "Load schools (GIAS extract), Key Adults and term dates from CSV files."

    def add_arguments(self, parser):
        parser.add_argument("--gias", type=Path, help="GIAS establishment fields CSV")
        parser.add_argument("--key-adults", type=Path, help="The council's Key Adult list")
        parser.add_argument("--term-dates", type=Path, help="Term dates CSV")

    def handle(self, *args, **options):
        # Term dates before Key Adults: the Key Adult list may name a school's calendar.
        files = [
            (directory.Kind.GIAS, options["gias"]),
            (directory.Kind.TERM_DATES, options["term_dates"]),
            (directory.Kind.KEY_ADULTS, options["key_adults"]),
        ]
        if not any(path for _, path in files):
            raise CommandError("Give at least one of --gias, --key-adults, --term-dates")
        failed = False
        for kind, path in files:
            if path is None:
                continue
            try:
                report = directory.directory_import(actor=None, kind=kind, data=path.read_bytes())
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}") from None
            except directory.DirectoryRefused as refused:
                raise CommandError(f"{path}: {refused}") from None
            self.stdout.write(
                f"{directory.KIND_LABELS[kind]}: {report.created} new, {report.updated} "
                f"changed, {report.unchanged} unchanged, {report.skipped} left out, "
                f"{len(report.errors)} not loaded"
            )
            for line, message in report.errors[: directory.ERRORS_SHOWN]:
                self.stderr.write(f"  line {line}: {message}")
            failed = failed or bool(report.errors)
        if failed:
            raise CommandError("Some rows were not loaded: fix them and run again")
