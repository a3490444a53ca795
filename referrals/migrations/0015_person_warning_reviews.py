"""Every review of a warning kept as its own row (PersonWarningReview), and the review
date given when a warning was set (PersonWarning.first_review_due), so the chronology
tells a warning's history as it happened. Both tables refuse DELETE in the database;
a review row is never changed, except retention erasure replacing its note."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


def _history_into_reviews(apps, schema_editor):
    """Each existing warning's first review date and its reviews, from its change
    history (pghistory keeps every state) where it is still there, else from the
    warning itself (its latest review only)."""
    Warning = apps.get_model("referrals", "PersonWarning")
    Event = apps.get_model("referrals", "PersonWarningEvent")
    Review = apps.get_model("referrals", "PersonWarningReview")
    for warning in Warning.objects.order_by("pk"):
        states = list(Event.objects.filter(pgh_obj_id=warning.pk).order_by("pgh_id"))
        first = states[0].review_due if states else warning.review_due
        Warning.objects.filter(pk=warning.pk).update(first_review_due=first)
        seen = set()
        for state in [*states, warning]:
            if state.reviewed_at is None or state.reviewed_at in seen:
                continue
            seen.add(state.reviewed_at)
            Review.objects.create(
                warning_id=warning.pk,
                reviewed_at=state.reviewed_at,
                reviewed_by_id=state.reviewed_by_id,
                review_due=state.review_due,
                note=state.review_note,
            )


PROTECT_SQL = """
CREATE OR REPLACE FUNCTION referrals_warning_never_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a warning and its reviews are never deleted; end the warning instead';
END $$;
CREATE TRIGGER personwarning_never_deleted BEFORE DELETE ON referrals_personwarning
  FOR EACH ROW EXECUTE FUNCTION referrals_warning_never_deleted();
CREATE TRIGGER personwarningreview_never_deleted BEFORE DELETE ON referrals_personwarningreview
  FOR EACH ROW EXECUTE FUNCTION referrals_warning_never_deleted();

CREATE OR REPLACE FUNCTION referrals_warning_review_is_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('frontdoor.retention_erasure', true), '') = 'on'
     AND (NEW.warning_id, NEW.reviewed_at, NEW.reviewed_by_id, NEW.review_due)
         IS NOT DISTINCT FROM (OLD.warning_id, OLD.reviewed_at, OLD.reviewed_by_id, OLD.review_due)
  THEN
    RETURN NEW;  -- only the note changes, to the erasure marker
  END IF;
  IF NEW IS DISTINCT FROM OLD THEN
    RAISE EXCEPTION 'a warning review is never edited; review the warning again instead';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER personwarningreview_immutable BEFORE UPDATE ON referrals_personwarningreview
  FOR EACH ROW EXECUTE FUNCTION referrals_warning_review_is_immutable();
"""

UNPROTECT_SQL = """
DROP TRIGGER IF EXISTS personwarningreview_immutable ON referrals_personwarningreview;
DROP TRIGGER IF EXISTS personwarningreview_never_deleted ON referrals_personwarningreview;
DROP TRIGGER IF EXISTS personwarning_never_deleted ON referrals_personwarning;
DROP FUNCTION IF EXISTS referrals_warning_review_is_immutable();
DROP FUNCTION IF EXISTS referrals_warning_never_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0014_person_relationships"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
            ],
            options={
                "ordering": ["reviewed_at", "pk"],
            },
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="personwarning",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="personwarning",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="personwarning",
            name="delete_delete",
        ),
        migrations.AddField(
            model_name="personwarning",
            name="first_review_due",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="personwarningevent",
            name="first_review_due",
            field=models.DateField(null=True),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="personwarning",
            trigger=pgtrigger.compiler.Trigger(
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
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="personwarning",
            trigger=pgtrigger.compiler.Trigger(
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
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="personwarning",
            trigger=pgtrigger.compiler.Trigger(
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
        ),
        migrations.AddField(
            model_name="personwarningreview",
            name="reviewed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="personwarningreview",
            name="warning",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviews",
                to="referrals.personwarning",
            ),
        ),
        migrations.AddIndex(
            model_name="personwarningreview",
            index=models.Index(fields=["warning", "reviewed_at"], name="warning_review_idx"),
        ),
        migrations.RunPython(_history_into_reviews, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="personwarning",
            name="first_review_due",
            field=models.DateField(),
        ),
        # The history rows from before the field existed take the warning's first
        # review date (the history table is append-only: its triggers are paused for
        # this one fill, inside the migration's transaction).
        migrations.RunSQL(
            """
            ALTER TABLE referrals_personwarningevent DISABLE TRIGGER USER;
            UPDATE referrals_personwarningevent e
               SET first_review_due = coalesce(w.first_review_due, e.review_due)
              FROM referrals_personwarningevent e2
              LEFT JOIN referrals_personwarning w ON w.id = e2.pgh_obj_id
             WHERE e.pgh_id = e2.pgh_id AND e.first_review_due IS NULL;
            ALTER TABLE referrals_personwarningevent ENABLE TRIGGER USER;
            """,
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="personwarningevent",
            name="first_review_due",
            field=models.DateField(),
        ),
        migrations.RunSQL(PROTECT_SQL, UNPROTECT_SQL),
    ]
