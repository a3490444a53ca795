"""Out of hours for the demonstration (docs/adr/0044): a contact the emergency duty team
recorded at 23:00 last night, with its handover, so the day team's queue has one at its
top marked from EDT, and the EDT account has its work to look at. Made up; recorded
through the same services as the EDT's own pages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from frontdoor.london import LONDON
from frontdoor.models import User
from frontdoor.roles import Role
from referrals.models import Contact, ContactSubject
from referrals.services import ContactInput, ReferrerInput, SubjectInput, contact_submit
from screening.services_edt import handover_record

WHAT_WAS_DONE = (
    "Mr Ashworth called at 22:50: his partner had left Bella (6) and Finn (3) alone at home "
    "and was not answering her phone. Police did a welfare visit at 23:30 and found the "
    "children asleep and unharmed; their grandmother, Mrs Ashworth, came and stayed the "
    "night with them and agreed to keep them safe. Mother came home at 01:15, intoxicated; "
    "police gave words of advice. No injuries, no further police action."
)
FOR_THE_DAY_TEAM = (
    "Please speak to mother this morning and check with the school that Bella arrives. "
    "Grandmother (07700 900456) can stay until this evening."
)


def _last_night(now: datetime) -> datetime:
    """23:00 last night in London, never later than ``now``."""
    local = now.astimezone(LONDON)
    night = datetime.combine(local.date(), time(23), tzinfo=LONDON)
    return night if night <= local else night - timedelta(days=1)


def demo_out_of_hours_load(*, now: datetime) -> int:
    """Record the demo's EDT contact and its handover, once; returns how many."""
    edt = User.objects.filter(groups__name=Role.EDT).first()
    if edt is None or Contact.objects.filter(out_of_hours=True).exists():
        return 0
    received = _last_night(now)
    contact, _ = contact_submit(
        actor=edt,
        channel=Contact.Channel.CONTACT_CENTRE,
        data=ContactInput(
            subjects=[
                SubjectInput(
                    role=ContactSubject.Role.CHILD,
                    first_name="Bella",
                    last_name="Ashworth",
                    date_of_birth=date(received.year - 6, 5, 14),
                    postcode="YO31 8LP",
                ),
                SubjectInput(
                    role=ContactSubject.Role.CHILD,
                    first_name="Finn",
                    last_name="Ashworth",
                    date_of_birth=date(received.year - 3, 2, 2),
                    postcode="YO31 8LP",
                ),
            ],
            concerns="Two young children left alone at home overnight; mother not answering.",
            concern_categories=["neglect"],
            family_awareness=Contact.FamilyAwareness.AWARE_NOT_CONSENTED,
            family_not_told_reason="Mother was not home when the concern was raised.",
            urgency=Contact.Urgency.SOON,
            referrer=ReferrerInput(
                name="Mr Ashworth",
                role="Father (lives apart)",
                phone="07700 900123",
                referral_source_code="1B",
            ),
            received_at=received,
            out_of_hours=True,
        ),
    )
    handover_record(
        actor=edt, contact=contact, what_was_done=WHAT_WAS_DONE, for_the_day_team=FOR_THE_DAY_TEAM
    )
    return 1
