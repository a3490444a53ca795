"""The contact log: conversations and actions recorded on a contact. Append-only in the
database: no entry is ever deleted, and none is edited, except erasure under the
retention policy replacing its free text with the marker inside a transaction that
declared itself an erasure (SET LOCAL frontdoor.retention_erasure = 'on', as
outcomes.retention does for decisions). A correction must be on the contact of the
entry it corrects."""

import django.db.models.deletion
import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models

PROTECT_SQL = """
CREATE OR REPLACE FUNCTION screening_contactlog_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'a contact log entry is never deleted; record a correction instead';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.corrects_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM screening_contactlogentry c
      WHERE c.id = NEW.corrects_id AND c.contact_id = NEW.contact_id
    ) THEN
      RAISE EXCEPTION 'a correction is recorded on the contact of the entry it corrects';
    END IF;
    RETURN NEW;
  END IF;
  IF coalesce(current_setting('frontdoor.retention_erasure', true), '') = 'on'
     AND (NEW.id, NEW.contact_id, NEW.with_whom, NEW.agency_id, NEW.how, NEW.occurred_at,
          NEW.recorded_by_id, NEW.recorded_at, NEW.corrects_id)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.contact_id, OLD.with_whom, OLD.agency_id, OLD.how, OLD.occurred_at,
          OLD.recorded_by_id, OLD.recorded_at, OLD.corrects_id) THEN
    RETURN NEW;  -- only the free text changes, to the erasure marker
  END IF;
  RAISE EXCEPTION 'a contact log entry is never edited; record a correction instead';
END $$;
CREATE TRIGGER contactlogentry_append_only
  BEFORE INSERT OR UPDATE OR DELETE ON screening_contactlogentry
  FOR EACH ROW EXECUTE FUNCTION screening_contactlog_is_append_only();
"""

UNPROTECT_SQL = """
DROP TRIGGER IF EXISTS contactlogentry_append_only ON screening_contactlogentry;
DROP FUNCTION IF EXISTS screening_contactlog_is_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("frontdoor", "0017_head_of_service_role"),
        ("referrals", "0018_person_merge_append_only"),
        ("screening", "0001_squashed_0008"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ContactLogEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "with_whom",
                    models.CharField(
                        choices=[
                            ("referrer", "The referrer"),
                            ("parent_or_carer", "A parent or carer"),
                            ("child", "The child"),
                            ("agency", "A partner agency"),
                            ("other", "Someone else"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "with_name",
                    models.CharField(
                        blank=True,
                        help_text="Their name or role, e.g. 'Mrs Shah, the DSL'.",
                        max_length=200,
                    ),
                ),
                (
                    "how",
                    models.CharField(
                        choices=[
                            ("phone", "Phone call"),
                            ("email", "Email"),
                            ("in_person", "In person"),
                            ("meeting", "Meeting"),
                            ("other", "Other contact"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "occurred_at",
                    models.DateTimeField(help_text="When the conversation or action happened."),
                ),
                ("note", models.TextField()),
                (
                    "recorded_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
                ),
                ("correction_reason", models.TextField(blank=True)),
                (
                    "agency",
                    models.ForeignKey(
                        blank=True,
                        help_text="Which agency, when it was with a partner agency.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="frontdoor.agency",
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="log_entries",
                        to="referrals.contact",
                    ),
                ),
                (
                    "corrects",
                    models.OneToOneField(
                        blank=True,
                        help_text="The entry this one corrects; each entry is corrected at most once (a correction that is itself wrong is corrected in turn).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="corrected_by",
                        to="screening.contactlogentry",
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
            ],
            options={
                "ordering": ["-occurred_at", "-pk"],
                "indexes": [
                    models.Index(fields=["contact", "-occurred_at"], name="contactlog_contact_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("agency__isnull", False), ("with_whom", "agency")),
                            models.Q(
                                models.Q(("with_whom", "agency"), _negated=True),
                                ("agency__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="contactlog_agency_when_with_an_agency",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("with_whom", "other"), _negated=True),
                            models.Q(("with_name", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="contactlog_someone_else_is_named",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("occurred_at__lte", models.F("recorded_at"))),
                        name="contactlog_not_after_it_was_recorded",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("note", ""), _negated=True),
                        name="contactlog_has_a_note",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("correction_reason", ""), ("corrects__isnull", True)),
                            models.Q(
                                ("corrects__isnull", False),
                                models.Q(("correction_reason", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="contactlog_correction_has_a_reason",
                    ),
                ],
            },
        ),
        migrations.RunSQL(PROTECT_SQL, UNPROTECT_SQL),
    ]
