"""The queue's page of rows is planned with its joins as written (docs/adr/0052): the
rows are the same, the setting lasts for that statement alone, and a filter through
another table is left to the planner."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screening import services
from tests.factories import submit_contact

HINT = "set_config('join_collapse_limit', '1', true)"


def _join_collapse_limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


def _queue(client, query: str = "") -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("screening:queue") + query)
    assert page.status_code == 200
    return page.text, [q["sql"] for q in queries.captured_queries]


# Outside a transaction, as a request runs: inside one (every other test) the hint is
# not sent, as it would last until the transaction ends.
@pytest.mark.django_db(transaction=True)
def test_the_whole_queue_is_planned_as_written_and_the_setting_ends_with_it(
    client, screener, referrer
):
    held, waiting = submit_contact(referrer), submit_contact(referrer)
    services.screening_claim(actor=screener, contact=held)
    client.force_login(screener)
    default = _join_collapse_limit()

    text, sent = _queue(client)

    hinted = [sql for sql in sent if HINT in sql]
    assert hinted
    assert 'FROM "referrals_contact"' in hinted[0]
    assert held.reference in text
    assert waiting.reference in text
    assert screener.full_name in text  # the screener, read through the hinted joins
    assert _join_collapse_limit() == default

    text, sent = _queue(client, "?status=in_screening")
    assert any(HINT in sql for sql in sent)
    assert held.reference in text
    assert waiting.reference not in text


@pytest.mark.django_db(transaction=True)
def test_a_filter_through_another_table_is_left_to_the_planner(client, screener, referrer):
    held, waiting = submit_contact(referrer), submit_contact(referrer)
    services.screening_claim(actor=screener, contact=held)
    client.force_login(screener)

    text, sent = _queue(client, "?assigned=me")

    assert all(HINT not in sql for sql in sent)
    assert held.reference in text
    assert waiting.reference not in text


def test_inside_a_transaction_the_queue_is_planned_as_usual(client, screener, referrer):
    contact = submit_contact(referrer)
    client.force_login(screener)

    text, sent = _queue(client)

    assert all(HINT not in sql for sql in sent)
    assert contact.reference in text
    assert _join_collapse_limit() == "8"
