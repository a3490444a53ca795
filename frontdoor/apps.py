from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FrontdoorConfig(AppConfig):
    name = "frontdoor"
    verbose_name = "Front Door: accounts and agencies"

    def ready(self) -> None:
        from frontdoor.database_roles import grant_after_migrate

        # Once per migrate, after every app's migrations: all tables exist by then.
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="app_privileges")
