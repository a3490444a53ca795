"""Who makes the Children in Need census return: managers and performance viewers.
Partner-agency members of the MAST see the scorecard's aggregates only, so not the
child-level return."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTED_TO = ["manager", "performance_viewer"]


def grant(apps, schema_editor):
    config = apps.get_app_config("frontdoor")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="frontdoor", codename="make_statutory_returns"
    )
    for name in GRANTED_TO:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(codename="make_statutory_returns").delete()


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0014_census_export")]
    operations = [migrations.RunPython(grant, revoke)]
