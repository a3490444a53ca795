"""referrals 0001_initial .. 0015_person_warning_reviews for a new database, written by
scripts/squash_migrations.py referrals 0001 0015 --elide=backfill_due
(docs/adr/0026-squashed-migrations.md): regenerate, do not edit."""

from importlib import import_module

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.operations
import django.contrib.postgres.search
import django.db.migrations.operations.special
import django.db.models.deletion
import django.db.models.functions.comparison
import django.db.models.functions.text
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

import referrals.models

_0015 = import_module("referrals.migrations.0015_person_warning_reviews")


class Migration(migrations.Migration):
    replaces = [
        ("referrals", "0001_initial"),
        ("referrals", "0002_contact_decision_due_at"),
        ("referrals", "0003_contactevent_contactsubjectevent_personevent_and_more"),
        ("referrals", "0004_record_restrictions"),
        ("referrals", "0005_contact_erased_at"),
        ("referrals", "0006_person_name_sounds_index"),
        ("referrals", "0007_contact_open_queue_index"),
        ("referrals", "0008_person_dob_initials_index"),
        ("referrals", "0009_census_codes"),
        ("referrals", "0010_restriction_lift_reason"),
        ("referrals", "0011_contact_idempotency_body_sha256"),
        ("referrals", "0012_warnings_and_child_voice"),
        ("referrals", "0013_search_indexes"),
        ("referrals", "0014_person_relationships"),
        ("referrals", "0015_person_warning_reviews"),
    ]

    initial = True

    dependencies = [
        ("frontdoor", "0003_roles"),
        ("frontdoor", "0010_audit_export_action"),
        ("frontdoor", "0011_administrators_reset_authenticators"),
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        django.contrib.postgres.operations.TrigramExtension(),
        django.contrib.postgres.operations.CreateExtension(
            name="fuzzystrmatch",
        ),
        migrations.CreateModel(
            name="ReferenceCounter",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("last_number", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="ApiClient",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("token_prefix", models.CharField(max_length=12, unique=True)),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("is_active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="api_clients",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Contact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reference", models.CharField(editable=False, max_length=20, unique=True)),
                ("received_at", models.DateTimeField(db_index=True)),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("online_form", "Online form"),
                            ("phone_consultation", "Phone consultation"),
                            ("email", "Email"),
                            ("police_notification", "Police notification"),
                            ("partner_api", "Partner system"),
                            ("contact_centre", "Contact centre"),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("received", "Received"),
                            ("in_screening", "In screening"),
                            ("awaiting_checks", "Awaiting checks"),
                            ("awaiting_approval", "Awaiting approval"),
                            ("decided", "Decided"),
                            ("closed", "Closed"),
                        ],
                        default="received",
                        max_length=30,
                    ),
                ),
                ("referrer_anonymous", models.BooleanField(default=False)),
                ("referrer_name", models.CharField(blank=True, max_length=200)),
                (
                    "referrer_role",
                    models.CharField(
                        blank=True,
                        help_text="Job title, or relationship to the child.",
                        max_length=200,
                    ),
                ),
                ("referrer_organisation", models.CharField(blank=True, max_length=200)),
                ("referrer_phone", models.CharField(blank=True, max_length=30)),
                ("referrer_email", models.EmailField(blank=True, max_length=254)),
                ("concerns", models.TextField()),
                (
                    "concern_categories",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("neglect", "Neglect"),
                                ("physical_abuse", "Physical abuse"),
                                ("emotional_abuse", "Emotional abuse"),
                                ("sexual_abuse", "Sexual abuse"),
                                ("domestic_abuse", "Domestic abuse"),
                                ("parental_mental_health", "Parental mental health"),
                                ("substance_misuse", "Substance misuse"),
                                ("missing_from_home", "Missing from home"),
                                ("child_exploitation", "Child exploitation"),
                                ("other", "Other"),
                            ],
                            max_length=40,
                        ),
                        default=list,
                    ),
                ),
                (
                    "urgency",
                    models.CharField(
                        choices=[
                            (
                                "immediate",
                                "Today: I think the child may be at risk of significant harm",
                            ),
                            ("soon", "Within one working day"),
                            ("routine", "Routine"),
                        ],
                        default="routine",
                        max_length=20,
                    ),
                ),
                (
                    "family_awareness",
                    models.CharField(
                        choices=[
                            ("aware_consented", "Yes, and they agreed to it"),
                            ("aware_not_consented", "Yes, but they did not agree to it"),
                            ("not_aware", "No"),
                        ],
                        max_length=30,
                    ),
                ),
                ("family_not_told_reason", models.TextField(blank=True)),
                ("advice_given", models.TextField(blank=True)),
                (
                    "advice_only",
                    models.BooleanField(
                        default=False,
                        help_text="Ended as advice in the conversation; not screened further.",
                    ),
                ),
                ("idempotency_key", models.CharField(blank=True, max_length=100)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "api_client",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contacts",
                        to="referrals.apiclient",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        help_text="Who keyed the contact in (the referrer for the online form).",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="recorded_contacts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "referral_source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contacts",
                        to="frontdoor.referralsource",
                    ),
                ),
                (
                    "referrer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="referred_contacts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "source_agency",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contacts",
                        to="frontdoor.agency",
                    ),
                ),
                (
                    "decision_due_at",
                    models.DateTimeField(
                        help_text="One working day after receipt (frontdoor.working_days.decision_due)."
                    ),
                ),
                (
                    "erased_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When its personal details were erased under the retention policy.",
                        null=True,
                    ),
                ),
                (
                    "idempotency_body_sha256",
                    models.CharField(
                        blank=True,
                        help_text="SHA-256 of the API body sent with the key (sorted-keys JSON), so a reuse of the key with a different body is refused rather than dropped.",
                        max_length=64,
                    ),
                ),
            ],
            options={
                "ordering": ["-received_at"],
                "indexes": [
                    models.Index(
                        fields=["status", "received_at"], name="contact_status_received_idx"
                    ),
                    models.Index(fields=["referrer", "-received_at"], name="contact_referrer_idx"),
                    models.Index(
                        fields=["status", "decision_due_at"], name="contact_status_due_idx"
                    ),
                    models.Index(
                        models.Case(
                            models.When(then=models.Value(0), urgency="immediate"),
                            default=models.Value(1),
                            output_field=models.IntegerField(),
                        ),
                        models.F("decision_due_at"),
                        models.F("id"),
                        condition=models.Q(
                            ("advice_only", False),
                            (
                                "status__in",
                                [
                                    "received",
                                    "in_screening",
                                    "awaiting_checks",
                                    "awaiting_approval",
                                ],
                            ),
                        ),
                        name="contact_open_queue_idx",
                    ),
                    models.Index(
                        fields=["source_agency", "-received_at"], name="contact_agency_received_idx"
                    ),
                    django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.search.SearchVector("concerns", config="english"),
                        name="contact_concerns_search",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("idempotency_key", ""), _negated=True),
                        fields=("api_client", "idempotency_key"),
                        name="contact_idempotency_key_unique_per_client",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("concern_categories", []), _negated=True),
                        name="contact_has_a_concern_category",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("family_awareness", "aware_consented"),
                            models.Q(("family_not_told_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="contact_reason_when_family_not_consenting",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("advice_only", False),
                            ("channel", "phone_consultation"),
                            _connector="OR",
                        ),
                        name="contact_advice_only_is_a_phone_consultation",
                    ),
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "referrals_contactevent" ("advice_given", "advice_only", "api_client_id", "channel", "concern_categories", "concerns", "created_at", "decision_due_at", "erased_at", "family_awareness", "family_not_told_reason", "id", "idempotency_body_sha256", "idempotency_key", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "received_at", "recorded_by_id", "reference", "referral_source_id", "referrer_anonymous", "referrer_email", "referrer_id", "referrer_name", "referrer_organisation", "referrer_phone", "referrer_role", "source_agency_id", "status", "updated_at", "urgency") VALUES (NEW."advice_given", NEW."advice_only", NEW."api_client_id", NEW."channel", NEW."concern_categories", NEW."concerns", NEW."created_at", NEW."decision_due_at", NEW."erased_at", NEW."family_awareness", NEW."family_not_told_reason", NEW."id", NEW."idempotency_body_sha256", NEW."idempotency_key", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."received_at", NEW."recorded_by_id", NEW."reference", NEW."referral_source_id", NEW."referrer_anonymous", NEW."referrer_email", NEW."referrer_id", NEW."referrer_name", NEW."referrer_organisation", NEW."referrer_phone", NEW."referrer_role", NEW."source_agency_id", NEW."status", NEW."updated_at", NEW."urgency"); RETURN NULL;',
                            hash="e8b6bfbfaf1e9d24e9171d822a1732b9789a83a1",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_75c9f",
                            table="referrals_contact",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "referrals_contactevent" ("advice_given", "advice_only", "api_client_id", "channel", "concern_categories", "concerns", "created_at", "decision_due_at", "erased_at", "family_awareness", "family_not_told_reason", "id", "idempotency_body_sha256", "idempotency_key", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "received_at", "recorded_by_id", "reference", "referral_source_id", "referrer_anonymous", "referrer_email", "referrer_id", "referrer_name", "referrer_organisation", "referrer_phone", "referrer_role", "source_agency_id", "status", "updated_at", "urgency") VALUES (NEW."advice_given", NEW."advice_only", NEW."api_client_id", NEW."channel", NEW."concern_categories", NEW."concerns", NEW."created_at", NEW."decision_due_at", NEW."erased_at", NEW."family_awareness", NEW."family_not_told_reason", NEW."id", NEW."idempotency_body_sha256", NEW."idempotency_key", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."received_at", NEW."recorded_by_id", NEW."reference", NEW."referral_source_id", NEW."referrer_anonymous", NEW."referrer_email", NEW."referrer_id", NEW."referrer_name", NEW."referrer_organisation", NEW."referrer_phone", NEW."referrer_role", NEW."source_agency_id", NEW."status", NEW."updated_at", NEW."urgency"); RETURN NULL;',
                            hash="d432ddd6401142f6259700973cef0f5674abb947",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_7464c",
                            table="referrals_contact",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "referrals_contactevent" ("advice_given", "advice_only", "api_client_id", "channel", "concern_categories", "concerns", "created_at", "decision_due_at", "erased_at", "family_awareness", "family_not_told_reason", "id", "idempotency_body_sha256", "idempotency_key", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "received_at", "recorded_by_id", "reference", "referral_source_id", "referrer_anonymous", "referrer_email", "referrer_id", "referrer_name", "referrer_organisation", "referrer_phone", "referrer_role", "source_agency_id", "status", "updated_at", "urgency") VALUES (OLD."advice_given", OLD."advice_only", OLD."api_client_id", OLD."channel", OLD."concern_categories", OLD."concerns", OLD."created_at", OLD."decision_due_at", OLD."erased_at", OLD."family_awareness", OLD."family_not_told_reason", OLD."id", OLD."idempotency_body_sha256", OLD."idempotency_key", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."received_at", OLD."recorded_by_id", OLD."reference", OLD."referral_source_id", OLD."referrer_anonymous", OLD."referrer_email", OLD."referrer_id", OLD."referrer_name", OLD."referrer_organisation", OLD."referrer_phone", OLD."referrer_role", OLD."source_agency_id", OLD."status", OLD."updated_at", OLD."urgency"); RETURN NULL;',
                            hash="919c0a2b08177a0db5e7175bb700d093c27a1912",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_a037c",
                            table="referrals_contact",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ContactSubject",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("child", "Child"),
                            ("unborn_child", "Unborn child"),
                            ("parent", "Parent"),
                            ("carer", "Carer"),
                            ("household_member", "Household member"),
                            ("alleged_perpetrator", "Alleged perpetrator"),
                            ("other_adult", "Other adult"),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "relationship_to_children",
                    models.CharField(
                        blank=True,
                        help_text="For adults, e.g. 'mother of both children'.",
                        max_length=200,
                    ),
                ),
                ("first_name", models.CharField(max_length=100)),
                ("last_name", models.CharField(max_length=100)),
                ("other_names", models.CharField(blank=True, max_length=200)),
                ("date_of_birth", models.DateField(blank=True, null=True)),
                ("expected_date_of_birth", models.DateField(blank=True, null=True)),
                (
                    "sex",
                    models.CharField(
                        choices=[("female", "Female"), ("male", "Male"), ("unknown", "Not known")],
                        default="unknown",
                        max_length=10,
                    ),
                ),
                ("nhs_number", models.CharField(blank=True, max_length=10)),
                ("unique_pupil_number", models.CharField(blank=True, max_length=13)),
                ("address", models.TextField(blank=True)),
                ("postcode", models.CharField(blank=True, max_length=8)),
                (
                    "match_status",
                    models.CharField(
                        choices=[
                            ("unmatched", "Not yet matched"),
                            ("nhs_number", "Linked by NHS number"),
                            ("confirmed", "Match confirmed by a screener"),
                            ("new_person", "New person record"),
                        ],
                        default="unmatched",
                        max_length=20,
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subjects",
                        to="referrals.contact",
                    ),
                ),
            ],
            options={
                "ordering": ["contact", "position"],
            },
        ),
        migrations.CreateModel(
            name="Person",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first_name", models.CharField(max_length=100)),
                ("last_name", models.CharField(max_length=100)),
                (
                    "aliases",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=200), blank=True, default=list
                    ),
                ),
                ("date_of_birth", models.DateField(blank=True, null=True)),
                (
                    "expected_date_of_birth",
                    models.DateField(blank=True, help_text="For an unborn child.", null=True),
                ),
                (
                    "sex",
                    models.CharField(
                        choices=[("female", "Female"), ("male", "Male"), ("unknown", "Not known")],
                        default="unknown",
                        max_length=10,
                    ),
                ),
                ("nhs_number", models.CharField(blank=True, max_length=10)),
                ("unique_pupil_number", models.CharField(blank=True, max_length=13)),
                ("address", models.TextField(blank=True)),
                ("postcode", models.CharField(blank=True, max_length=8)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "disabilities",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=4), blank=True, default=list
                    ),
                ),
                ("ethnicity", models.CharField(blank=True, max_length=4)),
            ],
            options={
                "ordering": ["last_name", "first_name"],
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Lower("first_name"), name="gin_trgm_ops"
                        ),
                        name="person_first_name_trgm",
                    ),
                    django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Lower("last_name"), name="gin_trgm_ops"
                        ),
                        name="person_last_name_trgm",
                    ),
                    models.Index(fields=["postcode"], name="person_postcode_idx"),
                    models.Index(
                        django.db.models.functions.text.Upper("last_name"),
                        models.F("date_of_birth"),
                        name="person_last_name_dob_idx",
                    ),
                    models.Index(
                        referrals.models.DoubleMetaphone("last_name"),
                        referrals.models.DoubleMetaphone("first_name"),
                        name="person_name_sounds_idx",
                    ),
                    models.Index(
                        models.F("date_of_birth"),
                        django.db.models.functions.text.Left(
                            django.db.models.functions.text.Lower("first_name"), 1
                        ),
                        django.db.models.functions.text.Left(
                            django.db.models.functions.text.Lower("last_name"), 1
                        ),
                        name="person_dob_initials_idx",
                    ),
                    models.Index(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Replace(
                                django.db.models.functions.text.Upper("postcode"),
                                models.Value(" "),
                                models.Value(""),
                            ),
                            name="text_pattern_ops",
                        ),
                        name="person_postcode_compact_idx",
                    ),
                    django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Upper("address"), name="gin_trgm_ops"
                        ),
                        name="person_address_trgm",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("nhs_number", ""), _negated=True),
                        fields=("nhs_number",),
                        name="person_nhs_number_unique",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("date_of_birth__isnull", True),
                            ("expected_date_of_birth__isnull", True),
                            _connector="OR",
                        ),
                        name="person_born_or_expected_not_both",
                    ),
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "referrals_personevent" ("address", "aliases", "created_at", "date_of_birth", "disabilities", "ethnicity", "expected_date_of_birth", "first_name", "id", "last_name", "nhs_number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "postcode", "sex", "unique_pupil_number", "updated_at") VALUES (NEW."address", NEW."aliases", NEW."created_at", NEW."date_of_birth", NEW."disabilities", NEW."ethnicity", NEW."expected_date_of_birth", NEW."first_name", NEW."id", NEW."last_name", NEW."nhs_number", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."postcode", NEW."sex", NEW."unique_pupil_number", NEW."updated_at"); RETURN NULL;',
                            hash="e4e9c9613bd3535e3e539f25a2e385f3143c2877",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_2759c",
                            table="referrals_person",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "referrals_personevent" ("address", "aliases", "created_at", "date_of_birth", "disabilities", "ethnicity", "expected_date_of_birth", "first_name", "id", "last_name", "nhs_number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "postcode", "sex", "unique_pupil_number", "updated_at") VALUES (NEW."address", NEW."aliases", NEW."created_at", NEW."date_of_birth", NEW."disabilities", NEW."ethnicity", NEW."expected_date_of_birth", NEW."first_name", NEW."id", NEW."last_name", NEW."nhs_number", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."postcode", NEW."sex", NEW."unique_pupil_number", NEW."updated_at"); RETURN NULL;',
                            hash="d3a9fabed2aa7c0d88c524b900c60d26d50029d7",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_a26d5",
                            table="referrals_person",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "referrals_personevent" ("address", "aliases", "created_at", "date_of_birth", "disabilities", "ethnicity", "expected_date_of_birth", "first_name", "id", "last_name", "nhs_number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "postcode", "sex", "unique_pupil_number", "updated_at") VALUES (OLD."address", OLD."aliases", OLD."created_at", OLD."date_of_birth", OLD."disabilities", OLD."ethnicity", OLD."expected_date_of_birth", OLD."first_name", OLD."id", OLD."last_name", OLD."nhs_number", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."postcode", OLD."sex", OLD."unique_pupil_number", OLD."updated_at"); RETURN NULL;',
                            hash="8b17fa50d94810b35be0c9afe30d9fd83230236a",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_33811",
                            table="referrals_person",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="MatchCandidate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("score", models.FloatField()),
                (
                    "reasons",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=100), default=list
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for a screener"),
                            ("confirmed", "Confirmed"),
                            ("rejected", "Rejected"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "subject",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="match_candidates",
                        to="referrals.contactsubject",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="referrals.person",
                    ),
                ),
            ],
            options={
                "ordering": ["subject", "-score"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("subject", "person"), name="candidate_once_per_person"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ReferralDraft",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(default="referral", max_length=30)),
                ("data", models.JSONField(default=dict)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="referral_drafts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("owner", "kind"), name="one_draft_per_owner_and_kind"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ContactEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("reference", models.CharField(editable=False, max_length=20)),
                ("received_at", models.DateTimeField()),
                (
                    "decision_due_at",
                    models.DateTimeField(
                        help_text="One working day after receipt (frontdoor.working_days.decision_due)."
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("online_form", "Online form"),
                            ("phone_consultation", "Phone consultation"),
                            ("email", "Email"),
                            ("police_notification", "Police notification"),
                            ("partner_api", "Partner system"),
                            ("contact_centre", "Contact centre"),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("received", "Received"),
                            ("in_screening", "In screening"),
                            ("awaiting_checks", "Awaiting checks"),
                            ("awaiting_approval", "Awaiting approval"),
                            ("decided", "Decided"),
                            ("closed", "Closed"),
                        ],
                        default="received",
                        max_length=30,
                    ),
                ),
                ("referrer_anonymous", models.BooleanField(default=False)),
                ("referrer_name", models.CharField(blank=True, max_length=200)),
                (
                    "referrer_role",
                    models.CharField(
                        blank=True,
                        help_text="Job title, or relationship to the child.",
                        max_length=200,
                    ),
                ),
                ("referrer_organisation", models.CharField(blank=True, max_length=200)),
                ("referrer_phone", models.CharField(blank=True, max_length=30)),
                ("referrer_email", models.EmailField(blank=True, max_length=254)),
                ("concerns", models.TextField()),
                (
                    "concern_categories",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("neglect", "Neglect"),
                                ("physical_abuse", "Physical abuse"),
                                ("emotional_abuse", "Emotional abuse"),
                                ("sexual_abuse", "Sexual abuse"),
                                ("domestic_abuse", "Domestic abuse"),
                                ("parental_mental_health", "Parental mental health"),
                                ("substance_misuse", "Substance misuse"),
                                ("missing_from_home", "Missing from home"),
                                ("child_exploitation", "Child exploitation"),
                                ("other", "Other"),
                            ],
                            max_length=40,
                        ),
                        default=list,
                    ),
                ),
                (
                    "urgency",
                    models.CharField(
                        choices=[
                            (
                                "immediate",
                                "Today: I think the child may be at risk of significant harm",
                            ),
                            ("soon", "Within one working day"),
                            ("routine", "Routine"),
                        ],
                        default="routine",
                        max_length=20,
                    ),
                ),
                (
                    "family_awareness",
                    models.CharField(
                        choices=[
                            ("aware_consented", "Yes, and they agreed to it"),
                            ("aware_not_consented", "Yes, but they did not agree to it"),
                            ("not_aware", "No"),
                        ],
                        max_length=30,
                    ),
                ),
                ("family_not_told_reason", models.TextField(blank=True)),
                ("advice_given", models.TextField(blank=True)),
                (
                    "advice_only",
                    models.BooleanField(
                        default=False,
                        help_text="Ended as advice in the conversation; not screened further.",
                    ),
                ),
                ("idempotency_key", models.CharField(blank=True, max_length=100)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "api_client",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.apiclient",
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
                        to="referrals.contact",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        db_constraint=False,
                        help_text="Who keyed the contact in (the referrer for the online form).",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "referral_source",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="frontdoor.referralsource",
                    ),
                ),
                (
                    "referrer",
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
                    "source_agency",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="frontdoor.agency",
                    ),
                ),
                (
                    "erased_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When its personal details were erased under the retention policy.",
                        null=True,
                    ),
                ),
                (
                    "idempotency_body_sha256",
                    models.CharField(
                        blank=True,
                        help_text="SHA-256 of the API body sent with the key (sorted-keys JSON), so a reuse of the key with a different body is refused rather than dropped.",
                        max_length=64,
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
                            hash="5bce160c520a676a71151dfddf60d09216eda535",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_14e6c",
                            table="referrals_contactevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ContactSubjectEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("child", "Child"),
                            ("unborn_child", "Unborn child"),
                            ("parent", "Parent"),
                            ("carer", "Carer"),
                            ("household_member", "Household member"),
                            ("alleged_perpetrator", "Alleged perpetrator"),
                            ("other_adult", "Other adult"),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "relationship_to_children",
                    models.CharField(
                        blank=True,
                        help_text="For adults, e.g. 'mother of both children'.",
                        max_length=200,
                    ),
                ),
                ("first_name", models.CharField(max_length=100)),
                ("last_name", models.CharField(max_length=100)),
                ("other_names", models.CharField(blank=True, max_length=200)),
                ("date_of_birth", models.DateField(blank=True, null=True)),
                ("expected_date_of_birth", models.DateField(blank=True, null=True)),
                (
                    "sex",
                    models.CharField(
                        choices=[("female", "Female"), ("male", "Male"), ("unknown", "Not known")],
                        default="unknown",
                        max_length=10,
                    ),
                ),
                ("nhs_number", models.CharField(blank=True, max_length=10)),
                ("unique_pupil_number", models.CharField(blank=True, max_length=13)),
                ("address", models.TextField(blank=True)),
                ("postcode", models.CharField(blank=True, max_length=8)),
                (
                    "match_status",
                    models.CharField(
                        choices=[
                            ("unmatched", "Not yet matched"),
                            ("nhs_number", "Linked by NHS number"),
                            ("confirmed", "Match confirmed by a screener"),
                            ("new_person", "New person record"),
                        ],
                        default="unmatched",
                        max_length=20,
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
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
                    "person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.person",
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
                        to="referrals.contactsubject",
                    ),
                ),
                (
                    "disabilities",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=4), blank=True, default=list
                    ),
                ),
                ("ethnicity", models.CharField(blank=True, max_length=4)),
                ("child_not_seen_reason", models.TextField(blank=True)),
                ("child_said", models.TextField(blank=True)),
                ("child_seen", models.BooleanField(blank=True, null=True)),
                ("child_seen_by", models.CharField(blank=True, max_length=200)),
                ("child_seen_on", models.DateField(blank=True, null=True)),
            ],
            options={
                "abstract": False,
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="append_only",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                            hash="650397f39c30aa4adaa1bf596c13b3dfd4af1694",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_607e8",
                            table="referrals_contactsubjectevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PersonEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("first_name", models.CharField(max_length=100)),
                ("last_name", models.CharField(max_length=100)),
                (
                    "aliases",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=200), blank=True, default=list
                    ),
                ),
                ("date_of_birth", models.DateField(blank=True, null=True)),
                (
                    "expected_date_of_birth",
                    models.DateField(blank=True, help_text="For an unborn child.", null=True),
                ),
                (
                    "sex",
                    models.CharField(
                        choices=[("female", "Female"), ("male", "Male"), ("unknown", "Not known")],
                        default="unknown",
                        max_length=10,
                    ),
                ),
                ("nhs_number", models.CharField(blank=True, max_length=10)),
                ("unique_pupil_number", models.CharField(blank=True, max_length=13)),
                ("address", models.TextField(blank=True)),
                ("postcode", models.CharField(blank=True, max_length=8)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
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
                        to="referrals.person",
                    ),
                ),
                (
                    "disabilities",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=4), blank=True, default=list
                    ),
                ),
                ("ethnicity", models.CharField(blank=True, max_length=4)),
            ],
            options={
                "abstract": False,
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="append_only",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                            hash="b82a2ac5c43ed054959a4e98fdc9166c807066bb",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_6c38a",
                            table="referrals_personevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Restriction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("review_due", models.DateField()),
                ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                ("lifted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "allowed",
                    models.ManyToManyField(
                        blank=True,
                        related_name="restricted_records_open_to",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "ask",
                    models.ForeignKey(
                        help_text="Whom others should ask for access.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="restrictions",
                        to="referrals.contact",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "lifted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="restrictions",
                        to="referrals.person",
                    ),
                ),
                ("lift_reason", models.TextField(blank=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["lifted_at", "review_due"], name="restriction_review_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("contact__isnull", False), ("person__isnull", True)),
                            models.Q(("contact__isnull", True), ("person__isnull", False)),
                            _connector="OR",
                        ),
                        name="restriction_is_of_one_record",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True),
                        name="restriction_has_a_reason",
                    ),
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "referrals_restrictionevent" ("ask_id", "contact_id", "created_at", "created_by_id", "id", "lift_reason", "lifted_at", "lifted_by_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "review_due", "reviewed_at") VALUES (NEW."ask_id", NEW."contact_id", NEW."created_at", NEW."created_by_id", NEW."id", NEW."lift_reason", NEW."lifted_at", NEW."lifted_by_id", NEW."person_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."reason", NEW."review_due", NEW."reviewed_at"); RETURN NULL;',
                            hash="c12d7f64077d42e7b1c382aa79e3534e9869d8c2",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_ddfdc",
                            table="referrals_restriction",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "referrals_restrictionevent" ("ask_id", "contact_id", "created_at", "created_by_id", "id", "lift_reason", "lifted_at", "lifted_by_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "review_due", "reviewed_at") VALUES (NEW."ask_id", NEW."contact_id", NEW."created_at", NEW."created_by_id", NEW."id", NEW."lift_reason", NEW."lifted_at", NEW."lifted_by_id", NEW."person_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."reason", NEW."review_due", NEW."reviewed_at"); RETURN NULL;',
                            hash="badbc688dbfe62bf50247fd4ba451fcd1ad3f404",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_60751",
                            table="referrals_restriction",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "referrals_restrictionevent" ("ask_id", "contact_id", "created_at", "created_by_id", "id", "lift_reason", "lifted_at", "lifted_by_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "review_due", "reviewed_at") VALUES (OLD."ask_id", OLD."contact_id", OLD."created_at", OLD."created_by_id", OLD."id", OLD."lift_reason", OLD."lifted_at", OLD."lifted_by_id", OLD."person_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."reason", OLD."review_due", OLD."reviewed_at"); RETURN NULL;',
                            hash="0781921649815bd0f38e7ec4f0a90eeeb0b637d0",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_77b76",
                            table="referrals_restriction",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RestrictionEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("reason", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("review_due", models.DateField()),
                ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                ("lifted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "ask",
                    models.ForeignKey(
                        db_constraint=False,
                        help_text="Whom others should ask for access.",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.contact",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "lifted_by",
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
                    "person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.person",
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
                        to="referrals.restriction",
                    ),
                ),
                ("lift_reason", models.TextField(blank=True)),
            ],
            options={
                "abstract": False,
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="append_only",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                            hash="1aed7ed07d1b3e872772745b89c769f513eeefe4",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_e359c",
                            table="referrals_restrictionevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PersonWarning",
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
                            ("risk_to_staff", "Risk to staff"),
                            ("marac", "MARAC case"),
                            ("protection_order", "Protection or non-molestation order"),
                            (
                                "sex_offender_in_household",
                                "Registered sex offender in the household",
                            ),
                            ("other", "Other"),
                        ],
                        max_length=40,
                    ),
                ),
                (
                    "evidence",
                    models.TextField(
                        help_text="What the warning rests on, and where it came from."
                    ),
                ),
                ("set_at", models.DateTimeField()),
                ("review_due", models.DateField()),
                ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                ("review_note", models.TextField(blank=True)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("end_reason", models.TextField(blank=True)),
                (
                    "ended_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="warnings",
                        to="referrals.person",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "set_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("first_review_due", models.DateField()),
            ],
            options={
                "ordering": ["set_at", "pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("ended_at__isnull", True)),
                        fields=["person"],
                        name="warning_active_idx",
                    ),
                    models.Index(
                        condition=models.Q(("ended_at__isnull", True)),
                        fields=["review_due"],
                        name="warning_review_due_idx",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("evidence", ""), _negated=True),
                        name="warning_has_evidence",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("end_reason", ""),
                                ("ended_at__isnull", True),
                                ("ended_by__isnull", True),
                            ),
                            models.Q(
                                ("ended_at__isnull", False),
                                ("ended_by__isnull", False),
                                models.Q(("end_reason", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="warning_ended_with_who_and_why",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("reviewed_at__isnull", True), ("reviewed_by__isnull", True)),
                            models.Q(
                                ("reviewed_at__isnull", False), ("reviewed_by__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="warning_reviewed_by_someone",
                    ),
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "referrals_personwarningevent" ("end_reason", "ended_at", "ended_by_id", "evidence", "first_review_due", "id", "kind", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "review_due", "review_note", "reviewed_at", "reviewed_by_id", "set_at", "set_by_id") VALUES (NEW."end_reason", NEW."ended_at", NEW."ended_by_id", NEW."evidence", NEW."first_review_due", NEW."id", NEW."kind", NEW."person_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."review_due", NEW."review_note", NEW."reviewed_at", NEW."reviewed_by_id", NEW."set_at", NEW."set_by_id"); RETURN NULL;',
                            hash="6b395cf06735dc7689e427a5d184ae9e52cadd01",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_13312",
                            table="referrals_personwarning",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "referrals_personwarningevent" ("end_reason", "ended_at", "ended_by_id", "evidence", "first_review_due", "id", "kind", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "review_due", "review_note", "reviewed_at", "reviewed_by_id", "set_at", "set_by_id") VALUES (NEW."end_reason", NEW."ended_at", NEW."ended_by_id", NEW."evidence", NEW."first_review_due", NEW."id", NEW."kind", NEW."person_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."review_due", NEW."review_note", NEW."reviewed_at", NEW."reviewed_by_id", NEW."set_at", NEW."set_by_id"); RETURN NULL;',
                            hash="306fcc1253932cb91901472531cb211ba4ee415a",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_09648",
                            table="referrals_personwarning",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "referrals_personwarningevent" ("end_reason", "ended_at", "ended_by_id", "evidence", "first_review_due", "id", "kind", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "review_due", "review_note", "reviewed_at", "reviewed_by_id", "set_at", "set_by_id") VALUES (OLD."end_reason", OLD."ended_at", OLD."ended_by_id", OLD."evidence", OLD."first_review_due", OLD."id", OLD."kind", OLD."person_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."review_due", OLD."review_note", OLD."reviewed_at", OLD."reviewed_by_id", OLD."set_at", OLD."set_by_id"); RETURN NULL;',
                            hash="085a3dae068befc1668b670c63dcfd3f143f1a4c",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_40256",
                            table="referrals_personwarning",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="PersonWarningEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("risk_to_staff", "Risk to staff"),
                            ("marac", "MARAC case"),
                            ("protection_order", "Protection or non-molestation order"),
                            (
                                "sex_offender_in_household",
                                "Registered sex offender in the household",
                            ),
                            ("other", "Other"),
                        ],
                        max_length=40,
                    ),
                ),
                (
                    "evidence",
                    models.TextField(
                        help_text="What the warning rests on, and where it came from."
                    ),
                ),
                ("set_at", models.DateTimeField()),
                ("review_due", models.DateField()),
                ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                ("review_note", models.TextField(blank=True)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("end_reason", models.TextField(blank=True)),
                (
                    "ended_by",
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
                    "person",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.person",
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
                        to="referrals.personwarning",
                    ),
                ),
                (
                    "reviewed_by",
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
                    "set_by",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("first_review_due", models.DateField()),
            ],
            options={
                "abstract": False,
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="append_only",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                            hash="87db37c28b255bd7c5fa7397a7e0ff3d0d8698d8",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_3c9bf",
                            table="referrals_personwarningevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Relationship",
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
                            ("parent", "Parent"),
                            ("step_parent", "Step-parent"),
                            ("carer", "Carer"),
                            ("sibling", "Sibling"),
                            ("half_sibling", "Half-sibling"),
                            ("partner", "Partner"),
                            ("household_member", "Household member"),
                            ("alleged_perpetrator", "Alleged perpetrator"),
                            ("other", "Other"),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        choices=[
                            ("suggested", "Suggested from a contact, not yet confirmed"),
                            ("confirmed", "Confirmed by a screener"),
                        ],
                        max_length=20,
                    ),
                ),
                ("recorded_at", models.DateTimeField()),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("end_reason", models.TextField(blank=True)),
                (
                    "confirmed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "ended_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="relationships_out",
                        to="referrals.person",
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
                    "recorded_on",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="referrals.contact",
                    ),
                ),
                (
                    "relative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="relationships_in",
                        to="referrals.person",
                    ),
                ),
                (
                    "replaces",
                    models.OneToOneField(
                        blank=True,
                        help_text="The version this one corrected (its kind was changed).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="replaced_by",
                        to="referrals.relationship",
                    ),
                ),
            ],
            options={
                "ordering": ["recorded_at", "pk"],
                "indexes": [
                    models.Index(fields=["person", "relative"], name="relationship_person_idx"),
                    models.Index(fields=["relative", "person"], name="relationship_relative_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("person", models.F("relative")), _negated=True),
                        name="relationship_between_two_people",
                    ),
                    models.UniqueConstraint(
                        django.db.models.functions.comparison.Least("person", "relative"),
                        django.db.models.functions.comparison.Greatest("person", "relative"),
                        models.F("kind"),
                        condition=models.Q(("ended_at__isnull", True)),
                        name="relationship_current_once_per_pair_and_kind",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("end_reason", ""),
                                ("ended_at__isnull", True),
                                ("ended_by__isnull", True),
                            ),
                            models.Q(
                                ("ended_at__isnull", False),
                                ("ended_by__isnull", False),
                                models.Q(("end_reason", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="relationship_ended_with_who_and_why",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("basis", "suggested"), ("confirmed_at__isnull", True)),
                            models.Q(
                                ("basis", "confirmed"),
                                ("confirmed_at__isnull", False),
                                ("confirmed_by__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="relationship_confirmed_by_someone",
                    ),
                ],
                "triggers": [
                    pgtrigger.compiler.Trigger(
                        name="insert_insert",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "referrals_relationshipevent" ("basis", "confirmed_at", "confirmed_by_id", "end_reason", "ended_at", "ended_by_id", "id", "kind", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_at", "recorded_by_id", "recorded_on_id", "relative_id", "replaces_id") VALUES (NEW."basis", NEW."confirmed_at", NEW."confirmed_by_id", NEW."end_reason", NEW."ended_at", NEW."ended_by_id", NEW."id", NEW."kind", NEW."person_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."recorded_at", NEW."recorded_by_id", NEW."recorded_on_id", NEW."relative_id", NEW."replaces_id"); RETURN NULL;',
                            hash="b42f44756797c19d7a75a1b51af89b8609c1a03f",
                            operation="INSERT",
                            pgid="pgtrigger_insert_insert_4c49c",
                            table="referrals_relationship",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="update_update",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                            func='INSERT INTO "referrals_relationshipevent" ("basis", "confirmed_at", "confirmed_by_id", "end_reason", "ended_at", "ended_by_id", "id", "kind", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_at", "recorded_by_id", "recorded_on_id", "relative_id", "replaces_id") VALUES (NEW."basis", NEW."confirmed_at", NEW."confirmed_by_id", NEW."end_reason", NEW."ended_at", NEW."ended_by_id", NEW."id", NEW."kind", NEW."person_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."recorded_at", NEW."recorded_by_id", NEW."recorded_on_id", NEW."relative_id", NEW."replaces_id"); RETURN NULL;',
                            hash="5446d4993659382d6eb20524589f45f96d8ad30f",
                            operation="UPDATE",
                            pgid="pgtrigger_update_update_4462f",
                            table="referrals_relationship",
                            when="AFTER",
                        ),
                    ),
                    pgtrigger.compiler.Trigger(
                        name="delete_delete",
                        sql=pgtrigger.compiler.UpsertTriggerSql(
                            func='INSERT INTO "referrals_relationshipevent" ("basis", "confirmed_at", "confirmed_by_id", "end_reason", "ended_at", "ended_by_id", "id", "kind", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_at", "recorded_by_id", "recorded_on_id", "relative_id", "replaces_id") VALUES (OLD."basis", OLD."confirmed_at", OLD."confirmed_by_id", OLD."end_reason", OLD."ended_at", OLD."ended_by_id", OLD."id", OLD."kind", OLD."person_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."recorded_at", OLD."recorded_by_id", OLD."recorded_on_id", OLD."relative_id", OLD."replaces_id"); RETURN NULL;',
                            hash="410b73d82032290e39bc4d32842a23684a548be1",
                            operation="DELETE",
                            pgid="pgtrigger_delete_delete_6f5f7",
                            table="referrals_relationship",
                            when="AFTER",
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RelationshipEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("parent", "Parent"),
                            ("step_parent", "Step-parent"),
                            ("carer", "Carer"),
                            ("sibling", "Sibling"),
                            ("half_sibling", "Half-sibling"),
                            ("partner", "Partner"),
                            ("household_member", "Household member"),
                            ("alleged_perpetrator", "Alleged perpetrator"),
                            ("other", "Other"),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        choices=[
                            ("suggested", "Suggested from a contact, not yet confirmed"),
                            ("confirmed", "Confirmed by a screener"),
                        ],
                        max_length=20,
                    ),
                ),
                ("recorded_at", models.DateTimeField()),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("end_reason", models.TextField(blank=True)),
                (
                    "confirmed_by",
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
                    "ended_by",
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
                    "person",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.person",
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
                        to="referrals.relationship",
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
                    "recorded_on",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.contact",
                    ),
                ),
                (
                    "relative",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.person",
                    ),
                ),
                (
                    "replaces",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The version this one corrected (its kind was changed).",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="referrals.relationship",
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
                            hash="57558a533f6b4032332675a6fdb75b085aae7e5c",
                            operation="UPDATE OR DELETE",
                            pgid="pgtrigger_append_only_7f86e",
                            table="referrals_relationshipevent",
                            when="BEFORE",
                        ),
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PersonWarningReview",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reviewed_at", models.DateTimeField()),
                ("review_due", models.DateField(help_text="The next review date this review set.")),
                ("note", models.TextField(blank=True)),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "warning",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to="referrals.personwarning",
                    ),
                ),
            ],
            options={
                "ordering": ["reviewed_at", "pk"],
                "indexes": [
                    models.Index(fields=["warning", "reviewed_at"], name="warning_review_idx")
                ],
            },
        ),
        migrations.AddField(
            model_name="contactsubject",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appearances",
                to="referrals.person",
            ),
        ),
        migrations.AddField(
            model_name="contactsubject",
            name="disabilities",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=4), blank=True, default=list
            ),
        ),
        migrations.AddField(
            model_name="contactsubject",
            name="ethnicity",
            field=models.CharField(blank=True, max_length=4),
        ),
        migrations.AddField(
            model_name="contactsubject",
            name="child_not_seen_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="contactsubject",
            name="child_said",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="contactsubject",
            name="child_seen",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="contactsubject",
            name="child_seen_by",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="contactsubject",
            name="child_seen_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="contactsubject",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("expected_date_of_birth__isnull", False), ("role", "unborn_child")),
                    models.Q(("role", "unborn_child"), _negated=True),
                    _connector="OR",
                ),
                name="subject_unborn_has_expected_date",
            ),
        ),
        migrations.AddConstraint(
            model_name="contactsubject",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("match_status", "unmatched"), ("person__isnull", True)),
                    models.Q(
                        models.Q(("match_status", "unmatched"), _negated=True),
                        ("person__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="subject_linked_when_matched",
            ),
        ),
        migrations.AddConstraint(
            model_name="contactsubject",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("child_not_seen_reason", ""),
                        ("child_said", ""),
                        ("child_seen__isnull", True),
                        ("child_seen_by", ""),
                        ("child_seen_on__isnull", True),
                    ),
                    models.Q(
                        ("child_not_seen_reason", ""), ("child_seen", True), ("role", "child")
                    ),
                    models.Q(
                        ("child_said", ""),
                        ("child_seen", False),
                        ("child_seen_by", ""),
                        ("child_seen_on__isnull", True),
                        ("role", "child"),
                        models.Q(("child_not_seen_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="subject_child_voice_consistent",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="contactsubject",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "referrals_contactsubjectevent" ("address", "child_not_seen_reason", "child_said", "child_seen", "child_seen_by", "child_seen_on", "contact_id", "date_of_birth", "disabilities", "ethnicity", "expected_date_of_birth", "first_name", "id", "last_name", "match_status", "nhs_number", "other_names", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "postcode", "relationship_to_children", "role", "sex", "unique_pupil_number") VALUES (NEW."address", NEW."child_not_seen_reason", NEW."child_said", NEW."child_seen", NEW."child_seen_by", NEW."child_seen_on", NEW."contact_id", NEW."date_of_birth", NEW."disabilities", NEW."ethnicity", NEW."expected_date_of_birth", NEW."first_name", NEW."id", NEW."last_name", NEW."match_status", NEW."nhs_number", NEW."other_names", NEW."person_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."position", NEW."postcode", NEW."relationship_to_children", NEW."role", NEW."sex", NEW."unique_pupil_number"); RETURN NULL;',
                    hash="a5e02b0adcd0ccaa85c89e35ed9eee587f910a4a",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_5b45a",
                    table="referrals_contactsubject",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="contactsubject",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "referrals_contactsubjectevent" ("address", "child_not_seen_reason", "child_said", "child_seen", "child_seen_by", "child_seen_on", "contact_id", "date_of_birth", "disabilities", "ethnicity", "expected_date_of_birth", "first_name", "id", "last_name", "match_status", "nhs_number", "other_names", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "postcode", "relationship_to_children", "role", "sex", "unique_pupil_number") VALUES (NEW."address", NEW."child_not_seen_reason", NEW."child_said", NEW."child_seen", NEW."child_seen_by", NEW."child_seen_on", NEW."contact_id", NEW."date_of_birth", NEW."disabilities", NEW."ethnicity", NEW."expected_date_of_birth", NEW."first_name", NEW."id", NEW."last_name", NEW."match_status", NEW."nhs_number", NEW."other_names", NEW."person_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."position", NEW."postcode", NEW."relationship_to_children", NEW."role", NEW."sex", NEW."unique_pupil_number"); RETURN NULL;',
                    hash="49a1cb70dc20c8ffbc567bd6cfe0a5bedebe0505",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_e27f6",
                    table="referrals_contactsubject",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="contactsubject",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "referrals_contactsubjectevent" ("address", "child_not_seen_reason", "child_said", "child_seen", "child_seen_by", "child_seen_on", "contact_id", "date_of_birth", "disabilities", "ethnicity", "expected_date_of_birth", "first_name", "id", "last_name", "match_status", "nhs_number", "other_names", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "postcode", "relationship_to_children", "role", "sex", "unique_pupil_number") VALUES (OLD."address", OLD."child_not_seen_reason", OLD."child_said", OLD."child_seen", OLD."child_seen_by", OLD."child_seen_on", OLD."contact_id", OLD."date_of_birth", OLD."disabilities", OLD."ethnicity", OLD."expected_date_of_birth", OLD."first_name", OLD."id", OLD."last_name", OLD."match_status", OLD."nhs_number", OLD."other_names", OLD."person_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."position", OLD."postcode", OLD."relationship_to_children", OLD."role", OLD."sex", OLD."unique_pupil_number"); RETURN NULL;',
                    hash="aa385cec540345d5267ce9879632658997e6ef14",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_a2319",
                    table="referrals_contactsubject",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunPython(
            code=_0015._history_into_reviews,
            reverse_code=django.db.migrations.operations.special.RunPython.noop,
        ),
        migrations.RunSQL(
            sql="\n            ALTER TABLE referrals_personwarningevent DISABLE TRIGGER USER;\n            UPDATE referrals_personwarningevent e\n               SET first_review_due = coalesce(w.first_review_due, e.review_due)\n              FROM referrals_personwarningevent e2\n              LEFT JOIN referrals_personwarning w ON w.id = e2.pgh_obj_id\n             WHERE e.pgh_id = e2.pgh_id AND e.first_review_due IS NULL;\n            ALTER TABLE referrals_personwarningevent ENABLE TRIGGER USER;\n            ",
            reverse_sql="",
        ),
        migrations.RunSQL(
            sql="\nCREATE OR REPLACE FUNCTION referrals_warning_never_deleted() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION 'a warning and its reviews are never deleted; end the warning instead';\nEND $$;\nCREATE TRIGGER personwarning_never_deleted BEFORE DELETE ON referrals_personwarning\n  FOR EACH ROW EXECUTE FUNCTION referrals_warning_never_deleted();\nCREATE TRIGGER personwarningreview_never_deleted BEFORE DELETE ON referrals_personwarningreview\n  FOR EACH ROW EXECUTE FUNCTION referrals_warning_never_deleted();\n\nCREATE OR REPLACE FUNCTION referrals_warning_review_is_immutable() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n  IF coalesce(current_setting('frontdoor.retention_erasure', true), '') = 'on'\n     AND (NEW.warning_id, NEW.reviewed_at, NEW.reviewed_by_id, NEW.review_due)\n         IS NOT DISTINCT FROM (OLD.warning_id, OLD.reviewed_at, OLD.reviewed_by_id, OLD.review_due)\n  THEN\n    RETURN NEW;  -- only the note changes, to the erasure marker\n  END IF;\n  IF NEW IS DISTINCT FROM OLD THEN\n    RAISE EXCEPTION 'a warning review is never edited; review the warning again instead';\n  END IF;\n  RETURN NEW;\nEND $$;\nCREATE TRIGGER personwarningreview_immutable BEFORE UPDATE ON referrals_personwarningreview\n  FOR EACH ROW EXECUTE FUNCTION referrals_warning_review_is_immutable();\n",
            reverse_sql="\nDROP TRIGGER IF EXISTS personwarningreview_immutable ON referrals_personwarningreview;\nDROP TRIGGER IF EXISTS personwarningreview_never_deleted ON referrals_personwarningreview;\nDROP TRIGGER IF EXISTS personwarning_never_deleted ON referrals_personwarning;\nDROP FUNCTION IF EXISTS referrals_warning_review_is_immutable();\nDROP FUNCTION IF EXISTS referrals_warning_never_deleted();\n",
        ),
    ]
