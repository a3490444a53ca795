"""outcomes 0001_initial .. 0011_dispatch_queued_at for a new database, written by
scripts/squash_migrations.py outcomes 0001 0011 --passable=seed
(docs/adr/0026-squashed-migrations.md): regenerate, do not edit."""

import uuid
from importlib import import_module

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
from django.conf import settings
from django.db import migrations, models

_0004 = import_module("outcomes.migrations.0004_national_figures_data")


class Migration(migrations.Migration):
    replaces = [
        ("outcomes", "0001_initial"),
        ("outcomes", "0002_downstream_outcomes"),
        ("outcomes", "0003_national_figures"),
        ("outcomes", "0004_national_figures_data"),
        ("outcomes", "0005_downstreamoutcomeevent_noticeevent_and_more"),
        ("outcomes", "0006_retention_runs"),
        ("outcomes", "0007_scorecard_snapshot"),
        ("outcomes", "0008_census_codes"),
        ("outcomes", "0009_census_export"),
        ("outcomes", "0010_outcome_imports"),
        ("outcomes", "0011_dispatch_queued_at"),
    ]

    initial = True

    dependencies = [
        ("pghistory", "0007_auto_20250421_0444"),
        ("referrals", "0002_contact_decision_due_at"),
        ("referrals", "0009_census_codes"),
        ("screening", "0003_administrators_manage_threshold_levels"),
        ("screening", "0004_complex_case_meetings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Notice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("acknowledgement", "Acknowledgement of receipt"),
                            ("outcome", "Outcome"),
                            ("correction", "Correction of an earlier outcome"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "audience",
                    models.CharField(
                        choices=[("referrer", "Referrer"), ("family", "Family")], max_length=20
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[("email", "Email"), ("sms", "Text message"), ("letter", "Letter")],
                        max_length=10,
                    ),
                ),
                (
                    "recipient",
                    models.TextField(help_text="Email address, phone number or postal address."),
                ),
                ("reference", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting to be sent"),
                            ("sending", "Sending"),
                            ("sent", "Sent"),
                            ("delivered", "Delivered"),
                            ("temporary_failure", "Failed for now; will retry"),
                            ("permanent_failure", "Failed: needs a person"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("failure_reason", models.CharField(blank=True, max_length=200)),
                ("provider_id", models.CharField(blank=True, max_length=100)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sending_started_at", models.DateTimeField(blank=True, null=True)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notices",
                        to="referrals.contact",
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notices",
                        to="screening.decision",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "resend_of",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="resends",
                        to="outcomes.notice",
                    ),
                ),
            ],
            options={
                "ordering": ["contact", "created_at"],
                "indexes": [
                    models.Index(fields=["status", "updated_at"], name="notice_status_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "sent"), _negated=True),
                            ("sent_at__isnull", False),
                            _connector="OR",
                        ),
                        name="notice_sent_has_a_time",
                    )
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "outcomes_noticeevent" ("attempts", "audience", "channel", "contact_id", "created_at", "decision_id", "failure_reason", "id", "kind", "next_attempt_at", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provider_id", "recipient", "reference", "requested_by_id", "resend_of_id", "sending_started_at", "sent_at", "status", "updated_at") VALUES (NEW."attempts", NEW."audience", NEW."channel", NEW."contact_id", NEW."created_at", NEW."decision_id", NEW."failure_reason", NEW."id", NEW."kind", NEW."next_attempt_at", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."provider_id", NEW."recipient", NEW."reference", NEW."requested_by_id", NEW."resend_of_id", NEW."sending_started_at", NEW."sent_at", NEW."status", NEW."updated_at"); RETURN NULL;',
                            hash="da995334d840869411aa10d60738ca3d1b368304",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_4c394",
                            table="outcomes_notice",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "outcomes_noticeevent" ("attempts", "audience", "channel", "contact_id", "created_at", "decision_id", "failure_reason", "id", "kind", "next_attempt_at", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provider_id", "recipient", "reference", "requested_by_id", "resend_of_id", "sending_started_at", "sent_at", "status", "updated_at") VALUES (NEW."attempts", NEW."audience", NEW."channel", NEW."contact_id", NEW."created_at", NEW."decision_id", NEW."failure_reason", NEW."id", NEW."kind", NEW."next_attempt_at", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."provider_id", NEW."recipient", NEW."reference", NEW."requested_by_id", NEW."resend_of_id", NEW."sending_started_at", NEW."sent_at", NEW."status", NEW."updated_at"); RETURN NULL;',
                            hash="a0bd529c98df7cbc876e6a15e595514f1ea07d6a",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_8efc1",
                            table="outcomes_notice",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "outcomes_noticeevent" ("attempts", "audience", "channel", "contact_id", "created_at", "decision_id", "failure_reason", "id", "kind", "next_attempt_at", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provider_id", "recipient", "reference", "requested_by_id", "resend_of_id", "sending_started_at", "sent_at", "status", "updated_at") VALUES (OLD."attempts", OLD."audience", OLD."channel", OLD."contact_id", OLD."created_at", OLD."decision_id", OLD."failure_reason", OLD."id", OLD."kind", OLD."next_attempt_at", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."provider_id", OLD."recipient", OLD."reference", OLD."requested_by_id", OLD."resend_of_id", OLD."sending_started_at", OLD."sent_at", OLD."status", OLD."updated_at"); RETURN NULL;',
                            hash="8d55491d3394736274b80a913c3bceb439462e7d",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_eda18",
                            table="outcomes_notice",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="DownstreamOutcome",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event",
                    models.CharField(
                        choices=[
                            ("assessment_started", "Assessment started"),
                            ("assessment_completed", "Assessment completed"),
                            ("strategy_discussion", "Strategy discussion held"),
                            ("s47_enquiry", "Section 47 enquiry started"),
                            ("icpc", "Initial child protection conference held"),
                            ("cp_plan", "Child protection plan started"),
                            ("icpc_not_required", "Section 47 ended: no conference needed"),
                            ("case_closed", "Case closed"),
                        ],
                        max_length=30,
                    ),
                ),
                ("occurred_on", models.DateField()),
                (
                    "assessment_outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("nfa", "No further action"),
                            ("child_in_need", "Child in need"),
                            ("child_protection", "Child protection"),
                            ("looked_after", "Looked after"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("form", "Recorded on the form"),
                            ("csv", "Imported from a file"),
                            ("api", "Sent by a case-management system"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "external_id",
                    models.CharField(
                        blank=True,
                        help_text="The sender's own id, so a resend is recognised.",
                        max_length=100,
                    ),
                ),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="downstream",
                        to="referrals.contact",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "subject",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="downstream",
                        to="referrals.contactsubject",
                    ),
                ),
                (
                    "factors",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=4),
                        blank=True,
                        default=list,
                        help_text="CIN census factors identified at the end of a completed assessment.",
                    ),
                ),
                (
                    "late_reason",
                    models.TextField(
                        blank=True,
                        help_text="Why an assessment or conference happened after its working-day deadline.",
                    ),
                ),
                (
                    "reason_for_closure",
                    models.CharField(
                        blank=True,
                        help_text="CIN census reason for closure of a closed case.",
                        max_length=4,
                    ),
                ),
            ],
            options={
                "ordering": ["contact", "occurred_on", "pk"],
                "indexes": [
                    models.Index(fields=["event", "occurred_on"], name="downstream_event_date_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("assessment_outcome__gt", ""), ("event", "assessment_completed")
                            ),
                            models.Q(
                                models.Q(("event", "assessment_completed"), _negated=True),
                                ("assessment_outcome", ""),
                            ),
                            _connector="OR",
                        ),
                        name="outcome_only_for_completed_assessments",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("external_id", ""), _negated=True),
                        fields=("source", "external_id"),
                        name="downstream_external_id_unique_per_source",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("event", "assessment_completed"), ("factors", []), _connector="OR"
                        ),
                        name="factors_only_for_completed_assessments",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("event", "case_closed"), ("reason_for_closure__gt", "")),
                            models.Q(
                                models.Q(("event", "case_closed"), _negated=True),
                                ("reason_for_closure", ""),
                            ),
                            _connector="OR",
                        ),
                        name="closure_reason_only_for_closed_cases",
                    ),
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "outcomes_downstreamoutcomeevent" ("assessment_outcome", "contact_id", "event", "external_id", "factors", "id", "late_reason", "occurred_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason_for_closure", "recorded_at", "recorded_by_id", "source", "subject_id") VALUES (NEW."assessment_outcome", NEW."contact_id", NEW."event", NEW."external_id", NEW."factors", NEW."id", NEW."late_reason", NEW."occurred_on", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."reason_for_closure", NEW."recorded_at", NEW."recorded_by_id", NEW."source", NEW."subject_id"); RETURN NULL;',
                            hash="c477926eae0ad5153ff8272ddfcda3ddfb3fbcdc",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_c5642",
                            table="outcomes_downstreamoutcome",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "outcomes_downstreamoutcomeevent" ("assessment_outcome", "contact_id", "event", "external_id", "factors", "id", "late_reason", "occurred_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason_for_closure", "recorded_at", "recorded_by_id", "source", "subject_id") VALUES (NEW."assessment_outcome", NEW."contact_id", NEW."event", NEW."external_id", NEW."factors", NEW."id", NEW."late_reason", NEW."occurred_on", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."reason_for_closure", NEW."recorded_at", NEW."recorded_by_id", NEW."source", NEW."subject_id"); RETURN NULL;',
                            hash="a970b7d2710d61aafa2f307b153a1a5171939249",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_a54ae",
                            table="outcomes_downstreamoutcome",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "outcomes_downstreamoutcomeevent" ("assessment_outcome", "contact_id", "event", "external_id", "factors", "id", "late_reason", "occurred_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason_for_closure", "recorded_at", "recorded_by_id", "source", "subject_id") VALUES (OLD."assessment_outcome", OLD."contact_id", OLD."event", OLD."external_id", OLD."factors", OLD."id", OLD."late_reason", OLD."occurred_on", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."reason_for_closure", OLD."recorded_at", OLD."recorded_by_id", OLD."source", OLD."subject_id"); RETURN NULL;',
                            hash="ab45b357db2a90eb207f0b52248ae491bd771e29",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_2d576",
                            table="outcomes_downstreamoutcome",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="NationalFigure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("measure", models.CharField(max_length=40, unique=True)),
                ("percent", models.DecimalField(decimal_places=1, max_digits=5)),
                (
                    "label",
                    models.CharField(
                        help_text="What the figure counts, as published.", max_length=200
                    ),
                ),
                ("period", models.CharField(max_length=100)),
                ("source", models.CharField(max_length=300)),
            ],
            options={
                "ordering": ["measure"],
            },
        ),
        migrations.CreateModel(
            name="DownstreamOutcomeEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "event",
                    models.CharField(
                        choices=[
                            ("assessment_started", "Assessment started"),
                            ("assessment_completed", "Assessment completed"),
                            ("strategy_discussion", "Strategy discussion held"),
                            ("s47_enquiry", "Section 47 enquiry started"),
                            ("icpc", "Initial child protection conference held"),
                            ("cp_plan", "Child protection plan started"),
                            ("icpc_not_required", "Section 47 ended: no conference needed"),
                            ("case_closed", "Case closed"),
                        ],
                        max_length=30,
                    ),
                ),
                ("occurred_on", models.DateField()),
                (
                    "assessment_outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("nfa", "No further action"),
                            ("child_in_need", "Child in need"),
                            ("child_protection", "Child protection"),
                            ("looked_after", "Looked after"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("form", "Recorded on the form"),
                            ("csv", "Imported from a file"),
                            ("api", "Sent by a case-management system"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "external_id",
                    models.CharField(
                        blank=True,
                        help_text="The sender's own id, so a resend is recognised.",
                        max_length=100,
                    ),
                ),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "contact",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.contact",
                    ),
                ),
                (
                    "pgh_context",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="pghistory.context",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="outcomes.downstreamoutcome",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "subject",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.contactsubject",
                    ),
                ),
                (
                    "factors",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=4),
                        blank=True,
                        default=list,
                        help_text="CIN census factors identified at the end of a completed assessment.",
                    ),
                ),
                (
                    "late_reason",
                    models.TextField(
                        blank=True,
                        help_text="Why an assessment or conference happened after its working-day deadline.",
                    ),
                ),
                (
                    "reason_for_closure",
                    models.CharField(
                        blank=True,
                        help_text="CIN census reason for closure of a closed case.",
                        max_length=4,
                    ),
                ),
            ],
            options={
                "abstract": False,
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="append_only",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                            hash="0de2d21bd82bea72312453c1cbad1ac3a92f254d",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_1c415",
                            table="outcomes_downstreamoutcomeevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="NoticeEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("acknowledgement", "Acknowledgement of receipt"),
                            ("outcome", "Outcome"),
                            ("correction", "Correction of an earlier outcome"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "audience",
                    models.CharField(
                        choices=[("referrer", "Referrer"), ("family", "Family")], max_length=20
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[("email", "Email"), ("sms", "Text message"), ("letter", "Letter")],
                        max_length=10,
                    ),
                ),
                (
                    "recipient",
                    models.TextField(help_text="Email address, phone number or postal address."),
                ),
                ("reference", models.UUIDField(default=uuid.uuid4, editable=False)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting to be sent"),
                            ("sending", "Sending"),
                            ("sent", "Sent"),
                            ("delivered", "Delivered"),
                            ("temporary_failure", "Failed for now; will retry"),
                            ("permanent_failure", "Failed: needs a person"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("failure_reason", models.CharField(blank=True, max_length=200)),
                ("provider_id", models.CharField(blank=True, max_length=100)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sending_started_at", models.DateTimeField(blank=True, null=True)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "contact",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.contact",
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="screening.decision",
                    ),
                ),
                (
                    "pgh_context",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="pghistory.context",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="outcomes.notice",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "resend_of",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="outcomes.notice",
                    ),
                ),
            ],
            options={
                "abstract": False,
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="append_only",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                            hash="c0663a94479fcecb7e5a319ac8d3d7eda0e45bd6",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_88715",
                            table="outcomes_noticeevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RetentionRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=40)),
                (
                    "contact_ids",
                    django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField()),
                ),
                ("found_at", models.DateTimeField(auto_now_add=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Waiting for a manager"),
                            ("approved", "Approved; erasing"),
                            ("erased", "Erased"),
                        ],
                        default="proposed",
                        max_length=20,
                    ),
                ),
                ("approved_at", models.DateTimeField(blank=True, null=True)),
                ("erased_at", models.DateTimeField(blank=True, null=True)),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("erase_queued_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["-found_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status", "proposed"),
                            models.Q(
                                ("approved_at__isnull", False), ("approved_by__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="retention_run_approval_is_attributed",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ScorecardSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "period",
                    models.CharField(
                        help_text="A period key: 2026, 2026-Q3, 2026-07.", max_length=10
                    ),
                ),
                ("as_at", models.DateTimeField()),
                ("figures", models.JSONField()),
                ("computed_at", models.DateTimeField(auto_now_add=True)),
                ("seconds", models.FloatField(help_text="How long the count took.")),
            ],
            options={
                "ordering": ["period", "-as_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("period", "as_at"), name="one_snapshot_per_moment"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CensusExport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(help_text="Return year: 2026 for 2025-26."),
                ),
                ("made_at", models.DateTimeField(auto_now_add=True)),
                ("xml", models.BinaryField(help_text="The file as exported.")),
                ("children", models.PositiveIntegerField()),
                ("episodes", models.PositiveIntegerField()),
                (
                    "contact_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("checking", "Being checked"),
                            ("checked", "Checked"),
                            ("unchecked", "Could not be checked"),
                        ],
                        default="checking",
                        max_length=20,
                    ),
                ),
                ("ruleset", models.CharField(blank=True, max_length=20)),
                ("errors", models.PositiveIntegerField(blank=True, null=True)),
                ("queries", models.PositiveIntegerField(blank=True, null=True)),
                ("report", models.JSONField(blank=True, default=dict)),
                ("checked_at", models.DateTimeField(blank=True, null=True)),
                ("failure", models.CharField(blank=True, max_length=300)),
                (
                    "made_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "check_queued_at",
                    models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
                ),
            ],
            options={
                "ordering": ["-made_at"],
            },
        ),
        migrations.CreateModel(
            name="OutcomeImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "content",
                    models.TextField(blank=True, help_text="The file as text; emptied once done."),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting to be checked"),
                            ("checking", "Being checked"),
                            ("saving", "Being saved"),
                            ("imported", "Imported"),
                            ("rejected", "Not imported"),
                        ],
                        default="queued",
                        max_length=20,
                    ),
                ),
                ("rows_total", models.PositiveIntegerField(default=0)),
                ("rows_checked", models.PositiveIntegerField(default=0)),
                ("created", models.PositiveIntegerField(default=0)),
                ("unchanged", models.PositiveIntegerField(default=0)),
                ("errors", models.JSONField(blank=True, default=list)),
                ("error_count", models.PositiveIntegerField(default=0)),
                ("not_queued", models.BooleanField(default=False)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-uploaded_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["queued", "checking", "saving", "imported", "rejected"])
                        ),
                        name="outcome_import_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status__in", ["imported", "rejected"]), _negated=True),
                            ("content", ""),
                            _connector="OR",
                        ),
                        name="outcome_import_file_cleared_when_done",
                    ),
                ],
            },
        ),
        migrations.RunPython(
            code=_0004.seed,
            reverse_code=_0004.unseed,
        ),
    ]
