"""Decisions stay immutable, with one exception: erasure under the retention policy
may replace their free text with a marker, and only inside a transaction that has
declared itself an erasure (SET LOCAL frontdoor.retention_erasure = 'on'), which only
outcomes.retention.retention_erase does, auditing each record it erases."""

from django.db import migrations

ERASABLE_GUARD = """
CREATE OR REPLACE FUNCTION screening_decision_is_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'decisions are never deleted; supersede them instead';
  END IF;
  IF coalesce(current_setting('frontdoor.retention_erasure', true), '') = 'on'
     AND (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.is_complex,
          NEW.family_notice, NEW.decided_by_id, NEW.decided_at, NEW.supersedes_id,
          NEW.approval, NEW.approved_by_id, NEW.approval_at)
         IS NOT DISTINCT FROM
         (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.is_complex,
          OLD.family_notice, OLD.decided_by_id, OLD.decided_at, OLD.supersedes_id,
          OLD.approval, OLD.approved_by_id, OLD.approval_at) THEN
    RETURN NEW;  -- only the free text changes, to the erasure marker
  END IF;
  IF (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.rationale, NEW.is_complex,
      NEW.complex_reason, NEW.family_notice, NEW.withhold_reason, NEW.decided_by_id,
      NEW.decided_at, NEW.supersedes_id)
     IS DISTINCT FROM
     (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.rationale, OLD.is_complex,
      OLD.complex_reason, OLD.family_notice, OLD.withhold_reason, OLD.decided_by_id,
      OLD.decided_at, OLD.supersedes_id) THEN
    RAISE EXCEPTION 'a decision is never edited; record a new decision that supersedes it';
  END IF;
  IF OLD.approval IN ('approved', 'returned') AND NEW.approval IS DISTINCT FROM OLD.approval THEN
    RAISE EXCEPTION 'an approval, once given or refused, is final';
  END IF;
  RETURN NEW;
END $$;
"""

STRICT_GUARD = """
CREATE OR REPLACE FUNCTION screening_decision_is_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'decisions are never deleted; supersede them instead';
  END IF;
  IF (NEW.contact_id, NEW.route, NEW.threshold_level_id, NEW.rationale, NEW.is_complex,
      NEW.complex_reason, NEW.family_notice, NEW.withhold_reason, NEW.decided_by_id,
      NEW.decided_at, NEW.supersedes_id)
     IS DISTINCT FROM
     (OLD.contact_id, OLD.route, OLD.threshold_level_id, OLD.rationale, OLD.is_complex,
      OLD.complex_reason, OLD.family_notice, OLD.withhold_reason, OLD.decided_by_id,
      OLD.decided_at, OLD.supersedes_id) THEN
    RAISE EXCEPTION 'a decision is never edited; record a new decision that supersedes it';
  END IF;
  IF OLD.approval IN ('approved', 'returned') AND NEW.approval IS DISTINCT FROM OLD.approval THEN
    RAISE EXCEPTION 'an approval, once given or refused, is final';
  END IF;
  RETURN NEW;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_agencycheckevent_agencycontributionevent_and_more")]
    operations = [migrations.RunSQL(ERASABLE_GUARD, STRICT_GUARD)]
