"""The emergency duty team (EDT) role (docs/adr/0044): one permission, to record
contacts out of hours and hand them over to the day team. It sees the contacts it
recorded and nothing else: not the queue, not the people search, not the scorecard."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"edt": ["record_out_of_hours"]}


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
    apps.get_model("auth", "Permission").objects.filter(codename="record_out_of_hours").delete()


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0019_lado_role")]
    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["full_name"],
                "permissions": [
                    ("screen_contacts", "Can screen contacts from the queue"),
                    ("approve_decisions", "Can approve decisions and reassign screening"),
                    ("submit_referrals", "Can submit referrals and follow their own"),
                    ("answer_agency_checks", "Can answer multi-agency checks for own agency"),
                    ("view_performance", "Can view the performance scorecard"),
                    (
                        "view_performance_records",
                        "Can open the contacts behind scorecard figures and export the inspection list",
                    ),
                    ("administer_service", "Can manage agencies and user accounts"),
                    ("record_outcomes", "Can record what happened after a referral"),
                    (
                        "make_statutory_returns",
                        "Can export the Children in Need census and read its validation report",
                    ),
                    (
                        "lift_any_restriction",
                        "Can lift a restriction they are not named on, giving a recorded reason",
                    ),
                    (
                        "handle_lado",
                        "Can record and handle allegations against adults who work with children (LADO)",
                    ),
                    (
                        "record_out_of_hours",
                        "Can record contacts out of hours and hand them over to the day team",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
