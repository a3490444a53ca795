"""The family panel's own pages (issue 19, part 2): each relationship behind a "Change"
link to a page with its confirm/correct/end form, and each family member's earlier
contacts behind a "Show earlier contacts" link, fetched into the panel by htmx or shown
as a page without JavaScript. Both audited as views of the people they show, refused on
a restricted record, and answering hostile input with the form and what was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.nhs_numbers import nhs_number_from
from referrals import services as referral_services
from referrals.models import Person, Relationship
from screening import services
from screening.selectors import FAMILY_HISTORY_SHOWN
from tests.factories import adult_input, child_input, submit_contact
from tests.support.family import (
    AMELIA_NHS,
    FATHER,
    contact_page,
    family_section,
    father_link,
    first_contact,
    later_contact,
    member_history,
    relationship_post,
)
from tests.support.screening import decide

pytestmark = pytest.mark.django_db

GARY = nhs_number_from("401023210")
HOSTILE = "<script>alert(1)</script> =SUM(A1) moved out in March"


def _relationship_page(client, contact, relationship):
    return client.get(reverse("screening:relationship", args=[contact.reference, relationship.pk]))


def _views_of(user, person_id) -> int:
    return AuditEvent.objects.filter(
        actor=user, action="view", record_type="person", record_id=str(person_id)
    ).count()


def test_each_relationship_on_the_contact_page_is_a_change_link_to_its_own_page(
    client, screener, referrer
):
    first = first_contact(referrer)
    link = father_link()
    client.force_login(screener)
    family = family_section(contact_page(client, first))
    url = reverse("screening:relationship", args=[first.reference, link.pk])
    assert f'href="{url}"' in family
    assert "the relationship between Gary Harrison and Amelia Harrison" in family
    assert 'name="action"' not in family  # no form per relationship on the contact page

    gary_views, amelia_views = (
        _views_of(screener, link.person_id),
        _views_of(screener, link.relative_id),
    )
    page = _relationship_page(client, first, link)
    assert page.status_code == 200
    assert "<title>Relationship between Gary Harrison and Amelia Harrison" in page.text
    assert "Gary Harrison: parent of Amelia Harrison" in page.text
    assert "Suggested" in page.text
    assert first.reference in page.text
    assert "Confirm the relationship" in page.text
    # Both people's names and how they are related: a view of both records.
    assert _views_of(screener, link.person_id) == gary_views + 1
    assert _views_of(screener, link.relative_id) == amelia_views + 1

    confirmed = relationship_post(client, first, link, action="confirm")
    assert confirmed.status_code == 302
    assert confirmed.url.endswith("#family")
    link.refresh_from_db()
    assert (link.basis, link.confirmed_by) == ("confirmed", screener)
    again = _relationship_page(client, first, link).text
    assert "Confirm the relationship" not in again
    assert f'Confirmed by</dt><dd class="govuk-summary-list__value">{screener.full_name}' in (again)


def test_a_refused_change_keeps_what_was_typed_and_changes_nothing(client, screener, referrer):
    contact = first_contact(referrer)
    link = father_link()
    client.force_login(screener)

    no_reason = relationship_post(client, contact, link, action="end", kind="step_parent")
    assert no_reason.status_code == 400
    assert no_reason.text.count("<title>Error: ") == 1
    assert '<a href="#id_reason">Enter why the relationship has ended or was wrong</a>' in (
        no_reason.text
    )
    assert '<option value="step_parent" selected>' in no_reason.text  # the kind kept

    no_kind = relationship_post(client, contact, link, action="change", reason=HOSTILE)
    assert no_kind.status_code == 400
    assert "Select the kind of relationship it should be" in no_kind.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; =SUM(A1) moved out in March</textarea>" in (
        no_kind.text
    )
    assert "<script>alert(1)" not in no_kind.text

    no_action = relationship_post(client, contact, link, reason="kept")
    assert no_action.status_code == 400
    assert '<a href="#id_action">Choose whether to confirm' in no_action.text
    assert 'id="id_action"' in no_action.text  # the summary's link has somewhere to go

    assert (
        relationship_post(client, contact, link, action="end", reason="gone\x00").status_code == 400
    )
    long = relationship_post(client, contact, link, action="end", reason="x" * 100_000)
    assert long.status_code in (400, 413)
    assert relationship_post(client, contact, link, action="change", kind="king").status_code == (
        400
    )
    link.refresh_from_db()
    assert (link.is_current, link.basis, link.kind) == (True, "suggested", "parent")

    ended = relationship_post(client, contact, link, action="end", reason=HOSTILE)
    assert ended.status_code == 302
    link.refresh_from_db()
    assert link.end_reason == HOSTILE
    # Ended, it is history: its page is gone, as is any further change.
    assert _relationship_page(client, contact, link).status_code == 404


def test_a_relationship_page_needs_the_relationship_on_that_contact(client, screener, referrer):
    first = first_contact(referrer)
    link = father_link()
    elsewhere = submit_contact(referrer, subjects=[child_input(first_name="Noah")])
    client.force_login(screener)
    assert _relationship_page(client, elsewhere, link).status_code == 404
    missing = reverse("screening:relationship", args=[first.reference, 2**62])
    assert client.get(missing).status_code == 404


def test_a_family_members_earlier_contacts_come_on_asking_and_are_audited(
    client, screener, referrer, level
):
    first = first_contact(referrer)
    services.screening_claim(actor=screener, contact=first)
    decide(screener, first, level)
    later = later_contact(referrer)
    gary = father_link().person
    client.force_login(screener)
    related = family_section(contact_page(client, later)).split("Related people on record")[1]
    related = related.split("Other children")[0]
    assert first.reference not in related  # counted, not listed
    history_url = reverse("screening:family-member-history", args=[later.reference, gary.pk])
    assert f'href="{history_url}" hx-get="{history_url}"' in related

    before = _views_of(screener, gary.pk)
    fragment = member_history(client, later, gary.pk, HX_Request="true")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text  # only the table, into the panel
    assert first.reference in fragment.text
    assert "Strategy discussion (s47), threshold 4: " in fragment.text
    assert "Parent" in fragment.text  # as whom he was on it
    assert _views_of(screener, gary.pk) == before + 1

    page = member_history(client, later, gary.pk)  # no JavaScript: a page of its own
    assert page.status_code == 200
    assert "<title>Earlier contacts about or naming Gary Harrison" in page.text
    assert f'href="{reverse("screening:contact", args=[later.reference])}#family"' in page.text
    assert first.reference in page.text
    assert _views_of(screener, gary.pk) == before + 2


def test_a_long_history_shows_the_most_recent_and_says_where_the_rest_are(
    client, screener, referrer
):
    earlier = [
        submit_contact(
            referrer,
            # His NHS number links him to one record each time.
            subjects=[child_input(nhs_number=AMELIA_NHS), adult_input(**FATHER, nhs_number=GARY)],
            received_at=timezone.now() - timedelta(days=30 + day),
        )
        for day in range(FAMILY_HISTORY_SHOWN + 2)
    ]
    later = later_contact(referrer, adult_input())  # with Dawn, new to the front door
    gary = father_link().person
    client.force_login(screener)
    related = family_section(contact_page(client, later)).split("Related people on record")[1]
    newest = earlier[0].received_at
    assert f"{len(earlier)} earlier contacts, the latest received {newest:%-d %b %Y}" in related

    text = member_history(client, later, gary.pk, HX_Request="true").text
    shown = [c.reference for c in earlier[:FAMILY_HISTORY_SHOWN]]
    assert all(reference in text for reference in shown)
    assert not any(c.reference in text for c in earlier[FAMILY_HISTORY_SHOWN:])
    assert "2 earlier contacts are on" in text
    assert reverse("outcomes:person-chronology", args=[gary.pk]) in text

    # No query per row: Gary's eleven other contacts (seen from the oldest, which he
    # is on) take the queries of Dawn's none (from the latest, which she is on).
    with CaptureQueriesContext(connection) as long_history:
        member_history(client, earlier[-1], gary.pk, HX_Request="true")
    dawn = later.subjects.get(first_name="Dawn").person
    with CaptureQueriesContext(connection) as short_history:
        text = member_history(client, later, dawn.pk, HX_Request="true").text
    assert "No earlier contacts." in text
    assert len(long_history) == len(short_history)


def test_a_restricted_contact_in_a_members_history_shows_only_its_reference_and_date(
    client, screener, manager, referrer, level
):
    first = first_contact(referrer)
    services.screening_claim(actor=screener, contact=first)
    decide(screener, first, level)
    referral_services.restriction_add(
        actor=manager,
        contact=first,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[manager],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    later = later_contact(referrer)
    gary = father_link().person
    client.force_login(screener)
    text = member_history(client, later, gary.pk, HX_Request="true").text
    assert first.reference in text
    assert "A restricted record" in text
    assert "Strategy discussion" not in text


def test_only_someone_in_the_family_has_their_history_shown_here(client, screener, referrer):
    first = first_contact(referrer)
    link = father_link()
    stranger = Person.objects.create(first_name="Not", last_name="Related")
    client.force_login(screener)
    assert member_history(client, first, stranger.pk).status_code == 404
    assert member_history(client, first, 2**62).status_code == 404
    # On the contact: Amelia herself.
    assert member_history(client, first, link.relative_id).status_code == 200
    # Related once but no longer: the panel does not show them, nor does this page.
    later = later_contact(referrer)
    referral_services.relationship_end(actor=screener, relationship=link, reason="Not her father")
    assert not Relationship.objects.current().filter(person=link.person).exists()
    assert member_history(client, later, link.person_id).status_code == 404
