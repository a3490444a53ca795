"""How fast person matching is with many people on record.

    make bench-matching            # 1,000,000 people (about two minutes to load)
    PEOPLE=200000 make bench-matching

Runs against its own embedded PostgreSQL under .frontdoor-bench/ (or the server
DATABASE_URL names), loads synthetic people with SQL, then times
``likely_matches`` for realistic look-ups: exact, typo, swapped, sound-alike.
Prints p50 / p95 / max in milliseconds and the plan of the trigram look-up.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FRONTDOOR_STATE_DIR", str(ROOT / ".frontdoor-bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings.development")

import django  # noqa: E402

django.setup()

from datetime import date  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from referrals.matching import likely_matches  # noqa: E402

FIRST = [
    "Oliver",
    "Amelia",
    "George",
    "Isla",
    "Harry",
    "Ava",
    "Noah",
    "Mia",
    "Jack",
    "Ivy",
    "Leo",
    "Grace",
    "Arthur",
    "Freya",
    "Muhammad",
    "Lily",
    "Oscar",
    "Florence",
    "Charlie",
    "Sophia",
    "Jacob",
    "Emily",
    "Thomas",
    "Ella",
    "Henry",
    "Poppy",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Harrison",
    "Lewis",
    "Young",
    "Hughes",
    "Edwards",
    "Turner",
    "Hill",
    "Moore",
]


def load(people: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM referrals_person")
        (have,) = cursor.fetchone()
        if have >= people:
            return
        print(f"Loading {people - have:,} people…", flush=True)
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO referrals_person (first_name, last_name, aliases, date_of_birth, sex,
                nhs_number, unique_pupil_number, address, postcode, created_at, updated_at)
            SELECT (%(first)s::text[])[1 + (i::bigint * 7919) %% %(firsts)s],
                   (%(last)s::text[])[1 + (i::bigint * 104729) %% %(lasts)s]
                     || CASE WHEN i %% 3 = 0 THEN ''
                        ELSE chr(97 + i %% 26) || chr(97 + (i / 26) %% 26) END,
                   '{}', date '2008-01-01' + (i %% 6500), 'unknown', '', '', '',
                   'YO' || (i %% 30) || ' ' || (i %% 9) || 'AB', now(), now()
            FROM generate_series(%(start)s::int, %(end)s::int) AS i
            """,
            {
                "first": FIRST,
                "last": LAST,
                "firsts": len(FIRST),
                "lasts": len(LAST),
                "start": have + 1,
                "end": people,
            },
        )
        cursor.execute("ANALYZE referrals_person")
        print(f"Loaded in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    people = int(os.environ.get("PEOPLE", "1000000"))
    call_command("migrate", verbosity=0)
    load(people)
    lookups = [
        ("Amelia", "Harrison", date(2012, 5, 1)),
        ("Amelia", "Harisson", date(2012, 5, 1)),
        ("Harrison", "Amelia", None),
        ("John", "Tomson", date(2015, 3, 3)),
        ("Oliver", "Smiht", date(2010, 1, 9)),
        ("Grace", "Patel", None),
    ]
    timings = []
    for _ in range(20):
        for first, last, born in lookups:
            started = time.perf_counter()
            likely_matches(first_name=first, last_name=last, date_of_birth=born)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM referrals_person WHERE lower(last_name) %% %s", ["harisson"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"people: {people:,}  look-ups: {len(timings)}")
    print(
        f"likely_matches ms  p50 {statistics.median(timings):.1f}  "
        f"p95 {timings[int(len(timings) * 0.95)]:.1f}  max {timings[-1]:.1f}"
    )
    print(plan)


if __name__ == "__main__":
    main()
