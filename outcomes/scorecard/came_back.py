"""Which children came back: for each child on a contact in a span, the next contact
about them within a year (the scorecard's repeat-contact measures read it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from frontdoor.london import one_year_after, start_of
from frontdoor.replica import reporting_connection
from referrals.models import Contact, ContactSubject, ContactWithdrawal

# For each child matched to a person record, the next contact about that person (by
# receipt, then id) among the contacts that count: recorded and received by as_at and
# not withdrawn by then (ADR 0036). One pass over the persons' appearances in the span
# and the 12 months after it, ordered per person by PostgreSQL (a window, not a lookup
# per child); a child who came back is one whose next contact was received on or
# before the same London date a year later (29 February goes forward to the 28th, as
# ``one_year_after``), so the anniversary day is inside.
_CAME_BACK_SQL = """
WITH appearances AS (
    SELECT DISTINCT subject.person_id, subject.contact_id, contact.received_at
    FROM {subject} subject
    JOIN {contact} contact ON contact.id = subject.contact_id
    WHERE subject.person_id IS NOT NULL
      AND subject.role = ANY(%(roles)s)
      AND contact.received_at >= %(span_start)s
      AND contact.received_at < %(horizon)s
      AND contact.received_at <= %(as_at)s
      AND contact.created_at <= %(as_at)s
      AND contact.pathway = ''
      AND NOT EXISTS (
          SELECT 1 FROM {withdrawal} withdrawal
          WHERE withdrawal.contact_id = contact.id AND withdrawal.withdrawn_at <= %(as_at)s
      )
), followed AS (
    SELECT person_id, contact_id, received_at,
           LEAD(contact_id) OVER later AS next_id,
           LEAD(received_at) OVER later AS next_at
    FROM appearances
    WINDOW later AS (PARTITION BY person_id ORDER BY received_at, contact_id)
)
SELECT subject.contact_id, subject.id, followed.next_id
FROM followed
JOIN {subject} subject
  ON subject.contact_id = followed.contact_id
 AND subject.person_id = followed.person_id
 AND subject.role = ANY(%(roles)s)
WHERE followed.received_at < %(span_end)s
  AND followed.next_at < (
      (date_trunc('day', (followed.received_at AT TIME ZONE 'Europe/London') + interval '1 year')
       + interval '1 day') AT TIME ZONE 'Europe/London'
  )
"""


def came_back(*, start: date, end: date, as_at: datetime) -> dict[tuple[int, int], int]:
    """For each child matched to a person record on a contact received from ``start``
    up to ``end`` (as recorded at ``as_at``), the contact they came back with: the next
    other contact about that person, if it was received on or before the same London
    date a year later, recorded and received by ``as_at`` and not withdrawn by then.
    Only children who came back are returned; the measure keeps those whose contact
    ended in advice or early help. One set-based query (``_CAME_BACK_SQL``)."""
    last_day = end - timedelta(days=1)
    # The replica, inside a report's reporting_reads(), as the ORM's reads (docs/adr/0047).
    connection = reporting_connection(Contact)
    sql = _CAME_BACK_SQL.format(
        subject=connection.ops.quote_name(ContactSubject._meta.db_table),
        contact=connection.ops.quote_name(Contact._meta.db_table),
        withdrawal=connection.ops.quote_name(ContactWithdrawal._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "roles": [role.value for role in ContactSubject.CHILD_ROLES],
                "span_start": start_of(start),
                "span_end": start_of(end),
                "horizon": start_of(one_year_after(last_day) + timedelta(days=1)),
                "as_at": as_at,
            },
        )
        return {(contact_id, subject_id): returned for contact_id, subject_id, returned in cursor}
