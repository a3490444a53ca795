"""Administrators can see and remove a user's authenticator app in the admin (for a
lost phone: the user then sets up a new one at their next sign-in)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"administrator": ["view_totpdevice", "delete_totpdevice"]}


def grant(apps, schema_editor):
    config = apps.get_app_config("otp_totp")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="otp_totp", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="administrator").permissions.remove(
        *Permission.objects.filter(content_type__app_label="otp_totp")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("frontdoor", "0010_audit_export_action"),
        ("otp_totp", "0003_add_timestamps"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
