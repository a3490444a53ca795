"""Issue 19's figures: the screening contact page with the family panel, for a family
of two and for one of twelve or more, and the chronology of a child with 300 contacts.
(Search, the issue's third figure, is in ``bench.measures``.)"""

from __future__ import annotations

import re

from django.db import connection
from django.urls import reverse

from bench.report import Result
from bench.sampling import member_of, page_timed, query_count, signed_in
from frontdoor.roles import Role

SMALL_FAMILY = 2
LARGE_FAMILY = 12
SAMPLED = 10  # contacts of each size, in turn
LONG_HISTORY = 300

# The people in a contact's family panel: everyone on the contact (matched or not)
# and everyone related on record, now, to someone matched on it.
_FAMILY_SIZES = """
    WITH on_contact AS (
        SELECT contact_id, person_id FROM referrals_contactsubject
        WHERE contact_id = ANY(%(ids)s) AND person_id IS NOT NULL
    ), family AS (
        SELECT contact_id, person_id FROM on_contact
        UNION
        SELECT o.contact_id, r.relative_id FROM on_contact o
        JOIN referrals_relationship r ON r.person_id = o.person_id AND r.ended_at IS NULL
        UNION
        SELECT o.contact_id, r.person_id FROM on_contact o
        JOIN referrals_relationship r ON r.relative_id = o.person_id AND r.ended_at IS NULL
    )
    SELECT c.id, c.reference,
           (SELECT count(*) FROM family f WHERE f.contact_id = c.id)
           + (SELECT count(*) FROM referrals_contactsubject s
              WHERE s.contact_id = c.id AND s.person_id IS NULL)
    FROM referrals_contact c WHERE c.id = ANY(%(ids)s)
"""


def _sizes(cursor, contact_ids: list[int]) -> dict[str, int]:
    if not contact_ids:
        return {}
    cursor.execute(_FAMILY_SIZES, {"ids": contact_ids})
    return {reference: size for _, reference, size in cursor.fetchall()}


def _small_families(cursor) -> list[str]:
    """Decided contacts about one child and one adult related to nobody else on record."""
    for sampling in ("TABLESAMPLE SYSTEM (1) REPEATABLE (19)", ""):
        cursor.execute(
            f"""
            SELECT c.id FROM referrals_contact c {sampling}
            WHERE c.status = 'decided'
              AND (SELECT count(*) FROM referrals_contactsubject s
                   WHERE s.contact_id = c.id) = {SMALL_FAMILY}
            LIMIT 400
            """  # noqa: S608 -- the interpolations are constants
        )
        sizes = _sizes(cursor, [contact_id for (contact_id,) in cursor.fetchall()])
        found = sorted(ref for ref, size in sizes.items() if size == SMALL_FAMILY)
        if len(found) >= SAMPLED:
            return found[:SAMPLED]
    return found


def _large_families(cursor) -> tuple[list[str], int]:
    """Decided contacts whose family panel holds twelve or more people: the latest
    contacts about the people with the most relatives on record."""
    cursor.execute(
        """
        WITH ties AS (
            SELECT person_id AS a, relative_id AS b FROM referrals_relationship
            WHERE ended_at IS NULL
            UNION ALL
            SELECT relative_id, person_id FROM referrals_relationship WHERE ended_at IS NULL
        ), most AS (
            SELECT a FROM ties GROUP BY a HAVING count(DISTINCT b) >= %s - 1
            -- The newest such people, but enough of them to reach past those
            -- whose only contacts still wait in the queue.
            ORDER BY a DESC LIMIT 400
        )
        SELECT DISTINCT ON (s.person_id) c.id
        FROM most JOIN referrals_contactsubject s ON s.person_id = most.a
        JOIN referrals_contact c ON c.id = s.contact_id AND c.status = 'decided'
        ORDER BY s.person_id, c.received_at DESC
        """,
        [LARGE_FAMILY],
    )
    sizes = _sizes(cursor, [contact_id for (contact_id,) in cursor.fetchall()])
    large = sorted((ref for ref, size in sizes.items() if size >= LARGE_FAMILY), reverse=True)
    return large[:SAMPLED], max(sizes.values(), default=0)


def family_pages(repeats: int) -> list[Result]:
    """The screening contact page, family panel and all, for small and large families;
    the target is the same number of queries for both."""
    client = signed_in(member_of(Role.SCREENER))
    with connection.cursor() as cursor:
        small = _small_families(cursor)
        large, biggest = _large_families(cursor)
    if not small or not large:
        raise SystemExit(
            f"Family pages: {len(small)} contacts with a family of {SMALL_FAMILY} and "
            f"{len(large)} with {LARGE_FAMILY} or more: regenerate the synthetic data"
        )
    results = []
    for key, size, references in (
        ("family_small", f"{SMALL_FAMILY}", small),
        ("family_large", f"{LARGE_FAMILY} or more", large),
    ):
        urls = [reverse("screening:contact", args=[reference]) for reference in references]
        result = page_timed(key, f"Contact page, family of {size}", client, urls, repeats)
        panel = {_panel_queries(reference) for reference in references}
        result.panel_queries = max(panel)
        result.notes.append(
            f"{len(urls)} decided contacts in turn"
            + (f", families of {LARGE_FAMILY} to {biggest} people" if key == "family_large" else "")
            + f"; queries: the most any page took (the rest of the page varies with the "
            f"contact: checks, decisions); the family panel's own: "
            f"{', '.join(str(n) for n in sorted(panel))} for every one"
        )
        results.append(result)
    results[1].baseline_queries = results[0].panel_queries
    return results


def _panel_queries(reference: str) -> int:
    """Queries the family panel itself takes (the selector and what outcomes adds),
    for the contact as the page has fetched it."""
    from referrals.selectors import contact_get
    from screening.family_page import family_context

    user = member_of(Role.SCREENER)
    contact = contact_get(user=user, reference=reference)
    return query_count(lambda: family_context(user=user, contact=contact))


def _long_history_child(cursor) -> tuple[int, int] | None:
    cursor.execute(
        """
        SELECT person_id, count(*) FROM referrals_contactsubject
        WHERE person_id IS NOT NULL AND role = 'child'
        GROUP BY person_id HAVING count(*) >= %s
        ORDER BY count(*) DESC, person_id LIMIT 1
        """,
        [LONG_HISTORY],
    )
    return cursor.fetchone()


def chronology(repeats: int) -> Result:
    """A child's chronology, as a screener opens it: newest first, oldest first, only
    contacts and decisions, and the second page of each."""
    with connection.cursor() as cursor:
        found = _long_history_child(cursor)
    if found is None:
        raise SystemExit(
            f"Chronology: no child on {LONG_HISTORY} or more contacts: regenerate the data"
        )
    person_id, contacts = found
    client = signed_in(member_of(Role.SCREENER))
    url = reverse("outcomes:person-chronology", args=[person_id])
    first_pages = [
        f"{url}?order=newest",
        f"{url}?order=oldest",
        f"{url}?order=newest&kind=contacts&kind=decisions",
    ]
    urls = list(first_pages)
    for first in first_pages:
        response = client.get(first)
        after = _next_cursor(response.text)
        if after:
            urls.append(f"{first}&after={after}")
    result = page_timed(
        "chronology", f"Chronology of a child on {contacts} contacts", client, urls, repeats
    )
    result.notes.append(
        f"{len(urls)} pages in turn: newest and oldest first, contacts and decisions only, "
        "and the second page of each; queries: the most any of them took"
    )
    return result


def _next_cursor(page: str) -> str:
    found = re.search(r'href="\?[^"]*?after=([^"&]+)"', page)
    return found.group(1) if found else ""
