"""The reference function (0034, docs/adr/0050) refuses a missing year or count, and
only the app's role may call it.

- A NULL year passed the year check (a comparison with NULL is not true) and made a
  sequence named ``referrals_reference_``; a NULL count drew nothing. Both are refused now.
- A function may be called by every role unless that is revoked (PUBLIC's EXECUTE).
  This one runs as the owner and makes sequences, so only the app's role keeps it
  (granted here, so no deploy is without it, and after every ``migrate`` by
  ``frontdoor/database_roles.py``, so a role made later gets it too); the owner may
  call its own function anyway."""

import importlib

from django.conf import settings
from django.db import migrations

SIGNATURE = "referrals_reference_numbers(integer, integer)"

CREATE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION referrals_reference_numbers(p_year integer, p_count integer)
RETURNS SETOF bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sequence_name text;
BEGIN
    IF p_year IS NULL OR p_count IS NULL
       OR p_year < 1900 OR p_year > 2999 OR p_count < 1 THEN
        RAISE EXCEPTION 'referrals_reference_numbers: no year % or count %', p_year, p_count
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    sequence_name := format('public.referrals_reference_%s', p_year);
    IF to_regclass(sequence_name) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %s AS bigint MINVALUE 1', sequence_name);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            -- Another intake made this year's sequence at the same moment.
            NULL;
        END;
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT nextval(%L::regclass) FROM generate_series(1, $1)', sequence_name
    ) USING p_count;
END
$$;
"""


def _app_role(schema_editor) -> str | None:
    """The app's role, when it is another role than the one migrating and exists."""
    app_role = getattr(settings, "DATABASE_APP_USER", "")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user <> %s AND EXISTS (SELECT FROM pg_roles WHERE rolname = %s)",
            [app_role, app_role],
        )
        (separate,) = cursor.fetchone()
    return app_role if app_role and separate else None


def app_only(apps, schema_editor) -> None:
    schema_editor.execute(CREATE_FUNCTION, params=None)  # its % are its own
    schema_editor.execute(f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC")
    app_role = _app_role(schema_editor)
    if app_role is not None:
        role = schema_editor.quote_name(app_role)
        schema_editor.execute(f"GRANT EXECUTE ON FUNCTION {SIGNATURE} TO {role}")


def everyone(apps, schema_editor) -> None:
    before = importlib.import_module("referrals.migrations.0034_reference_sequences")
    schema_editor.execute(
        before.CREATE_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1),
        params=None,
    )
    schema_editor.execute(f"GRANT EXECUTE ON FUNCTION {SIGNATURE} TO PUBLIC")
    app_role = _app_role(schema_editor)
    if app_role is not None:
        role = schema_editor.quote_name(app_role)
        schema_editor.execute(f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM {role}")


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0034_reference_sequences"),
    ]

    operations = [migrations.RunPython(app_only, everyone)]
