"""Social-care staff (screeners, managers) and case-management systems record the
downstream outcomes of referrals."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "screener": ["record_outcomes"],
    "manager": ["record_outcomes"],
    "case_system": ["record_outcomes"],
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
    Group.objects.filter(name="case_system").delete()


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0006_record_outcomes_permission")]
    operations = [migrations.RunPython(grant, revoke)]
