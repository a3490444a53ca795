"""Person matching on real PostgreSQL (pg_trgm and fuzzystrmatch)."""

from datetime import date

import pytest

from referrals.matching import likely_matches
from referrals.models import ContactSubject, MatchCandidate, Person
from tests.factories import PersonFactory, child_input, submit_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def amelia():
    return PersonFactory(first_name="Amelia", last_name="Harrison", date_of_birth=date(2016, 4, 12))


@pytest.fixture
def strangers():
    PersonFactory(first_name="Oliver", last_name="Bennett", date_of_birth=date(2015, 1, 3))
    PersonFactory(first_name="Grace", last_name="Okonkwo", date_of_birth=date(2016, 4, 12))
    PersonFactory(first_name="Amelia", last_name="Wright", date_of_birth=date(2012, 9, 30))


def ids(candidates):
    return [candidate.person_id for candidate in candidates]


def test_exact_name_and_date_of_birth_is_the_best_match(amelia, strangers):
    found = likely_matches(
        first_name="Amelia", last_name="Harrison", date_of_birth=date(2016, 4, 12)
    )
    assert ids(found) == [amelia.pk]
    assert found[0].score >= 0.95
    assert "Same date of birth" in found[0].reasons


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [
        ("Amelia", "Harisson"),  # typo
        ("Amelia", "Harrisson"),  # doubled letter
        ("Emilia", "Harrison"),  # name variant
        ("Amelie", "Harryson"),  # both a little off
        ("AMELIA", "harrison"),  # case
    ],
)
def test_name_variants_and_typos_are_found(amelia, strangers, first_name, last_name):
    found = likely_matches(
        first_name=first_name, last_name=last_name, date_of_birth=date(2016, 4, 12)
    )
    assert ids(found)[:1] == [amelia.pk]


def test_sound_alike_surname_is_found(db):
    thomson = PersonFactory(first_name="Jon", last_name="Thomson", date_of_birth=date(2014, 2, 2))
    found = likely_matches(first_name="John", last_name="Tomson", date_of_birth=date(2014, 2, 2))
    assert ids(found) == [thomson.pk]
    assert "Names sound alike" in found[0].reasons


def test_swapped_first_and_last_names_are_found(amelia, strangers):
    found = likely_matches(
        first_name="Harrison", last_name="Amelia", date_of_birth=date(2016, 4, 12)
    )
    assert ids(found)[:1] == [amelia.pk]
    assert "First and last names swapped" in found[0].reasons


def test_a_typed_date_of_birth_slip_still_matches_but_scores_lower(amelia):
    exact = likely_matches(
        first_name="Amelia", last_name="Harrison", date_of_birth=amelia.date_of_birth
    )
    slip = likely_matches(
        first_name="Amelia", last_name="Harrison", date_of_birth=date(2016, 12, 4)
    )
    assert ids(slip) == [amelia.pk]
    assert slip[0].score < exact[0].score
    assert "possible typing error" in slip[0].reasons[-1]


def test_same_name_with_a_different_date_of_birth_is_not_offered(amelia):
    found = likely_matches(
        first_name="Amelia", last_name="Harrison", date_of_birth=date(2009, 7, 21)
    )
    assert found == []


def test_unrelated_names_are_not_offered(amelia, strangers):
    assert likely_matches(first_name="Zachary", last_name="Quinlan", date_of_birth=None) == []


def test_exact_nhs_number_links_automatically(referrer):
    person = PersonFactory(first_name="Amelia", last_name="Harrison", nhs_number="9434765919")

    contact = submit_contact(
        referrer, subjects=[child_input(first_name="Millie", nhs_number="9434765919")]
    )

    subject = contact.subjects.get()
    assert subject.person == person
    assert subject.match_status == ContactSubject.MatchStatus.NHS_NUMBER
    assert not subject.match_candidates.exists()


def test_likely_match_waits_for_a_screener_and_is_never_linked_silently(referrer, amelia):
    contact = submit_contact(referrer, subjects=[child_input(last_name="Harisson")])

    subject = contact.subjects.get()
    assert subject.person is None
    assert subject.match_status == ContactSubject.MatchStatus.UNMATCHED
    candidate = subject.match_candidates.get()
    assert candidate.person == amelia
    assert candidate.decision == MatchCandidate.Decision.PENDING


def test_no_likely_match_starts_a_new_person_record(referrer):
    contact = submit_contact(referrer)

    subject = contact.subjects.get()
    assert subject.match_status == ContactSubject.MatchStatus.NEW_PERSON
    assert subject.person.full_name == "Amelia Harrison"
    assert Person.objects.count() == 1


def test_matching_reads_only_through_indexes(db):
    """Candidates come from the date-of-birth and name-sound indexes, never a scan,
    so a look-up costs the same with millions of people on record."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from referrals.models import Person as PersonModel

    PersonModel.objects.bulk_create(
        PersonModel(first_name=f"Child{i}", last_name=f"Family{i}", date_of_birth=date(2010, 1, 1))
        for i in range(500)
    )
    PersonFactory(first_name="Amelia", last_name="Harrison", date_of_birth=date(2016, 4, 12))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_person")  # earlier tests leave stale statistics
    with CaptureQueriesContext(connection) as queries:
        likely_matches(first_name="Amelia", last_name="Harrison", date_of_birth=date(2016, 4, 12))
    (query,) = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "person_dob_initials_idx" in plan
    assert "person_name_sounds_idx" in plan
    assert "Seq Scan" not in plan


def test_the_same_name_with_no_date_of_birth_on_either_side_is_offered(db):
    person = PersonFactory(first_name="Amelia", last_name="Harrison", date_of_birth=None)
    found = likely_matches(first_name="Amelia", last_name="Harisson", date_of_birth=None)
    assert ids(found) == [person.pk]


def test_the_best_match_survives_a_crowd_of_look_alikes(db):
    from referrals.models import Person as PersonModel

    PersonModel.objects.bulk_create(
        PersonModel(
            first_name="Amelia", last_name=f"Harrison{chr(97 + i % 26)}{i}", date_of_birth=None
        )
        for i in range(120)
    )
    amelia = PersonFactory(
        first_name="Amelia", last_name="Harrison", date_of_birth=date(2016, 4, 12)
    )
    found = likely_matches(
        first_name="Amelia", last_name="Harrison", date_of_birth=date(2016, 4, 12)
    )
    assert ids(found)[0] == amelia.pk
