from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    config = apps.get_app_config("screening")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="administrator").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="screening",
                codename__in=["view_thresholdlevel", "change_thresholdlevel", "add_thresholdlevel"],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0002_reference_data_and_decision_immutability"),
        ("frontdoor", "0005_partner_members_answer_checks_only"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
