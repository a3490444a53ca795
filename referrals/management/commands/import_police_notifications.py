"""Import a force's CSV file of police notifications, as the upload page does: the same
job, rules and report (docs/adr/0037, 0040), run here rather than by the worker."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frontdoor.models import User
from referrals import services
from referrals.models import PoliceImportRow

Outcome = PoliceImportRow.Outcome


class Command(BaseCommand):
    help = (
        "Import a CSV file of police notifications for the force of the account given "
        "(police staff who may record notifications). Good rows are recorded, re-sent "
        "references are reported and not recorded again, and each bad row is reported "
        "by its row number and column. The account gets the upload page's one summary email."
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
            job = services.police_import_keep(actor=actor, data=data)
        except services.ImportFileRefused as refused:
            raise CommandError(str(refused)) from None
        job = services.police_import_run(import_id=job.pk)
        rows = list(job.report_rows.all())
        for row in rows:
            if row.outcome == Outcome.REFUSED:
                where = f"Row {row.number}, {row.column}" if row.column else f"Row {row.number}"
                self.stdout.write(f"{where}: {row.message}")
        for row in rows:
            if row.outcome in (Outcome.RESENT, Outcome.CHANGED):
                self.stdout.write(
                    f"Row {row.number}: {row.police_reference} was already sent as "
                    f"{row.contact_reference}"
                )
        for row in rows:
            if row.outcome == Outcome.CHANGED:
                self.stdout.write(
                    f"Row {row.number}: {row.police_reference} ({row.contact_reference}) "
                    f"differs from what was first sent, recorded on its contact log: "
                    f"{row.message}"
                )
        if job.problem:
            self.stdout.write(job.problem)
        self.stdout.write(
            f"{job.recorded} recorded, {job.resent} already sent, {job.refused} with problems"
        )
