"""The service's roles as groups with their permissions.

The mapping is written out here, not imported, so this migration means the same
thing for ever; a later change to a role is a later migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "administrator": [
        "frontdoor.administer_service",
        "frontdoor.view_agency",
        "frontdoor.add_agency",
        "frontdoor.change_agency",
        "frontdoor.view_user",
        "frontdoor.add_user",
        "frontdoor.change_user",
        "frontdoor.view_referralsource",
        "auth.view_group",
    ],
    "manager": [
        "frontdoor.screen_contacts",
        "frontdoor.approve_decisions",
        "frontdoor.view_performance",
    ],
    "screener": ["frontdoor.screen_contacts"],
    "partner_agency_member": ["frontdoor.screen_contacts", "frontdoor.answer_agency_checks"],
    "performance_viewer": ["frontdoor.view_performance"],
    "referrer": ["frontdoor.submit_referrals"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        if getattr(app_config, "models_module", None) is not None:
            create_permissions(app_config, apps=apps, verbosity=0)
            continue
        # Historical app configs have no models module; create_permissions skips those.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("frontdoor", "0002_referral_sources"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
