from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate, pre_migrate


class FrontdoorConfig(AppConfig):
    name = "frontdoor"
    verbose_name = "Front Door: accounts and agencies"

    def ready(self) -> None:
        from frontdoor.database_roles import (
            check_app_role,
            grant_after_migrate,
            refuse_migrate_as_app,
        )

        pre_migrate.connect(refuse_migrate_as_app, sender=self, dispatch_uid="migrate_as_owner")
        # Once per migrate, after every app's migrations: all tables exist by then.
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="app_privileges")
        checks.register(check_app_role, checks.Tags.database, deploy=True)
