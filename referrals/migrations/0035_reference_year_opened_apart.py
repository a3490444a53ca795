"""Contact references (0034, docs/adr/0050): a year's sequence made in a transaction of
its own, only the app's role may call the functions, and a missing year is refused.

- ``referrals_reference_numbers`` made the year's sequence inside the caller's
  transaction, where it stayed uncommitted until that intake committed: every other
  intake of the year (the first after new year; the first in a new database) waited for
  it, and could deadlock with it over the people each had locked. Now it only draws, and
  returns nothing for a year with no sequence yet; the caller then makes it with
  ``referrals_reference_year_open(year)`` on a connection of its own (committed at once)
  and draws again (``referrals.services.intake.reference_numbers``). A year opened
  when it has contacts already (restored without its sequences, or one dropped) starts
  after the highest of their references.
- A NULL year passed the year check (a comparison with NULL is not true) and made a
  sequence named ``referrals_reference_``; a NULL count drew nothing. Both are refused.
- Any role may call a function unless PUBLIC's EXECUTE is revoked. These run as the
  owner, so only the app's role may call them (granted here, so no deploy is without it,
  and after every ``migrate`` by ``frontdoor/database_roles.py``, so a role made later
  gets it too); the owner may call its own functions anyway."""

import importlib

from django.conf import settings
from django.db import migrations

NUMBERS = "referrals_reference_numbers(integer, integer)"
YEAR_OPEN = "referrals_reference_year_open(integer)"

CREATE_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION referrals_reference_numbers(p_year integer, p_count integer)
RETURNS SETOF bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    year_sequence regclass;
BEGIN
    IF p_year IS NULL OR p_count IS NULL
       OR p_year < 1900 OR p_year > 2999 OR p_count < 1 THEN
        RAISE EXCEPTION 'referrals_reference_numbers: no year % or count %', p_year, p_count
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Read from pg_class, not looked up by name (to_regclass): a name lookup that
    -- missed is remembered for the rest of the transaction, so the draw after the
    -- caller opened the year would miss again.
    SELECT c.oid::regclass INTO year_sequence
    FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace
      AND c.relname = format('referrals_reference_%s', p_year)
      AND c.relkind = 'S';
    IF year_sequence IS NULL THEN
        -- The year's first draw: the caller makes its sequence apart, then asks again.
        RETURN;
    END IF;
    RETURN QUERY SELECT nextval(year_sequence) FROM generate_series(1, p_count);
END
$$;

CREATE OR REPLACE FUNCTION referrals_reference_year_open(p_year integer)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    first_number bigint;
BEGIN
    IF p_year IS NULL OR p_year < 1900 OR p_year > 2999 THEN
        RAISE EXCEPTION 'referrals_reference_year_open: no year %', p_year
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- After any reference of the year already recorded: none in the normal course
    -- (the year's first draw), but a database restored without its sequences, or one
    -- dropped, carries on instead of refusing every contact until the numbers pass them.
    SELECT coalesce(max(substring(reference from 9)::bigint), 0) + 1 INTO first_number
    FROM public.referrals_contact
    WHERE reference LIKE format('FD-%s-%%', p_year);
    BEGIN
        EXECUTE format(
            'CREATE SEQUENCE IF NOT EXISTS public.referrals_reference_%s AS bigint MINVALUE 1'
            ' START %s',
            p_year, first_number
        );
    EXCEPTION WHEN unique_violation OR duplicate_table THEN
        -- Made by another connection at the same moment.
        NULL;
    END;
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
    schema_editor.execute(CREATE_FUNCTIONS, params=None)  # its % are its own
    app_role = _app_role(schema_editor)
    for function in (NUMBERS, YEAR_OPEN):
        schema_editor.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        if app_role is not None:
            role = schema_editor.quote_name(app_role)
            schema_editor.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {role}")


def everyone(apps, schema_editor) -> None:
    before = importlib.import_module("referrals.migrations.0034_reference_sequences")
    schema_editor.execute(f"DROP FUNCTION {YEAR_OPEN}")
    schema_editor.execute(
        before.CREATE_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1),
        params=None,
    )
    schema_editor.execute(f"GRANT EXECUTE ON FUNCTION {NUMBERS} TO PUBLIC")
    app_role = _app_role(schema_editor)
    if app_role is not None:
        role = schema_editor.quote_name(app_role)
        schema_editor.execute(f"REVOKE ALL ON FUNCTION {NUMBERS} FROM {role}")


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0034_reference_sequences"),
    ]

    operations = [migrations.RunPython(app_only, everyone)]
