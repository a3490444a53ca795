"""The queue keeps itself current (issue 23, part 3), through HTTP: the page carries what
it shows and a refresh link; its poll answers with only what changed, as htmx
out-of-band swaps (new rows before the row they now precede, gone rows removed, the
kept rows' cells), and a short sentence for the polite live region. The rows a screener
reads are never sent again. A poll does not keep the session alive. The browser half is
tests/browser/test_live_pages.py."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.sessions import POLL_HEADER, REFRESHED_AT
from referrals import services as referral_services
from screening import services
from tests.factories import child_input, submit_contact

pytestmark = pytest.mark.django_db
POLL = {"HTTP_" + POLL_HEADER.upper().replace("-", "_"): "1", "HTTP_HX_REQUEST": "true"}


def _shown(page) -> str:
    match = re.search(r'id="queue-shown" name="shown" value="([^"]*)"', page.text)
    return html.unescape(match.group(1))


def _poll(client, shown: str, **filters):
    return client.get(
        reverse("screening:queue-updates"), {**filters, "shown": shown, "page": 1}, **POLL
    )


def _due_in(contact, delta):
    type(contact).objects.filter(pk=contact.pk).update(decision_due_at=timezone.now() + delta)


@pytest.fixture
def two_waiting(referrer):
    first = submit_contact(referrer, subjects=[child_input(first_name="Ada")])
    second = submit_contact(referrer, subjects=[child_input(first_name="Bea")])
    _due_in(first, timedelta(hours=1))
    _due_in(second, timedelta(hours=20))
    return first, second


def test_the_page_polls_for_changes_and_can_be_refreshed_without_javascript(
    client, screener, two_waiting
):
    client.force_login(screener)
    page = client.get(reverse("screening:queue"), {"rag": "", "channel": ""})
    assert page.status_code == 200
    text = page.text
    assert 'hx-get="/screening/queue-updates/?' in text
    assert 'hx-trigger="every 15.0s"' in text
    assert 'aria-live="polite"' in text
    assert re.search(
        r'<a class="govuk-link" href="/screening/\?[^"]*page=1">Refresh the list</a>', text
    )
    first, second = two_waiting
    rows = f"{first.reference}.received.,{second.reference}.received."
    assert re.fullmatch(rf"q1;2;;{rows};\d{{12}}", _shown(page))


def test_a_new_contact_goes_in_before_the_row_it_now_precedes_and_is_announced(
    client, screener, referrer, two_waiting
):
    first, second = two_waiting
    client.force_login(screener)
    shown = _shown(client.get(reverse("screening:queue")))
    between = submit_contact(referrer, subjects=[child_input(first_name="Cleo", last_name="Marsh")])
    _due_in(between, timedelta(hours=5))
    last = submit_contact(referrer, subjects=[child_input(first_name="Dot", last_name="Marsh")])
    _due_in(last, timedelta(hours=30))

    update = _poll(client, shown)

    assert update.status_code == 200
    text = update.text
    assert f'hx-swap-oob="beforebegin:#queue-row-{second.reference}"' in text
    assert f'<tr class="govuk-table__row" id="queue-row-{between.reference}">' in text
    assert 'hx-swap-oob="beforeend:#queue-rows"' in text
    assert "Cleo Marsh" in text
    assert "Dot Marsh" in text
    # The rows already shown are not sent again, nor their clocks within the minute.
    assert f'id="queue-row-{first.reference}"' not in text
    assert f'id="queue-clock-{first.reference}"' not in text
    assert "Ada" not in text
    live = r'<div id="queue-live" hx-swap-oob="innerHTML">\d\d:\d\d: (.*)\.</div>'
    assert re.search(live, text).group(1) == "2 new contacts, 4 open contacts in all (was 2)"
    assert "4 open contacts." in text
    # The browser's record of what it shows moves on, so the next poll says nothing.
    later = re.search(r'id="queue-shown" name="shown" value="([^"]*)" hx-swap-oob="true"', text)
    again = _poll(client, html.unescape(later.group(1)))
    assert "queue-live" not in again.text
    assert "<tr" not in again.text
    # Whoever saw the new rows' names is on record.
    seen = set(
        AuditEvent.objects.filter(actor=screener, action=AuditEvent.Action.VIEW).values_list(
            "record_id", flat=True
        )
    )
    assert {between.reference, last.reference} <= seen


def test_a_contact_taken_leaves_a_list_of_those_not_taken_and_is_announced(
    client, screener, manager, two_waiting
):
    first, _second = two_waiting
    client.force_login(screener)
    shown = _shown(client.get(reverse("screening:queue"), {"assigned": "unassigned"}))
    services.screening_claim(actor=manager, contact=first)

    update = _poll(client, shown, assigned="unassigned")

    assert f'<tr id="queue-row-{first.reference}" hx-swap-oob="delete"></tr>' in update.text
    assert ": 1 taken, 1 open contact in all (was 2).</div>" in update.text


def test_a_contact_taken_in_the_whole_queue_changes_its_cells_in_place(
    client, screener, manager, two_waiting
):
    first, second = two_waiting
    client.force_login(screener)
    shown = _shown(client.get(reverse("screening:queue")))
    services.screening_claim(actor=manager, contact=second)

    text = _poll(client, shown).text

    assert f'id="queue-row-{second.reference}"' not in text  # the row itself stays put
    assert f'<div id="queue-status-{second.reference}" hx-swap-oob="innerHTML">In screening' in text
    assert (
        f'<div id="queue-screener-{second.reference}" hx-swap-oob="innerHTML">{manager.full_name}'
        in text
    )
    assert f'id="queue-status-{first.reference}"' not in text  # unchanged
    assert ": 1 taken.</div>" in text


def test_a_new_immediate_risk_contact_redraws_the_banner_and_is_said_first(
    client, screener, referrer, two_waiting
):
    client.force_login(screener)
    shown = _shown(client.get(reverse("screening:queue")))
    urgent = submit_contact(referrer, urgency="immediate")

    text = _poll(client, shown).text

    assert '<div id="queue-immediate" hx-swap-oob="true">' in text
    assert f'href="/screening/{urgent.reference}/">{urgent.reference}</a>' in text
    assert ": 1 new immediate-risk contact, 1 new contact," in text
    # First in the queue: it goes in before the row that was first.
    assert f'hx-swap-oob="beforebegin:#queue-row-{two_waiting[0].reference}"' in text


def test_a_restricted_contact_comes_in_without_its_childs_name(
    client, screener, manager, referrer, two_waiting
):
    client.force_login(screener)
    shown = _shown(client.get(reverse("screening:queue")))
    hidden = submit_contact(referrer, subjects=[child_input(first_name="Zara", last_name="Quell")])
    referral_services.restriction_add(
        actor=manager,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[manager],
        review_due=timezone.localdate() + timedelta(days=30),
        contact=hidden,
    )

    text = _poll(client, shown).text

    assert f'id="queue-row-{hidden.reference}"' in text
    assert "Restricted record" in text
    assert "Zara" not in text
    assert "Quell" not in text


@pytest.mark.parametrize(
    "shown",
    [
        "",
        "q1;2;;<script>alert(1)</script>;202611301032",
        "=SUM(A1)",
        "x" * 10_000,
        "q1;9;;A.b.1,A.b.2;202611301032",
        "q1;0;;;1032",
    ],
)
def test_a_state_that_cannot_be_read_redraws_the_table_and_says_nothing(
    client, screener, two_waiting, shown
):
    client.force_login(screener)
    update = _poll(client, shown)
    assert update.status_code == 200
    assert '<div id="queue-results" hx-swap-oob="true">' in update.text
    assert "queue-live" not in update.text
    assert "<script>" not in update.text


def test_the_poll_keeps_the_filters_and_the_search_kept_in_the_session(
    client, screener, referrer, two_waiting
):
    _first, second = two_waiting
    client.force_login(screener)
    client.post(reverse("screening:queue"), {"search": "Bea"})
    page = client.get(reverse("screening:queue"))
    assert re.fullmatch(rf"q1;1;;{second.reference}\.received\.;\d{{12}}", _shown(page))
    submit_contact(referrer, subjects=[child_input(first_name="Ada")])
    text = _poll(client, _shown(page)).text
    assert "queue-live" not in text  # another Ada: not what this screener searched for


def test_a_poll_does_not_keep_the_session_alive(client, screener, two_waiting):
    client.force_login(screener)
    shown = _shown(client.get(reverse("screening:queue")))
    refreshed = client.session[REFRESHED_AT]
    assert _poll(client, shown).status_code == 200
    assert client.session[REFRESHED_AT] == refreshed
    client.get(reverse("screening:queue"))  # a person's own request does
    assert client.session[REFRESHED_AT] > refreshed


def test_only_screening_staff_may_poll(client, referrer, two_waiting):
    client.force_login(referrer)
    assert _poll(client, "").status_code == 403


def test_the_kept_rows_clocks_are_drawn_again_once_their_minute_has_passed(
    client, screener, two_waiting
):
    client.force_login(screener)
    shown = _shown(client.get(reverse("screening:queue")))
    a_minute_ago = shown[:-12] + "202001010000"

    text = _poll(client, a_minute_ago).text

    for contact in two_waiting:
        assert f'<div id="queue-clock-{contact.reference}" hx-swap-oob="innerHTML">' in text
    assert "0h 59m left" in text
    assert "queue-live" not in text  # the clocks moved on: nothing to announce


def test_polls_share_the_count_which_never_changes_the_rows_a_page_shows(
    client, screener, referrer, two_waiting, settings, monkeypatch
):
    """Before the last page, how many contacts match is shared between polls for a few
    seconds (opening the page counts afresh); the page's rows are always read afresh."""
    from screening import views_queue

    settings.LIVE_SHARED_SECONDS = 60
    monkeypatch.setattr(views_queue, "PAGE_SIZE", 1)
    first, _ = two_waiting
    client.force_login(screener)
    shown = _shown(client.get(reverse("screening:queue")))
    assert shown.startswith("q1;2;")
    urgent = submit_contact(referrer, urgency="immediate")

    text = _poll(client, shown).text

    assert f'id="queue-row-{urgent.reference}"' in text  # first in the queue now
    assert f'<tr id="queue-row-{first.reference}" hx-swap-oob="delete">' in text
    assert "queue-count" not in text  # still 2, as shared
    assert "3 open contacts." in client.get(reverse("screening:queue")).text


def test_a_row_already_held_that_leaves_the_page_is_not_said_to_be_taken(
    client, screener, manager, referrer, two_waiting, monkeypatch
):
    """Only a row shown with no screener and now held was taken: one already held when
    shown, pushed to the next page, merely left it."""
    from screening import views_queue

    monkeypatch.setattr(views_queue, "PAGE_SIZE", 1)
    first, _ = two_waiting
    services.screening_claim(actor=manager, contact=first)
    client.force_login(screener)
    shown = _shown(client.get(reverse("screening:queue")))
    assert f"{first.reference}.in_screening.{manager.pk}" in shown
    submit_contact(referrer, urgency="immediate")  # first in the queue now

    text = _poll(client, shown).text

    assert f'<tr id="queue-row-{first.reference}" hx-swap-oob="delete">' in text
    live = re.search(r'<div id="queue-live" hx-swap-oob="innerHTML">\d\d:\d\d: (.*)\.</div>', text)
    assert live.group(1) == (
        "1 new immediate-risk contact, 1 new contact, 1 contact no longer on this page, "
        "3 open contacts in all (was 2)"
    )


@pytest.mark.parametrize("number", ["²", "9" * 20, "9" * 5000, "-1", "1.5"])
def test_a_page_number_that_is_not_one_shows_the_first_page(client, screener, two_waiting, number):
    client.force_login(screener)
    page = client.get(reverse("screening:queue"), {"page": number})
    assert page.status_code == 200
    assert "2 open contacts." in page.text
    update = client.get(reverse("screening:queue-updates"), {"page": number, "shown": ""}, **POLL)
    assert update.status_code == 200
    assert f'id="queue-row-{two_waiting[0].reference}"' in update.text


def test_the_immediate_risk_banners_clocks_are_drawn_again_once_their_minute_has_passed(
    client, screener, referrer, two_waiting
):
    urgent = submit_contact(referrer, urgency="immediate")
    client.force_login(screener)
    shown = _shown(client.get(reverse("screening:queue")))

    text = _poll(client, shown[:-12] + "202001010000").text

    assert '<div id="queue-immediate" hx-swap-oob="true">' in text
    assert f'href="/screening/{urgent.reference}/">{urgent.reference}</a>' in text
    assert "queue-live" not in text  # the same contacts: nothing to announce


def test_a_poll_asks_the_same_number_of_queries_however_many_rows_were_taken(
    client, screener, manager, two_waiting
):
    first, second = two_waiting
    client.force_login(screener)
    shown = _shown(client.get(reverse("screening:queue")))
    services.screening_claim(actor=manager, contact=first)
    with CaptureQueriesContext(connection) as one:
        assert ": 1 taken.</div>" in _poll(client, shown).text
    services.screening_claim(actor=screener, contact=second)
    with CaptureQueriesContext(connection) as two:
        assert ": 2 taken.</div>" in _poll(client, shown).text
    assert len(two) == len(one)
