"""screening 0001_initial .. 0008_decision_advice for a new database, written by
scripts/squash_migrations.py screening 0001 0008 --passable=grant,load_levels,sql
(docs/adr/0026-squashed-migrations.md): regenerate, do not edit."""

from importlib import import_module

import django.contrib.postgres.fields
import django.db.migrations.operations.special
import django.db.models.deletion
import pgtrigger.compiler
from django.conf import settings
from django.db import migrations, models

_0002 = import_module("screening.migrations.0002_reference_data_and_decision_immutability")
_0003 = import_module("screening.migrations.0003_administrators_manage_threshold_levels")


class Migration(migrations.Migration):
    replaces = [
        ("screening", "0001_initial"),
        ("screening", "0002_reference_data_and_decision_immutability"),
        ("screening", "0003_administrators_manage_threshold_levels"),
        ("screening", "0004_complex_case_meetings"),
        ("screening", "0005_agencycheckevent_agencycontributionevent_and_more"),
        ("screening", "0006_decisions_erasable_under_retention"),
        ("screening", "0007_census_codes"),
        ("screening", "0008_decision_advice"),
    ]

    initial = True

    dependencies = [
        ("frontdoor", "0004_audit_events"),
        ("frontdoor", "0005_partner_members_answer_checks_only"),
        ("frontdoor", "0010_audit_export_action"),
        ("pghistory", "0007_auto_20250421_0444"),
        ("referrals", "0002_contact_decision_due_at"),
        ("referrals", "0003_contactevent_contactsubjectevent_personevent_and_more"),
        ("referrals", "0011_contact_idempotency_body_sha256"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ThresholdLevel",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveSmallIntegerField(unique=True)),
                ("name", models.CharField(max_length=100)),
                ("description", models.TextField(blank=True)),
                ("is_active", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["number"],
            },
        ),
        migrations.CreateModel(
            name="AgencyCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("question", models.TextField()),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Waiting for an answer"), ("answered", "Answered")],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("response", models.TextField(blank=True)),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="checks_asked",
                        to="frontdoor.agency",
                    ),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agency_checks",
                        to="referrals.contact",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["requested_at"],
                "indexes": [
                    models.Index(fields=["agency", "status"], name="check_agency_status_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("answered_at__isnull", True), ("status", "pending")),
                            models.Q(
                                ("answered_at__isnull", False),
                                ("status", "answered"),
                                models.Q(("response", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="check_answer_complete",
                    )
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "screening_agencycheckevent" ("agency_id", "answered_at", "answered_by_id", "contact_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "question", "requested_at", "requested_by_id", "response", "status") VALUES (NEW."agency_id", NEW."answered_at", NEW."answered_by_id", NEW."contact_id", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."question", NEW."requested_at", NEW."requested_by_id", NEW."response", NEW."status"); RETURN NULL;',
                            hash="aa60017656a94dd0512ee529c7995a5c707816e7",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_c155b",
                            table="screening_agencycheck",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "screening_agencycheckevent" ("agency_id", "answered_at", "answered_by_id", "contact_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "question", "requested_at", "requested_by_id", "response", "status") VALUES (NEW."agency_id", NEW."answered_at", NEW."answered_by_id", NEW."contact_id", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."question", NEW."requested_at", NEW."requested_by_id", NEW."response", NEW."status"); RETURN NULL;',
                            hash="4ee4e442de663816311b08229f25bee40fe68edc",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_51f68",
                            table="screening_agencycheck",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "screening_agencycheckevent" ("agency_id", "answered_at", "answered_by_id", "contact_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "question", "requested_at", "requested_by_id", "response", "status") VALUES (OLD."agency_id", OLD."answered_at", OLD."answered_by_id", OLD."contact_id", OLD."id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."question", OLD."requested_at", OLD."requested_by_id", OLD."response", OLD."status"); RETURN NULL;',
                            hash="5bd8d49eb0748b9893e920a2cf5d80bdb24350fd",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_02e30",
                            table="screening_agencycheck",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Screening",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("past_harm", models.TextField(blank=True)),
                ("danger_statement", models.TextField(blank=True)),
                ("complicating_factors", models.TextField(blank=True)),
                ("strengths", models.TextField(blank=True)),
                ("existing_safety", models.TextField(blank=True)),
                ("safety_goals", models.TextField(blank=True)),
                ("next_steps", models.TextField(blank=True)),
                (
                    "scaling",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="0: the child will be (re)harmed … 10: safe enough for the case to close.",
                        null=True,
                    ),
                ),
                (
                    "checks_waived_reason",
                    models.TextField(
                        blank=True,
                        help_text="Why the screener went ahead before every check was answered.",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "assigned_to",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="screenings_held",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "contact",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="screening",
                        to="referrals.contact",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "complex_flag",
                    models.BooleanField(
                        default=False,
                        help_text="Flagged by the screener for the complex-case meeting.",
                    ),
                ),
                ("complex_reason", models.TextField(blank=True)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("scaling__isnull", True), ("scaling__lte", 10), _connector="OR"
                        ),
                        name="screening_scaling_0_to_10",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("assigned_to__isnull", True), ("claimed_at__isnull", True)),
                            models.Q(("assigned_to__isnull", False), ("claimed_at__isnull", False)),
                            _connector="OR",
                        ),
                        name="screening_claim_has_a_time",
                    ),
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "screening_screeningevent" ("assigned_to_id", "checks_waived_reason", "claimed_at", "complex_flag", "complex_reason", "complicating_factors", "contact_id", "danger_statement", "existing_safety", "id", "next_steps", "past_harm", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "safety_goals", "scaling", "strengths", "updated_at", "updated_by_id") VALUES (NEW."assigned_to_id", NEW."checks_waived_reason", NEW."claimed_at", NEW."complex_flag", NEW."complex_reason", NEW."complicating_factors", NEW."contact_id", NEW."danger_statement", NEW."existing_safety", NEW."id", NEW."next_steps", NEW."past_harm", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."safety_goals", NEW."scaling", NEW."strengths", NEW."updated_at", NEW."updated_by_id"); RETURN NULL;',
                            hash="3d310bf00cd58f26e4261bc79630e1d1cafc9e75",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_9e7e8",
                            table="screening_screening",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "screening_screeningevent" ("assigned_to_id", "checks_waived_reason", "claimed_at", "complex_flag", "complex_reason", "complicating_factors", "contact_id", "danger_statement", "existing_safety", "id", "next_steps", "past_harm", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "safety_goals", "scaling", "strengths", "updated_at", "updated_by_id") VALUES (NEW."assigned_to_id", NEW."checks_waived_reason", NEW."claimed_at", NEW."complex_flag", NEW."complex_reason", NEW."complicating_factors", NEW."contact_id", NEW."danger_statement", NEW."existing_safety", NEW."id", NEW."next_steps", NEW."past_harm", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."safety_goals", NEW."scaling", NEW."strengths", NEW."updated_at", NEW."updated_by_id"); RETURN NULL;',
                            hash="56e50afb1f260b806a735aee0ab6d7c027114886",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_b19a5",
                            table="screening_screening",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "screening_screeningevent" ("assigned_to_id", "checks_waived_reason", "claimed_at", "complex_flag", "complex_reason", "complicating_factors", "contact_id", "danger_statement", "existing_safety", "id", "next_steps", "past_harm", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "safety_goals", "scaling", "strengths", "updated_at", "updated_by_id") VALUES (OLD."assigned_to_id", OLD."checks_waived_reason", OLD."claimed_at", OLD."complex_flag", OLD."complex_reason", OLD."complicating_factors", OLD."contact_id", OLD."danger_statement", OLD."existing_safety", OLD."id", OLD."next_steps", OLD."past_harm", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."safety_goals", OLD."scaling", OLD."strengths", OLD."updated_at", OLD."updated_by_id"); RETURN NULL;',
                            hash="433790332c700632760d103a5d1f193055edc043",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_710b7",
                            table="screening_screening",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Decision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "route",
                    models.CharField(
                        choices=[
                            ("information_and_advice", "Information and advice"),
                            ("early_help", "Early help (prevention)"),
                            ("social_care_assessment", "Social care assessment (s17)"),
                            ("strategy_discussion", "Strategy discussion (s47)"),
                            ("already_open", "Already open: pass to the allocated worker"),
                        ],
                        max_length=40,
                    ),
                ),
                ("rationale", models.TextField()),
                ("is_complex", models.BooleanField(default=False)),
                ("complex_reason", models.TextField(blank=True)),
                (
                    "family_notice",
                    models.CharField(
                        choices=[
                            ("notify", "Tell the family a referral was made"),
                            ("withhold", "Do not tell the family (needs a safeguarding reason)"),
                        ],
                        max_length=20,
                    ),
                ),
                ("withhold_reason", models.TextField(blank=True)),
                ("decided_at", models.DateTimeField()),
                (
                    "approval",
                    models.CharField(
                        choices=[
                            ("not_needed", "Not needed"),
                            ("pending", "Waiting for a manager"),
                            ("approved", "Approved"),
                            ("returned", "Returned to the screener"),
                        ],
                        max_length=20,
                    ),
                ),
                ("approval_at", models.DateTimeField(blank=True, null=True)),
                ("approval_comment", models.TextField(blank=True)),
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
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decisions",
                        to="referrals.contact",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decisions_made",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "supersedes",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="superseded_by",
                        to="screening.decision",
                    ),
                ),
                (
                    "threshold_level",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="screening.thresholdlevel"
                    ),
                ),
                (
                    "is_re_referral",
                    models.BooleanField(
                        default=False,
                        help_text="A child on the contact had a referral received in the 12 months before.",
                    ),
                ),
                (
                    "primary_need",
                    models.CharField(
                        blank=True,
                        help_text="CIN census primary need code, for a referral.",
                        max_length=3,
                    ),
                ),
                (
                    "advice_given",
                    models.TextField(
                        blank=True,
                        db_default="",
                        help_text="For information and advice: the advice given (it goes to the referrer).",
                    ),
                ),
                (
                    "advice_given_to",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("referrer", "The person who made the referral"),
                                ("parent_carer", "A parent or carer"),
                                ("young_person", "The child or young person"),
                                ("other_professional", "Another professional"),
                            ],
                            max_length=20,
                        ),
                        blank=True,
                        db_default=[],
                        default=list,
                        help_text="For information and advice: who was given the advice.",
                    ),
                ),
            ],
            options={
                "ordering": ["contact", "decided_at"],
                "indexes": [
                    models.Index(fields=["approval"], name="decision_approval_idx"),
                    models.Index(
                        fields=["contact", "-decided_at"], name="decision_contact_latest_idx"
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("family_notice", "notify"),
                            models.Q(("withhold_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="decision_withholding_has_a_reason",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("is_complex", False),
                            models.Q(("complex_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="decision_complex_has_a_reason",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("rationale", ""), _negated=True),
                        name="decision_has_a_rationale",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("approval__in", ["not_needed", "pending"]),
                            models.Q(
                                ("approval_at__isnull", False), ("approved_by__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="decision_approval_is_attributed",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("route", "information_and_advice"),
                            models.Q(("advice_given", ""), ("advice_given_to", [])),
                            _connector="OR",
                        ),
                        name="decision_advice_only_for_information_and_advice",
                    ),
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "screening_decisionevent" ("advice_given", "advice_given_to", "approval", "approval_at", "approval_comment", "approved_by_id", "complex_reason", "contact_id", "decided_at", "decided_by_id", "family_notice", "id", "is_complex", "is_re_referral", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "primary_need", "rationale", "route", "supersedes_id", "threshold_level_id", "withhold_reason") VALUES (NEW."advice_given", NEW."advice_given_to", NEW."approval", NEW."approval_at", NEW."approval_comment", NEW."approved_by_id", NEW."complex_reason", NEW."contact_id", NEW."decided_at", NEW."decided_by_id", NEW."family_notice", NEW."id", NEW."is_complex", NEW."is_re_referral", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."primary_need", NEW."rationale", NEW."route", NEW."supersedes_id", NEW."threshold_level_id", NEW."withhold_reason"); RETURN NULL;',
                            hash="3756419a902867d44c3c021198e81997b1ee0fc8",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_0bdcd",
                            table="screening_decision",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "screening_decisionevent" ("advice_given", "advice_given_to", "approval", "approval_at", "approval_comment", "approved_by_id", "complex_reason", "contact_id", "decided_at", "decided_by_id", "family_notice", "id", "is_complex", "is_re_referral", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "primary_need", "rationale", "route", "supersedes_id", "threshold_level_id", "withhold_reason") VALUES (NEW."advice_given", NEW."advice_given_to", NEW."approval", NEW."approval_at", NEW."approval_comment", NEW."approved_by_id", NEW."complex_reason", NEW."contact_id", NEW."decided_at", NEW."decided_by_id", NEW."family_notice", NEW."id", NEW."is_complex", NEW."is_re_referral", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."primary_need", NEW."rationale", NEW."route", NEW."supersedes_id", NEW."threshold_level_id", NEW."withhold_reason"); RETURN NULL;',
                            hash="881f9d2d0b74fc8127e7e506b39958f0336c5d49",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_41286",
                            table="screening_decision",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "screening_decisionevent" ("advice_given", "advice_given_to", "approval", "approval_at", "approval_comment", "approved_by_id", "complex_reason", "contact_id", "decided_at", "decided_by_id", "family_notice", "id", "is_complex", "is_re_referral", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "primary_need", "rationale", "route", "supersedes_id", "threshold_level_id", "withhold_reason") VALUES (OLD."advice_given", OLD."advice_given_to", OLD."approval", OLD."approval_at", OLD."approval_comment", OLD."approved_by_id", OLD."complex_reason", OLD."contact_id", OLD."decided_at", OLD."decided_by_id", OLD."family_notice", OLD."id", OLD."is_complex", OLD."is_re_referral", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."primary_need", OLD."rationale", OLD."route", OLD."supersedes_id", OLD."threshold_level_id", OLD."withhold_reason"); RETURN NULL;',
                            hash="32e15876bb6ca18829640d2295e21f517c385428",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_6c2c8",
                            table="screening_decision",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.RunPython(
            code=_0002.load_levels,
            reverse_code=django.db.migrations.operations.special.RunPython.noop,
        ),
        migrations.RunSQL(
            sql="\nCREATE FUNCTION screening_decision_is_immutable() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP = 'DELETE' THEN\n    RAISE EXCEPTION 'decisions are never deleted; supersede them instead';\n  END IF;\n  IF (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.rationale, NEW.is_complex,\n      NEW.complex_reason, NEW.family_notice, NEW.withhold_reason, NEW.decided_by_id,\n      NEW.decided_at, NEW.supersedes_id)\n     IS DISTINCT FROM\n     (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.rationale, OLD.is_complex,\n      OLD.complex_reason, OLD.family_notice, OLD.withhold_reason, OLD.decided_by_id,\n      OLD.decided_at, OLD.supersedes_id) THEN\n    RAISE EXCEPTION 'a decision is never edited; record a new decision that supersedes it';\n  END IF;\n  IF OLD.approval IN ('approved', 'returned') AND NEW.approval IS DISTINCT FROM OLD.approval THEN\n    RAISE EXCEPTION 'an approval, once given or refused, is final';\n  END IF;\n  RETURN NEW;\nEND $$;\nCREATE TRIGGER screening_decision_immutable\n  BEFORE UPDATE OR DELETE ON screening_decision\n  FOR EACH ROW EXECUTE FUNCTION screening_decision_is_immutable();\n",
            reverse_sql="\nDROP TRIGGER screening_decision_immutable ON screening_decision;\nDROP FUNCTION screening_decision_is_immutable();\n",
        ),
        migrations.RunPython(
            code=_0003.grant,
            reverse_code=django.db.migrations.operations.special.RunPython.noop,
        ),
        migrations.CreateModel(
            name="ComplexCaseRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("meeting_date", models.DateField()),
                ("slot", models.TimeField(help_text="London time the meeting starts.")),
                ("computed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "caught_up",
                    models.BooleanField(
                        default=False, help_text="Computed late, after the scheduler had been down."
                    ),
                ),
                ("notes", models.TextField(blank=True)),
                (
                    "attendees",
                    models.ManyToManyField(
                        blank=True,
                        related_name="complex_case_meetings",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "chaired_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-meeting_date", "-slot"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("meeting_date", "slot"), name="one_run_per_slot"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ComplexCaseEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("priority", models.PositiveSmallIntegerField(help_text="1 is discussed first.")),
                ("reasons", models.JSONField(default=list)),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("pending", "Not discussed yet"),
                            ("decision", "Decided through screening"),
                            ("more_information", "More information needed"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("actions", models.TextField(blank=True)),
                ("owners", models.TextField(blank=True)),
                ("recorded_at", models.DateTimeField(blank=True, null=True)),
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="referrals.contact",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to="screening.complexcaserun",
                    ),
                ),
            ],
            options={
                "ordering": ["run", "priority"],
                "constraints": [
                    models.UniqueConstraint(fields=("run", "contact"), name="contact_once_per_run")
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "screening_complexcaseentryevent" ("actions", "contact_id", "id", "outcome", "owners", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "reasons", "recorded_at", "recorded_by_id", "run_id") VALUES (NEW."actions", NEW."contact_id", NEW."id", NEW."outcome", NEW."owners", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."priority", NEW."reasons", NEW."recorded_at", NEW."recorded_by_id", NEW."run_id"); RETURN NULL;',
                            hash="efcb72e37d9e5d1465fa664f26c26f9033c09127",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_d3ca0",
                            table="screening_complexcaseentry",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "screening_complexcaseentryevent" ("actions", "contact_id", "id", "outcome", "owners", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "reasons", "recorded_at", "recorded_by_id", "run_id") VALUES (NEW."actions", NEW."contact_id", NEW."id", NEW."outcome", NEW."owners", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."priority", NEW."reasons", NEW."recorded_at", NEW."recorded_by_id", NEW."run_id"); RETURN NULL;',
                            hash="95c0145b9c171750041ad30ff4c033ab470d4d5d",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_0a5ea",
                            table="screening_complexcaseentry",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "screening_complexcaseentryevent" ("actions", "contact_id", "id", "outcome", "owners", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "reasons", "recorded_at", "recorded_by_id", "run_id") VALUES (OLD."actions", OLD."contact_id", OLD."id", OLD."outcome", OLD."owners", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."priority", OLD."reasons", OLD."recorded_at", OLD."recorded_by_id", OLD."run_id"); RETURN NULL;',
                            hash="b7962c87aee4b2383ffbf868999032c329a91b5c",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_469ee",
                            table="screening_complexcaseentry",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AgencyContribution",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("information", models.TextField()),
                ("recorded_at", models.DateTimeField(auto_now=True)),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="frontdoor.agency",
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
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contributions",
                        to="screening.complexcaseentry",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("entry", "agency"), name="one_contribution_per_agency"
                    )
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "screening_agencycontributionevent" ("agency_id", "entry_id", "id", "information", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_at", "recorded_by_id") VALUES (NEW."agency_id", NEW."entry_id", NEW."id", NEW."information", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."recorded_at", NEW."recorded_by_id"); RETURN NULL;',
                            hash="ce011bb586bb126640c127473ddaf354f9d81b34",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_88e13",
                            table="screening_agencycontribution",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "screening_agencycontributionevent" ("agency_id", "entry_id", "id", "information", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_at", "recorded_by_id") VALUES (NEW."agency_id", NEW."entry_id", NEW."id", NEW."information", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."recorded_at", NEW."recorded_by_id"); RETURN NULL;',
                            hash="4e799525cd24b2fd47954c86206c67036c057ce3",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_3003b",
                            table="screening_agencycontribution",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "screening_agencycontributionevent" ("agency_id", "entry_id", "id", "information", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_at", "recorded_by_id") VALUES (OLD."agency_id", OLD."entry_id", OLD."id", OLD."information", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."recorded_at", OLD."recorded_by_id"); RETURN NULL;',
                            hash="60c7b87fbe43fe78126c6b2dd33f8a0b6037088c",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_2443d",
                            table="screening_agencycontribution",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AgencyCheckEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("question", models.TextField()),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Waiting for an answer"), ("answered", "Answered")],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("response", models.TextField(blank=True)),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "agency",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="frontdoor.agency",
                    ),
                ),
                (
                    "answered_by",
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
                        to="screening.agencycheck",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                            hash="1c21b13a3fc840b6b01ddfa5077a31dc6a067d5a",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_21b77",
                            table="screening_agencycheckevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AgencyContributionEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("information", models.TextField()),
                ("recorded_at", models.DateTimeField(auto_now=True)),
                (
                    "agency",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="frontdoor.agency",
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="screening.complexcaseentry",
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
                        to="screening.agencycontribution",
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
            ],
            options={
                "abstract": False,
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="append_only",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                            hash="0a64f62d5eb053b35d37f1ff42c43e375371fbbc",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_e6ebc",
                            table="screening_agencycontributionevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ComplexCaseEntryEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("priority", models.PositiveSmallIntegerField(help_text="1 is discussed first.")),
                ("reasons", models.JSONField(default=list)),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("pending", "Not discussed yet"),
                            ("decision", "Decided through screening"),
                            ("more_information", "More information needed"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("actions", models.TextField(blank=True)),
                ("owners", models.TextField(blank=True)),
                ("recorded_at", models.DateTimeField(blank=True, null=True)),
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
                        to="screening.complexcaseentry",
                    ),
                ),
                (
                    "recorded_by",
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
                    "run",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="screening.complexcaserun",
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
                            hash="3007c7fe86233e5329edf6d0814d4a601667b52e",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_30337",
                            table="screening_complexcaseentryevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DecisionEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "route",
                    models.CharField(
                        choices=[
                            ("information_and_advice", "Information and advice"),
                            ("early_help", "Early help (prevention)"),
                            ("social_care_assessment", "Social care assessment (s17)"),
                            ("strategy_discussion", "Strategy discussion (s47)"),
                            ("already_open", "Already open: pass to the allocated worker"),
                        ],
                        max_length=40,
                    ),
                ),
                ("rationale", models.TextField()),
                ("is_complex", models.BooleanField(default=False)),
                ("complex_reason", models.TextField(blank=True)),
                (
                    "family_notice",
                    models.CharField(
                        choices=[
                            ("notify", "Tell the family a referral was made"),
                            ("withhold", "Do not tell the family (needs a safeguarding reason)"),
                        ],
                        max_length=20,
                    ),
                ),
                ("withhold_reason", models.TextField(blank=True)),
                ("decided_at", models.DateTimeField()),
                (
                    "approval",
                    models.CharField(
                        choices=[
                            ("not_needed", "Not needed"),
                            ("pending", "Waiting for a manager"),
                            ("approved", "Approved"),
                            ("returned", "Returned to the screener"),
                        ],
                        max_length=20,
                    ),
                ),
                ("approval_at", models.DateTimeField(blank=True, null=True)),
                ("approval_comment", models.TextField(blank=True)),
                (
                    "approved_by",
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
                    "decided_by",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                        to="screening.decision",
                    ),
                ),
                (
                    "supersedes",
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
                    "threshold_level",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="screening.thresholdlevel",
                    ),
                ),
                (
                    "is_re_referral",
                    models.BooleanField(
                        default=False,
                        help_text="A child on the contact had a referral received in the 12 months before.",
                    ),
                ),
                (
                    "primary_need",
                    models.CharField(
                        blank=True,
                        help_text="CIN census primary need code, for a referral.",
                        max_length=3,
                    ),
                ),
                (
                    "advice_given",
                    models.TextField(
                        blank=True,
                        db_default="",
                        help_text="For information and advice: the advice given (it goes to the referrer).",
                    ),
                ),
                (
                    "advice_given_to",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("referrer", "The person who made the referral"),
                                ("parent_carer", "A parent or carer"),
                                ("young_person", "The child or young person"),
                                ("other_professional", "Another professional"),
                            ],
                            max_length=20,
                        ),
                        blank=True,
                        db_default=[],
                        default=list,
                        help_text="For information and advice: who was given the advice.",
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
                            hash="4f3e7dd03cbc59582bd4296aecbec7db6384ab7a",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_1e3b1",
                            table="screening_decisionevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ScreeningEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("past_harm", models.TextField(blank=True)),
                ("danger_statement", models.TextField(blank=True)),
                ("complicating_factors", models.TextField(blank=True)),
                ("strengths", models.TextField(blank=True)),
                ("existing_safety", models.TextField(blank=True)),
                ("safety_goals", models.TextField(blank=True)),
                ("next_steps", models.TextField(blank=True)),
                (
                    "scaling",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="0: the child will be (re)harmed … 10: safe enough for the case to close.",
                        null=True,
                    ),
                ),
                (
                    "complex_flag",
                    models.BooleanField(
                        default=False,
                        help_text="Flagged by the screener for the complex-case meeting.",
                    ),
                ),
                ("complex_reason", models.TextField(blank=True)),
                (
                    "checks_waived_reason",
                    models.TextField(
                        blank=True,
                        help_text="Why the screener went ahead before every check was answered.",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "assigned_to",
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
                        to="screening.screening",
                    ),
                ),
                (
                    "updated_by",
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
            ],
            options={
                "abstract": False,
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="append_only",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                            hash="de90eb89b8330dbf97d4646020518654f8d7aeb8",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_54db2",
                            table="screening_screeningevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.RunSQL(
            sql="\nCREATE OR REPLACE FUNCTION screening_decision_is_immutable() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP = 'DELETE' THEN\n    RAISE EXCEPTION 'decisions are never deleted; supersede them instead';\n  END IF;\n  IF coalesce(current_setting('frontdoor.retention_erasure', true), '') = 'on'\n     AND (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.is_complex,\n          NEW.family_notice, NEW.decided_by_id, NEW.decided_at, NEW.supersedes_id,\n          NEW.approval, NEW.approved_by_id, NEW.approval_at)\n         IS NOT DISTINCT FROM\n         (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.is_complex,\n          OLD.family_notice, OLD.decided_by_id, OLD.decided_at, OLD.supersedes_id,\n          OLD.approval, OLD.approved_by_id, OLD.approval_at) THEN\n    RETURN NEW;  -- only the free text changes, to the erasure marker\n  END IF;\n  IF (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.rationale, NEW.is_complex,\n      NEW.complex_reason, NEW.family_notice, NEW.withhold_reason, NEW.decided_by_id,\n      NEW.decided_at, NEW.supersedes_id)\n     IS DISTINCT FROM\n     (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.rationale, OLD.is_complex,\n      OLD.complex_reason, OLD.family_notice, OLD.withhold_reason, OLD.decided_by_id,\n      OLD.decided_at, OLD.supersedes_id) THEN\n    RAISE EXCEPTION 'a decision is never edited; record a new decision that supersedes it';\n  END IF;\n  IF OLD.approval IN ('approved', 'returned') AND NEW.approval IS DISTINCT FROM OLD.approval THEN\n    RAISE EXCEPTION 'an approval, once given or refused, is final';\n  END IF;\n  RETURN NEW;\nEND $$;\n",
            reverse_sql="\nCREATE OR REPLACE FUNCTION screening_decision_is_immutable() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP = 'DELETE' THEN\n    RAISE EXCEPTION 'decisions are never deleted; supersede them instead';\n  END IF;\n  IF (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.rationale, NEW.is_complex,\n      NEW.complex_reason, NEW.family_notice, NEW.withhold_reason, NEW.decided_by_id,\n      NEW.decided_at, NEW.supersedes_id)\n     IS DISTINCT FROM\n     (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.rationale, OLD.is_complex,\n      OLD.complex_reason, OLD.family_notice, OLD.withhold_reason, OLD.decided_by_id,\n      OLD.decided_at, OLD.supersedes_id) THEN\n    RAISE EXCEPTION 'a decision is never edited; record a new decision that supersedes it';\n  END IF;\n  IF OLD.approval IN ('approved', 'returned') AND NEW.approval IS DISTINCT FROM OLD.approval THEN\n    RAISE EXCEPTION 'an approval, once given or refused, is final';\n  END IF;\n  RETURN NEW;\nEND $$;\n",
        ),
        migrations.RunSQL(
            sql="\nCREATE OR REPLACE FUNCTION screening_decision_is_immutable() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP = 'DELETE' THEN\n    RAISE EXCEPTION 'decisions are never deleted; supersede them instead';\n  END IF;\n  IF coalesce(current_setting('frontdoor.retention_erasure', true), '') = 'on'\n     AND (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.is_complex, NEW.family_notice, NEW.decided_by_id, NEW.decided_at, NEW.supersedes_id, NEW.primary_need, NEW.is_re_referral, NEW.approval, NEW.approved_by_id, NEW.approval_at) IS NOT DISTINCT FROM (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.is_complex, OLD.family_notice, OLD.decided_by_id, OLD.decided_at, OLD.supersedes_id, OLD.primary_need, OLD.is_re_referral, OLD.approval, OLD.approved_by_id, OLD.approval_at) THEN\n    RETURN NEW;  -- only the free text changes, to the erasure marker\n  END IF;\n  IF (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.rationale, NEW.is_complex, NEW.complex_reason, NEW.family_notice, NEW.withhold_reason, NEW.decided_by_id, NEW.decided_at, NEW.supersedes_id, NEW.primary_need, NEW.is_re_referral) IS DISTINCT FROM (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.rationale, OLD.is_complex, OLD.complex_reason, OLD.family_notice, OLD.withhold_reason, OLD.decided_by_id, OLD.decided_at, OLD.supersedes_id, OLD.primary_need, OLD.is_re_referral) THEN\n    RAISE EXCEPTION 'a decision is never edited; record a new decision that supersedes it';\n  END IF;\n  IF OLD.approval IN ('approved', 'returned') AND NEW.approval IS DISTINCT FROM OLD.approval THEN\n    RAISE EXCEPTION 'an approval, once given or refused, is final';\n  END IF;\n  RETURN NEW;\nEND $$;\n",
            reverse_sql="\nCREATE OR REPLACE FUNCTION screening_decision_is_immutable() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP = 'DELETE' THEN\n    RAISE EXCEPTION 'decisions are never deleted; supersede them instead';\n  END IF;\n  IF coalesce(current_setting('frontdoor.retention_erasure', true), '') = 'on'\n     AND (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.is_complex, NEW.family_notice, NEW.decided_by_id, NEW.decided_at, NEW.supersedes_id, NEW.approval, NEW.approved_by_id, NEW.approval_at) IS NOT DISTINCT FROM (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.is_complex, OLD.family_notice, OLD.decided_by_id, OLD.decided_at, OLD.supersedes_id, OLD.approval, OLD.approved_by_id, OLD.approval_at) THEN\n    RETURN NEW;  -- only the free text changes, to the erasure marker\n  END IF;\n  IF (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.rationale, NEW.is_complex, NEW.complex_reason, NEW.family_notice, NEW.withhold_reason, NEW.decided_by_id, NEW.decided_at, NEW.supersedes_id) IS DISTINCT FROM (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.rationale, OLD.is_complex, OLD.complex_reason, OLD.family_notice, OLD.withhold_reason, OLD.decided_by_id, OLD.decided_at, OLD.supersedes_id) THEN\n    RAISE EXCEPTION 'a decision is never edited; record a new decision that supersedes it';\n  END IF;\n  IF OLD.approval IN ('approved', 'returned') AND NEW.approval IS DISTINCT FROM OLD.approval THEN\n    RAISE EXCEPTION 'an approval, once given or refused, is final';\n  END IF;\n  RETURN NEW;\nEND $$;\n",
        ),
        migrations.RunSQL(
            sql="\nCREATE OR REPLACE FUNCTION screening_decision_is_immutable() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP = 'DELETE' THEN\n    RAISE EXCEPTION 'decisions are never deleted; supersede them instead';\n  END IF;\n  IF coalesce(current_setting('frontdoor.retention_erasure', true), '') = 'on'\n     AND (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.is_complex, NEW.family_notice, NEW.decided_by_id, NEW.decided_at, NEW.supersedes_id, NEW.primary_need, NEW.is_re_referral, NEW.advice_given_to, NEW.approval, NEW.approved_by_id, NEW.approval_at) IS NOT DISTINCT FROM (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.is_complex, OLD.family_notice, OLD.decided_by_id, OLD.decided_at, OLD.supersedes_id, OLD.primary_need, OLD.is_re_referral, OLD.advice_given_to, OLD.approval, OLD.approved_by_id, OLD.approval_at) THEN\n    RETURN NEW;  -- only the free text changes, to the erasure marker\n  END IF;\n  IF (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.rationale, NEW.is_complex, NEW.complex_reason, NEW.family_notice, NEW.withhold_reason, NEW.decided_by_id, NEW.decided_at, NEW.supersedes_id, NEW.primary_need, NEW.is_re_referral, NEW.advice_given, NEW.advice_given_to) IS DISTINCT FROM (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.rationale, OLD.is_complex, OLD.complex_reason, OLD.family_notice, OLD.withhold_reason, OLD.decided_by_id, OLD.decided_at, OLD.supersedes_id, OLD.primary_need, OLD.is_re_referral, OLD.advice_given, OLD.advice_given_to) THEN\n    RAISE EXCEPTION 'a decision is never edited; record a new decision that supersedes it';\n  END IF;\n  IF OLD.approval IN ('approved', 'returned') AND NEW.approval IS DISTINCT FROM OLD.approval THEN\n    RAISE EXCEPTION 'an approval, once given or refused, is final';\n  END IF;\n  RETURN NEW;\nEND $$;\n",
            reverse_sql="\nCREATE OR REPLACE FUNCTION screening_decision_is_immutable() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP = 'DELETE' THEN\n    RAISE EXCEPTION 'decisions are never deleted; supersede them instead';\n  END IF;\n  IF coalesce(current_setting('frontdoor.retention_erasure', true), '') = 'on'\n     AND (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.is_complex, NEW.family_notice, NEW.decided_by_id, NEW.decided_at, NEW.supersedes_id, NEW.primary_need, NEW.is_re_referral, NEW.approval, NEW.approved_by_id, NEW.approval_at) IS NOT DISTINCT FROM (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.is_complex, OLD.family_notice, OLD.decided_by_id, OLD.decided_at, OLD.supersedes_id, OLD.primary_need, OLD.is_re_referral, OLD.approval, OLD.approved_by_id, OLD.approval_at) THEN\n    RETURN NEW;  -- only the free text changes, to the erasure marker\n  END IF;\n  IF (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.rationale, NEW.is_complex, NEW.complex_reason, NEW.family_notice, NEW.withhold_reason, NEW.decided_by_id, NEW.decided_at, NEW.supersedes_id, NEW.primary_need, NEW.is_re_referral) IS DISTINCT FROM (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.rationale, OLD.is_complex, OLD.complex_reason, OLD.family_notice, OLD.withhold_reason, OLD.decided_by_id, OLD.decided_at, OLD.supersedes_id, OLD.primary_need, OLD.is_re_referral) THEN\n    RAISE EXCEPTION 'a decision is never edited; record a new decision that supersedes it';\n  END IF;\n  IF OLD.approval IN ('approved', 'returned') AND NEW.approval IS DISTINCT FROM OLD.approval THEN\n    RAISE EXCEPTION 'an approval, once given or refused, is final';\n  END IF;\n  RETURN NEW;\nEND $$;\n",
        ),
    ]
