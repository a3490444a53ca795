from django.core.management.base import BaseCommand, CommandError

from frontdoor.models import User
from frontdoor.roles import Permission
from referrals.services import api_client_create


class Command(BaseCommand):
    help = "Issue an API token to a partner system acting as an existing referrer account."

    def add_arguments(self, parser):
        parser.add_argument("--account", required=True, help="Email of the service account.")
        parser.add_argument("--name", required=True, help="e.g. 'Demonstration Police feed'.")

    def handle(self, *args, account: str, name: str, **options):
        try:
            user = User.objects.get(email__iexact=account, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active account has the email {account}.") from None
        if not user.has_perm(Permission.SUBMIT_REFERRALS.perm):
            raise CommandError("That account cannot submit referrals: give it the referrer role.")
        client, token = api_client_create(name=name, account=user)
        self.stdout.write(f"Partner system '{client.name}' can now submit contacts.")
        self.stdout.write("Its token is shown this once; store it in the partner's secret store:")
        self.stdout.write(token)
