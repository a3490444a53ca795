"""Searching by name (referrals.matching.people_named_like through the search): a typo
in either name, the names swapped, a name with a date of birth; the same people found
however the query is planned, and each way planned on the index meant for it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import Q, Value
from django.urls import reverse

from referrals.matching import _sounds_alike, _with_names, people_named_like
from referrals.models import DoubleMetaphone, Person
from referrals.search import SearchCriteria, _people, records_search
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

URL = reverse("referrals:people-search")
BORN = date(2016, 4, 12)


def person_link(person) -> str:
    return reverse("referrals:person-detail", args=[person.pk])


def dob(day: date) -> dict[str, int]:
    return {"date_of_birth_0": day.day, "date_of_birth_1": day.month, "date_of_birth_2": day.year}


@pytest.fixture
def amelia(db):
    return PersonFactory(first_name="Amelia", last_name="Harrison", date_of_birth=BORN)


@pytest.fixture
def namesake(db):
    """The same name, another child: a date of birth tells them apart."""
    return PersonFactory(first_name="Amelia", last_name="Harrison", date_of_birth=date(2012, 9, 3))


@pytest.fixture
def same_day(db):
    """Born the same day, nothing alike in name: a date alone does not find her."""
    return PersonFactory(first_name="Grace", last_name="Okafor", date_of_birth=BORN)


@pytest.mark.parametrize(
    "typed",
    [
        "Amelai Harrison",  # a typo in the first name
        "Amelia Harirson",  # a typo in the last name
        "Harrison Amelia",  # the names swapped
        "Harirson Amelai",  # swapped, and a typo in each
        "amelia   HARRISON",  # any case and spacing
    ],
)
def test_a_typo_in_either_name_or_the_names_swapped_still_finds_her(
    client, screener, amelia, same_day, typed
):
    client.force_login(screener)
    page = client.post(URL, {"name": typed}).text
    assert "1 person found" in page
    assert person_link(amelia) in page
    assert person_link(same_day) not in page


@pytest.mark.parametrize("typed", ["Amelia Harrison", "Emelia Harrison", "Harrison Amelia"])
def test_a_name_with_a_date_of_birth_finds_the_child_born_that_day_only(
    client, screener, amelia, namesake, same_day, typed
):
    client.force_login(screener)
    page = client.post(URL, {"name": typed, **dob(BORN)}).text
    assert "1 person found" in page
    assert person_link(amelia) in page
    assert person_link(namesake) not in page
    assert person_link(same_day) not in page


def test_a_name_with_a_due_date_finds_the_unborn_child(screener, amelia):
    due = date(2027, 2, 1)
    unborn = PersonFactory(
        first_name="Baby", last_name="Harrison", date_of_birth=None, expected_date_of_birth=due
    )
    # A due date is in the future, which the form refuses for a date of birth; the
    # search's own criteria take it, as a date of birth typed from a record would.
    results = records_search(
        user=screener, criteria=SearchCriteria(name="Baby Harrison", date_of_birth=due)
    )
    assert [row.person_id for row in results.rows] == [unborn.pk]


def test_a_name_with_a_date_nobody_alike_was_born_on_finds_nobody(client, screener, same_day):
    client.force_login(screener)
    page = client.post(URL, {"name": "Amelia Harrison", **dob(BORN)}).text
    assert "0 people found" in page
    assert person_link(same_day) not in page


# --- The same people found, however planned -------------------------------------------

# Names chosen to test the edges of trigram likeness: first and last names sharing
# trigrams, hyphens and apostrophes, a short name, sound-alikes with little in common.
POPULATION = [
    ("Anna", "Hannah"),
    ("Ann", "Mann"),
    ("Hannah", "Anna"),
    ("Dawn", "Davies"),
    ("Dawn", "Moore"),
    ("David", "Moore"),
    ("Don", "Mayer"),
    ("Mary-Jane", "O'Neil"),
    ("Mary", "O'Neill"),
    ("Jo", "Li"),
    ("Jon", "Thompson"),
    ("John", "Tomson"),
    ("Jack", "Smith"),
    ("Jake", "Smyth"),
    ("Smith", "Jack"),
    ("Siobhan", "Ni Bhriain"),
    ("Zoë", "Łukasiewicz"),
    ("Oliver", "Bennett"),
]
TYPED = [
    "anna hannah",
    "hannah ann",
    "ann mann",
    "dawn mooer",
    "mooer dawn",
    "davies dawn",
    "jon tomson",
    "jack smiht",
    "smyth jake",
    "mary jane oneil",
    "mary-jane o'neil",
    "jo li",
    "zoe lukasiewicz",
    "siobhan ni bhriain",
    "hannah",
    "moore",
    "smith",
    "li",
]


def _as_before(name: str):
    """The name search as it was written before the two-name index: pg_trgm's % on
    each name (either way round) or both names sounding alike; one word, either name
    like it or the surname sounding like it. The oracle the search must still agree with."""
    words = name.lower().split()
    first, last = words[0], words[-1]
    if len(words) == 1:
        like = (
            Q(last_lower__trigram_similar=first)
            | Q(first_lower__trigram_similar=first)
            | Q(last_sound=DoubleMetaphone(Value(first)))
        )
    else:
        like = (
            (Q(first_lower__trigram_similar=first) & Q(last_lower__trigram_similar=last))
            | (Q(first_lower__trigram_similar=last) & Q(last_lower__trigram_similar=first))
            | _sounds_alike(first, last)
        )
    return _with_names(Person.objects.current()).filter(like)


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_the_names_are_found_the_same_by_index_or_among_a_few_as_before():
    for first, last in POPULATION:
        PersonFactory(first_name=first, last_name=last, date_of_birth=BORN)
    PersonFactory(first_name="Dawn", last_name="Moore", date_of_birth=date(2011, 1, 1))
    found_any = 0
    for typed in TYPED:
        before = _ids(_as_before(typed))
        assert _ids(people_named_like(typed)) == before, typed
        assert _ids(people_named_like(typed, among_few=True)) == before, typed
        on_the_day = _ids(_as_before(typed).filter(date_of_birth=BORN))
        searched = _ids(_people(SearchCriteria(name=typed, date_of_birth=BORN)))
        assert searched == on_the_day, typed
        found_any += len(before)
    # The oracle finds people: agreeing on "nobody" every time would prove nothing.
    assert found_any > len(TYPED)


# --- Planned on the index meant for each ------------------------------------------------


def _plan(criteria: SearchCriteria) -> str:
    with connection.cursor() as cursor:
        # A small table is read whole; priced out, the plan shows which indexes the
        # query can use at millions of rows.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        # Nor a whole index read for its columns: person_place_order_idx holds every
        # column a name search reads, which on a few rows is cheaper than any search.
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        return _people(criteria).order_by().values("pk").explain()


def test_a_name_is_one_scan_needing_both_names(amelia):
    plan = _plan(SearchCriteria(name="Amelia Harirson"))
    both = [
        line
        for line in plan.splitlines()
        if "Index Cond" in line and "first_name" in line and "last_name" in line and "%" in line
    ]
    # Each way round, both names' trigrams in one condition on the two-name index: never
    # a bitmap of every "Amelia" checked against the surname afterwards.
    assert len(both) == 2, plan
    assert "person_names_trgm" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_with_a_date_of_birth_the_date_leads_and_the_names_are_only_checked(amelia):
    plan = _plan(SearchCriteria(name="Amelia Harirson", date_of_birth=BORN))
    assert "person_dob_initials_idx" in plan, plan
    assert "person_expected_dob_idx" in plan, plan
    assert "person_names_trgm" not in plan, plan
    assert "person_name_sounds_idx" not in plan, plan
    assert "Seq Scan" not in plan, plan
