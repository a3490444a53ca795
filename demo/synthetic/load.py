"""The load: COPY in one transaction, indexes, identity sequences and reference numbers."""

from __future__ import annotations

import queue
import random
import resource
import threading
import time as timer
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from itertools import accumulate

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from demo.synthetic.calendar import Calendar
from demo.synthetic.events import case_events_backfill
from demo.synthetic.generator import Generator
from demo.synthetic.tables import COLUMNS, DAY, MONTH_FACTOR, TABLES
from demo.synthetic.world import world_load
from frontdoor.london import LONDON
from frontdoor.roles import Role
from referrals.services import reference_numbers

Progress = Callable[[str], None]
CHUNK_CONTACTS = 20_000
RECENT_WORKING_DAYS = 2  # contacts this recent are still in the queue

# --- The load ------------------------------------------------------------------------


def _peak_rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _day_counts(
    rng: random.Random, calendar: Calendar, start: int, end: int, contacts: int
) -> dict[int, int]:
    """How many contacts each London day receives: fewer at weekends, on bank
    holidays and in August, more in the autumn term; part days pro rata."""
    first, last = calendar.day_of(start), calendar.day_of(end - 1)
    days = list(range(first, last + 1))
    weights = []
    for day in days:
        midnight, next_midnight = calendar.midnights[day], calendar.midnights[day + 1]
        part = (min(next_midnight, end) - max(midnight, start)) / (next_midnight - midnight)
        month = (calendar.first + timedelta(day)).month
        weights.append(part * (1.0 if calendar.working[day] else 0.3) * MONTH_FACTOR[month - 1])
    cumulative = list(accumulate(weights))
    counts: dict[int, int] = {}
    left = contacts
    while left:
        batch = min(left, 100_000)
        for day in rng.choices(days, cum_weights=cumulative, k=batch):
            counts[day] = counts.get(day, 0) + 1
        left -= batch
    return counts


def _chunks(counts: dict[int, int]) -> list[list[tuple[int, int]]]:
    chunks: list[list[tuple[int, int]]] = [[]]
    size = 0
    for day in sorted(counts):
        if size >= CHUNK_CONTACTS:
            chunks.append([])
            size = 0
        chunks[-1].append((day, counts[day]))
        size += counts[day]
    return chunks


def _recent_from(calendar: Calendar, end: int) -> int:
    """The same time of day, ``RECENT_WORKING_DAYS`` working days before ``end``."""
    today = calendar.day_of(end)
    day, found = today, 0
    while found < RECENT_WORKING_DAYS:
        day -= 1
        found += calendar.working[day]
    return calendar.midnights[day] + (end - calendar.midnights[today])


def _plain_indexes(cursor) -> list[tuple[str, str]]:
    """(name, definition) of the non-unique, non-primary indexes on the loaded tables."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
        ORDER BY t.relname, i.relname
        """,
        [list(TABLES)],
    )
    return cursor.fetchall()


def _copy(raw_connection, table: str, rows: list[str]) -> None:
    if not rows:
        return
    with (
        raw_connection.cursor() as cursor,
        cursor.copy(
            f"COPY {table} ({COLUMNS[table]}) FROM STDIN"  # table names are constants here
        ) as copy,
    ):
        for start in range(0, len(rows), 20_000):
            copy.write("\n".join(rows[start : start + 20_000]) + "\n")


def _produce(generator: Generator, plan, out: queue.Queue, stop: threading.Event) -> None:
    try:
        for days in plan:
            if stop.is_set():
                return
            out.put(generator.chunk(days))
        out.put(generator.finish())
        out.put(None)
    except BaseException as error:  # handed to the main thread, which raises it
        out.put(error)


def _stream(
    generator: Generator, plan, counts: dict[str, int], say: Progress, began: float
) -> list[tuple[int, str, int]]:
    """COPY each chunk while the generator thread makes the next; return the aliases
    learnt for people written in earlier chunks."""
    raw = connection.connection  # psycopg's own, in the same transaction
    out: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    producer = threading.Thread(
        target=_produce, args=(generator, plan, out, stop), name="synthetic", daemon=True
    )
    producer.start()
    loaded = 0
    late_aliases: list[tuple[int, str, int]] = []
    try:
        while True:
            chunk = out.get()
            if chunk is None:
                return late_aliases
            if isinstance(chunk, BaseException):
                raise chunk
            for table, rows in chunk.rows.items():
                _copy(raw, table, rows)
                counts[table] += len(rows)
            late_aliases.extend(chunk.late_aliases)
            loaded += chunk.contacts
            if chunk.contacts:
                elapsed = timer.monotonic() - began
                say(
                    f"  {loaded:,} contacts loaded ({loaded / elapsed:,.0f} a second, "
                    f"{elapsed:,.0f} s, peak memory {_peak_rss_mb():,} MB)"
                )
            del chunk  # let it go while the next one is made
    finally:
        stop.set()
        while producer.is_alive():  # unblock a producer waiting to hand over a chunk
            with suppress(queue.Empty):
                out.get(timeout=0.1)


def _ensure_staff(say: Progress) -> None:
    screeners = Group.objects.filter(name=Role.SCREENER.value, user__is_active=True).exists()
    managers = Group.objects.filter(name=Role.MANAGER.value, user__is_active=True).exists()
    if not (screeners and managers):
        from demo.common import demo_data_load

        say("No screener or manager accounts yet: loading the demo agencies and accounts.")
        demo_data_load()


def _bulk_session(cursor) -> None:
    """This transaction only: no triggers (see the package's docstring), generous
    memory for index builds, and the loaded tables to ourselves for writing."""
    cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    if not cursor.fetchone()[0]:
        raise PermissionError(
            "Loading synthetic data switches off triggers for its transaction, which "
            "needs a superuser or GRANT SET ON PARAMETER session_replication_role."
        )
    cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    cursor.execute("SET LOCAL synchronous_commit = off")
    # Readers carry on; writers wait until the load commits, so the ids read next
    # stay free.
    cursor.execute(f"LOCK TABLE {', '.join(TABLES)} IN EXCLUSIVE MODE")


def _next_ids(cursor) -> dict[str, int]:
    next_ids = {}
    for table in TABLES:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            f"SELECT greatest((SELECT max(id) FROM {table}), (SELECT last_value FROM {sequence}))"  # noqa: S608 - names from the catalogue
        )
        next_ids[table] = (cursor.fetchone()[0] or 0) + 1
    return next_ids


def _sequences_advance(cursor, first_ids: dict[str, int], next_ids: dict[str, int]) -> None:
    """Move each identity sequence past the ids assigned here."""
    for table in TABLES:
        if next_ids[table] > first_ids[table]:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, next_ids[table] - 1]
            )


def synthetic_generate(
    *,
    contacts: int,
    years: int = 5,
    seed: int = 1,
    end: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Append ``contacts`` synthetic contacts received over the ``years`` before
    ``end`` (default now), with everything the services would have written for them;
    return the rows added per table."""
    if contacts < 0 or years < 1:
        raise ValueError("contacts must be 0 or more and years at least 1")
    say = progress or (lambda message: None)
    began = timer.monotonic()
    end = end or timezone.now()
    if timezone.is_naive(end):
        end = timezone.make_aware(end)
    end_at = int(end.timestamp())
    start_at = end_at - round(years * 365.25) * DAY
    counts = dict.fromkeys(TABLES, 0)
    if not contacts:
        return counts
    _ensure_staff(say)
    world = world_load()
    calendar = Calendar(
        datetime.fromtimestamp(start_at, LONDON).date() - timedelta(days=3),
        # Far enough ahead for the longest case still open at the end to be planned.
        datetime.fromtimestamp(end_at, LONDON).date() + timedelta(days=1000),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        _bulk_session(cursor)
        first_ids = _next_ids(cursor)
        cursor.execute("SELECT count(*) FROM referrals_contact")
        (existing,) = cursor.fetchone()
        rng = random.Random(f"{seed}:{existing}")  # a second run adds different contacts
        cursor.execute("SELECT nhs_number FROM referrals_person WHERE nhs_number <> ''")
        existing_nhs = {number for (number,) in cursor.fetchall()}
        cursor.execute(
            "SELECT unique_pupil_number FROM referrals_person WHERE unique_pupil_number <> ''"
        )
        existing_upns = {number for (number,) in cursor.fetchall()}
        per_day = _day_counts(rng, calendar, start_at, end_at, contacts)
        references = _references_reserve(calendar, per_day)
        # Rebuilding an index costs its whole table: worth it when the load doubles it.
        dropped = _plain_indexes(cursor) if contacts >= existing else []
        for name, _ in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        say(
            f"Generating {contacts:,} contacts over {years} year(s) to "
            f"{timezone.localtime(end):%Y-%m-%d %H:%M} ({existing:,} already on record"
            + (f"; {len(dropped)} indexes dropped until the load is in)." if dropped else ").")
        )
        generator = Generator(
            world=world,
            calendar=calendar,
            rng=rng,
            next_ids=first_ids,
            references=references,
            existing_nhs=existing_nhs,
            nhs_start=len(existing_nhs),
            existing_upns=existing_upns,
            window=(start_at, end_at),
            recent_from=_recent_from(calendar, end_at),
        )
        late_aliases = _stream(generator, _chunks(per_day), counts, say, began)
        _aliases_add(cursor, connection.connection, late_aliases)
        started = timer.monotonic()
        for _, definition in dropped:
            cursor.execute(definition)
        if dropped:
            say(f"  rebuilt {len(dropped)} indexes ({timer.monotonic() - started:.1f} s)")
        _sequences_advance(cursor, first_ids, generator.next_ids)
        started = timer.monotonic()
        cursor.execute(f"ANALYZE {', '.join(TABLES)}")
        say(f"  analysed the tables ({timer.monotonic() - started:.1f} s)")
        # Back to normal for anything else this transaction does (a caller's test).
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        cursor.execute("SET LOCAL maintenance_work_mem = DEFAULT")
    # After the load, as the app would: events and their positions for what now stands.
    started = timer.monotonic()
    events = case_events_backfill()
    say(f"  wrote {events:,} events for case systems ({timer.monotonic() - started:.1f} s)")
    say(
        f"Added {counts['referrals_contact']:,} contacts in {timer.monotonic() - began:,.0f} s"
        f" (peak memory {_peak_rss_mb():,} MB): "
        + ", ".join(f"{table} {count:,}" for table, count in counts.items())
    )
    return counts


def _references_reserve(calendar: Calendar, per_day: dict[int, int]) -> dict[int, list[int]]:
    """Take each year's reference numbers from the sequences the services draw from
    (``referrals.services.intake.reference_numbers``), in order."""
    per_year: dict[int, int] = {}
    for day, count in per_day.items():
        year = (calendar.first + timedelta(day)).year
        per_year[year] = per_year.get(year, 0) + count
    numbers = {}
    for year, count in sorted(per_year.items()):
        numbers[year] = reference_numbers(year, count)
    return numbers


def _aliases_add(cursor, raw_connection, aliases: list[tuple[int, str, int]]) -> None:
    """Names a screener confirmed for people written in an earlier chunk."""
    if not aliases:
        return
    cursor.execute(
        "CREATE TEMPORARY TABLE synthetic_alias (person_id bigint, alias text, at bigint)"
    )
    with raw_connection.cursor() as raw, raw.copy("COPY synthetic_alias FROM STDIN") as copy:
        copy.write("".join(f"{person}\t{alias}\t{at}\n" for person, alias, at in aliases))
    cursor.execute(
        """
        UPDATE referrals_person p
        SET aliases = p.aliases || a.aliases, updated_at = to_timestamp(a.at)
        FROM (
            SELECT person_id, max(at) AS at,
                   array_agg(alias ORDER BY at)::varchar(200)[] AS aliases
            FROM synthetic_alias GROUP BY person_id
        ) a
        WHERE p.id = a.person_id
        """
    )
    cursor.execute("DROP TABLE synthetic_alias")
