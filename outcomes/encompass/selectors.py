"""Reads for Operation Encompass: the notices page (managers and screeners), one notice
for a screener to confirm its school (the access function for the kind), and the
schools directory and term calendars (administrators)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import User
from frontdoor.roles import Permission
from frontdoor.shared_figures import shared
from outcomes.encompass.schooldays import is_late
from outcomes.models import Notice
from outcomes.models_encompass import EncompassNotice, School, TermCalendar
from referrals import selectors as referral_selectors

State = EncompassNotice.State
SENT = (Notice.Status.SENT, Notice.Status.DELIVERED)
FAILED = (Notice.Status.PERMANENT_FAILURE,)
# Where a notice stands, as the page shows and filters it.
STATUSES = {
    "awaiting_school": "Waiting for the school to be confirmed",
    "awaiting_school_soon": "Waiting for the school: due soon or overdue",
    "awaiting_school_overdue": "Waiting for the school: overdue",
    "held": "Held for the first day back",
    "due": "Being sent",
    "sent": "Sent",
    "failed": "Failed: needs a person",
    "late": "Late",
    "not_sent": "Not sent",
}


def may_see(user: User) -> bool:
    return user.has_perm(Permission.SCREEN_CONTACTS.perm)


def due_soon(now: datetime) -> Q:
    """Waiting for a screener to confirm the school, and due within
    ``ENCOMPASS_DUE_SOON_HOURS`` of ``now`` or overdue: the queue's banner, the today page
    and the notices page's filter."""
    soon = now + timedelta(hours=settings.ENCOMPASS_DUE_SOON_HOURS)
    return Q(state=State.AWAITING_SCHOOL, due_at__lte=soon)


def _status_filter(status: str, now: datetime) -> Q:
    released = Q(state=State.RELEASED)
    return {
        "awaiting_school": Q(state=State.AWAITING_SCHOOL),
        "awaiting_school_soon": due_soon(now),
        "awaiting_school_overdue": Q(state=State.AWAITING_SCHOOL, due_at__lte=now),
        "held": Q(state=State.HELD),
        "due": released & ~Q(notice__status__in=(*SENT, *FAILED)),
        "sent": released & Q(notice__status__in=SENT),
        "failed": released & Q(notice__status__in=FAILED),
        "late": Q(notice__sent_at__gte=F("due_at"))
        | (Q(notice__sent_at__isnull=True, due_at__lte=now) & ~Q(state=State.NOT_SENT)),
        "not_sent": Q(state=State.NOT_SENT),
    }[status]


def status_of(encompass: EncompassNotice) -> str:
    if encompass.state != State.RELEASED:
        return encompass.state
    if encompass.notice.status in SENT:
        return "sent"
    return "failed" if encompass.notice.status in FAILED else "due"


@dataclass(frozen=True)
class Row:
    encompass: EncompassNotice
    status: str
    late: bool
    restricted: bool

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


def notices_page(*, user: User, status: str = "", school: str = "") -> QuerySet[EncompassNotice]:
    """The notices for the page, soonest due first, filtered by where they stand and by
    school (name or URN). Restricted contacts are listed without the child's name."""
    if not may_see(user):
        return EncompassNotice.objects.none()
    notices = EncompassNotice.objects.select_related(
        "school", "notice", "subject", "contact", "notification"
    ).annotate(closed=referral_selectors.closed_to(user, "contact_id"))
    if status in STATUSES:
        notices = notices.filter(_status_filter(status, timezone.now()))
    if school.strip():
        words = school.strip()
        # A restricted record's school is not shown, nor found by it.
        notices = notices.filter(Q(school__name__icontains=words) | Q(school__urn=words))
        notices = notices.filter(closed=False)
    return notices.order_by("-due_at", "pk")


def rows(notices) -> list[Row]:
    now = timezone.now()
    return [
        Row(
            encompass=notice,
            status=status_of(notice),
            late=notice.state != State.NOT_SENT
            and is_late(
                sent_at=notice.notice.sent_at if notice.notice_id else None,
                due_at=notice.due_at,
                now=now,
            ),
            restricted=notice.closed,
        )
        for notice in notices
    ]


def counts() -> dict[str, int]:
    """How many notices stand in each state, for the page's summary."""
    now = timezone.now()
    return {
        status: EncompassNotice.objects.filter(_status_filter(status, now)).count()
        for status in ("awaiting_school", "held", "due", "failed", "late")
    }


DUE_SOON_LISTED = 20


def due_soon_parts(*, user: User) -> dict:
    """For the screening queue's banner: the notices waiting for a screener to confirm
    the school that are due within ``ENCOMPASS_DUE_SOON_HOURS`` (or already overdue),
    soonest first. No child's name: the contact's reference and the time."""
    if not may_see(user):
        return {}
    soon = EncompassNotice.objects.filter(due_soon(timezone.now()))
    # The first 20 chosen alone, then read with their contacts: joined to the contacts
    # before choosing, the planner read every contact (half a second at a million).
    first = list(soon.order_by("due_at", "pk").values_list("pk", flat=True)[:DUE_SOON_LISTED])
    listed = list(
        EncompassNotice.objects.filter(pk__in=first)
        .select_related("contact")
        .annotate(closed=referral_selectors.closed_to(user, "contact_id"))
        .order_by("due_at", "pk")
    )
    # Everyone's queue shows the same number, worked out once every few seconds.
    waiting = shared("encompass-due-soon", soon.count) if len(listed) == DUE_SOON_LISTED else 0
    more = max(waiting - len(listed), 0)
    now = timezone.now()
    for encompass in listed:
        encompass.overdue = encompass.due_at <= now
        encompass.confirm_url = reverse("outcomes:encompass-school", args=[encompass.pk])
    return {
        "encompass_due_soon": listed,
        "encompass_due_soon_more": more,
        "encompass_waiting_url": reverse("outcomes:encompass") + "?status=awaiting_school_soon",
    }


def notice_get(*, user: User, notice_id: int) -> EncompassNotice:
    """One notice, for screening staff, by its contact's rule: 404 alike for missing and
    not theirs, then the restricted-record refusal."""
    if not may_see(user):
        raise Http404("No notice found")
    try:
        encompass = EncompassNotice.objects.select_related(
            "contact", "subject", "notification", "school", "suggested_school", "notice"
        ).get(pk=notice_id)
    except EncompassNotice.DoesNotExist:
        raise Http404("No notice found") from None
    referral_selectors.contact_ensure_open(user=user, contact=encompass.contact)
    return encompass


def schools_open() -> QuerySet[School]:
    return School.objects.filter(is_open=True).order_by("name", "urn")


# --- The directory, for administrators ----------------------------------------------------


def may_administer(user: User) -> bool:
    return user.has_perm(Permission.ADMINISTER_SERVICE.perm)


def schools_for(*, user: User, words: str = "") -> QuerySet[School]:
    if not may_administer(user):
        return School.objects.none()
    schools = School.objects.select_related("term_calendar")
    words = words.strip()
    if words:
        schools = schools.filter(
            Q(name__icontains=words) | Q(urn=words) | Q(local_authority__icontains=words)
        )
    return schools.order_by("-is_open", "name", "urn")


def school_get(*, user: User, school_id: int) -> School:
    if not may_administer(user):
        raise Http404("No school found")
    try:
        return School.objects.select_related("term_calendar", "agency").get(pk=school_id)
    except School.DoesNotExist:
        raise Http404("No school found") from None


def calendars_for(*, user: User) -> QuerySet[TermCalendar]:
    if not may_administer(user):
        return TermCalendar.objects.none()
    return TermCalendar.objects.prefetch_related("terms")


def calendar_get(*, user: User, calendar_id: int) -> TermCalendar:
    try:
        return calendars_for(user=user).get(pk=calendar_id)
    except TermCalendar.DoesNotExist:
        raise Http404("No calendar found") from None
