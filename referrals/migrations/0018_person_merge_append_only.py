"""A merge and the rows it moved are the only way to undo it exactly: the database
refuses to delete either, or to edit a moved row's record (issue 19, ADR 0025). The
merge itself is updated once more when it is undone or when retention erases one of
its records' details, so only its deletion is refused."""

from django.db import migrations

PROTECT_SQL = """
CREATE OR REPLACE FUNCTION referrals_merge_never_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a merge and the rows it moved are never deleted; undo the merge instead';
END $$;
CREATE TRIGGER personmerge_never_deleted BEFORE DELETE ON referrals_personmerge
  FOR EACH ROW EXECUTE FUNCTION referrals_merge_never_deleted();
CREATE TRIGGER personmergemove_never_deleted BEFORE DELETE ON referrals_personmergemove
  FOR EACH ROW EXECUTE FUNCTION referrals_merge_never_deleted();

CREATE OR REPLACE FUNCTION referrals_merge_move_is_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW IS DISTINCT FROM OLD THEN
    RAISE EXCEPTION 'a row a merge moved is never edited; undo the merge instead';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER personmergemove_immutable BEFORE UPDATE ON referrals_personmergemove
  FOR EACH ROW EXECUTE FUNCTION referrals_merge_move_is_immutable();
"""

UNPROTECT_SQL = """
DROP TRIGGER IF EXISTS personmergemove_immutable ON referrals_personmergemove;
DROP TRIGGER IF EXISTS personmergemove_never_deleted ON referrals_personmergemove;
DROP TRIGGER IF EXISTS personmerge_never_deleted ON referrals_personmerge;
DROP FUNCTION IF EXISTS referrals_merge_move_is_immutable();
DROP FUNCTION IF EXISTS referrals_merge_never_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [("referrals", "0017_person_merge_erasure")]

    operations = [migrations.RunSQL(PROTECT_SQL, UNPROTECT_SQL)]
