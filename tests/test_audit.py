"""The audit trail: every view and change of a child's record, append-only."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdoor.models import AuditEvent
from tests.factories import PersonFactory, adult_input, child_input, submit_contact

pytestmark = pytest.mark.django_db


def test_submitting_a_contact_is_recorded(referrer):
    contact = submit_contact(referrer)
    event = AuditEvent.objects.get(record_type="contact", action="create")
    assert (event.actor, event.record_id, event.via) == (
        referrer,
        contact.reference,
        "intake:online_form",
    )


def test_viewing_a_contact_records_the_contact_and_each_person_shown(client, screener, referrer):
    contact = submit_contact(referrer)
    client.force_login(screener)

    client.get(
        reverse("referrals:contact-detail", args=[contact.reference]), REMOTE_ADDR="10.1.2.3"
    )

    viewed = AuditEvent.objects.filter(actor=screener, action="view")
    assert {(e.record_type, e.record_id) for e in viewed} == {
        ("contact", contact.reference),
        ("person", str(contact.subjects.get().person_id)),
    }
    event = viewed.get(record_type="contact")
    assert event.via == "referrals:contact-detail"
    assert event.ip_address == "10.1.2.3"


def test_the_screening_page_records_the_contact_and_its_people_in_one_statement(
    client, screener, referrer
):
    contact = submit_contact(referrer, subjects=[child_input(), adult_input()])
    client.force_login(screener)

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("screening:contact", args=[contact.reference]), REMOTE_ADDR="10.1.2.4")

    viewed = AuditEvent.objects.filter(actor=screener, action="view")
    people = {str(s.person_id) for s in contact.subjects.all()}
    assert len(people) == 2
    assert {(e.record_type, e.record_id) for e in viewed} == {
        ("contact", contact.reference),
        *(("person", person_id) for person_id in people),
    }
    assert {(e.via, e.ip_address) for e in viewed} == {("screening:contact", "10.1.2.4")}
    # The contact first, then its people, as the page shows them.
    assert viewed.order_by("pk").first().record_type == "contact"
    inserts = [q for q in queries if "INSERT INTO frontdoor_auditevent" in q["sql"]]
    assert len(inserts) == 1


def test_a_refused_view_records_nothing(client, referrer, referrer_b):
    contact = submit_contact(referrer)
    client.force_login(referrer_b)
    client.get(reverse("referrals:contact-detail", args=[contact.reference]))
    assert not AuditEvent.objects.filter(actor=referrer_b).exists()


def test_person_search_records_the_results_not_the_terms(client, screener):
    amelia = PersonFactory(first_name="Amelia", last_name="Harrison")
    client.force_login(screener)
    client.post(reverse("referrals:people-search"), {"name": "Amelia Harrison"})

    event = AuditEvent.objects.get(action="search")
    assert event.detail == {"criteria": ["name"], "results": [amelia.pk]}
    assert "Harrison" not in str(event.detail)


def test_confirming_a_match_is_recorded(client, screener, referrer):
    amelia = PersonFactory(first_name="Amelia", last_name="Harrison")
    contact = submit_contact(
        referrer, subjects=[child_input(last_name="Harisson", date_of_birth=amelia.date_of_birth)]
    )
    subject = contact.subjects.get()
    client.force_login(screener)
    client.post(
        reverse("referrals:subject-match", args=[contact.reference, subject.pk]),
        {"candidate": str(subject.match_candidates.get().pk)},
    )
    event = AuditEvent.objects.get(action="change")
    assert event.detail == {"subject": subject.pk, "person": amelia.pk, "match": "confirmed"}


def test_the_database_refuses_to_change_or_delete_audit_events(referrer):
    submit_contact(referrer)
    event = AuditEvent.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(record_id="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).record_id == event.record_id


def test_lists_record_which_contacts_were_shown(client, screener, referrer):
    shown = submit_contact(referrer)
    client.force_login(screener)
    client.get(reverse("screening:queue"))
    client.get(reverse("referrals:contact-list"))
    vias = set(
        AuditEvent.objects.filter(actor=screener, record_id=shown.reference).values_list(
            "via", flat=True
        )
    )
    assert vias == {"screening:queue", "referrals:contact-list"}


def test_managers_see_who_has_looked_at_a_childs_record(client, screener, manager, contact):
    from django.urls import reverse

    person = contact.subjects.get(role="child").person
    client.force_login(screener)
    client.get(reverse("referrals:contact-detail", args=[contact.reference]))
    assert client.get(reverse("referrals:person-access", args=[person.pk])).status_code == 404
    client.force_login(manager)
    page = client.get(reverse("referrals:person-access", args=[person.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert screener.full_name in body
    assert contact.reference in body
    assert "referrals:contact-detail" in body


def test_the_audit_records_the_clients_address_behind_a_trusted_proxy(
    client, screener, contact, settings
):
    from django.urls import reverse

    from frontdoor.models import AuditEvent

    # TRUSTED_PROXY_COUNT=1 sets both of these (frontdoor/settings/base.py).
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    client.force_login(screener)
    client.get(
        reverse("referrals:contact-detail", args=[contact.reference]),
        HTTP_X_FORWARDED_FOR="8.8.4.4, 10.0.0.1",
        REMOTE_ADDR="10.0.0.2",
    )
    event = AuditEvent.objects.filter(actor=screener, record_id=contact.reference).latest("pk")
    assert event.ip_address == "8.8.4.4"


def test_a_view_from_a_client_without_an_address_is_recorded_without_one(
    client, screener, referrer
):
    """A server on a Unix socket gives an empty REMOTE_ADDR: the page still opens, and
    its audit rows (written in one statement) have no address, as a single row's does."""
    contact = submit_contact(referrer)
    client.force_login(screener)

    response = client.get(
        reverse("referrals:contact-detail", args=[contact.reference]), REMOTE_ADDR=""
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get(actor=screener, action="view", record_type="contact")
    assert event.ip_address is None
