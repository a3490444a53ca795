"""Front Door at regional and national scale: one command, one table per size.

    make bench                                  # 100,000 then 1,000,000 contacts
    SIZES=20000 make bench                      # a quick look
    SIZES=100000,1000000 REPEATS=100 make bench

For each size it makes sure the bench database holds that many contacts (adding
what is missing with ``generate_synthetic``: bench databases only grow), then
measures, each as median and p95 over repeated runs with the SQL queries per run:

- the bare-framework floor: a signed-in request rendering the base template;
- the screener queue page and the contact page (a child with a long history);
- person matching for a new contact's child (name variants included);
- the search page, as a manager, by each kind of criterion in turn;
- claiming the next contact with several screeners at once;
- contact intake through the partner API under gunicorn, several clients at once;
- decision to notices delivered, by one Celery worker process to a local server
  in GOV.UK Notify's shape;
- the complex-case queue computation and the yearly scorecard page;
- the pull feed of events for case systems, a page of 100 from anywhere in it, and
  events delivered, signed, by one Celery worker process to a local receiver;
- bulk triage of police notifications, and a force's batch file;
- the today page, a manager's and a screener's, and one poll of a page that keeps
  itself current (the queue's, the today page's).

Decisions the database holds without their events for case systems (data made
before events existed) get them first, so the feed is in proportion to the size.

Pages are timed in-process through Django's full middleware stack (server time,
no network), and compared with the floor measured in the same run so figures from
different machines can be compared. Results are printed and written to
``bench/results/<date>.md``. The database lives under ``.frontdoor-bench/`` (or
wherever DATABASE_URL / REDIS_URL point).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The bench runs the app as production would in everything that costs time: no
# debug query log, no toolbar; two-factor is off only because the bench signs in
# with force_login; the partner API limit and Notify's per-minute cap are raised
# because they would otherwise measure the limits instead of the app.
BENCH_ENV = {
    "FRONTDOOR_STATE_DIR": str(ROOT / ".frontdoor-bench"),
    "DJANGO_SETTINGS_MODULE": "frontdoor.settings.development",
    "DEBUG": "false",
    "TWO_FACTOR_REQUIRED": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "PARTNER_API_RATE": "1000000/minute",
    "NOTIFY_RATE_PER_MINUTE": "1000000",
    "LOG_LEVEL": "WARNING",
}
for name, value in BENCH_ENV.items():
    os.environ.setdefault(name, value)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench import measures  # noqa: E402
from bench.report import (  # noqa: E402
    Result,
    growth_table,
    results_markdown,
    results_table,
    results_write,
)
from demo.synthetic.events import case_events_backfill  # noqa: E402
from frontdoor.database_roles import manage_as_owner  # noqa: E402
from referrals.models import Contact  # noqa: E402

settings.ROOT_URLCONF = "bench.urls"


def dataset(size: int) -> float:
    """Grow the bench database to ``size`` contacts; seconds spent generating."""
    have = Contact.objects.count()
    if have > size * 1.02:
        raise SystemExit(
            f"The bench database already holds {have:,} contacts, more than {size:,}. "
            "Run the sizes smallest first, or remove .frontdoor-bench/ to start again."
        )
    if have >= size * 0.98:
        return 0.0
    print(f"Generating {size - have:,} contacts (have {have:,})…", flush=True)
    started = time.perf_counter()
    # The load switches triggers off for its transaction: the owner's work, not the app's.
    if manage_as_owner("generate_synthetic", f"--contacts={size - have}") != 0:
        raise SystemExit("Generating the bench data failed (see above).")
    return time.perf_counter() - started


def events_in_proportion() -> None:
    """Events for every standing decision that has none: bench databases made before
    events existed, or grown by an older generator."""
    started = time.perf_counter()
    written = case_events_backfill()
    if written:
        print(
            f"Wrote {written:,} events for case systems ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )


def run_size(size: int, repeats: int, only: frozenset[str]) -> tuple[list[Result], dict]:
    generated_in = dataset(size)
    events_in_proportion()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (pg_version,) = cursor.fetchone()
    facts = {
        "contacts": Contact.objects.count(),
        "generated_in": generated_in,
        "postgres": pg_version.split(" on ")[0],
    }
    print(f"\n== {facts['contacts']:,} contacts ==", flush=True)
    results = measures.run_all(repeats=repeats, only=only)
    return results, facts


def main() -> None:
    sizes = [int(s) for s in os.environ.get("SIZES", "100000,1000000").split(",") if s]
    repeats = int(os.environ.get("REPEATS", "50"))
    # ONLY=family,search measures the floor and those groups, and writes no results file:
    # a partial table is for trying a change, not for the record.
    only = frozenset(g for g in os.environ.get("ONLY", "").split(",") if g)
    unknown = only - set(measures.MEASURE_GROUPS)
    if unknown:
        raise SystemExit(
            f"ONLY names no such measure: {', '.join(sorted(unknown))}. "
            f"Choose from {', '.join(measures.MEASURE_GROUPS)}."
        )
    if manage_as_owner("migrate", "--verbosity=0") != 0:
        raise SystemExit("Migrating the bench database failed (see above).")
    runs = []
    for size in sorted(sizes):
        results, facts = run_size(size, repeats, only)
        print(results_table(results, facts), flush=True)
        runs.append((size, results, facts))
    if len(runs) > 1:
        print(growth_table(runs))
    if only:
        return
    machine = {
        "date": date.today().isoformat(),
        "time": time.strftime("%H:%M %Z"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "repeats": repeats,
    }
    out = ROOT / "bench" / "results" / f"{machine['date']}.md"
    results_write(out, results_markdown(runs, machine))
    print(f"\nWritten to {out.relative_to(ROOT)}")
    failed = [r.label for _, results, _ in runs for r in results if r.failure]
    if failed:
        raise SystemExit(f"Failed, and recorded as failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
