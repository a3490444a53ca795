"""Default threshold levels (councils rename them) and the database's refusal to
edit or delete what a decision decided."""

from django.db import migrations

LEVELS = [
    (1, "Universal", "Needs met by universal services: schools, GPs, health visitors."),
    (2, "Early help", "Additional needs: targeted support from one or more agencies."),
    (3, "Targeted: child in need", "Complex needs: a social care assessment under s17."),
    (4, "Specialist: child protection", "Acute needs: risk of significant harm (s47)."),
]


def load_levels(apps, schema_editor):
    ThresholdLevel = apps.get_model("screening", "ThresholdLevel")
    for number, name, description in LEVELS:
        ThresholdLevel.objects.get_or_create(
            number=number, defaults={"name": name, "description": description}
        )


DECISION_GUARD = """
CREATE FUNCTION screening_decision_is_immutable() RETURNS trigger
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
CREATE TRIGGER screening_decision_immutable
  BEFORE UPDATE OR DELETE ON screening_decision
  FOR EACH ROW EXECUTE FUNCTION screening_decision_is_immutable();
"""

DROP_GUARD = """
DROP TRIGGER screening_decision_immutable ON screening_decision;
DROP FUNCTION screening_decision_is_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [
        migrations.RunPython(load_levels, migrations.RunPython.noop),
        migrations.RunSQL(DECISION_GUARD, DROP_GUARD),
    ]
