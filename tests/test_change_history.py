"""Change history of case records, captured by database triggers (django-pghistory)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.urls import reverse

from referrals.models import Contact, Person
from screening.models import Screening
from tests.factories import submit_contact


def test_a_change_made_through_a_screen_is_attributed_to_its_user_and_url(
    client, screener, contact
):
    client.force_login(screener)
    client.post(reverse("screening:claim", args=[contact.reference]))
    url = reverse("screening:signs-of-safety", args=[contact.reference])
    client.post(url, {"danger_statement": "Worried about bruising."}, HTTP_HX_REQUEST="true")
    screening = Screening.objects.get(contact=contact)
    event = screening.events.filter(danger_statement="Worried about bruising.").get()
    assert event.pgh_label == "update"
    assert event.pgh_context.metadata["user"] == screener.pk
    assert event.pgh_context.metadata["url"] == url


def test_bulk_updates_and_raw_sql_cannot_slip_past(contact):
    Contact.objects.filter(pk=contact.pk).update(concerns="Changed by a bulk update.")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE referrals_contact SET concerns = %s WHERE id = %s",
            ["Changed by raw SQL.", contact.pk],
        )
    history = list(contact.events.order_by("pgh_id").values_list("pgh_label", "concerns"))
    assert history[0][0] == "insert"
    assert ("update", "Changed by a bulk update.") in history
    assert ("update", "Changed by raw SQL.") in history


def test_deletes_are_kept(referrer):
    person = Person.objects.create(first_name="Brief", last_name="Record")
    person_id = person.pk
    person.delete()
    events = Person.events.field.model
    assert events.objects.filter(pgh_obj_id=person_id, pgh_label="delete").exists()


def test_the_history_itself_cannot_be_changed(contact):
    event_model = Contact.events.field.model
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        event_model.objects.filter(pgh_obj_id=contact.pk).update(concerns="Rewritten")
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        event_model.objects.filter(pgh_obj_id=contact.pk).delete()


def test_changes_made_by_a_worker_are_attributed_to_the_task(celery_worker, referrer):
    from outcomes.models import Notice
    from outcomes.tasks import notice_deliver

    contact = submit_contact(referrer)
    notice = Notice.objects.filter(contact=contact).first()

    # The task's result is stored after its changes commit (each is its own statement).
    notice_deliver.apply_async(args=[notice.pk], ignore_result=False).get(timeout=30)
    events = notice.events.exclude(pgh_context=None)
    assert events.exists()
    assert events.first().pgh_context.metadata["job"] == "outcomes.tasks.notice_deliver"
