from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Contacts and referrals"

    def ready(self) -> None:
        from frontdoor import events
        from referrals.services.police_import_jobs import police_imports_reseal

        # Police import files waiting for the worker are sealed with the document keys.
        events.subscribe(events.DOCUMENT_KEYS_ROTATED, police_imports_reseal)
