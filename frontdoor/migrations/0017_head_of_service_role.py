"""The head-of-service role: it holds only the permission to lift a restriction the
holder is not named on, with a recorded reason. It is given on top of the manager
role (lifting still needs a manager), to the few senior people who answer for the
service, so that a restriction whose named people have all left can still be lifted
without letting every manager lift any restriction
(docs/adr/0012-restricted-records-who-sees-and-who-lifts.md).
Administrators do not get it: they run accounts, not cases."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"head_of_service": ["lift_any_restriction"]}


def grant(apps, schema_editor):
    config = apps.get_app_config("frontdoor")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="frontdoor", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GRANTS).delete()
    apps.get_model("auth", "Permission").objects.filter(codename="lift_any_restriction").delete()


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0016_lift_any_restriction_permission")]
    operations = [migrations.RunPython(grant, revoke)]
