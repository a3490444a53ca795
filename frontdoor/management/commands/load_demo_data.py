from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frontdoor.demo import DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Load synthetic agencies and one account per role (refused when DEBUG is off)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load even though DEBUG is off (for a demonstration server only).",
        )

    def handle(self, *args, allow_without_debug: bool = False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError("Demo data is for development; pass --allow-without-debug to force.")
        accounts = demo_data_load()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Sign in as any of:"))
        width = max(len(account.email) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.email.ljust(width)}  {account.role.label}")
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}")
