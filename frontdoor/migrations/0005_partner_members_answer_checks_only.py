"""Partner-agency members answer the checks addressed to their agency and see no
more of a contact than that needs; seconded staff who also screen hold the
screener role as well."""

from django.db import migrations


def narrow_partner_members(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="partner_agency_member").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="frontdoor", codename="screen_contacts"
            )
        )


def widen_partner_members(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="partner_agency_member")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="frontdoor", codename="screen_contacts")
    )


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0004_audit_events")]
    operations = [migrations.RunPython(narrow_partner_members, widen_partner_members)]
