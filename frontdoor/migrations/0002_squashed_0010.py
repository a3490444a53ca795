"""frontdoor 0002_referral_sources .. 0010_audit_export_action for a new database, written by
scripts/squash_migrations.py frontdoor 0002 0010 --keep-order
(docs/adr/0026-squashed-migrations.md): regenerate, do not edit."""

from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

_0002 = import_module("frontdoor.migrations.0002_referral_sources")
_0003 = import_module("frontdoor.migrations.0003_roles")
_0005 = import_module("frontdoor.migrations.0005_partner_members_answer_checks_only")
_0007 = import_module("frontdoor.migrations.0007_case_system_role")
_0009 = import_module("frontdoor.migrations.0009_scorecard_grants")


class Migration(migrations.Migration):
    replaces = [
        ("frontdoor", "0002_referral_sources"),
        ("frontdoor", "0003_roles"),
        ("frontdoor", "0004_audit_events"),
        ("frontdoor", "0005_partner_members_answer_checks_only"),
        ("frontdoor", "0006_record_outcomes_permission"),
        ("frontdoor", "0007_case_system_role"),
        ("frontdoor", "0008_performance_records_permission"),
        ("frontdoor", "0009_scorecard_grants"),
        ("frontdoor", "0010_audit_export_action"),
    ]

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("frontdoor", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            code=_0002.load,
            reverse_code=_0002.unload,
        ),
        migrations.RunPython(
            code=_0003.create_roles,
            reverse_code=_0003.remove_roles,
        ),
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("occurred_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("view", "Viewed"),
                            ("create", "Created"),
                            ("change", "Changed"),
                            ("search", "Searched"),
                        ],
                        max_length=10,
                    ),
                ),
                ("record_type", models.CharField(max_length=40)),
                ("record_id", models.CharField(blank=True, max_length=40)),
                (
                    "via",
                    models.CharField(help_text="The screen, API operation or job.", max_length=100),
                ),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                ("detail", models.JSONField(blank=True, default=dict)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty for the system's own jobs.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audit_events",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-occurred_at"],
                "indexes": [
                    models.Index(
                        fields=["record_type", "record_id", "-occurred_at"], name="audit_record_idx"
                    ),
                    models.Index(fields=["actor", "-occurred_at"], name="audit_actor_idx"),
                ],
            },
        ),
        migrations.RunSQL(
            sql="\n            CREATE FUNCTION frontdoor_audit_append_only() RETURNS trigger\n            LANGUAGE plpgsql AS $$\n            BEGIN\n              RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP;\n            END $$;\n            CREATE TRIGGER frontdoor_auditevent_append_only\n              BEFORE UPDATE OR DELETE ON frontdoor_auditevent\n              FOR EACH ROW EXECUTE FUNCTION frontdoor_audit_append_only();\n            ",
            reverse_sql="\n            DROP TRIGGER frontdoor_auditevent_append_only ON frontdoor_auditevent;\n            DROP FUNCTION frontdoor_audit_append_only();\n            ",
        ),
        migrations.RunPython(
            code=_0005.narrow_partner_members,
            reverse_code=_0005.widen_partner_members,
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
                    ("administer_service", "Can manage agencies and user accounts"),
                    ("record_outcomes", "Can record what happened after a referral"),
                ],
            },
        ),
        migrations.RunPython(
            code=_0007.grant,
            reverse_code=_0007.revoke,
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
                ],
            },
        ),
        migrations.RunPython(
            code=_0009.grant,
            reverse_code=_0009.revoke,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "Viewed"),
                    ("create", "Created"),
                    ("change", "Changed"),
                    ("search", "Searched"),
                    ("export", "Exported"),
                ],
                max_length=10,
            ),
        ),
    ]
