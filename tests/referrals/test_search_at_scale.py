"""The searches made fast for a million contacts find what they found before, in the
same order: a place alone (a postcode district, put in name order from an index) and
words in the concern (ranked among the newest matches, found a window at a time).
Each is checked against the query it replaced, kept here as an oracle, across pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Replace, Upper
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from referrals.models import Contact, Person
from referrals.search import (
    CONCERN_VECTOR,
    COUNT_LIMIT,
    PAGE_SIZE,
    SearchCriteria,
    records_search,
)
from tests.factories import PersonFactory, submit_contact

pytestmark = pytest.mark.django_db


# --- A place alone --------------------------------------------------------------------


def _place_as_before(place: str) -> list[int]:
    """Every current person the place finds, in the order pages showed them."""
    compact = place.replace(" ", "").upper()
    return list(
        Person.objects.filter(merged_into__isnull=True)
        .annotate(compact=Replace(Upper("postcode"), Value(" "), Value("")))
        .filter(Q(compact__startswith=compact) | Q(address__icontains=place))
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", flat=True)
    )


def _every_page(user, criteria: SearchCriteria) -> list[int]:
    first = records_search(user=user, criteria=criteria)
    shown = list(first.record_ids)
    for page in range(2, first.pages + 1):
        shown += records_search(user=user, criteria=criteria, page=page).record_ids
    return shown


@pytest.fixture
def district(db):
    """Harrogate people, by postcode, by address, by both; namesakes (ordered by id);
    a merged record's tombstone; people elsewhere."""
    for index in range(24):
        PersonFactory(last_name=["Ali", "Brown", "Cole"][index % 3], postcode="HG1 2AB")
    PersonFactory.create_batch(3, first_name="Amy", last_name="Brown", postcode="HG12 9ZZ")
    PersonFactory(last_name="Aaron", postcode="LS6 1AA", address="Flat 2, HG1 House, Leeds")
    PersonFactory(last_name="Zeller", postcode="", address="12 Station Road, HG1 2AB")
    PersonFactory(last_name="Both", postcode="HG1 4QQ", address="3 Mill Lane, HG1 4QQ")
    kept = PersonFactory(last_name="Kept", postcode="HG1 5PP")
    PersonFactory(
        last_name="Merged", postcode="HG1 5PP", merged_into=kept, merged_at=timezone.now()
    )
    PersonFactory.create_batch(4, postcode="YO1 7HH", address="1 Minster Yard, York")


@pytest.mark.parametrize("place", ["HG1", "hg1 2", "HG12", "Mill Lane", "HG1 House", "YO1"])
def test_a_place_alone_finds_the_same_people_in_the_same_order(screener, district, place):
    before = _place_as_before(place)
    assert before, "the oracle finds people: agreeing on nobody would prove nothing"
    criteria = SearchCriteria(place=place)
    assert _every_page(screener, criteria) == before[:COUNT_LIMIT]
    results = records_search(user=screener, criteria=criteria)
    assert (results.count, results.more) == (min(len(before), COUNT_LIMIT), False)


def test_a_district_is_found_through_the_place_order_index(screener, district):
    """The postcode's matches come from person_place_order_idx. (Whether PostgreSQL
    reads them from the index alone, or the index then the table, depends on the
    table's visibility map and statistics, which a test's fresh rows do not settle:
    the bench's EXPLAIN shows the index-only scan, ADR 0028.)"""
    screener.get_all_permissions()  # read first: that query is a UNION ALL too
    with CaptureQueriesContext(connection) as queries:
        records_search(user=screener, criteria=SearchCriteria(place="HG1"))
    (page,) = [query["sql"] for query in queries if "UNION ALL" in query["sql"]]
    with connection.cursor() as cursor:
        # Priced out, the plan shows what the query can use at millions of rows.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {page}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_place_order_idx" in plan, plan


# --- Words in the concern -------------------------------------------------------------


def _words_as_before(user, words: str) -> list[int]:
    """The ranked list pages showed: the newest COUNT_LIMIT + 1 matches by rank."""
    query = SearchQuery(words, search_type="websearch", config="english")
    matching = Contact.objects.annotate(vector=CONCERN_VECTOR).filter(vector=query)
    newest = matching.order_by("-received_at", "-pk").values("pk")[: COUNT_LIMIT + 1]
    return list(
        Contact.objects.filter(pk__in=newest)
        .annotate(rank=SearchRank(CONCERN_VECTOR, query))
        .order_by("-rank", "-received_at", "-pk")
        .values_list("reference", flat=True)
    )


@pytest.fixture
def worded_over_years(referrer):
    """250 contacts about bruising over three and a half years, two every tenth day
    at the same moment (the id decides); the oldest say it most often, so ranking them
    all rather than the newest 201 would put them first; 125 that do not."""
    template = submit_contact(referrer, concerns="Bruising seen on his arm at nursery.")
    now = timezone.now()
    copied = {
        field.attname: getattr(template, field.attname)
        for field in Contact._meta.concrete_fields
        if field.attname not in ("id", "reference", "received_at", "concerns")
    }
    often = "Bruising, more bruising, bruised again: bruises on both arms."
    once = "Bruising seen on her leg after contact with dad."
    copies = []
    for index in range(250):
        copies.append(
            Contact(
                **copied,
                reference=f"FD-BRUISE-{index:06d}",
                received_at=now - timedelta(days=10 * (index // 2)),
                concerns=often if index >= 230 or index % 17 == 0 or index == 201 else once,
            )
        )
        if index % 2:
            continue
        copies.append(
            Contact(
                **copied,
                reference=f"FD-OTHER-{index:06d}",
                received_at=now - timedelta(days=5 * index),
                concerns="Often late and hungry at breakfast club.",
            )
        )
    Contact.objects.bulk_create(copies)
    Contact.objects.filter(pk=template.pk).update(received_at=now - timedelta(days=2600))


def test_concern_words_rank_the_same_newest_matches_in_the_same_order(manager, worded_over_years):
    criteria = SearchCriteria(concern_words="bruising")
    before = _words_as_before(manager, "bruising")
    assert len(before) == COUNT_LIMIT + 1
    shown = _every_page(manager, criteria)
    assert shown == before[:COUNT_LIMIT]
    results = records_search(user=manager, criteria=criteria)
    assert (results.count, results.more, results.pages) == (
        COUNT_LIMIT,
        True,
        COUNT_LIMIT // PAGE_SIZE,
    )


@pytest.mark.parametrize("words", ["hungry", "nursery OR arms", '"bruises on both arms"'])
def test_fewer_matches_than_the_limit_are_all_ranked_as_before(manager, worded_over_years, words):
    before = _words_as_before(manager, words)
    assert 0 < len(before) <= COUNT_LIMIT
    results = records_search(user=manager, criteria=SearchCriteria(concern_words=words))
    assert (results.count, results.more) == (len(before), False)
    assert _every_page(manager, SearchCriteria(concern_words=words)) == before


def test_matches_only_older_than_every_window_are_found(manager, referrer):
    old = submit_contact(referrer, concerns="A machete was found under the bed.")
    Contact.objects.filter(pk=old.pk).update(received_at=F("received_at") - timedelta(days=9000))
    results = records_search(user=manager, criteria=SearchCriteria(concern_words="machete"))
    assert results.count == 1
    assert results.record_ids == [old.reference]
