"""A re-send that differs from what was first sent is never dropped quietly (the sender
is told how, the screener sees the differences on the contact log, a higher grade
raises the clock), and what every channel shares is checked once: references, a
plausible incident time (not after receipt, not more than 12 months before it, not a
London time the clocks skipped), and the CSV import's cells (docs/adr/0037)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import Contact, PoliceNotification
from screening import selectors
from screening.models import ContactLogEntry
from tests.support.police import csv_file, csv_row, form_fields, police_input, record

pytestmark = pytest.mark.django_db


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _latest_change(month: int) -> date:
    """The most recent clock change in ``month`` (3: spring, 10: autumn) before today."""
    today = timezone.localdate()
    this_year = _last_sunday(today.year, month)
    return this_year if this_year < today else _last_sunday(today.year - 1, month)


def _import(client, member, rows):
    """Upload a small file (imported while the uploader waits): its report page."""
    client.force_login(member)
    return client.post(
        reverse("referrals:police-import"),
        {"file": SimpleUploadedFile("batch.csv", csv_file(rows), content_type="text/csv")},
        follow=True,
    )


# 1. Re-sends with changes


def test_a_resend_graded_higher_with_another_child_is_told_logged_and_raises_the_clock(
    client, police_member, screener
):
    client.force_login(police_member)
    url = reverse("referrals:police-form")
    client.post(url, form_fields("NY-24-000900"))
    contact = Contact.objects.get()
    due_before = contact.decision_due_at
    assert contact.urgency == Contact.Urgency.ROUTINE

    changed = form_fields(
        "ny-24-000900",
        **{
            "incident-risk_grade": "high",
            "child-1-first_name": "Leo",
            "child-1-last_name": "Fletcher",
            "child-1-involvement": "child_resident",
        },
    )
    response = client.post(url, changed, follow=True)

    assert Contact.objects.count() == 1
    assert "This one differs" in response.text
    assert "Risk grade: first standard, now high" in response.text
    assert "Children: now also Leo Fletcher" in response.text
    assert "Nothing new was recorded" not in response.text
    contact.refresh_from_db()
    assert contact.urgency == Contact.Urgency.IMMEDIATE
    assert contact.decision_due_at < due_before
    notification = PoliceNotification.objects.get()
    assert notification.risk_grade == "high"
    assert notification.resent_with_changes_at is not None
    entry = ContactLogEntry.objects.get(contact=contact)
    assert entry.agency == police_member.agency
    assert "Risk grade: first standard, now high" in entry.note
    assert "Leo Fletcher (child normally resident, not present)" in entry.note

    client.force_login(screener)
    page = client.get(reverse("screening:contact", args=[contact.reference])).text
    assert "re-sent this notification with changes" in page
    assert "Children: now also Leo Fletcher" in page


def test_a_resend_with_another_account_keeps_the_first_and_logs_the_second(police_member):
    first, _ = record(police_member, "ACC-1")
    receipt = services.police_notification_receive(
        actor=police_member,
        data=police_input("ACC-1", account="Officers returned: the father had come back drunk."),
        force=police_member.agency,
    )
    assert not receipt.created
    assert [change.field for change in receipt.changes] == ["officer_account"]
    notification = PoliceNotification.objects.get()
    assert notification.officer_account.startswith("Officers attended")
    assert "the father had come back drunk" in ContactLogEntry.objects.get(contact=first).note
    reasons = selectors.bulk_refusals([first])[first.pk]
    assert "Police re-sent it with changes (see the contact log on its page)" in reasons


def test_a_resend_saying_the_same_records_nothing(police_member):
    contact, _ = record(police_member, "SAME-1")
    receipt = services.police_notification_receive(
        actor=police_member,
        data=police_input(" same-1 ", incident_at=contact.police_notification.incident_at),
        force=police_member.agency,
    )
    assert receipt.changes == []
    assert not ContactLogEntry.objects.exists()
    assert PoliceNotification.objects.get().resent_with_changes_at is None


def test_a_changed_resend_in_a_batch_file_is_reported(client, police_member):
    response = _import(
        client, police_member, [csv_row("CH-1"), csv_row("CH-1", risk_grade="medium")]
    )
    assert "Already sent, but different" in response.text
    assert "Row 3: CH-1" in response.text
    assert "Risk grade: first standard, now medium" in response.text
    assert Contact.objects.get().urgency == Contact.Urgency.SOON


# 5. The import's cells


def test_import_refuses_formulas_markup_in_references_and_nameless_people(client, police_member):
    rows = [
        csv_row("F-1", officer_name=" =HYPERLINK(1)"),
        csv_row("F-2", officer_account="-2+3"),
        csv_row("<script>alert(1)</script>"),
        csv_row("F-4", incident_number="<script>"),
        csv_row("F-5", child_2_date_of_birth="2018-01-01", child_2_involvement="present"),
        csv_row("F-6", adult_2_relationship="Uncle"),
        csv_row("F-7"),
    ]
    response = _import(client, police_member, rows)
    text = response.text
    assert "1 recorded" in text
    assert "0 already sent, 6 with problems" in text
    assert "officer_name" in text
    assert "officer_account" in text
    assert "(= + - @)" in text
    assert "police_reference" in text
    assert "incident_number" in text
    assert "must start with a letter or number" in text
    assert "child_2_first_name" in text
    assert "adult_2_first_name" in text
    assert "<script>alert(1)</script>" not in text
    assert list(PoliceNotification.objects.values_list("police_reference", flat=True)) == ["F-7"]


def test_import_reads_a_windows_1252_file(client, police_member):
    data = csv_file([csv_row("W-1", child_1_first_name="Zoë", officer_name="PC Ó Briain")])
    windows = data.decode().encode("cp1252")
    client.force_login(police_member)
    response = client.post(
        reverse("referrals:police-import"),
        {"file": SimpleUploadedFile("batch.csv", windows, content_type="text/csv")},
        follow=True,
    )
    assert "1 recorded" in response.text
    contact = Contact.objects.get()
    assert contact.subjects.get(role="child").first_name == "Zoë"
    assert contact.police_notification.officer_name == "PC Ó Briain"


# 6. Implausible incident times


@pytest.mark.parametrize(
    "incident_at",
    [
        datetime(1900, 1, 1, 12, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        None,  # 400 days ago
    ],
)
def test_an_incident_long_before_receipt_is_refused(police_member, incident_at):
    incident_at = incident_at or timezone.now() - timedelta(days=400)
    with pytest.raises(services.PoliceNotificationRefused) as refused:
        record(police_member, "OLD-1", incident_at=incident_at)
    assert refused.value.field == "incident_at"
    assert "within the 12 months before" in str(refused.value)
    assert not PoliceNotification.objects.exists()


def test_an_incident_after_receipt_is_refused(police_member):
    received = timezone.now() - timedelta(days=3)
    with pytest.raises(services.PoliceNotificationRefused) as refused:
        record(
            police_member,
            "LATE-1",
            received_at=received,
            incident_at=received + timedelta(hours=2),
        )
    assert "after the notification was received" in str(refused.value)


def test_a_time_the_clocks_skipped_is_refused_on_the_form_and_in_a_file(client, police_member):
    spring = _latest_change(3)
    client.force_login(police_member)
    fields = form_fields(
        "DST-1",
        **{
            "incident-incident_date_0": str(spring.day),
            "incident-incident_date_1": str(spring.month),
            "incident-incident_date_2": str(spring.year),
            "incident-incident_time": "01:30",
        },
    )
    response = client.post(reverse("referrals:police-form"), fields)
    assert response.status_code == 400
    assert "did not happen in the UK" in response.text
    assert "Mummy and daddy were shouting." in response.text

    report = _import(
        client,
        police_member,
        [csv_row("DST-2", incident_date=spring.isoformat(), incident_time="01:30")],
    )
    assert "did not happen in the UK" in report.text
    assert not PoliceNotification.objects.exists()


def test_a_time_the_clocks_repeated_is_taken_as_the_first(client, police_member):
    autumn = _latest_change(10)
    _import(
        client,
        police_member,
        [csv_row("DST-3", incident_date=autumn.isoformat(), incident_time="01:30")],
    )
    notification = PoliceNotification.objects.get()
    # 01:30 British Summer Time, the first time the clock showed it: 00:30 UTC.
    assert notification.incident_at == datetime.combine(autumn, time(0, 30), tzinfo=UTC)
