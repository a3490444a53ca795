"""The pull feed: each event once, in order, from any cursor, whatever order the
transactions that wrote them commit in; only for systems that may receive events."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from frontdoor.models import AuditEvent
from outcomes.models import CaseEvent, CaseEventWaiting
from referrals.models import Scope
from referrals.services import api_client_create, api_token_revoke
from screening import services as screening
from screening.models import Route
from tests.factories import UserFactory, submit_contact
from tests.support.screening import decide
from tests.support.webhooks import case_system

URL = "/api/v1/events/"


def _api(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def _decide_new(screener, referrer, level):
    contact = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.EARLY_HELP)
    return contact


def _read_all(api, cursor: str = "", limit: int = 2) -> tuple[list[dict], str]:
    events = []
    while True:
        page = api.get(URL, {"after": cursor, "limit": limit}).json()
        events += page["events"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return events, cursor


@pytest.mark.django_db(transaction=True)
def test_a_case_system_pages_through_the_feed_and_polls_for_more(screener, referrer, level):
    _, token = case_system()
    api = _api(token)
    contacts = [_decide_new(screener, referrer, level) for _ in range(5)]

    events, cursor = _read_all(api)
    assert [e["contact_reference"] for e in events] == [c.reference for c in contacts]
    assert {e["type"] for e in events} == {"decision.stands"}
    assert events[0]["data"]["decision"]["route"] == Route.EARLY_HELP
    assert events[0]["id"] == CaseEvent.objects.order_by("position").first().event_id

    again = api.get(URL, {"after": cursor}).json()
    assert again == {"events": [], "next_cursor": cursor, "has_more": False}

    later = _decide_new(screener, referrer, level)
    more, _ = _read_all(api, cursor)
    assert [e["contact_reference"] for e in more] == [later.reference]
    # Reading a child's details is a view of their record, like any other.
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, record_type="contact", record_id=later.reference
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_a_later_one_is_not_missed(screener, referrer, level):
    """The transaction that wrote the first event commits after the one that wrote the
    second, and a reader reads in between: a position given at insert would have let
    the reader's cursor pass the first for ever."""
    _, token = case_system()
    api = _api(token)
    early_contact = submit_contact(referrer)
    late_contact = submit_contact(referrer)
    for contact in (early_contact, late_contact):
        screening.screening_claim(actor=screener, contact=contact)
    written, release = threading.Event(), threading.Event()

    def slow_decision():
        try:
            with transaction.atomic():
                decide(screener, early_contact, level, route=Route.EARLY_HELP)
                written.set()
                release.wait(30)
        finally:
            connection.close()

    slow = threading.Thread(target=slow_decision)
    slow.start()
    assert written.wait(30)
    decide(screener, late_contact, level, route=Route.EARLY_HELP)  # written later, commits first

    first_read, cursor = _read_all(api)
    assert [e["contact_reference"] for e in first_read] == [late_contact.reference]
    release.set()
    slow.join(30)
    second_read, _ = _read_all(api, cursor)
    assert [e["contact_reference"] for e in second_read] == [early_contact.reference]
    # The sequencer's list holds only events still without a position: none now.
    assert not CaseEventWaiting.objects.exists()
    assert not CaseEvent.objects.filter(position__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_while_several_threads_commit_a_reader_sees_each_event_once(screener, referrer, level):
    _, token = case_system()
    api = _api(token)
    writers, per_writer = 3, 6
    contacts = [[submit_contact(referrer) for _ in range(per_writer)] for _ in range(writers)]
    for batch in contacts:
        for contact in batch:
            screening.screening_claim(actor=screener, contact=contact)
    failures = []

    def write(batch):
        try:
            for contact in batch:
                decide(screener, contact, level, route=Route.EARLY_HELP)
        except Exception as error:  # reported by the test, not lost in the thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(batch,)) for batch in contacts]
    for thread in threads:
        thread.start()
    seen, cursor = [], ""
    while any(thread.is_alive() for thread in threads):
        page, cursor = _read_all(api, cursor, limit=3)
        seen += page
    for thread in threads:
        thread.join(30)
    page, cursor = _read_all(api, cursor, limit=3)
    seen += page

    assert failures == []
    ids = [event["id"] for event in seen]
    assert len(ids) == len(set(ids)) == writers * per_writer
    assert set(ids) == set(CaseEvent.objects.values_list("event_id", flat=True))


@pytest.mark.django_db
def test_only_a_system_that_may_receive_events_reads_the_feed(referrer):
    _, referrer_token = api_client_create(name="School MIS", account=referrer)
    assert _api(referrer_token).get(URL).status_code == 403
    _, outcomes_only = case_system(scopes=[Scope.POST_OUTCOME_EVENTS])
    assert _api(outcomes_only).get(URL).status_code == 403
    client, token = case_system()
    assert _api(token).get(URL).status_code == 200
    api_token_revoke(actor=UserFactory(), token=client.tokens.get())
    assert _api(token).get(URL).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"after": "12"}, "after"),
        ({"after": "fd1.!!"}, "after"),
        ({"after": "fd1.YWJj"}, "after"),  # "abc"
        ({"after": "fd1." + "M" * 100}, "after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"afterr": "fd1.MA"}, "afterr"),
        ({"limit": "²"}, "limit"),
        ({"after": "fd1.wrI"}, "after"),  # "²", a digit to str.isdigit
    ],
)
def test_a_cursor_or_limit_the_feed_did_not_give_is_refused_with_the_reason(query, field):
    _, token = case_system()
    response = _api(token).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db(transaction=True)
def test_an_event_written_without_listing_it_is_still_sequenced(screener, referrer, level):
    """Code from before the waiting list (a worker still running the last release
    while the deploy migrates) writes an event and nothing else: the feed still
    serves it, once."""
    _, token = case_system()
    api = _api(token)
    contact = _decide_new(screener, referrer, level)
    first, cursor = _read_all(api)
    assert [e["contact_reference"] for e in first] == [contact.reference]

    written = CaseEvent.objects.create(
        kind=CaseEvent.Kind.DECISION_STANDS,
        contact=contact,
        decision=contact.decisions.get(),
        data={"written": "as the last release wrote it"},
        occurred_at=contact.received_at,
    )

    more, _ = _read_all(api, cursor)
    assert [e["id"] for e in more] == [written.event_id]
    assert not CaseEventWaiting.objects.exists()
