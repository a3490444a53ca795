"""Every event written is listed for the sequencer by the database itself, whatever
wrote it: a statement trigger on ``outcomes_caseevent`` inserts the new events without a
position into ``outcomes_caseeventwaiting``. Listing it in the writer's own code
(0017) missed an event written by code from before that list, as a worker still
running the last release writes while the deploy migrates: that event never got a
position, and the feed never served it. Events written so since 0017 are listed
here."""

from django.db import migrations

LIST_SQL = """
CREATE OR REPLACE FUNCTION outcomes_caseevent_list_waiting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO outcomes_caseeventwaiting (event_id)
  SELECT id FROM written WHERE position IS NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER caseevent_waits_for_its_position
  AFTER INSERT ON outcomes_caseevent
  REFERENCING NEW TABLE AS written
  FOR EACH STATEMENT EXECUTE FUNCTION outcomes_caseevent_list_waiting();
INSERT INTO outcomes_caseeventwaiting (event_id)
SELECT id FROM outcomes_caseevent WHERE position IS NULL
ON CONFLICT DO NOTHING;
"""

UNLIST_SQL = """
DROP TRIGGER IF EXISTS caseevent_waits_for_its_position ON outcomes_caseevent;
DROP FUNCTION IF EXISTS outcomes_caseevent_list_waiting();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0018_case_event_referral_withdrawn"),
    ]

    operations = [migrations.RunSQL(LIST_SQL, UNLIST_SQL)]
