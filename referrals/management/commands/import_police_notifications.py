"""Import a force's CSV file of police notifications, as the upload page does: the same
service, rules and report (docs/adr/0037)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frontdoor.models import User
from referrals import services


class Command(BaseCommand):
    help = (
        "Import a CSV file of police notifications for the force of the account given "
        "(police staff who may record notifications). Good rows are recorded, re-sent "
        "references are reported and not recorded again, and each bad row is reported "
        "by its row number and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file (UTF-8).")
        parser.add_argument(
            "--as", required=True, dest="email", help="Email of the police account recording."
        )

    def handle(self, *args, path: str, email: str, **options):
        try:
            actor = User.objects.select_related("agency").get(email__iexact=email, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active account has the email {email}.") from None
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"There is no file at {path}.")
        with file.open("rb") as handle:
            data = handle.read(settings.POLICE_IMPORT_MAX_BYTES + 1)
        try:
            report = services.police_notifications_import(
                actor=actor, force=actor.agency, data=data
            )
        except services.ImportFileRefused as refused:
            raise CommandError(str(refused)) from None
        except services.PoliceNotificationRefused as refused:
            raise CommandError(str(refused)) from None
        for number, column, message in report.errors:
            where = f"Row {number}, {column}" if column else f"Row {number}"
            self.stdout.write(f"{where}: {message}")
        for number, police_reference, reference in report.resent:
            self.stdout.write(f"Row {number}: {police_reference} was already sent as {reference}")
        for number, police_reference, reference, how in report.changed:
            self.stdout.write(
                f"Row {number}: {police_reference} ({reference}) differs from what was first "
                f"sent, recorded on its contact log: {how}"
            )
        self.stdout.write(
            f"{len(report.created)} recorded, {len(report.resent)} already sent, "
            f"{len(report.errors)} with problems"
        )
