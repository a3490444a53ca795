"""frontdoor 0011_administrators_reset_authenticators .. 0017_head_of_service_role for a new database, written by
scripts/squash_migrations.py frontdoor 0011 0017 --keep-order
(docs/adr/0026-squashed-migrations.md): regenerate, do not edit."""

from importlib import import_module

from django.db import migrations, models

_0011 = import_module("frontdoor.migrations.0011_administrators_reset_authenticators")
_0013 = import_module("frontdoor.migrations.0013_census_code_lists")
_0015 = import_module("frontdoor.migrations.0015_census_returns_grants")
_0017 = import_module("frontdoor.migrations.0017_head_of_service_role")


class Migration(migrations.Migration):
    replaces = [
        ("frontdoor", "0011_administrators_reset_authenticators"),
        ("frontdoor", "0012_census_codes"),
        ("frontdoor", "0013_census_code_lists"),
        ("frontdoor", "0014_census_export"),
        ("frontdoor", "0015_census_returns_grants"),
        ("frontdoor", "0016_lift_any_restriction_permission"),
        ("frontdoor", "0017_head_of_service_role"),
    ]

    dependencies = [
        ("frontdoor", "0010_audit_export_action"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunPython(
            code=_0011.grant,
            reverse_code=_0011.revoke,
        ),
        migrations.AddField(
            model_name="referralsource",
            name="annex_a_label",
            field=models.CharField(
                blank=True,
                help_text="Ofsted's prefixed Annex A label, e.g. a) 1A: Individual.",
                max_length=60,
            ),
        ),
        migrations.AddField(
            model_name="referralsource",
            name="last_census_year",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Last return year the code is valid for; empty if current.",
                null=True,
            ),
        ),
        migrations.CreateModel(
            name="CensusCode",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code_list",
                    models.CharField(
                        choices=[
                            ("assessment_factor", "Factors identified at the end of assessment"),
                            ("primary_need", "Primary need"),
                            ("reason_for_closure", "Reason for closure"),
                            ("disability", "Disability"),
                            ("ethnicity", "Ethnicity"),
                            ("sex", "Sex"),
                        ],
                        max_length=30,
                    ),
                ),
                ("code", models.CharField(max_length=6)),
                ("label", models.CharField(max_length=200)),
                ("annex_a_label", models.CharField(blank=True, max_length=60)),
                ("first_year", models.PositiveSmallIntegerField()),
                ("last_year", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("position", models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                "ordering": ["code_list", "position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("code_list", "code", "first_year"),
                        name="census_code_unique_per_start",
                    )
                ],
            },
        ),
        migrations.RunPython(
            code=_0013.load,
            reverse_code=_0013.unload,
        ),
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
                ],
            },
        ),
        migrations.RunPython(
            code=_0015.grant,
            reverse_code=_0015.revoke,
        ),
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
                ],
            },
        ),
        migrations.RunPython(
            code=_0017.grant,
            reverse_code=_0017.revoke,
        ),
    ]
