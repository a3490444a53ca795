"""Operation Encompass in the demo: a directory of made-up schools with Key Adults and
the council's term dates, and domestic-abuse police notifications whose schools'
notices stand in each state (waiting for a school, held, being sent, sent, late,
failed, read by the school, not sent).

The notifications are recorded by the demo force's officer through the recording
service, whose POLICE_NOTIFICATION_RECORDED raises the notices; states a notice reaches
over hours (sent, read) are set as they would stand. The demo's other police
notifications (demo/police.py, loaded first) raised notices before there was a
directory: today's wait for a screener to confirm the school; older ones a screener
dealt with at the time, so their schools are confirmed and the notices went in time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from demo.police import POLICE_MEMBER
from frontdoor.london import LONDON
from frontdoor.models import Agency, User
from frontdoor.roles import Role
from outcomes.encompass import notices as encompass
from outcomes.encompass.matching import age_at_start_of_school_year, school_year_start
from outcomes.encompass.schooldays import notice_timing, terms_for
from outcomes.models import Notice
from outcomes.models_encompass import EncompassNotice, School, TermCalendar, TermPeriod
from referrals.models import ContactSubject, PoliceNotification
from referrals.models.police import IncidentType, Involvement, RiskGrade
from referrals.services import (
    PoliceDetails,
    PoliceNotificationInput,
    SubjectInput,
    police_notification_record,
)

# (URN, name, phase, Key Adult, email domain, open all year)
SCHOOLS = [
    ("900001", "Riverside Primary School", "Primary", "Rita Okafor", "riverside-primary", False),
    ("900002", "Castle Hill Academy", "Secondary", "Dan Mensah", "castle-hill", False),
    ("900003", "St Anne's CE Primary School", "Primary", "Grace Lowe", "st-annes", False),
    ("900004", "Oakfield Residential School", "All-through", "Ivor Hale", "oakfield", True),
    ("900005", "Little Acorns Nursery School", "Nursery", "Pat Byrne", "little-acorns", False),
    # No email yet: its notice fails until an administrator adds one.
    ("900006", "Moorside Junior School", "Primary", "", "", False),
]
# (child's first name, surname, date of birth, school URN or "", state to leave it in)
NOTIFIED = [
    ("Ellie", "Marsh", date(2016, 5, 3), "", "awaiting_school"),
    ("Josh", "Quinn", date(2013, 9, 21), "900002", "held"),
    ("Maya", "Doyle", date(2017, 2, 14), "900003", "due"),
    ("Noah", "Kirk", date(2015, 11, 2), "900001", "sent"),
    ("Ruby", "Stone", date(2012, 7, 30), "900002", "late"),
    ("Leo", "Frost", date(2016, 1, 9), "900006", "failed"),
    ("Isla", "Ward", date(2014, 4, 17), "900004", "read"),
    ("Finn", "Ash", date(2018, 3, 5), "", "not_sent"),
]


def _terms(today: date) -> list[tuple[str, date, date]]:
    """This school year's terms, like a county council's (weekends inside them are not
    school days anyway)."""
    year = school_year_start(today).year
    return [
        ("Autumn 1", date(year, 9, 3), date(year, 10, 23)),
        ("Autumn 2", date(year, 11, 2), date(year, 12, 18)),
        ("Spring 1", date(year + 1, 1, 5), date(year + 1, 2, 12)),
        ("Spring 2", date(year + 1, 2, 22), date(year + 1, 3, 26)),
        ("Summer 1", date(year + 1, 4, 12), date(year + 1, 5, 28)),
        ("Summer 2", date(year + 1, 6, 7), date(year + 1, 7, 21)),
    ]


def _directory(today: date) -> dict[str, School]:
    calendar = TermCalendar.objects.create(name="Demonstration County schools", is_default=True)
    for name, start, end in _terms(today):
        TermPeriod.objects.create(calendar=calendar, name=name, starts_on=start, ends_on=end)
    riverside = Agency.objects.filter(name="Riverside Primary School").first()
    schools = {}
    for number, (urn, name, phase, adult, domain, all_year) in enumerate(SCHOOLS, start=1):
        schools[urn] = School.objects.create(
            urn=urn,
            name=name,
            phase=phase,
            type_of_establishment="Community school",
            local_authority="Demonstration County",
            la_code="815",
            establishment_number=f"{2000 + number}",
            postcode=f"YO1 {number}AB",
            is_early_years=phase == "Nursery",
            key_adult_name=adult,
            key_adult_email=f"dsl@{domain}.example.sch.uk" if domain else "",
            secure_email=f"safeguarding@{domain}.example.sch.uk" if domain else "",
            key_adult_phone=f"01632 960 {100 + number:03d}" if domain else "",
            open_all_year=all_year,
            agency=riverside if name == "Riverside Primary School" else None,
        )
    return schools


def _notification(police: User, child, incident_at: datetime) -> PoliceNotification:
    first, last, born, _, _ = child
    reference = f"DEMO-DA-{first.upper()}-{last.upper()}"
    police_notification_record(
        actor=police,
        force=police.agency,
        data=PoliceNotificationInput(
            details=PoliceDetails(
                police_reference=reference,
                incident_at=incident_at,
                incident_type=IncidentType.DOMESTIC_ABUSE,
                risk_grade=RiskGrade.STANDARD,
                officer_account="Made-up account: officers attended after a 999 call; "
                "the adults were separated and advice given.",
                family_told=True,
            ),
            subjects=[
                SubjectInput(
                    role=ContactSubject.Role.CHILD,
                    first_name=first,
                    last_name=last,
                    date_of_birth=born,
                    postcode="YO1 7HH",
                ),
                SubjectInput(
                    role=ContactSubject.Role.PARENT,
                    first_name="Sam",
                    last_name=last,
                    relationship_to_children="Mother",
                    postcode="YO1 7HH",
                ),
            ],
            involvements=[Involvement.CHILD_PRESENT, Involvement.VICTIM],
            received_at=incident_at + timedelta(minutes=50),
        ),
        via="demo",
    )
    return PoliceNotification.objects.get(force=police.agency, police_reference=reference)


def _leave_in(state: str, notice: EncompassNotice, screener: User, school: School | None) -> None:
    if state == "awaiting_school":
        return
    if state == "not_sent":
        encompass.school_confirm(
            actor=screener,
            encompass=notice,
            school=None,
            not_sent_reason=EncompassNotice.NotSentReason.NOT_AT_SCHOOL,
        )
        return
    if state == "held":
        # As a notice raised in a holiday stands: its school known, waiting to go the
        # afternoon before the first day back.
        timing = notice_timing(since=timezone.now(), terms=terms_for(school))
        release_at = timing.due_at - timedelta(hours=16, minutes=30)
        EncompassNotice.objects.filter(pk=notice.pk).update(
            state=EncompassNotice.State.HELD,
            school=school,
            school_source=EncompassNotice.SchoolSource.SCREENER,
            confirmed_by=screener,
            confirmed_at=timezone.now(),
            due_at=timing.due_at,
            release_at=max(release_at, timing.due_at - timedelta(minutes=30)),
        )
        return
    notice = encompass.school_confirm(actor=screener, encompass=notice, school=school)
    if state in ("sent", "late", "read"):
        sent_at = notice.due_at + timedelta(minutes=40 if state == "late" else -600)
        Notice.objects.filter(pk=notice.notice_id).update(
            status=Notice.Status.SENT, sent_at=sent_at
        )
        if state == "read":
            EncompassNotice.objects.filter(pk=notice.pk).update(
                acknowledged_at=sent_at + timedelta(hours=11)
            )


def _settle_earlier(screener: User, schools: dict[str, School], now: datetime) -> None:
    """The notices the demo's older police notifications raised before there was a
    directory: a screener confirmed each child's school at the time (a primary child's
    Riverside, a secondary one's Castle Hill) and the notice went in time."""
    waiting = EncompassNotice.objects.filter(
        state=EncompassNotice.State.AWAITING_SCHOOL,
        notification__incident_at__lt=now - timedelta(days=7),
    ).select_related("subject", "notification")
    for notice in waiting.order_by("notification__incident_at", "pk"):
        day = timezone.localdate(notice.notification.incident_at)
        born = notice.subject.date_of_birth
        secondary = born is not None and age_at_start_of_school_year(born, day) >= 11
        _leave_in("sent", notice, screener, schools["900002" if secondary else "900001"])


def demo_encompass_load(*, now: datetime | None = None) -> int:
    """The schools and the notices; nothing when the directory is already there.
    Returns how many Operation Encompass notices the demo then has."""
    if School.objects.exists():
        return 0
    now = now or timezone.now()
    schools = _directory(timezone.localdate(now))
    police = User.objects.filter(email__iexact=POLICE_MEMBER).select_related("agency").first()
    screener = User.objects.filter(groups__name=Role.SCREENER).first()
    if police is None or screener is None or police.agency is None:
        return 0
    _settle_earlier(screener, schools, now)
    for days_ago, child in enumerate(NOTIFIED):
        day = timezone.localdate(now) - timedelta(days=len(NOTIFIED) - days_ago)
        incident_at = datetime.combine(day, time(21, 15), tzinfo=LONDON)
        if child[4] in ("awaiting_school", "held", "due"):
            incident_at = now - timedelta(hours=3)
        notification = _notification(police, child, incident_at)
        notice = EncompassNotice.objects.get(notification=notification)
        _leave_in(child[4], notice, screener, schools.get(child[3]))
    return EncompassNotice.objects.count()
