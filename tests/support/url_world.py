"""The world every URL-by-role walk signs in to: a user for every role (and a second
referrer), and the records the URLs name (tests/support/url_table.py says what each
role gets from each URL)."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.test import override_settings
from django.utils import timezone

from frontdoor.roles import Role
from outcomes import letters
from outcomes import services as notice_services
from outcomes.encompass import notices as encompass_notices
from outcomes.handoff import endpoints as webhook_services
from outcomes.models import Alert, Delivery, EncompassNotice, Notice, OutcomeImport
from outcomes.returns import services as returns_services
from referrals import services as referral_services
from referrals.models import (
    Contact,
    ContactSubject,
    Person,
    PoliceImport,
    Relationship,
    Scope,
    WarningKind,
)
from screening import services as screening_services
from screening import services_checks
from screening import services_log as log_services
from screening import services_pathways as pathway_services
from screening.audits import services as audit_services
from screening.audits.weeks import last_complete_week
from screening.meetings import services as meeting_services
from screening.models import (
    AuditCriterion,
    ContactLogEntry,
    Route,
    SharingBasis,
    ThresholdLevel,
)
from tests.factories import (
    AgencyFactory,
    UserFactory,
    adult_input,
    child_input,
    contact_input,
    submit_contact,
)
from tests.support import encompass as encompass_support
from tests.support.audits import decided_in_week
from tests.support.checks import consented
from tests.support.documents import small_pdf
from tests.support.screening import decide as screening_decide

ANON = "anonymous"
REFERRER_B = "referrer_b"
WHO = [ANON, *[role.value for role in Role], REFERRER_B]


def url_world() -> tuple[dict, dict]:
    """Users for every role (and referrer B), and the ids the URLs take: records belonging
    to referrer A (the referrer role's user), at the stages the URLs need: a contact being
    screened with a check out to the member's agency, and one waiting for a manager's
    approval."""
    police = AgencyFactory(name="Walk Police")
    users = {role.value: UserFactory(roles=[role]) for role in Role}
    member = users[Role.PARTNER_AGENCY_MEMBER.value]
    member.agency = police
    member.save()
    users[REFERRER_B] = UserFactory(roles=[Role.REFERRER])
    screener, referrer = users["screener"], users["referrer"]

    # The child's mother is on it too: the relationship suggested between them is the
    # family panel's record.
    contact = submit_contact(
        referrer,
        concern_categories=["child_exploitation"],
        subjects=[child_input(), adult_input()],
    )
    subject = contact.subjects.get(role=ContactSubject.Role.CHILD)
    screening_services.screening_claim(actor=screener, contact=contact)
    document = referral_services.document_attach(
        actor=referrer,
        contact=contact,
        upload=referral_services.DocumentUpload(filename="school-report.pdf", data=small_pdf()),
        via="referral",
    )
    # The referrer's file is shared with the police on the check.
    check = services_checks.check_request(
        actor=screener,
        contact=contact,
        agency=police,
        question="Anything known?",
        sharing=consented(),
        documents=[document],
    )
    with override_settings(CHECKS_WITHOUT_CONSENT_NEED_APPROVAL=True):
        held_check = services_checks.check_request(
            actor=screener,
            contact=contact,
            agency=police,
            question="Any incidents at the address?",
            sharing=services_checks.Sharing(SharingBasis.PREJUDICE),
        )
    run, _ = meeting_services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    action = meeting_services.meeting_action_add(
        actor=users["manager"],
        entry=run.entries.get(),
        action=meeting_services.ActionInput(
            "Ask the school about attendance.", screener, timezone.localdate()
        ),
    )

    waiting = submit_contact(referrer)
    screening_services.screening_claim(actor=screener, contact=waiting)
    decision = screening_services.decision_record(
        actor=screener,
        contact=waiting,
        route=Route.SOCIAL_CARE_ASSESSMENT,
        threshold_level=ThresholdLevel.objects.get(number=3),
        rationale="A rationale that would stand up if it were questioned later.",
        family_notice="notify",
        primary_need="N1",
    )
    # Two decisions of last week by the screener, both sampled (the whole week) and
    # given to the manager, who has graded one.
    audited = [decided_in_week(screener=screener, referrer=referrer, hour=9 + n) for n in range(2)]
    with override_settings(DECISION_AUDIT_SAMPLE_PERCENT=100):
        sample, _ = audit_services.audit_sample_draw(
            week_start=last_complete_week(), actor=users["manager"]
        )
    to_grade, graded = sample.audits.order_by("decision_id")
    assert {to_grade.decision_id, graded.decision_id} == {d.pk for d in audited}
    audit_services.decision_audit_grade(
        actor=users["manager"],
        audit=graded,
        grade="good",
        comments="A clear rationale; name the worry for each child.",
        criteria={
            c.pk: audit_services.CriterionGrade("good")
            for c in AuditCriterion.objects.filter(is_active=True)
        },
    )
    log_entry = log_services.log_entry_record(
        actor=screener,
        contact=contact,
        data=log_services.LogInput(
            with_whom=ContactLogEntry.WithWhom.REFERRER,
            how=ContactLogEntry.How.PHONE,
            occurred_at=timezone.now(),
            note="Spoke to the referrer: the child is at school today.",
        ),
    )
    warning = referral_services.warning_set(
        actor=screener,
        person=subject.person,
        kind=WarningKind.RISK_TO_STAFF,
        evidence="Threatened a social worker at the door in March.",
        review_due=timezone.localdate() + timedelta(days=30),
    )
    # A likely duplicate of the child to compare with, and a merge of two other records
    # (standing, so its page offers to undo it).
    duplicate = Person.objects.create(
        first_name=subject.first_name, last_name=subject.last_name, postcode=subject.postcode
    )
    merge = referral_services.person_merge(
        actor=users["manager"],
        kept=Person.objects.create(first_name="Kai", last_name="Walker"),
        merged=Person.objects.create(first_name="Kay", last_name="Walker"),
        reason="The same child: the school confirmed the date of birth.",
    )
    # A case system receiving events at a webhook endpoint (a system of its own: the
    # walk deletes the first one before it reaches these pages), added before the
    # decision below, so that decision's event has a delivery to it.
    receiver, _ = referral_services.api_client_create(
        name="Walk event receiver", account=users["case_system"], scopes=[Scope.RECEIVE_EVENTS]
    )
    endpoint, _ = webhook_services.webhook_endpoint_create(
        actor=users["administrator"], client=receiver, url="https://cases.example.gov.uk/events"
    )
    # A family letter, printed here (no Notify key in tests), in today's print batch.
    told = submit_contact(
        referrer, subjects=[child_input(), adult_input(address="1 Mill Lane\nYork")]
    )
    screening_services.screening_claim(actor=screener, contact=told)
    screening_decide(screener, told, ThresholdLevel.objects.get(number=2), route=Route.EARLY_HELP)
    family = Notice.objects.get(contact=told, audience=Notice.Audience.FAMILY)
    notice_services.notice_deliver(notice_id=family.pk)
    batch = letters.print_batch_gather()
    partner, _ = referral_services.api_client_create(
        name="Walk case system", account=users["case_system"]
    )
    # An Operation Encompass notice waiting for its school, and the directory's records.
    encompass_notice = EncompassNotice.objects.get(
        notification=encompass_support.police_notification(
            incident_at=timezone.now() - timedelta(hours=3)
        )
    )
    calendar = encompass_support.calendar_2026_27()
    # A LADO allegation, restricted on receipt to the LADO role and managers.
    allegation = pathway_services.pathway_record(
        actor=users["lado"],
        pathway="lado",
        data=pathway_services.PathwayInput(
            concerns="A pupil says a teacher hurt her.",
            children=[child_input()],
            referrer=referral_services.ReferrerInput(name="Jo Head"),
            details={
                "adult_name": "Mark Teacher",
                "adult_role": "PE teacher",
                "organisation": "Oak Primary School",
                "organisation_contact": "Jo Head",
            },
        ),
    )
    directory_school = encompass_support.school()
    # A contact the emergency duty team recorded out of hours, not yet handed over.
    edt_contact, _ = referral_services.contact_submit(
        actor=users[Role.EDT.value],
        data=contact_input(out_of_hours=True),
        channel=Contact.Channel.CONTACT_CENTRE,
    )
    ids = {
        # The check to the police alerted the member (outcomes/alerts).
        "pathway_kind": "lado",
        "pathway_reference": allegation.contact.reference,
        "alert_id": Alert.objects.get(recipient=member, subject_id=check.pk).pk,
        "encompass_id": encompass_notice.pk,
        "ack_token": encompass_notices.acknowledge_token(encompass_notice),
        "school_id": directory_school.pk,
        "calendar_id": calendar.pk,
        "receiver_id": receiver.pk,
        "endpoint_id": endpoint.pk,
        "secret_id": endpoint.secrets.get().pk,
        "delivery_id": Delivery.objects.filter(endpoint=endpoint).first().pk,
        "batch_id": batch.pk,
        "client_id": partner.pk,
        "token_id": partner.tokens.get().pk,
        "other_id": duplicate.pk,
        "merge_id": merge.pk,
        "warning_id": warning.pk,
        "log_entry_id": log_entry.pk,
        "document_id": document.pk,
        "reference": contact.reference,
        "edt_reference": edt_contact.reference,
        "subject_id": subject.pk,
        "person_id": subject.person_id,
        "check_id": check.pk,
        "held_check_id": held_check.pk,
        "run_id": run.pk,
        "entry_id": run.entries.get().pk,
        "action_id": action.pk,
        "notice_id": Notice.objects.filter(contact=contact).first().pk,
        "decision_id": decision.pk,
        "audit_id": to_grade.pk,
        "graded_audit_id": graded.pk,
        "criterion_id": AuditCriterion.objects.first().pk,
        "export_id": returns_services.census_export_make(actor=None, year=2027).pk,
        "import_id": OutcomeImport.objects.create(uploaded_by=screener, content="x").pk,
        "police_import_id": PoliceImport.objects.create(
            uploaded_by=screener, force_id=screener.agency_id
        ).pk,
        "screener_id": screener.pk,
        "relationship_id": Relationship.objects.get(relative_id=subject.person_id).pk,
    }
    return users, ids
