from django.core.management.base import BaseCommand, CommandError

from frontdoor.models import User
from referrals import services
from referrals.models import Scope


class Command(BaseCommand):
    help = (
        "Register a partner system acting as an existing service account and issue its "
        "first token (for automation; administrators use the partner systems pages). "
        "The same rules apply: each scope needs the account's role to allow it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--account", required=True, help="Email of the service account.")
        parser.add_argument("--name", required=True, help="e.g. 'Demonstration Police feed'.")
        parser.add_argument(
            "--scope",
            action="append",
            choices=Scope.values,
            dest="scopes",
            help="What the system may do; repeat for more. Left out: everything the "
            "account's roles allow.",
        )

    def handle(self, *args, account: str, name: str, scopes=None, **options):
        try:
            user = User.objects.get(email__iexact=account, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active account has the email {account}.") from None
        if scopes is None and not services.scopes_allowed(user):
            raise CommandError(
                "That account's roles allow nothing through the API: give it the referrer "
                "role (to submit contacts), the case-management system role (for outcome "
                "events) or the performance viewer role (for the scorecard)."
            )
        try:
            client, token = services.api_client_create(name=name, account=user, scopes=scopes)
        except services.ApiClientRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"Partner system '{client.name}' may now: "
            + "; ".join(label.lower() for label in client.scope_labels)
            + "."
        )
        self.stdout.write("Its token is shown this once; store it in the partner's secret store:")
        self.stdout.write(token)
