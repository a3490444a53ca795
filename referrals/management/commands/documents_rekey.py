from django.core.management.base import BaseCommand

from referrals.services.documents import documents_rekey


class Command(BaseCommand):
    help = (
        "Encrypt every stored document (and seal every webhook secret) again under the first "
        "key in DOCUMENT_KEYS, so the "
        "older keys can be removed (SECURITY.md, docs/adr/0032)."
    )

    def handle(self, *args, **options):
        count = documents_rekey()
        self.stdout.write(f"Re-encrypted {count} documents under the newest key.")
