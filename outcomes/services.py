"""Writes for notices: the outbox, its delivery and its sweeper.

``notices_for_receipt`` and ``notices_for_decision`` run inside the transaction of
the contact or decision (they are subscribed to its events in ``apps.py``), so a
rolled-back decision leaves no notice and a committed one always has its notices.
Delivery claims each row with a conditional update, so however often a task runs
a notice is handed to the mail server at most once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.dispatch import dispatch, send
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from outcomes import letters, mail, notify, outbox
from outcomes.models import Notice
from referrals.models import Contact
from referrals.selectors_family_address import letter_address, letter_addresses
from screening import selectors as screening_selectors
from screening.models import Decision
from screening.pathways import PATHWAYS

logger = logging.getLogger(__name__)

STUCK_PENDING_AFTER = timedelta(minutes=2)
STUCK_SENDING_AFTER = outbox.STUCK_SENDING_AFTER


class TemporaryDeliveryFailure(Exception):
    """The provider could not take the notice now; try again later."""


class NoticeRefused(Exception):
    pass


def _referrer_address(contact: Contact) -> tuple[str, str] | None:
    """(channel, recipient) for the referrer, or None when they cannot be told."""
    if contact.referrer_anonymous:
        return None
    email = contact.referrer.email if contact.referrer_id else contact.referrer_email
    if email:
        return Notice.Channel.EMAIL, email
    if contact.referrer_phone:
        return Notice.Channel.SMS, contact.referrer_phone
    return None


def _family_address(contact: Contact) -> str:
    address = letter_address(contact)
    return address.as_text() if address is not None else ""


NOTICE_DELIVER = "outcomes.tasks.notice_deliver"
NOTICES_DELIVER = "outcomes.tasks.notices_deliver"
# More notices than this from one transaction (bulk triage) are queued as one message
# the worker turns into a delivery task each, so the request waits for one send.
NOTICES_QUEUED_ONE_BY_ONE = 4
NO_ADDRESS = "No postal address for the family: add one on the contact"


def _enqueue_after_commit(notice_ids: list[int]) -> None:
    # A notice the broker did not take stays pending; notices_sweep queues it again.
    if len(notice_ids) > NOTICES_QUEUED_ONE_BY_ONE:
        dispatch(NOTICES_DELIVER, *notice_ids)
        return
    for notice_id in notice_ids:
        dispatch(NOTICE_DELIVER, notice_id)


def notices_deliver_queue(*, notice_ids: list[int]) -> int:
    """In the worker: a delivery task for each notice, as if each had been queued by
    itself. Returns how many the broker took; the sweep queues any it did not."""
    return sum(send(NOTICE_DELIVER, notice_id) for notice_id in notice_ids)


def _notice(
    contact: Contact,
    decision: Decision | None,
    kind: str,
    audience: str,
    address,
    *,
    failure_reason: str = "",
) -> Notice:
    """A pending notice, or with ``failure_reason`` one that can never go (written so
    at once: one statement, not a pending row changed straight after). Not saved."""
    channel, recipient = address
    return Notice(
        contact=contact,
        decision=decision,
        kind=kind,
        audience=audience,
        channel=channel,
        recipient=recipient,
        status=Notice.Status.PERMANENT_FAILURE if failure_reason else Notice.Status.PENDING,
        failure_reason=failure_reason,
    )


def notices_for_receipt(*, contact: Contact) -> list[Notice]:
    """An acknowledgement to the referrer, with the reference, on receipt."""
    if contact.advice_only:
        return []
    address = _referrer_address(contact)
    if address is None:
        return []
    notice = _notice(contact, None, Notice.Kind.ACKNOWLEDGEMENT, Notice.Audience.REFERRER, address)
    notice.save()
    _enqueue_after_commit([notice.pk])
    return [notice]


def notices_for_decision(*, decision: Decision) -> list[Notice]:
    """The notices a standing decision implies: an outcome (or, when it changes an
    earlier route, a correction) to the referrer and, unless withheld, to the family."""
    return notices_for_decisions(decisions=[decision])


def notices_for_decisions(*, decisions: list[Decision]) -> list[Notice]:
    """``notices_for_decision`` for each of several decisions standing at once
    (``DECISIONS_STAND``: bulk triage): read and written a statement per kind of row,
    and queued after commit in one message."""
    previous = screening_selectors.previous_standing_of(decisions)
    contacts = [decision.contact for decision in decisions]
    prefetch_related_objects(contacts, "referrer")
    told = [
        decision
        for decision in decisions
        # Unchanged route and service: nothing the referrer or family were told has
        # changed (the service names who will contact them, in its own words).
        if previous[decision.pk] is None
        or previous[decision.pk].route != decision.route
        or previous[decision.pk].service_id != decision.service_id
    ]
    notify = Decision.FamilyNotice.NOTIFY
    family = letter_addresses(d.contact for d in told if d.family_notice == notify)
    created = []
    for decision in told:
        contact = decision.contact
        kind = Notice.Kind.CORRECTION if previous[decision.pk] is not None else Notice.Kind.OUTCOME
        referrer = _referrer_address(contact)
        if referrer is not None:
            created.append(_notice(contact, decision, kind, Notice.Audience.REFERRER, referrer))
        if decision.family_notice == Decision.FamilyNotice.NOTIFY:
            address = family[contact.pk]
            created.append(
                _notice(
                    contact,
                    decision,
                    kind,
                    Notice.Audience.FAMILY,
                    (Notice.Channel.LETTER, address.as_text() if address is not None else ""),
                    failure_reason="" if address is not None else NO_ADDRESS,
                )
            )
    created = Notice.objects.bulk_create(created)
    _enqueue_after_commit([n.pk for n in created if n.status == Notice.Status.PENDING])
    return created


def _claim(notice_id: int) -> bool:
    """Take the notice for sending; False if another attempt has it or it is done."""
    now = timezone.now()
    return bool(
        Notice.objects.filter(pk=notice_id)
        .filter(
            Q(status=Notice.Status.PENDING)
            | Q(status=Notice.Status.TEMPORARY_FAILURE, next_attempt_at__lte=now)
        )
        .update(
            status=Notice.Status.SENDING,
            sending_started_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )


def service_words(decision, audience: str) -> str:
    """The decision's onward service's own words to this audience about what happens
    next, or "" for the route's standard words (templates/notices/_next_steps.txt)."""
    service = decision.service if decision is not None else None
    if service is None:
        return ""
    if audience == Notice.Audience.REFERRER:
        return service.referrer_wording.strip()
    if audience == Notice.Audience.FAMILY:
        return service.family_wording.strip()
    return ""


def render_notice(notice: Notice) -> tuple[str, str]:
    """(subject, body) in plain language for this recipient; nothing they may not know."""
    decision = notice.decision
    extra = {}
    if notice.audience == Notice.Audience.SCHOOL:
        # Operation Encompass: the minimum the school is told (imported here, as that
        # module queues through this one's task name).
        from outcomes.encompass.notices import notice_context

        extra = notice_context(notice)
    text = render_to_string(
        f"notices/{notice.kind}_{notice.audience}.txt",
        {
            "notice": notice,
            "contact": notice.contact,
            "decision": decision,
            "service_name": settings.SERVICE_NAME,
            "council_name": settings.COUNCIL_NAME,
            "front_door_phone": settings.FRONT_DOOR_PHONE,
            # A specialist pathway's contact is acknowledged in its team's name, with
            # no screening decision promised (docs/adr/0046).
            "pathway": PATHWAYS.get(notice.contact.pathway),
            # The onward service's own words for what happens next (docs/adr/0045).
            "service_words": service_words(decision, notice.audience),
            **extra,
        },
    ).strip()
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def _send_email(notice: Notice, subject: str, body: str) -> str:
    try:
        return mail.smtp_send(
            to=notice.recipient, subject=subject, body=body, reference=str(notice.reference)
        )
    except mail.MailRefused as refused:
        raise NoticeRefused(str(refused)) from refused
    except mail.MailTemporaryFailure as failure:
        raise TemporaryDeliveryFailure(str(failure)) from failure


def _deliver(notice: Notice) -> str:
    """Hand the notice to its channel; return the provider's id for it."""
    subject, body = render_notice(notice)
    if not notify.enabled():
        if notice.channel != Notice.Channel.EMAIL:
            # Letters are printed here when Notify is not set up (notice_deliver).
            raise NoticeRefused("Texts need GOV.UK Notify, which is not set up")
        return _send_email(notice, subject, body)
    reference = str(notice.reference)
    if notice.attempts > 1:
        # An earlier attempt may have reached Notify before its worker died.
        earlier = notify.already_sent(reference)
        if earlier:
            return earlier
    if not notify.rate_allows_one_more():
        raise TemporaryDeliveryFailure("GOV.UK Notify rate limit: waiting for the next minute")
    return notify.send(
        channel=notice.channel,
        recipient=notice.recipient,
        subject=subject,
        body=body,
        reference=reference,
    )


def notice_deliver(*, notice_id: int, retry_in: timedelta | None = None) -> str:
    """Send one notice if no other attempt has; return what happened. A failure for now
    waits the outbox's backoff (``outcomes.outbox``; ``retry_in`` instead, when given),
    whatever raised it: a claimed notice is never left "sending" (``outbox.delivered``)."""
    if not _claim(notice_id):
        return "skipped"
    return outbox.claimed_body(
        Notice.objects.filter(pk=notice_id),
        field="status",
        retry_as=TemporaryDeliveryFailure,
        body=lambda: _deliver_claimed(notice_id, retry_in),
    )


def _deliver_claimed(notice_id: int, retry_in: timedelta | None) -> str:
    notice = Notice.objects.select_related("contact", "decision", "contact__referrer").get(
        pk=notice_id
    )
    if notice.audience == Notice.Audience.SCHOOL:
        # Operation Encompass: never to a school once the contact is withdrawn.
        from outcomes.encompass.notices import notice_stop_if_withdrawn

        if notice_stop_if_withdrawn(notice):
            return "withdrawn"
    if letters.printed_here(notice):
        subject, body = render_notice(notice)
        letters.letter_make(notice=notice, subject=subject, body=body)
        return "to print"
    return outbox.delivered(
        Notice.objects.filter(pk=notice_id),
        field="status",
        attempts=notice.attempts,
        send=lambda: _deliver(notice),
        temporary=(TemporaryDeliveryFailure, notify.NotifyTemporaryFailure),
        refused=(NoticeRefused, notify.NotifyPermanentFailure),
        retry_as=TemporaryDeliveryFailure,
        wait=retry_in,
    )


NOTIFY_STATUSES = {
    "delivered": (Notice.Status.DELIVERED, ""),
    "permanent-failure": (Notice.Status.PERMANENT_FAILURE, "Notify: the address does not exist"),
    "temporary-failure": (
        Notice.Status.PERMANENT_FAILURE,
        "Notify: could not deliver (inbox full or phone off)",
    ),
    "technical-failure": (Notice.Status.PERMANENT_FAILURE, "Notify: technical failure"),
}


def notice_delivery_receipt(*, reference: str, notify_status: str) -> Notice | None:
    """Record a GOV.UK Notify delivery receipt; unknown references are ignored."""
    if notify_status not in NOTIFY_STATUSES:
        return None
    status, reason = NOTIFY_STATUSES[notify_status]
    notice = Notice.objects.filter(reference=reference).first()
    if notice is None or notice.status not in (Notice.Status.SENT, Notice.Status.DELIVERED):
        return notice
    Notice.objects.filter(pk=notice.pk).update(
        status=status, failure_reason=reason, updated_at=timezone.now()
    )
    notice.refresh_from_db()
    return notice


def notices_sweep(*, now: datetime | None = None) -> list[int]:
    """Queue again the notices a lost task left behind; return their ids.

    A notice stuck in "sending" (its worker died) goes back to "pending". For
    email the send may have happened just before the worker died; the Message-ID
    carries the notice reference so a duplicate is recognisable downstream.
    """
    now = now or timezone.now()
    stuck_sending = Notice.objects.filter(
        status=Notice.Status.SENDING, sending_started_at__lt=now - STUCK_SENDING_AFTER
    )
    revived = list(stuck_sending.values_list("pk", flat=True))
    Notice.objects.filter(pk__in=revived).update(status=Notice.Status.PENDING, updated_at=now)
    due = revived + list(
        Notice.objects.filter(
            Q(status=Notice.Status.PENDING, updated_at__lt=now - STUCK_PENDING_AFTER)
            | Q(status=Notice.Status.TEMPORARY_FAILURE, next_attempt_at__lte=now)
        )
        .exclude(pk__in=revived)
        .values_list("pk", flat=True)
    )
    _enqueue_after_commit(due)
    return due


NO_FAMILY_ADDRESS = "No address: add one on the contact"


def notice_resend_problem(notice: Notice) -> str:
    """Why sending this notice again cannot work now, in words for the notices page;
    empty when it can. One rule for the page's button and the service."""
    if notice.status != Notice.Status.PERMANENT_FAILURE:
        return "Only a failed notice can be sent again."
    if notice.resends.exists():
        return "It has already been sent again: see the notice below it."
    if notice.audience == Notice.Audience.FAMILY:
        if letter_address(notice.contact) is None:
            return NO_FAMILY_ADDRESS
        return ""
    if notice.audience == Notice.Audience.SCHOOL:
        if notice.contact.status == Contact.Status.WITHDRAWN:
            return "The contact was withdrawn: no notice goes to the school"
        school = notice.encompass.school
        return "" if school.notice_address else f"No email address for {school.name}'s Key Adult"
    if not notice.recipient:
        return "No email address or phone number for the referrer"
    if notice.channel == Notice.Channel.SMS and not notify.enabled():
        return "Texts need GOV.UK Notify, which is not set up"
    return ""


def notice_resend_route(notice: Notice) -> str:
    """How a notice sent again would go, when that is not plain: letters the council
    prints itself go in the next print batch."""
    if notice.channel == Notice.Channel.LETTER and letters.printed_here(notice):
        if not notify.enabled():
            return "Notify not configured: this letter goes in the print batch"
        return "The council posts these letters: this one goes in the print batch"
    return ""


@transaction.atomic
def notice_resend(*, actor: User, notice: Notice) -> Notice:
    """A manager sends a failed notice again, as a new attempt with its own row. A
    family letter goes to the family's address as it is now (staff may have added or
    corrected it since)."""
    if not actor.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise NoticeRefused("Only a manager can resend a notice.")
    # Two managers (or a double click) sending it again make one new notice, not two.
    notice = Notice.objects.select_for_update().select_related("contact").get(pk=notice.pk)
    problem = notice_resend_problem(notice)
    if problem:
        raise NoticeRefused(problem)
    recipient = notice.recipient
    if notice.audience == Notice.Audience.FAMILY:
        recipient = _family_address(notice.contact)
    encompass = notice.encompass if notice.audience == Notice.Audience.SCHOOL else None
    if encompass is not None:
        recipient = encompass.school.notice_address  # the directory as it is now
    again = Notice.objects.create(
        contact=notice.contact,
        decision=notice.decision,
        kind=notice.kind,
        audience=notice.audience,
        channel=notice.channel,
        recipient=recipient,
        resend_of=notice,
        requested_by=actor,
    )
    if encompass is not None:
        # The school's notice is now the new one (its link and delivery are tracked there).
        encompass.notice = again
        encompass.save(update_fields=["notice"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=notice.contact.reference,
        via="outcomes.notice_resend",
        detail={"notice": notice.pk, "resend": again.pk},
    )
    _enqueue_after_commit([again.pk])
    return again
