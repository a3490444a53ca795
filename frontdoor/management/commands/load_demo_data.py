from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frontdoor.demo import DEMO_PASSWORD, demo_data_load
from outcomes.demo import demo_outcomes_load
from referrals.demo import DEMO_CONTACT_COUNT, demo_contacts_load
from screening.demo import demo_screening_load


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

    def handle(
        self,
        *args,
        allow_without_debug: bool = False,
        contacts: int = DEMO_CONTACT_COUNT,
        **options,
    ):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError("Demo data is for development; pass --allow-without-debug to force.")
        accounts = demo_data_load()
        created = demo_contacts_load(count=contacts)
        screened = demo_screening_load()
        outcomes = demo_outcomes_load()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Sign in as any of:"))
        width = max(len(account.email) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.email.ljust(width)}  {account.role.label}")
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}")
        if settings.TWO_FACTOR_REQUIRED:
            self.stdout.write(
                "Staff accounts set up an authenticator app (any TOTP app) at first sign-in."
            )
        if created:
            self.stdout.write(f"Created {created} synthetic contacts (made-up people only).")
        if screened:
            self.stdout.write(f"Screened {screened} of them, as a MAST would have.")
        if outcomes:
            self.stdout.write(f"Recorded {outcomes} things social care did after referrals.")
