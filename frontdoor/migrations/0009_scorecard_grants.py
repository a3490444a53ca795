"""Who reads the scorecard. Managers open the contacts behind a figure and export the
inspection list; performance viewers and partner-agency members of the MAST see the
aggregate figures only (the steering group is a partnership)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "manager": ["view_performance", "view_performance_records"],
    "performance_viewer": ["view_performance"],
    "partner_agency_member": ["view_performance"],
}


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
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    records = Permission.objects.filter(codename="view_performance_records")
    Group.objects.get(name="manager").permissions.remove(*records)
    Group.objects.get(name="partner_agency_member").permissions.remove(
        *Permission.objects.filter(codename="view_performance")
    )


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0008_performance_records_permission")]
    operations = [migrations.RunPython(grant, revoke)]
