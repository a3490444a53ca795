from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.alerts import demo_alerts_load
from demo.audits import demo_audits_load
from demo.common import demo_accounts_lines, demo_accounts_write, demo_data_load
from demo.documents import demo_documents_load
from demo.encompass import demo_encompass_load
from demo.intake import DEMO_CONTACT_COUNT, demo_contacts_load
from demo.out_of_hours import demo_out_of_hours_load
from demo.outcomes import demo_notices_summary, demo_outcomes_load
from demo.pathways import demo_pathways_load
from demo.police import demo_police_load
from demo.screening import demo_meetings_load, demo_screening_load

FILE_MAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


class Command(BaseCommand):
    help = "Load synthetic agencies and one account per role (refused when DEBUG is off)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load even though DEBUG is off (for a demonstration server only).",
        )
        parser.add_argument(
            "--contacts",
            type=int,
            default=DEMO_CONTACT_COUNT,
            help=f"How many synthetic contacts there should be (default {DEMO_CONTACT_COUNT}).",
        )
        parser.add_argument(
            "--no-accounts-list",
            action="store_true",
            help="Only say where the accounts are written (run_app lists them once it is up).",
        )

    def handle(
        self,
        *args,
        allow_without_debug: bool = False,
        contacts: int = DEMO_CONTACT_COUNT,
        no_accounts_list: bool = False,
        **options,
    ):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError("Demo data is for development; pass --allow-without-debug to force.")
        demo_data_load()
        # One moment for every step: screening finds today's planned queue by the
        # receipt times intake worked back from it.
        now = timezone.now()
        created = demo_contacts_load(count=contacts, now=now)
        screened = demo_screening_load(now=now)
        meetings = demo_meetings_load(now=now)
        audited = demo_audits_load(now=now)
        outcomes = demo_outcomes_load(now=now)
        documents = demo_documents_load()
        police = demo_police_load(now=now)
        schools_told = demo_encompass_load(now=now)
        alerts = demo_alerts_load(now=now)
        out_of_hours = demo_out_of_hours_load(now=now)
        pathways = demo_pathways_load(now=now)
        if created:
            self.stdout.write(f"Created {created} synthetic contacts (made-up people only).")
        if screened:
            self.stdout.write(f"Screened {screened} of them, as a MAST would have.")
        if meetings:
            self.stdout.write(f"Held {meetings} complex-case meetings.")
        if audited:
            self.stdout.write(
                f"Graded {audited} sampled decisions in weekly quality audits "
                "(the latest week's sample waits for its manager)."
            )
        if outcomes:
            self.stdout.write(f"Recorded {outcomes} things social care did after referrals.")
        if documents:
            self.stdout.write(f"Attached {documents} made-up files to contacts in screening.")
        if police:
            self.stdout.write(f"Recorded {police} police notifications from the demo force.")
        if schools_told:
            self.stdout.write(
                f"Raised {schools_told} Operation Encompass notices to made-up schools, "
                "for the demo's domestic-abuse notifications."
            )
        if alerts:
            self.stdout.write(
                f"{alerts} alerts are on the home pages of the people who must act "
                "(checks asked, a decision returned, approvals waiting, contacts past due)."
            )
        if out_of_hours:
            self.stdout.write(
                "The emergency duty team recorded a contact last night and handed it over: "
                "it is at the top of the queue, marked from EDT."
            )
        if pathways:
            self.stdout.write(
                f"Recorded {pathways} specialist pathway contacts (LADO, private fostering, "
                "NRPF, unaccompanied, requests from other councils), counted apart."
            )
        if created:
            self.stdout.write(demo_notices_summary(emails_go=self._where_emails_go()))
        path = demo_accounts_write(
            Path(settings.DEMO_ACCOUNTS_FILE), two_factor=settings.TWO_FACTOR_REQUIRED
        )
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        if not no_accounts_list:
            for line in demo_accounts_lines(two_factor=settings.TWO_FACTOR_REQUIRED):
                self.stdout.write(line)
        self.stdout.write(f"The demo accounts are also in {path}")

    @staticmethod
    def _where_emails_go() -> str:
        mailer = settings.MAILERS["default"]
        if mailer["BACKEND"] == FILE_MAIL_BACKEND:
            return f"which the worker writes as files to {mailer['OPTIONS']['file_path']}"
        return "which the worker hands to the mail server"
