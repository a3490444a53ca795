"""The one search of people and contacts (issue 19, part 4): each kind of criterion
finds what it should, counts are true, restricted records are masked, concern words
are for managers, nothing typed reaches a URL, and bad input gets a message."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdoor.london import LONDON
from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services
from referrals.models import Person
from tests.factories import AgencyFactory, PersonFactory, UserFactory, child_input, submit_contact

pytestmark = pytest.mark.django_db

URL = reverse("referrals:people-search")
NHS = "9434765919"


def search(client, **criteria):
    return client.post(URL, criteria)


def person_link(person) -> str:
    return reverse("referrals:person-detail", args=[person.pk])


def contact_link(contact) -> str:
    return reverse("referrals:contact-detail", args=[contact.reference])


@pytest.fixture
def amelia(db):
    return PersonFactory(
        first_name="Amelia",
        last_name="Harrison",
        date_of_birth=date(2016, 4, 12),
        nhs_number=NHS,
        unique_pupil_number="B801200005001",
        postcode="LS1 4AP",
        address="12 Mill Lane, Leeds",
    )


@pytest.fixture
def others(db):
    return [
        PersonFactory(first_name="Oliver", last_name="Bennett", postcode="YO1 7HH"),
        PersonFactory(first_name="Grace", last_name="Okafor", postcode="HG1 2AB"),
    ]


# --- People -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "criteria",
    [
        {"nhs_number": "943 476 5919"},
        {"name": "Amelia Harisson"},  # misspelt
        {"name": "Harison Amelia"},  # misspelt and the other way round
        {
            "name": "Emelia Harrison",
            "date_of_birth_0": "12",
            "date_of_birth_1": "4",
            "date_of_birth_2": "2016",
        },
        {"unique_pupil_number": "b801200005001"},
        {"place": "ls1"},  # the start of the postcode, in any case
        {"place": "LS14AP"},  # the postcode without its space
        {"place": "mill lane"},  # part of the address
    ],
    ids=["nhs", "misspelt", "swapped", "dob", "upn", "outward", "nospace", "address"],
)
def test_finds_a_child_by_each_thing_about_them(client, screener, amelia, others, criteria):
    client.force_login(screener)
    page = search(client, **criteria).text
    assert "1 person found" in page
    assert person_link(amelia) in page
    for other in others:
        assert person_link(other) not in page


def test_a_wrong_nhs_number_is_refused_not_searched(client, screener, amelia):
    client.force_login(screener)
    page = search(client, nhs_number="9434765918").text  # check digit wrong
    assert "Enter a valid NHS number" in page
    assert "person found" not in page
    assert "people found" not in page
    assert not AuditEvent.objects.filter(action="search").exists()


def test_nothing_matches_says_so(client, screener, amelia):
    client.force_login(screener)
    page = search(client, name="Zebedee Quux").text
    assert "0 people found" in page
    assert "Check the spelling" in page


# --- Contacts -----------------------------------------------------------------------


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 30, tzinfo=LONDON)


def test_finds_a_contact_by_its_reference_however_typed(client, screener, referrer):
    wanted = submit_contact(referrer)
    other = submit_contact(referrer)
    client.force_login(screener)
    year, number = wanted.reference.split("-")[1:]
    for typed in (wanted.reference, wanted.reference.lower(), f"fd {year} {int(number)}"):
        page = search(client, reference=typed).text
        assert "1 contact found" in page, typed
        assert contact_link(wanted) in page
        assert contact_link(other) not in page


def test_finds_contacts_by_date_range_and_agency(client, screener, referrer):
    school = AgencyFactory(name="Leeds Primary School")
    day = timezone.localdate() - timedelta(days=40)
    inside = submit_contact(referrer, source_agency=school, received_at=_at(day))
    last_day = submit_contact(
        referrer, source_agency=school, received_at=_at(day + timedelta(days=7))
    )
    too_early = submit_contact(
        referrer, source_agency=school, received_at=_at(day - timedelta(days=1))
    )
    other_agency = submit_contact(referrer, received_at=_at(day))
    client.force_login(screener)
    end = day + timedelta(days=7)

    page = search(
        client,
        agency=str(school.pk),
        received_from_0=day.day,
        received_from_1=day.month,
        received_from_2=day.year,
        received_to_0=end.day,
        received_to_1=end.month,
        received_to_2=end.year,
    ).text

    assert "2 contacts found" in page
    assert contact_link(inside) in page
    assert contact_link(last_day) in page
    assert contact_link(too_early) not in page
    assert contact_link(other_agency) not in page
    assert "Leeds Primary School" in page


def test_a_person_and_a_contact_criterion_find_that_persons_contacts(client, screener, referrer):
    day = timezone.localdate() - timedelta(days=10)
    hers = submit_contact(referrer, subjects=[child_input(nhs_number=NHS)], received_at=_at(day))
    submit_contact(
        referrer, subjects=[child_input(nhs_number=NHS)], received_at=_at(day - timedelta(days=90))
    )
    someone_elses = submit_contact(
        referrer,
        subjects=[child_input(first_name="Noah", last_name="Patel", nhs_number="")],
        received_at=_at(day),
    )
    client.force_login(screener)
    page = search(
        client,
        nhs_number=NHS,
        received_from_0=day.day,
        received_from_1=day.month,
        received_from_2=day.year,
    ).text
    assert "1 contact found" in page
    assert contact_link(hers) in page
    assert contact_link(someone_elses) not in page


# --- Words in the concern (managers) --------------------------------------------------


@pytest.fixture
def worded(referrer):
    return {
        "knife": submit_contact(
            referrer, concerns="Her brother showed friends a knife he keeps in his room."
        ),
        "bruises": submit_contact(
            referrer, concerns="Noticed bruising on both arms during PE on Monday."
        ),
        "neither": submit_contact(referrer, concerns="Often late and hungry at breakfast club."),
    }


def test_a_manager_finds_contacts_by_words_in_the_concern(client, manager, worded):
    client.force_login(manager)
    page = search(client, concern_words="bruise").text  # finds "bruising"
    assert "1 contact found" in page
    assert contact_link(worded["bruises"]) in page
    page = search(client, concern_words="knife OR hungry").text
    assert "2 contacts found" in page
    assert contact_link(worded["bruises"]) not in page
    assert "0 contacts found" in search(client, concern_words='"knife hungry"').text


def test_concern_words_put_the_closest_match_first(client, manager, referrer):
    often = submit_contact(
        referrer,
        concerns="A knife was found in his bag; he says the knife is for protection.",
        received_at=_at(timezone.localdate() - timedelta(days=30)),
    )
    once = submit_contact(referrer, concerns="Mum mentioned a knife drawer left open.")
    client.force_login(manager)
    page = search(client, concern_words="knife").text
    assert "2 contacts found" in page
    assert page.index(contact_link(often)) < page.index(contact_link(once))


def test_a_screener_has_no_concern_words_field_and_is_refused_it(client, screener, worded):
    client.force_login(screener)
    assert 'name="concern_words"' not in client.get(URL).text
    refused = search(client, concern_words="knife")
    assert refused.status_code == 403
    assert "knife" not in refused.text
    assert not AuditEvent.objects.filter(action="search").exists()


def test_concern_words_never_match_a_contact_restricted_to_others(
    client, manager, manager_b, worded
):
    services.restriction_add(
        actor=manager,
        contact=worded["knife"],
        reason="A member of staff's family.",
        ask=manager,
        allowed=[],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(manager_b)
    page = search(client, concern_words="knife").text
    assert "0 contacts found" in page
    client.force_login(manager)
    assert contact_link(worded["knife"]) in search(client, concern_words="knife").text


# --- Counts -------------------------------------------------------------------------


def test_more_than_200_says_so_and_asks_to_narrow(client, screener):
    Person.objects.bulk_create(
        Person(first_name="Amelia", last_name="Harrison", postcode="YO1 7HH") for _ in range(201)
    )
    client.force_login(screener)
    page = search(client, name="Amelia Harrison").text
    assert "More than 200 people found" in page
    assert "Narrow your search" in page
    # Not the exact count (the page's other text, e.g. an agency's or a URL's digits, may
    # hold "201" by chance).
    assert "201 people" not in page
    assert "of 201" not in page
    assert "200 people found" not in page.replace("More than 200", "")
    assert len(re.findall(r"/referrals/people/\d+/", page)) == 20
    assert "Page 1 of 10" in page


def test_exactly_200_is_counted(client, screener):
    Person.objects.bulk_create(
        Person(first_name="Amelia", last_name="Harrison", postcode="YO1 7HH") for _ in range(200)
    )
    client.force_login(screener)
    page = search(client, name="Amelia Harrison", page="10").text
    assert "200 people found" in page
    assert "More than" not in page
    assert "Showing 181 to 200" in page
    assert "Page 10 of 10" in page


# --- Restricted records ---------------------------------------------------------------


def test_a_restricted_person_shows_only_whom_to_ask(client, manager, screener, referrer, amelia):
    colleague = UserFactory(roles=[Role.SCREENER])
    services.restriction_add(
        actor=manager,
        person=amelia,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[screener],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    contact = submit_contact(referrer, subjects=[child_input(nhs_number=NHS)])
    client.force_login(colleague)
    for criteria in ({"nhs_number": NHS}, {"place": "LS1"}, {"reference": contact.reference}):
        # What the searcher typed is theirs to see again; nothing else of the record.
        page = re.sub(r'value="[^"]*"', "", search(client, **criteria).text)
        assert f"Restricted record — ask {manager.full_name}" in page
        for detail in (
            "Amelia",
            "Harrison",
            "12 April 2016",
            "LS1 4AP",
            NHS,
            contact.reference,
            person_link(amelia),
            contact_link(contact),
        ):
            assert detail not in page, detail

    client.force_login(screener)
    page = search(client, nhs_number=NHS).text
    assert person_link(amelia) in page
    assert "12 April 2016" in page


# --- URLs, audit and bad input ----------------------------------------------------------


def test_nothing_typed_reaches_a_url_and_the_audit_keeps_kinds_not_values(
    client, manager, referrer, amelia
):
    contact = submit_contact(referrer, subjects=[child_input(nhs_number=NHS)])
    client.force_login(manager)
    typed = {"name": "Amelia Harrison", "place": "LS1", "concern_words": "bruising"}
    response = search(client, **typed)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == URL
    assert not response.request.get("QUERY_STRING")
    hrefs = re.findall(r'(?:href|action|formaction)="([^"]*)"', response.text)
    assert hrefs
    for href in hrefs:
        for value in ("Amelia", "Harrison", "LS1", "bruising", "2016"):
            assert value.lower() not in href.lower(), href
    # The form comes back as it was filled in.
    assert 'value="Amelia Harrison"' in response.text
    assert 'value="bruising"' in response.text
    event = AuditEvent.objects.get(action="search")
    assert event.actor == manager
    assert event.record_type == "contact"
    assert event.detail == {
        "criteria": ["name", "place", "concern_words"],
        "results": [contact.reference],
    }
    assert "Amelia" not in str(event.detail)
    assert "bruising" not in str(event.detail)


HOSTILE = [
    ({}, "Enter at least one thing to search for"),
    ({"name": "   "}, "Enter at least one thing to search for"),
    ({"name": "<script>alert(1)</script>"}, "0 people found"),
    ({"name": "=SUM(A1)"}, "0 people found"),
    ({"name": "Amelia\x00Harrison"}, "Null characters are not allowed"),
    ({"name": "A" * 5000}, "Name must be 200 characters or fewer"),
    ({"name": "12345"}, "Name must include letters"),
    ({"place": "L"}, "Enter at least 2 characters of the postcode or address"),
    ({"place": "%_%"}, "0 people found"),
    ({"reference": "FD-2026-ABC"}, "Enter a contact reference like FD-2026-000123"),
    ({"reference": "' OR 1=1 --"}, "Enter a contact reference like FD-2026-000123"),
    ({"unique_pupil_number": "X1"}, "Enter a valid Unique Pupil Number"),
    ({"agency": "not-a-number"}, "Select an agency from the list"),
    ({"agency": "99999999"}, "Select an agency from the list"),
    (
        {"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "2016"},
        "Date of birth must be a real date",
    ),
    (
        {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2999"},
        "Date of birth must be today or in the past",
    ),
    (
        {
            "received_from_0": "2",
            "received_from_1": "1",
            "received_from_2": "2026",
            "received_to_0": "1",
            "received_to_1": "1",
            "received_to_2": "2026",
        },
        "Received on or before must be the same as or after the first date",
    ),
    ({"concern_words": "!!! ???"}, "Words in the concern must include letters or numbers"),
    ({"concern_words": "knife & | ! (( 'x"}, "0 contacts found"),
    ({"name": "Amelia", "page": "-1"}, "0 people found"),
    ({"name": "Amelia", "page": "99999999999999"}, "0 people found"),
]


@pytest.mark.parametrize(("criteria", "message"), HOSTILE)
def test_empty_wrong_and_hostile_input_gets_a_message_never_a_500(
    client, manager, criteria, message
):
    client.force_login(manager)
    response = search(client, **criteria)
    assert response.status_code == 200
    assert message in response.text
    assert "<script>alert" not in response.text
    typed = criteria.get("name", "")
    if typed.strip() and "\x00" not in typed and len(typed) < 300:
        # What was typed is still in the box to correct.
        assert 'value="' in response.text
        assert "Name" in response.text


def test_a_search_page_costs_the_same_queries_for_1_or_20_rows(client, screener, referrer):
    agency = {"agency": str(referrer.agency.pk)}
    submit_contact(referrer)
    PersonFactory(postcode="HG1 2AB")
    client.force_login(screener)
    with CaptureQueriesContext(connection) as one_contact:
        assert "1 contact found" in search(client, **agency).text
    with CaptureQueriesContext(connection) as one_person:
        assert "1 person found" in search(client, place="HG1").text
    for _ in range(19):
        submit_contact(referrer, subjects=[child_input(nhs_number=""), child_input(nhs_number="")])
    PersonFactory.create_batch(19, postcode="HG1 2AB")
    with CaptureQueriesContext(connection) as twenty_contacts:
        assert "20 contacts found" in search(client, **agency).text
    with CaptureQueriesContext(connection) as twenty_people:
        assert "people found" in search(client, place="HG1").text
    assert len(twenty_contacts) == len(one_contact)
    assert len(twenty_people) == len(one_person)


# --- Indexes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "indexes"),
    [
        ({"concern_words": "knife"}, ["contact_concerns_search"]),
        ({"place": "Mill Lane"}, ["person_address_trgm"]),
        ({"place": "LS1"}, ["person_place_order_idx"]),
        ({"name": "Amelia Harrison"}, ["person_names_trgm", "person_name_sounds_idx"]),
        ({"name": "Harrison"}, ["person_names_trgm", "person_name_sounds_idx"]),
    ],
)
def test_each_kind_of_search_is_served_by_its_index(criteria, indexes):
    """With sequential and plain index scans priced out, the plan reads the table through
    the search's indexes only: the query builds the same expression the index holds, so it stays
    fast at millions of rows. (Which of several usable indexes the planner takes
    depends on the rows at hand, so any of them will do.)"""
    from django.contrib.postgres.search import SearchQuery

    from referrals.models import Contact
    from referrals.search import CONCERN_VECTOR, SearchCriteria, _people

    wanted = SearchCriteria(**criteria)
    if wanted.concern_words:
        query = SearchQuery(wanted.concern_words, search_type="websearch", config="english")
        queryset = Contact.objects.annotate(vector=CONCERN_VECTOR).filter(vector=query)
    else:
        queryset = _people(wanted)
    with connection.cursor() as cursor:
        # A plain index scan could walk another index (the received-at order, the primary
        # key) filtering every row, which is no evidence; a bitmap scan needs an index the
        # search's condition can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        # Nor a whole index read for its columns: person_place_order_idx holds every
        # column a name search reads, which on a few rows is cheaper than any search.
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        plan = queryset.order_by().values("pk").explain()
    assert "Seq Scan" not in plan, plan
    assert any(index in plan for index in indexes), plan


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    typed=st.fixed_dictionaries(
        {},
        optional={
            key: st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
            for key in ("name", "place", "reference", "concern_words", "nhs_number")
        },
    )
)
def test_whatever_is_typed_the_search_answers_with_results_or_messages(manager, typed):
    """Past the form, the queries themselves (trigram, Double Metaphone, LIKE, websearch
    full-text) take any text that passed it: no database error for any input."""
    from referrals.forms_search import RecordSearchForm
    from referrals.search import records_search

    form = RecordSearchForm(data=typed, may_search_concerns=True)
    if form.is_valid():
        records_search(user=manager, criteria=form.criteria())
    else:
        assert all(message for messages in form.errors.values() for message in messages)
