"""Recording police notifications (docs/adr/0037) through the web form, the CSV import
and the service: a re-sent reference is recognised, the grade sets the clock and the
urgency, hostile input is refused with nothing lost, and who may record is checked."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from frontdoor import events
from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from frontdoor.working_days import add_working_time, decision_due
from referrals import services
from referrals.models import Contact, PoliceInvolvement, PoliceNotification
from tests.factories import AgencyFactory, UserFactory
from tests.support.police import csv_file, csv_row, form_fields, police_input, record

pytestmark = pytest.mark.django_db


def test_a_police_member_records_a_notification_on_the_form(client, police_member):
    client.force_login(police_member)
    url = reverse("referrals:police-form")
    assert "Record a police notification" in client.get(url).text

    response = client.post(url, form_fields("ny-24 000777"), follow=True)

    assert response.status_code == 200
    notification = PoliceNotification.objects.get()
    contact = notification.contact
    assert f"is recorded as {contact.reference}" in response.text
    assert notification.police_reference == "NY-24000777"
    assert notification.force == police_member.agency
    assert contact.channel == Contact.Channel.POLICE_NOTIFICATION
    assert notification.officer_account.startswith("Officers attended")
    assert notification.officer_account not in contact.concerns
    child, father = contact.subjects.order_by("position")
    assert child.child_said == "Mummy and daddy were shouting."
    assert child.child_seen_by == "PC 1234 Reid"
    assert father.role == "alleged_perpetrator"
    assert dict(PoliceInvolvement.objects.values_list("subject_id", "involvement")) == {
        child.pk: "child_present",
        father.pk: "alleged_perpetrator",
    }
    assert AuditEvent.objects.filter(
        record_id=contact.reference, via="referrals.police_notification_form"
    ).exists()


def test_a_resent_reference_on_the_form_is_recognised_not_recorded_again(client, police_member):
    client.force_login(police_member)
    url = reverse("referrals:police-form")
    client.post(url, form_fields("NY-24-000777"))
    first = PoliceNotification.objects.get().contact

    response = client.post(url, form_fields(" ny-24-000777 "), follow=True)

    assert f"was already sent: it is {first.reference}" in response.text
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("incident-officer_account", "A\x00B", "null character"),
        ("incident-officer_account", "x" * 20_001, "characters or fewer"),
        ("incident-officer_name", "x" * 10_000, "characters or fewer"),
        ("incident-police_reference", "=SUM(A1)", "must start with a letter or number"),
        ("child-0-first_name", "Mia\x00", "null character"),
        ("incident-incident_time", "25:99", "like 22:15"),
    ],
)
def test_hostile_input_on_the_form_is_refused_and_nothing_typed_is_lost(
    client, police_member, field, value, message
):
    client.force_login(police_member)
    fields = form_fields(**{"incident-address": "<script>alert(1)</script>", field: value})

    response = client.post(reverse("referrals:police-form"), fields)

    assert response.status_code == 400
    assert message in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "Mummy and daddy were shouting." in response.text
    assert not PoliceNotification.objects.exists()


def test_only_police_staff_may_record(client, police_member):
    council = AgencyFactory(type="childrens_social_care")
    screener = UserFactory(roles=[Role.SCREENER], agency=council)
    police_referrer = UserFactory(roles=[Role.REFERRER], agency=police_member.agency)
    for user in (screener, police_referrer):
        client.force_login(user)
        assert client.get(reverse("referrals:police-form")).status_code == 403
        assert client.post(reverse("referrals:police-import")).status_code == 403
    with pytest.raises(services.PoliceNotificationRefused):
        record(screener)


def test_the_grade_sets_the_clock_and_high_is_immediate(police_member):
    received = timezone.now()
    contacts = {
        grade: record(police_member, f"REF-{grade}", grade=grade, received_at=received)[0]
        for grade in ("standard", "medium", "high")
    }
    assert contacts["high"].urgency == Contact.Urgency.IMMEDIATE
    assert contacts["medium"].urgency == Contact.Urgency.SOON
    assert contacts["standard"].urgency == Contact.Urgency.ROUTINE
    assert contacts["high"].decision_due_at == min(
        add_working_time(received, timedelta(hours=2)), decision_due(received)
    )
    assert contacts["standard"].decision_due_at == decision_due(received)
    assert (
        contacts["high"].decision_due_at
        <= contacts["medium"].decision_due_at
        <= contacts["standard"].decision_due_at
    )


@override_settings(
    IMMEDIATE_RISK_WORKING_HOURS=1, POLICE_RESPONSE_WORKING_HOURS={"medium": 4, "standard": 99}
)
def test_response_times_come_from_settings_and_never_pass_one_working_day(police_member):
    received = timezone.now()
    high, _ = record(police_member, "R1", grade="high", received_at=received)
    standard, _ = record(police_member, "R2", grade="standard", received_at=received)
    assert high.decision_due_at == min(
        add_working_time(received, timedelta(hours=1)), decision_due(received)
    )
    assert standard.decision_due_at == decision_due(received)


def test_the_recorded_event_is_published_for_a_new_notification_only(police_member):
    heard = []

    def hear(notification):
        heard.append((notification.police_reference, notification.involvements.count()))

    events.subscribe(events.POLICE_NOTIFICATION_RECORDED, hear)
    try:
        record(police_member, "EV-1")
        _, created = record(police_member, "ev-1")
    finally:
        events._subscribers[events.POLICE_NOTIFICATION_RECORDED].remove(hear)
    assert created is False
    assert heard == [("EV-1", 1)]


def test_a_batch_file_keeps_good_rows_reports_bad_ones_and_recognises_resends(
    client, police_member
):
    record(police_member, "B-1")
    rows = [
        csv_row("B-1"),  # sent before: a re-send
        csv_row("B-2"),
        csv_row("B-3", risk_grade="severe"),
        csv_row("B-4", child_1_first_name='=HYPERLINK("http://x")'),
        csv_row("B-5", officer_account="Bad\x00byte"),
        csv_row("B-2"),  # the same file twice: a re-send of row 3
        csv_row("B-6", child_1_date_of_birth="31/02/2020"),
    ]
    client.force_login(police_member)
    response = client.post(
        reverse("referrals:police-import"),
        {"file": SimpleUploadedFile("batch.csv", csv_file(rows), content_type="text/csv")},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith("/referrals/police/import/")
    text = response.text
    assert "1 recorded" in text
    assert "2 already sent, 4 with problems" in text
    assert "risk_grade" in text
    assert "must be one of" in text
    assert "child_1_first_name" in text
    assert "spreadsheet formula" in text
    assert "officer_account" in text
    assert "null character" in text
    assert "child_1_date_of_birth" in text
    assert set(PoliceNotification.objects.values_list("police_reference", flat=True)) == {
        "B-1",
        "B-2",
    }


def test_a_file_that_is_not_a_csv_or_too_big_is_refused_whole(client, police_member):
    client.force_login(police_member)
    url = reverse("referrals:police-import")
    bad = client.post(url, {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00junk")})
    assert bad.status_code == 400
    assert "UTF-8" in bad.text
    no_header = client.post(url, {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")})
    assert no_header.status_code == 400
    assert "missing: police_reference" in no_header.text
    with override_settings(POLICE_IMPORT_MAX_ROWS=2):
        many = client.post(
            url,
            {"file": SimpleUploadedFile("x.csv", csv_file([csv_row(f"M-{i}") for i in range(3)]))},
        )
    assert many.status_code == 400
    assert "more than 2 notifications" in many.text
    assert not PoliceNotification.objects.exists()


def test_the_import_command_uses_the_same_service(tmp_path, police_member, capsys):
    path = tmp_path / "batch.csv"
    path.write_bytes(csv_file([csv_row("C-1"), csv_row("C-1"), csv_row("C-2", risk_grade="")]))
    call_command("import_police_notifications", str(path), "--as", police_member.email)
    out = capsys.readouterr().out
    assert "1 recorded, 1 already sent, 1 with problems" in out
    assert "Row 4, risk_grade: is empty" in out
    assert PoliceNotification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_of_one_reference_make_one_contact(police_member):
    results = []

    def send():
        try:
            results.append(record(police_member, "RACE-1")[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert PoliceNotification.objects.count() == 1
    assert Contact.objects.count() == 1


def test_each_input_builder_gives_the_service_what_it_needs(police_member):
    contact, created = services.police_notification_record(
        actor=police_member, data=police_input("X-1"), force=police_member.agency
    )
    assert created
    assert contact.police_notification.risk_grade == "standard"
