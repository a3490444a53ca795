"""How long the steering-group scorecard takes at county scale.

    make bench-scorecard                        # 1,800 contacts a month for four years
    CONTACTS_PER_MONTH=4200 make bench-scorecard  # Norfolk 2017-18

Runs against its own embedded PostgreSQL under .frontdoor-bench/ (or the server
DATABASE_URL names). Loads four years of synthetic contacts with SQL (children
with person records, decisions on most, outcomes on referrals), then times
``scorecard_get`` for a year, a quarter and a month (each with its trend, its
twelve-month chart and its split by agency), counting queries and peak Python
memory. Target (docs/adr/0008): a year's scorecard in under 2 s at 1,800 a month
on the 2-core machine, with a fixed number of queries.
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FRONTDOOR_STATE_DIR", str(ROOT / ".frontdoor-bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings.development")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from frontdoor.demo import demo_data_load  # noqa: E402
from frontdoor.models import User  # noqa: E402
from outcomes.scorecard.periods import Period  # noqa: E402
from outcomes.scorecard.selectors import scorecard_get  # noqa: E402

MONTHS = 48
FIRST_MONTH = "2022-12-01"  # four years to the end of November 2026
MARKER = "bench-scorecard"


def load(per_month: int) -> None:
    total = per_month * MONTHS
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM referrals_contact WHERE idempotency_key = %s", [MARKER]
        )
        (have,) = cursor.fetchone()
        if have == total:
            return
        if have:
            raise SystemExit(
                f"The bench database holds {have:,} contacts from another size: "
                "remove .frontdoor-bench/ and run again."
            )
        print(f"Loading {total:,} contacts over {MONTHS} months…", flush=True)
        started = time.perf_counter()
        params = {
            "total": total,
            "first": FIRST_MONTH,
            "days": MONTHS * 30.4,
            "marker": MARKER,
        }
        cursor.execute("SELECT id FROM frontdoor_user ORDER BY id LIMIT 1")
        (user_id,) = cursor.fetchone()
        params["user"] = user_id
        # People: one child for every two contacts, so many come back.
        cursor.execute(
            """
            INSERT INTO referrals_person (first_name, last_name, aliases, date_of_birth, sex,
                nhs_number, unique_pupil_number, address, postcode, created_at, updated_at)
            SELECT 'Child', 'Bench' || i, '{}', date '2010-01-01' + (i %% 5000), 'female',
                   '', '', '', '', now(), now()
            FROM generate_series(1, %(total)s / 2) AS i
            """,
            params,
        )
        cursor.execute("SELECT min(id) FROM referrals_person WHERE last_name LIKE 'Bench%%'")
        (first_person,) = cursor.fetchone()
        params["first_person"] = first_person
        cursor.execute(
            """
            INSERT INTO referrals_contact (reference, received_at, decision_due_at, channel,
                status, source_agency_id, referral_source_id, referrer_id, referrer_anonymous,
                referrer_name, referrer_role, referrer_organisation, referrer_phone,
                referrer_email, concerns, concern_categories, urgency, family_awareness,
                family_not_told_reason, advice_given, advice_only, recorded_by_id,
                idempotency_key, created_at, updated_at)
            SELECT 'BENCH-' || i,
                   %(first)s::timestamptz + (i * %(days)s / %(total)s) * interval '1 day',
                   %(first)s::timestamptz + (i * %(days)s / %(total)s + 1) * interval '1 day',
                   (ARRAY['online_form', 'email', 'police_notification',
                          'contact_centre'])[1 + i %% 4],
                   'decided',
                   a.id, a.referral_source_id, NULL, false, '', '', '', '', '',
                   'Synthetic concern', ARRAY['neglect'], 'routine', 'aware_consented',
                   '', '', false, %(user)s, %(marker)s, now(), now()
            FROM generate_series(1, %(total)s) AS i
            JOIN LATERAL (
                SELECT id, referral_source_id FROM frontdoor_agency
                ORDER BY id OFFSET i %% (SELECT count(*) FROM frontdoor_agency) LIMIT 1
            ) a ON true
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO referrals_contactsubject (contact_id, person_id, role,
                relationship_to_children, first_name, last_name, other_names, date_of_birth,
                sex, nhs_number, unique_pupil_number, address, postcode, match_status, position)
            SELECT c.id, %(first_person)s + (c.id * 7919) %% (%(total)s / 2), 'child', '',
                   'Child', 'Bench', '', date '2012-01-01', 'female', '', '', '', '',
                   'confirmed', 0
            FROM referrals_contact c WHERE c.idempotency_key = %(marker)s
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO screening_decision (contact_id, route, threshold_level_id, rationale,
                is_complex, complex_reason, family_notice, withhold_reason, decided_by_id,
                decided_at, approval, approved_by_id, approval_at, approval_comment)
            SELECT c.id,
                   (ARRAY['information_and_advice','information_and_advice','early_help',
                          'early_help','social_care_assessment','strategy_discussion',
                          'already_open'])[1 + c.id %% 7],
                   (SELECT min(id) FROM screening_thresholdlevel), 'Synthetic rationale',
                   false, '', 'notify', '', %(user)s,
                   c.received_at + (c.id %% 30) * interval '1 hour',
                   'approved', %(user)s, c.received_at + (c.id %% 30 + 1) * interval '1 hour', ''
            FROM referrals_contact c
            WHERE c.idempotency_key = %(marker)s AND c.id %% 20 <> 0
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO outcomes_downstreamoutcome (contact_id, subject_id, event, occurred_on,
                assessment_outcome, source, external_id, recorded_by_id, recorded_at)
            SELECT d.contact_id, s.id, e.event, (d.decided_at + e.days * interval '1 day')::date,
                   CASE WHEN e.event = 'assessment_completed'
                        THEN (ARRAY['nfa','nfa','child_in_need','child_protection'])[1 + d.id %% 4]
                        ELSE '' END,
                   'csv', '', %(user)s, now()
            FROM screening_decision d
            JOIN referrals_contactsubject s ON s.contact_id = d.contact_id
            JOIN (VALUES ('social_care_assessment', 'assessment_started', 2),
                         ('social_care_assessment', 'assessment_completed', 40),
                         ('strategy_discussion', 'strategy_discussion', 1),
                         ('strategy_discussion', 'icpc', 18)) AS e(route, event, days)
              ON e.route = d.route
            WHERE d.rationale = 'Synthetic rationale'
              AND (e.event <> 'icpc' OR d.contact_id %% 3 = 0)
            """,
            params,
        )
        for table in (
            "referrals_contact",
            "referrals_contactsubject",
            "screening_decision",
            "outcomes_downstreamoutcome",
            "referrals_person",
        ):
            cursor.execute(f"ANALYZE {table}")
        print(f"Loaded in {time.perf_counter() - started:.0f} s", flush=True)


def measure(user: User, period: Period) -> None:
    scorecard_get(user=user, period=period)  # warm caches (holidays, code paths)
    timings = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            card = scorecard_get(user=user, period=period)
            timings.append(time.perf_counter() - started)
    elapsed = min(timings)
    # Memory separately: tracing slows Python down several times over.
    tracemalloc.start()
    scorecard_get(user=user, period=period)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{period.key:8}  best of 3 {elapsed * 1000:7.0f} ms  {len(queries):3d} queries  "
        f"peak {peak / 2**20:6.1f} MiB  contacts in period {card.figures['contacts'].count:,}"
    )


def main() -> None:
    per_month = int(os.environ.get("CONTACTS_PER_MONTH", "1800"))
    call_command("migrate", verbosity=0)
    demo_data_load()
    load(per_month)
    manager = User.objects.filter(groups__name="manager").first()
    print(f"{per_month:,} contacts a month, {per_month * MONTHS:,} in all")
    for key in ("2026", "2026-Q3", "2026-09"):
        measure(manager, Period.parse(key))


if __name__ == "__main__":
    main()
