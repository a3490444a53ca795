"""Warnings on a person record through HTTP and the services: set, shown wherever the
person appears, reviewed, ended (kept), and refused to roles that may not set them."""

from datetime import date, time, timedelta

import pytest
from django.db import ProgrammingError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontdoor.errors import RecordRestricted
from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services
from referrals.models import PersonWarning, PersonWarningReview, WarningKind
from screening import services as screening_services
from screening import services_checks
from screening.meetings import services as meeting_services
from tests.factories import UserFactory, adult_input, child_input, submit_contact
from tests.support.checks import consented

pytestmark = pytest.mark.django_db


def _date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _warn(actor, person, kind=WarningKind.RISK_TO_STAFF, days=30):
    return services.warning_set(
        actor=actor,
        person=person,
        kind=kind,
        evidence="Threatened a social worker with a knife, police log 12 March.",
        review_due=timezone.localdate() + timedelta(days=days),
    )


@pytest.fixture
def family(referrer):
    contact = submit_contact(
        referrer,
        subjects=[child_input(), adult_input(first_name="Kyle", last_name="Mercer", role="parent")],
    )
    child, adult = contact.subjects.all()
    return contact, child.person, adult.person


def test_a_screener_sets_a_warning_and_sees_it_everywhere_the_person_appears(
    client, screener, family
):
    contact, _, father = family
    client.force_login(screener)
    url = reverse("referrals:warning-add", args=[father.pk])
    assert "Add a warning" in client.get(url).text

    review = timezone.localdate() + timedelta(days=60)
    response = client.post(
        url,
        {
            "kind": "risk_to_staff",
            "evidence": "Threatened a social worker at the door, police log 12 March.",
            **_date_fields("review_due", review),
        },
    )
    assert response.status_code == 302
    warning = PersonWarning.objects.get()
    assert (warning.person, warning.set_by, warning.review_due) == (father, screener, review)
    assert AuditEvent.objects.filter(
        via="referrals.warning_set", record_type="person", record_id=str(father.pk)
    ).exists()

    person_page = client.get(reverse("referrals:person-detail", args=[father.pk])).text
    contact_page = client.get(reverse("screening:contact", args=[contact.reference])).text
    queue = client.get(reverse("screening:queue")).text
    for page in (person_page, contact_page, queue):
        assert "Warning: Risk to staff" in page or "Risk to staff</strong>" in page
    assert "Kyle Mercer: Risk to staff" in contact_page
    assert "Threatened a social worker at the door" in contact_page
    assert 'Kyle Mercer: <strong class="govuk-tag govuk-tag--red">Warning: Risk to staff' in queue


def test_the_warning_shows_at_the_complex_case_meeting(client, manager, screener, referrer):
    # An exploitation concern is a complex case by the configured rules.
    contact = submit_contact(referrer, concern_categories=["child_exploitation"])
    _warn(screener, contact.subjects.get().person, kind=WarningKind.MARAC)
    run, _ = meeting_services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    assert run.entries.filter(contact=contact).exists()
    client.force_login(manager)
    page = client.get(reverse("screening:meeting", args=[run.pk])).text
    assert "Amelia Harrison: MARAC case" in page
    assert "Threatened a social worker with a knife" in page


def test_bad_input_is_a_message_and_nothing_typed_is_lost(client, screener, family):
    _, child, _ = family
    client.force_login(screener)
    url = reverse("referrals:warning-add", args=[child.pk])
    typed = "<script>alert(1)</script> =SUM(A1) " + "x" * 20
    response = client.post(
        url,
        {"kind": "", "evidence": typed, **_date_fields("review_due", timezone.localdate())},
    )
    assert response.status_code == 200
    assert "Select what kind of warning it is" in response.text
    assert "Review date must be in the future" in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; =SUM(A1)" in response.text
    assert "<script>alert(1)" not in response.text
    nul = client.post(url, {"kind": "other", "evidence": "abc\x00defghijklmnop"})
    assert nul.status_code == 200
    long = client.post(url, {"kind": "other", "evidence": "y" * 100_000})
    assert long.status_code == 200
    assert "characters or fewer" in long.text
    assert not PersonWarning.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.REFERRER, Role.PARTNER_AGENCY_MEMBER, Role.PERFORMANCE_VIEWER]
)
def test_roles_that_may_not_set_warnings_are_refused(client, family, role):
    _, child, _ = family
    client.force_login(UserFactory(roles=[role]))
    url = reverse("referrals:warning-add", args=[child.pk])
    body = {"kind": "other", "evidence": "Something long enough to pass."}
    assert client.get(url).status_code == 404
    assert client.post(url, body).status_code == 404
    with pytest.raises(services.WarningRefused):
        _warn(UserFactory(roles=[role]), child)
    assert not PersonWarning.objects.exists()


def test_an_ended_warning_is_kept_with_its_reason_and_no_longer_shown(
    client, screener, manager, family
):
    _, child, _ = family
    warning = _warn(screener, child)
    client.force_login(manager)
    url = reverse("referrals:warning-end", args=[child.pk, warning.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "The order ended on 1 May 2026."})
    assert response.status_code == 302

    warning.refresh_from_db()
    assert warning.ended_by == manager
    assert warning.end_reason == "The order ended on 1 May 2026."
    assert warning.ended_at is not None
    assert PersonWarning.objects.count() == 1
    person_page = client.get(reverse("referrals:person-detail", args=[child.pk])).text
    assert "Ended warnings (1)" in person_page
    assert "The order ended on 1 May 2026." in person_page
    assert "No active warnings" in person_page
    assert "Warning: Risk to staff" not in client.get(reverse("screening:queue")).text
    with pytest.raises(services.WarningRefused):
        services.warning_end(actor=manager, warning=warning, reason="Twice over.")


def test_a_warning_past_its_review_date_is_on_the_review_page_and_can_be_reviewed(
    client, screener, manager, family
):
    _, child, father = family
    due = _warn(screener, child, days=30)
    _warn(screener, father, kind=WarningKind.PROTECTION_ORDER, days=200)
    PersonWarning.objects.filter(pk=due.pk).update(
        review_due=timezone.localdate() - timedelta(days=2)
    )
    client.force_login(manager)
    page = client.get(reverse("referrals:restrictions")).text
    assert "Warnings to review" in page
    assert "Amelia Harrison" in page
    assert "Overdue" in page
    assert "Kyle Mercer" not in page  # not due for months

    url = reverse("referrals:warning-review", args=[child.pk, due.pk]) + "?from=review"
    new_date = timezone.localdate() + timedelta(days=90)
    response = client.post(
        url,
        {
            "from": "review",
            "note": "Still living at the address.",
            **_date_fields("review_due", new_date),
        },
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("referrals:restrictions"))
    due.refresh_from_db()
    assert (due.review_due, due.reviewed_by, due.review_note) == (
        new_date,
        manager,
        "Still living at the address.",
    )
    assert "Amelia Harrison" not in client.get(reverse("referrals:restrictions")).text
    assert AuditEvent.objects.filter(via="referrals.warning_reviewed").exists()


def test_the_queue_asks_the_same_number_of_queries_for_2_or_20_warned_people(
    client, screener, referrer
):
    client.force_login(screener)

    def queue_queries(people: int) -> int:
        names = ["Olu", "Zbigniew", "Hattie", "Precious", "Ksenia", "Tobiah", "Wren", "Ifeoma"]
        for n in range(PersonWarning.objects.count(), people):
            given = child_input(
                first_name=f"{names[n % 8]}{'x' * (n // 8)}",
                last_name=f"Q{n}{names[(n + 3) % 8]}",
                date_of_birth=date(2010 + n % 12, 1 + n % 12, 1 + n),
                postcode="",
            )
            contact = submit_contact(referrer, subjects=[given])
            _warn(screener, contact.subjects.get().person)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("screening:queue"))
        assert page.text.count("Warning: Risk to staff") == people
        return len(queries)

    assert queue_queries(2) == queue_queries(20)


def test_a_manager_not_named_on_a_person_restriction_does_not_see_the_warning_to_review(
    client, screener, manager, manager_b, family
):
    # The person is restricted, the contact they are on is not: only the person rule
    # can keep the warning off the review page.
    _, child, _ = family
    _warn(screener, child, days=3)
    services.restriction_add(
        actor=manager,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[manager],
        review_due=timezone.localdate() + timedelta(days=30),
        person=child,
    )
    client.force_login(manager_b)
    page = client.get(reverse("referrals:restrictions")).text
    assert "Amelia Harrison" not in page
    assert "Risk to staff" not in page
    client.force_login(manager)
    page = client.get(reverse("referrals:restrictions")).text
    assert "Warnings to review" in page
    assert "Risk to staff" in page
    assert "Amelia Harrison" in page


def test_a_partner_member_at_the_meeting_and_a_performance_viewer_see_no_warnings(
    client, manager, screener, referrer, police_member
):
    contact = submit_contact(referrer, concern_categories=["child_exploitation"])
    person = contact.subjects.get().person
    _warn(screener, person, kind=WarningKind.MARAC)
    screening_services.screening_claim(actor=screener, contact=contact)
    check = services_checks.check_request(
        actor=screener,
        contact=contact,
        agency=police_member.agency,
        question="Known?",
        sharing=consented(),
    )
    services_checks.check_answer(actor=police_member, check=check, response="Seen twice.")
    run, _ = meeting_services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    meeting = reverse("screening:meeting", args=[run.pk])

    client.force_login(police_member)
    page = client.get(meeting)
    assert page.status_code == 200
    assert "Amelia Harrison" in page.text  # the case the police were asked about, in full
    assert "Seen twice." in page.text
    assert "MARAC case" not in page.text
    assert "Threatened a social worker" not in page.text

    client.force_login(UserFactory(roles=[Role.PERFORMANCE_VIEWER]))
    for url in (
        meeting,
        reverse("screening:queue"),
        reverse("referrals:person-detail", args=[person.pk]),
        reverse("outcomes:person-chronology", args=[person.pk]),
        reverse("outcomes:scorecard-inspection"),
    ):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        assert "MARAC case" not in response.text, url
        assert "Threatened a social worker" not in response.text, url


def test_the_review_page_and_the_meeting_audit_each_warned_person_they_show(
    client, manager, screener, referrer
):
    contact = submit_contact(referrer, concern_categories=["child_exploitation"])
    person = contact.subjects.get().person
    _warn(screener, person, days=3)
    run, _ = meeting_services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    client.force_login(manager)

    def person_views() -> int:
        return AuditEvent.objects.filter(
            actor=manager,
            action=AuditEvent.Action.VIEW,
            record_type="person",
            record_id=str(person.pk),
        ).count()

    assert person_views() == 0
    assert "Amelia Harrison" in client.get(reverse("referrals:restrictions")).text
    assert person_views() == 1
    assert (
        "Threatened a social worker" in client.get(reverse("screening:meeting", args=[run.pk])).text
    )
    assert person_views() == 2


def test_the_database_refuses_to_delete_a_warning_or_rewrite_a_review(screener, manager, family):
    _, child, _ = family
    warning = _warn(screener, child)
    services.warning_review(
        actor=manager,
        warning=warning,
        review_due=timezone.localdate() + timedelta(days=60),
        note="Still living at the address.",
    )
    review = PersonWarningReview.objects.get(warning=warning)
    assert (review.reviewed_by, review.note) == (manager, "Still living at the address.")
    never_reviewed = _warn(screener, child, kind=WarningKind.MARAC)
    with pytest.raises(ProgrammingError, match="never deleted"), transaction.atomic():
        PersonWarning.objects.filter(pk=never_reviewed.pk).delete()
    with pytest.raises(ProgrammingError, match="never deleted"), transaction.atomic():
        PersonWarningReview.objects.filter(pk=review.pk).delete()
    with pytest.raises(ProgrammingError, match="never edited"), transaction.atomic():
        PersonWarningReview.objects.filter(pk=review.pk).update(note="Rewritten later.")
    assert PersonWarningReview.objects.get().note == "Still living at the address."


def test_the_services_refuse_staff_not_named_on_a_person_restriction(
    screener, manager, manager_b, family
):
    # Second line of defence: a caller that skipped person_get still cannot set,
    # review or end a restricted person's warning.
    _, child, _ = family
    warning = _warn(screener, child)
    services.restriction_add(
        actor=manager,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[manager],
        review_due=timezone.localdate() + timedelta(days=30),
        person=child,
    )
    later = timezone.localdate() + timedelta(days=60)
    with pytest.raises(RecordRestricted):
        _warn(manager_b, child, kind=WarningKind.MARAC)
    with pytest.raises(RecordRestricted):
        services.warning_review(actor=manager_b, warning=warning, review_due=later, note="Kept.")
    with pytest.raises(RecordRestricted):
        services.warning_end(actor=manager_b, warning=warning, reason="Not needed now.")
    assert PersonWarning.objects.get().ended_at is None
    services.warning_review(actor=manager, warning=warning, review_due=later, note="Kept on.")
