"""Contact references from a PostgreSQL sequence per year instead of a counter row
(docs/adr/0050-contact-references-from-sequences.md): the row was locked from each
intake's draw until its commit, so every intake waited for the one before.

``referrals_reference_numbers(year, count)`` returns the year's next ``count`` numbers,
making the year's sequence the first time it is asked (one statement; the app's role
makes nothing, so the function runs as its owner, the migrating role; any role may
call it, as any may call a function by default: all it can do is issue numbers). Each
year's sequence starts after the last number its counter row issued."""

from django.db import migrations

CREATE_FUNCTION = r"""
CREATE FUNCTION referrals_reference_numbers(p_year integer, p_count integer)
RETURNS SETOF bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sequence_name text;
BEGIN
    IF p_year < 1900 OR p_year > 2999 OR p_count < 1 THEN
        RAISE EXCEPTION 'referrals_reference_numbers: no year % or count %', p_year, p_count;
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

FROM_COUNTERS = r"""
DO $$
DECLARE
    counter record;
BEGIN
    FOR counter IN SELECT year, last_number FROM referrals_referencecounter LOOP
        EXECUTE format(
            'CREATE SEQUENCE public.referrals_reference_%s AS bigint MINVALUE 1 START %s',
            counter.year, counter.last_number + 1
        );
    END LOOP;
END
$$;
"""

TO_COUNTERS = r"""
DO $$
DECLARE
    sequence record;
BEGIN
    FOR sequence IN
        SELECT sequencename, last_value, start_value FROM pg_sequences
        WHERE schemaname = 'public' AND sequencename ~ '^referrals_reference_[0-9]+$'
    LOOP
        INSERT INTO referrals_referencecounter (year, last_number)
        VALUES (substring(sequence.sequencename from '[0-9]+$')::integer,
                coalesce(sequence.last_value, sequence.start_value - 1));
        EXECUTE format('DROP SEQUENCE public.%I', sequence.sequencename);
    END LOOP;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0033_police_import_attempts_and_summary_claim"),
    ]

    operations = [
        migrations.RunSQL(
            CREATE_FUNCTION,
            "DROP FUNCTION referrals_reference_numbers(integer, integer);",
        ),
        migrations.RunSQL(FROM_COUNTERS, TO_COUNTERS),
        migrations.DeleteModel(name="ReferenceCounter"),
    ]
