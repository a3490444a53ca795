"""The contact log (case notes) on a contact's screening page: through HTTP as screeners
and managers use it, through the services, and against the database itself (an entry
is never edited or deleted)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from referrals import services as referral_services
from screening import services_log as log_services
from screening.models import ContactLogEntry
from tests.factories import submit_contact

pytestmark = pytest.mark.django_db

WithWhom, How = ContactLogEntry.WithWhom, ContactLogEntry.How


@pytest.fixture
def contact(referrer):
    """Received two hours ago: a conversation since then can be logged at any time."""
    return submit_contact(referrer, received_at=timezone.now() - timedelta(hours=2))


def _page(reference: str) -> str:
    return reverse("screening:contact", args=[reference])


def _add(reference: str) -> str:
    return reverse("screening:log-add", args=[reference])


def _form(when=None, **overrides) -> dict:
    when = timezone.localtime(when or timezone.now() - timedelta(minutes=2))
    data = {
        "log-with_whom": "referrer",
        "log-how": "phone",
        "log-occurred_on_0": str(when.day),
        "log-occurred_on_1": str(when.month),
        "log-occurred_on_2": str(when.year),
        "log-occurred_time": f"{when:%H:%M}",
        "log-note": "Spoke to the DSL: Amelia is in school today and was quiet.",
    }
    data.update({f"log-{name}": value for name, value in overrides.items()})
    return data


def _entry(actor, contact, **overrides) -> ContactLogEntry:
    values = {
        "with_whom": WithWhom.REFERRER,
        "how": How.PHONE,
        "occurred_at": timezone.now(),
        "note": "Called the referrer back.",
    }
    values.update(overrides)
    return log_services.log_entry_record(
        actor=actor, contact=contact, data=log_services.LogInput(**values)
    )


def _log_section(html: str) -> str:
    start = html.index('id="contact-log"')
    return html[start : html.index('id="decision"', start)]


# --- Recording through the page ------------------------------------------------------


def test_a_screener_logs_a_call_and_sees_it_on_the_contact_newest_first(
    client, screener, contact, police
):
    client.force_login(screener)
    earlier = timezone.now() - timedelta(minutes=30)
    first = client.post(_add(contact.reference), _form(when=earlier))
    assert first.status_code == 302
    entry = ContactLogEntry.objects.get()
    assert first["Location"] == f"{_page(contact.reference)}#log-entry-{entry.pk}"
    assert entry.recorded_by == screener
    assert entry.with_whom == WithWhom.REFERRER
    assert entry.how == How.PHONE
    assert timezone.localtime(entry.occurred_at).strftime("%H:%M") == (
        timezone.localtime(earlier).strftime("%H:%M")
    )
    client.post(
        _add(contact.reference),
        _form(
            with_whom="agency",
            agency=str(police.pk),
            with_name="DS Khan",
            how="email",
            note="Asked the police for the call-out log.",
        ),
    )
    page = client.get(_page(contact.reference))
    log = _log_section(page.text)
    # Newest first: the email (a minute ago) above the call (half an hour ago).
    assert log.index("Email with Demo Police (DS Khan)") < log.index("Phone call with the referrer")
    assert "Asked the police for the call-out log." in log
    assert "Sam Screener" in log
    assert AuditEvent.objects.filter(
        actor=screener,
        action=AuditEvent.Action.CREATE,
        record_type="contact",
        record_id=contact.reference,
        via="screening.log_entry_record",
        detail__log_entry=entry.pk,
    ).exists()


def test_a_manager_may_log_too_whoever_holds_the_contact(client, manager, contact):
    client.force_login(manager)
    assert client.post(_add(contact.reference), _form()).status_code == 302
    assert ContactLogEntry.objects.get().recorded_by == manager


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"with_whom": ""}, "with_whom", "Select who it was with"),
        ({"with_whom": "agency"}, "agency", "Select which agency"),
        ({"with_whom": "other"}, "with_name", "Enter who it was with"),
        ({"how": "telepathy"}, "how", "Select how it happened"),
        ({"with_whom": "the-moon"}, "with_whom", "Select who it was with"),
        ({"occurred_time": "quarter past"}, "occurred_time", "Enter a time, like 15:10"),
        ({"occurred_time": "25:00"}, "occurred_time", "Enter a time, like 15:10"),
        ({"note": "   "}, "note", "Enter what was said or done"),
        ({"note": "Called.\x00"}, "note", "null character"),
        ({"with_name": "Mrs\x00 Shah"}, "with_name", "null character"),
        ({"note": "x" * 20_001}, "note", "20,000 characters or fewer"),
    ],
)
def test_wrong_input_is_explained_and_what_was_typed_kept(
    client, screener, contact, overrides, field, message
):
    client.force_login(screener)
    response = client.post(_add(contact.reference), _form(**overrides))
    assert response.status_code == 400
    assert ContactLogEntry.objects.count() == 0
    assert "govuk-error-summary" in response.text
    assert message in response.text
    assert f'href="#id_log-{field}' in response.text
    assert "<title>Error: " in response.text
    # The note typed (when it was one that can be shown back) is still in the form.
    if "\x00" not in overrides.get("note", "") and len(overrides.get("note", "")) < 100:
        assert _form(**overrides)["log-note"].strip() in response.text


def test_a_time_in_the_future_or_before_the_contact_is_refused(client, screener, contact):
    client.force_login(screener)
    now = timezone.localtime()
    # Later today (two hours on, or 23:59 when that is tomorrow): a time still to come.
    later_today = min(now + timedelta(hours=2), now.replace(hour=23, minute=59))
    if later_today - now < timedelta(minutes=2):
        pytest.skip("No minute of today is left to be in the future")
    later = client.post(_add(contact.reference), _form(when=later_today))
    tomorrow = client.post(_add(contact.reference), _form(when=timezone.now() + timedelta(days=1)))
    before = client.post(
        _add(contact.reference), _form(when=contact.received_at - timedelta(days=3))
    )
    assert (later.status_code, tomorrow.status_code, before.status_code) == (400, 400, 400)
    assert "must be now or in the past" in later.text
    assert "must be today or in the past" in tomorrow.text
    assert "on or after the contact was received" in before.text
    assert ContactLogEntry.objects.count() == 0


def test_hostile_text_is_stored_as_typed_and_shown_as_text(client, screener, contact):
    client.force_login(screener)
    note = "<script>alert(1)</script> =SUM(A1) " + "long " * 1_995  # 10,000 characters
    assert len(note) >= 10_000
    response = client.post(
        _add(contact.reference),
        _form(with_whom="other", with_name="<b>Nan</b> =SUM(A1)", note=note),
    )
    assert response.status_code == 302
    entry = ContactLogEntry.objects.get()
    assert entry.note == note.strip()
    assert entry.with_name == "<b>Nan</b> =SUM(A1)"
    page = client.get(_page(contact.reference)).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; =SUM(A1)" in page
    assert "&lt;b&gt;Nan&lt;/b&gt; =SUM(A1)" in page


def test_times_people_write_are_understood():
    from screening.forms_log import time_parse

    assert [str(time_parse(text)) for text in ("15:10", "9.05", "0910", "3pm", "3:10 PM")] == [
        "15:10:00",
        "09:05:00",
        "09:10:00",
        "15:00:00",
        "15:10:00",
    ]
    assert [time_parse(text) for text in ("15", "13pm", "24:00", "12:60", "noon", "")] == [None] * 6


# --- Corrections -----------------------------------------------------------------------


def test_a_wrong_entry_is_corrected_and_both_are_shown(client, screener, manager, contact, police):
    entry = _entry(screener, contact, note="Spoke to the DSL, Mrs Shah.")
    client.force_login(manager)
    url = reverse("screening:log-correct", args=[contact.reference, entry.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "Spoke to the DSL, Mrs Shah." in form.text  # starts from the entry as it is
    data = {
        k.replace("log-", "correction-"): v
        for k, v in _form(
            when=entry.occurred_at,
            with_whom="agency",
            agency=str(police.pk),
            with_name="PC Ray",
            note="Spoke to PC Ray, not the DSL.",
        ).items()
    }
    empty_reason = client.post(url, data)
    assert empty_reason.status_code == 400
    assert "Enter why the entry is being corrected" in empty_reason.text
    saved = client.post(url, {**data, "correction-reason": "It was the police, not the school."})
    assert saved.status_code == 302
    correction = ContactLogEntry.objects.get(corrects=entry)
    assert correction.recorded_by == manager
    entry.refresh_from_db()
    assert entry.note == "Spoke to the DSL, Mrs Shah."  # the original stays as it was
    log = _log_section(client.get(_page(contact.reference)).text)
    # One card: the correction, with what it corrects shown against it.
    assert log.count('class="govuk-summary-card__title"') == 1
    assert log.index("Spoke to PC Ray, not the DSL.") < log.index("It corrects this entry")
    assert log.index("It corrects this entry") < log.index("Spoke to the DSL, Mrs Shah.")
    assert "It was the police, not the school." in log
    assert AuditEvent.objects.filter(
        actor=manager,
        action=AuditEvent.Action.CHANGE,
        record_id=contact.reference,
        via="screening.log_entry_correct",
        detail__corrects=entry.pk,
    ).exists()
    # Corrected once: the page now offers to correct the correction instead.
    again = client.get(url)
    assert "Correct the correction instead" in again.text
    assert client.post(url, {**data, "correction-reason": "Again."}).status_code == 200
    assert ContactLogEntry.objects.filter(corrects=entry).count() == 1


def test_a_correction_of_a_correction_shows_the_whole_chain(screener, contact, client):
    first = _entry(screener, contact, note="Version one.")
    second = log_services.log_entry_correct(
        actor=screener,
        entry=first,
        data=log_services.LogInput(
            with_whom=WithWhom.CHILD, how=How.IN_PERSON, occurred_at=first.occurred_at, note="Two."
        ),
        reason="It was the child.",
    )
    log_services.log_entry_correct(
        actor=screener,
        entry=second,
        data=log_services.LogInput(
            with_whom=WithWhom.CHILD, how=How.MEETING, occurred_at=first.occurred_at, note="Three."
        ),
        reason="It was at a meeting.",
    )
    with pytest.raises(log_services.LogRefused, match="already been corrected"):
        log_services.log_entry_correct(
            actor=screener,
            entry=first,
            data=log_services.LogInput(
                with_whom=WithWhom.CHILD, how=How.PHONE, occurred_at=first.occurred_at, note="4"
            ),
            reason="Once more.",
        )
    client.force_login(screener)
    log = _log_section(client.get(_page(contact.reference)).text)
    assert [log.index(text) for text in ("Three.", "Two.", "Version one.")] == sorted(
        log.index(text) for text in ("Three.", "Two.", "Version one.")
    )
    assert log.count('class="govuk-summary-card__title"') == 1


def test_an_entry_of_another_contact_is_not_found_through_this_one(client, screener, referrer):
    one, other = submit_contact(referrer), submit_contact(referrer)
    entry = _entry(screener, other)
    client.force_login(screener)
    url = reverse("screening:log-correct", args=[one.reference, entry.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


# --- Who may ---------------------------------------------------------------------------


def test_referrers_and_partner_members_never_see_or_write_the_log(
    client, referrer, police_member, screener, contact
):
    entry = _entry(screener, contact, note="Only for screening staff.")
    for user in (referrer, police_member):
        client.force_login(user)
        assert client.post(_add(contact.reference), _form()).status_code == 404
        correct = reverse("screening:log-correct", args=[contact.reference, entry.pk])
        assert client.get(correct).status_code == 404
        for page in (
            reverse("referrals:contact-detail", args=[contact.reference]),
            reverse("outcomes:my-referral", args=[contact.reference]),
        ):
            answer = client.get(page)
            assert "Only for screening staff." not in answer.text
    assert ContactLogEntry.objects.count() == 1
    with pytest.raises(log_services.LogRefused, match="Only screeners and managers"):
        _entry(referrer, contact)


def test_a_restricted_contact_log_is_refused_to_staff_not_named(client, screener, manager, contact):
    entry = _entry(screener, contact, note="Said in confidence.")
    referral_services.restriction_add(
        actor=manager,
        contact=contact,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[manager],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(screener)
    refused = client.get(_page(contact.reference))
    assert refused.status_code == 403
    assert "Said in confidence." not in refused.text
    assert client.post(_add(contact.reference), _form()).status_code == 403
    correct = reverse("screening:log-correct", args=[contact.reference, entry.pk])
    assert client.get(correct).status_code == 403
    with pytest.raises(log_services.LogRefused, match="restricted"):
        _entry(screener, contact)
    client.force_login(manager)
    assert "Said in confidence." in client.get(_page(contact.reference)).text


# --- The database keeps it append-only -------------------------------------------------


def test_the_database_refuses_to_edit_or_delete_an_entry(screener, contact):
    entry = _entry(screener, contact)
    for attempt in (
        lambda: ContactLogEntry.objects.filter(pk=entry.pk).update(note="Rewritten."),
        lambda: ContactLogEntry.objects.filter(pk=entry.pk).update(
            occurred_at=entry.occurred_at - timedelta(hours=1)
        ),
        lambda: ContactLogEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(ProgrammingError, match=r"never (edited|deleted)"), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.note == "Called the referrer back."


def test_erasure_may_replace_only_the_text(screener, contact):
    entry = _entry(screener, contact, with_whom=WithWhom.OTHER, with_name="Nan")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL frontdoor.retention_erasure = 'on'")
        ContactLogEntry.objects.filter(pk=entry.pk).update(note="[erased]", with_name="[erased]")
        with pytest.raises(ProgrammingError, match="never edited"), transaction.atomic():
            ContactLogEntry.objects.filter(pk=entry.pk).update(how=How.EMAIL)
    entry.refresh_from_db()
    assert (entry.note, entry.with_name, entry.how) == ("[erased]", "[erased]", How.PHONE)


def test_the_database_keeps_the_rules_a_caller_might_skip(screener, contact, referrer):
    other = submit_contact(referrer)
    entry = _entry(screener, contact)
    base = {
        "contact": contact,
        "with_whom": WithWhom.REFERRER,
        "how": How.PHONE,
        "occurred_at": timezone.now() - timedelta(minutes=1),
        "note": "x",
        "recorded_by": screener,
    }
    for wrong, error in (
        ({"with_whom": WithWhom.AGENCY}, IntegrityError),  # which agency?
        ({"with_whom": WithWhom.OTHER}, IntegrityError),  # who?
        ({"note": ""}, IntegrityError),
        ({"occurred_at": timezone.now() + timedelta(hours=1)}, IntegrityError),
        ({"corrects": entry}, IntegrityError),  # a correction with no reason
        ({"contact": other, "corrects": entry, "correction_reason": "r"}, ProgrammingError),
    ):
        with pytest.raises(error), transaction.atomic():
            ContactLogEntry.objects.create(**{**base, **wrong})


def test_an_erased_contact_takes_no_new_entries(screener, contact):
    from referrals.models import Contact

    Contact.objects.filter(pk=contact.pk).update(erased_at=timezone.now())
    contact.refresh_from_db()
    with pytest.raises(log_services.LogRefused, match="erased"):
        _entry(screener, contact)


def test_the_page_reads_the_log_in_one_query_however_long(client, screener, contact):
    from django.test.utils import CaptureQueriesContext

    client.force_login(screener)
    _entry(screener, contact)
    with CaptureQueriesContext(connection) as short:
        client.get(_page(contact.reference))
    for minutes in range(2, 22):
        previous = _entry(
            screener, contact, occurred_at=timezone.now() - timedelta(minutes=minutes)
        )
        log_services.log_entry_correct(
            actor=screener,
            entry=previous,
            data=log_services.LogInput(
                with_whom=WithWhom.CHILD,
                how=How.IN_PERSON,
                occurred_at=previous.occurred_at,
                note="Corrected.",
            ),
            reason="Wrong person.",
        )
    with CaptureQueriesContext(connection) as long:
        page = client.get(_page(contact.reference))
    assert len(re.findall(r'class="govuk-summary-card" id="log-entry-', page.text)) == 21
    assert len(long.captured_queries) == len(short.captured_queries)
