"""Writes for Operation Encompass notices: raised with a domestic-abuse police
notification (inside its transaction: ``notices_for_notification`` is subscribed to
``POLICE_NOTIFICATION_RECORDED`` in outcomes' ``apps.py``), a school confirmed by a
screener, held over a holiday, and given to the notice outbox once they may go.

What a notice says is ``notice_context``'s alone: the child's name and date of birth,
that police attended a domestic abuse incident, when, whether the child was present,
and what support may help. Never the officer's account (docs/adr/0038).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.dispatch import dispatch
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from outcomes.encompass import matching
from outcomes.encompass.schooldays import notice_timing, terms_for
from outcomes.models import Notice
from outcomes.models_encompass import EncompassNotice, School
from outcomes.scorecard import services_months as months
from referrals.models import (
    Contact,
    ContactSubject,
    ContactWithdrawal,
    PoliceInvolvement,
    PoliceNotification,
)
from referrals.models.police import IncidentType, Involvement

NOTICE_DELIVER = "outcomes.tasks.notice_deliver"
NO_SCHOOL_ADDRESS = "No email address for the school's Key Adult: add one in the directory"
WITHDRAWN_REFUSAL = "The contact was withdrawn: no notice goes to the school."
# An outbox notice not yet handed to the mail server; one "sending" is on its way.
UNSENT = (
    Notice.Status.PENDING,
    Notice.Status.TEMPORARY_FAILURE,
    Notice.Status.PERMANENT_FAILURE,
)
ACKNOWLEDGE_SALT = "outcomes.encompass.acknowledge"
State = EncompassNotice.State


class EncompassRefused(Exception):
    pass


def _since(notification: PoliceNotification) -> datetime:
    """The clock starts at the incident, or when police told us if that was later."""
    return max(notification.incident_at, notification.contact.received_at)


def notices_for_notification(*, notification: PoliceNotification) -> list[EncompassNotice]:
    """A notice for each child of school age (and, where the council chooses, each
    under-five) on a domestic-abuse notification."""
    return notices_for_notifications(notifications=[notification])


def notices_for_notifications(*, notifications: list[PoliceNotification]) -> list[EncompassNotice]:
    """``notices_for_notification`` for several new notifications at once (a force's
    file, ``POLICE_NOTIFICATIONS_RECORDED``): the children, their schools and the
    notices waiting for a school read and written a statement each for all of them."""
    abuse = [n for n in notifications if n.incident_type == IncidentType.DOMESTIC_ABUSE]
    if not abuse:
        return []
    involvement = dict(
        PoliceInvolvement.objects.filter(notification__in=abuse).values_list(
            "subject_id", "involvement"
        )
    )
    children: dict[int, list[ContactSubject]] = {n.contact_id: [] for n in abuse}
    for subject in (
        ContactSubject.objects.filter(contact_id__in=list(children), role=ContactSubject.Role.CHILD)
        .select_related("person")
        .order_by("position", "pk")
    ):
        children[subject.contact_id].append(subject)
    due = []  # (notification, when the clock started, child, stage)
    for notification in abuse:
        since = _since(notification)
        day = timezone.localdate(since)
        for subject in children[notification.contact_id]:
            stage = matching.stage_of(subject.date_of_birth, day)
            if stage is None or (
                stage == matching.EARLY_YEARS and not settings.ENCOMPASS_EARLY_YEARS
            ):
                continue
            due.append((notification, since, subject, stage))
    found = matching.schools_for(
        [subject for _, _, subject, _ in due],
        on={subject.pk: timezone.localdate(since) for _, since, subject, _ in due},
    )
    made, waiting, unknown_terms = [], [], None
    for notification, since, subject, stage in due:
        encompass = EncompassNotice(
            notification=notification,
            contact=notification.contact,
            subject=subject,
            present={Involvement.CHILD_PRESENT: True, Involvement.CHILD_RESIDENT: False}.get(
                involvement.get(subject.pk)
            ),
            early_years=stage == matching.EARLY_YEARS,
        )
        school = found[subject.pk]
        if school.certain:
            encompass.school_source = EncompassNotice.SchoolSource.CONFIRMED_BEFORE
            _place(encompass, school.school, since)
        else:
            if unknown_terms is None:
                unknown_terms = terms_for(None)
            encompass.state = State.AWAITING_SCHOOL
            encompass.suggested_school = school.school
            encompass.suggestion_reason = school.reason
            encompass.due_at = notice_timing(since=since, terms=unknown_terms).due_at
            waiting.append(encompass)
        made.append(encompass)
    EncompassNotice.objects.bulk_create(waiting)
    return made


def _place(encompass: EncompassNotice, school: School, since: datetime) -> None:
    """Set the school and its timing; hold the notice over a holiday, else release it."""
    timing = notice_timing(since=since, terms=terms_for(school))
    encompass.school = school
    encompass.due_at = timing.due_at
    encompass.release_at = timing.release_at
    encompass.state = State.HELD
    encompass.save()
    if timing.release_at is None or timing.release_at <= timezone.now():
        _release(encompass)


def _withdrawn(contact_id: int) -> bool:
    """Whether the contact is withdrawn, as committed now (not as loaded earlier)."""
    return Contact.objects.filter(pk=contact_id, status=Contact.Status.WITHDRAWN).exists()


def _not_sent_withdrawn(encompass: EncompassNotice) -> None:
    encompass.state = State.NOT_SENT
    encompass.not_sent_reason = EncompassNotice.NotSentReason.WITHDRAWN
    encompass.save(update_fields=["state", "not_sent_reason"])
    months.marks_for_notices(due=[encompass.due_at])


def _release(encompass: EncompassNotice) -> Notice | None:
    """Give the notice to the outbox: sent once the transaction commits. None, and the
    notice is not sent, when its contact has been withdrawn."""
    if _withdrawn(encompass.contact_id):
        _not_sent_withdrawn(encompass)
        return None
    address = encompass.school.notice_address
    notice = Notice.objects.create(
        contact_id=encompass.contact_id,
        kind=Notice.Kind.ENCOMPASS,
        audience=Notice.Audience.SCHOOL,
        channel=Notice.Channel.EMAIL,
        recipient=address,
        status=Notice.Status.PENDING if address else Notice.Status.PERMANENT_FAILURE,
        failure_reason="" if address else NO_SCHOOL_ADDRESS,
    )
    encompass.notice = notice
    encompass.state = State.RELEASED
    encompass.save(update_fields=["notice", "state"])
    if address:
        # Not sent when the broker is down: the notices sweep queues it again.
        dispatch(NOTICE_DELIVER, notice.pk)
    return notice


def releases_due(*, now: datetime | None = None) -> list[int]:
    """Give the outbox the notices held over a holiday whose time has come (from the
    notices sweep, every minute); safe to run twice at once."""
    now = now or timezone.now()
    released = []
    with transaction.atomic():
        held = (
            EncompassNotice.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("school")
            .filter(state=State.HELD, release_at__lte=now)
        )
        for encompass in held:
            notice = _release(encompass)
            if notice is not None:
                released.append(notice.pk)
    return released


def notices_for_withdrawal(*, withdrawal: ContactWithdrawal) -> list[int]:
    """A withdrawn contact's notices not yet sent (waiting for the school, held, or in
    the outbox and not yet handed to the mail server) are not sent, with the reason
    (in the withdrawal's transaction: subscribed to ``CONTACT_WITHDRAWN`` in outcomes'
    ``apps.py``). One already sent, or being sent this moment, stays as it is: the
    school has it. Returns the notices stopped."""
    stopped = []
    notices = EncompassNotice.objects.select_for_update(of=("self",)).filter(
        contact_id=withdrawal.contact_id,
        state__in=(State.AWAITING_SCHOOL, State.HELD, State.RELEASED),
    )
    for encompass in notices.order_by("pk"):
        if encompass.state == State.RELEASED:
            # Conditional: the sender claims a notice by the same kind of update.
            taken_back = Notice.objects.filter(pk=encompass.notice_id, status__in=UNSENT).update(
                status=Notice.Status.WITHDRAWN,
                failure_reason="",
                next_attempt_at=None,
                updated_at=timezone.now(),
            )
            if not taken_back:
                continue
        _not_sent_withdrawn(encompass)
        stopped.append(encompass.pk)
    return stopped


def notice_stop_if_withdrawn(notice: Notice) -> bool:
    """The sender's last look, after claiming a school's notice: its contact withdrawn
    since, the notice is not sent (True)."""
    if not _withdrawn(notice.contact_id):
        return False
    with transaction.atomic():
        Notice.objects.filter(pk=notice.pk).update(
            status=Notice.Status.WITHDRAWN, failure_reason="", updated_at=timezone.now()
        )
        stopped = EncompassNotice.objects.filter(notice=notice)
        stopped.update(
            state=State.NOT_SENT, not_sent_reason=EncompassNotice.NotSentReason.WITHDRAWN
        )
        months.marks_for_notices(due=stopped.values_list("due_at", flat=True))
    return True


def may_confirm(user: User) -> bool:
    return user.has_perm(Permission.SCREEN_CONTACTS.perm)


@transaction.atomic
def school_confirm(
    *,
    actor: User,
    encompass: EncompassNotice,
    school: School | None,
    not_sent_reason: str = "",
) -> EncompassNotice:
    """A screener says which school the child attends (the notice then goes, or waits
    for the first day back), or that no notice can go and why."""
    if not may_confirm(actor):
        raise EncompassRefused("Only screeners and managers confirm a child's school.")
    encompass = (
        EncompassNotice.objects.select_for_update(of=("self",))
        .select_related("notification__contact", "subject__person")
        .get(pk=encompass.pk)
    )
    if _withdrawn(encompass.contact_id):
        raise EncompassRefused(WITHDRAWN_REFUSAL)
    if encompass.state != State.AWAITING_SCHOOL:
        raise EncompassRefused("This notice's school has already been confirmed.")
    was_due = encompass.due_at
    encompass.confirmed_by = actor
    encompass.confirmed_at = timezone.now()
    if school is None:
        if not_sent_reason not in EncompassNotice.NotSentReason.values:
            raise EncompassRefused("Choose the school, or say why no notice can go.")
        encompass.state = State.NOT_SENT
        encompass.not_sent_reason = not_sent_reason
        encompass.save()
    else:
        if not school.is_open:
            raise EncompassRefused("That school is closed: choose the school the child attends.")
        encompass.school_source = EncompassNotice.SchoolSource.SCREENER
        _place(encompass, school, _since(encompass.notification))
        matching.school_remember(subject=encompass.subject, school=school, actor=actor)
    # Not counted, or due when the school's terms say: the scorecard's months (ADR 0049).
    months.marks_for_notices(due=[was_due, encompass.due_at])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=encompass.notification.contact.reference,
        via="outcomes.encompass.school_confirm",
        detail={
            "encompass_notice": encompass.pk,
            "school": school.pk if school else None,
            "state": encompass.state,
        },
    )
    return encompass


# --- What the notice says, and the link to say it was read ------------------------------


def acknowledge_token(encompass: EncompassNotice) -> str:
    """Signed and timed: the notice's random key, nothing about the child."""
    return signing.dumps(str(encompass.ack_key), salt=ACKNOWLEDGE_SALT, compress=False)


def notice_context(notice: Notice) -> dict:
    """The template's context for a school's notice: the Operation Encompass minimum."""
    encompass = EncompassNotice.objects.select_related("subject", "notification", "school").get(
        notice=notice
    )
    link = reverse("outcomes:encompass-acknowledge", args=[acknowledge_token(encompass)])
    return {
        "child_name": encompass.subject.full_name,
        "date_of_birth": encompass.subject.date_of_birth,
        "incident_at": timezone.localtime(encompass.notification.incident_at),
        "present": encompass.present,
        "school": encompass.school,
        "support": settings.ENCOMPASS_SUPPORT_TEXT,
        "acknowledge_url": settings.ENCOMPASS_LINK_BASE_URL + link,
        "acknowledge_days": settings.ENCOMPASS_ACKNOWLEDGE_DAYS,
    }


class LinkProblem(Exception):
    """The link cannot be used: its words say why, for the page."""


def acknowledgement_find(token: str) -> EncompassNotice:
    """The notice a link is for; ``LinkProblem`` when it is not valid, has expired or
    was used already."""
    try:
        key = signing.loads(
            token,
            salt=ACKNOWLEDGE_SALT,
            max_age=settings.ENCOMPASS_ACKNOWLEDGE_DAYS * 24 * 3600,
        )
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except signing.BadSignature:
        raise LinkProblem("invalid") from None
    encompass = EncompassNotice.objects.filter(ack_key=key).select_related("contact").first()
    if encompass is None:
        raise LinkProblem("invalid")
    if encompass.acknowledged_at is not None:
        raise LinkProblem("used")
    return encompass


def acknowledge(*, token: str, request=None) -> EncompassNotice:
    """Record that the Key Adult read the notice: once, by a conditional update."""
    encompass = acknowledgement_find(token)
    now = timezone.now()
    updated = EncompassNotice.objects.filter(pk=encompass.pk, acknowledged_at=None).update(
        acknowledged_at=now
    )
    if not updated:
        raise LinkProblem("used")
    audit_record(
        actor=None,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=encompass.contact.reference,
        request=request,
        via="outcomes.encompass.acknowledge",
        detail={"encompass_notice": encompass.pk, "school": encompass.school_id},
    )
    encompass.acknowledged_at = now
    return encompass
