"""Kept months (docs/adr/0049) against a fresh count after late changes of every kind:
whatever is recorded after a month was kept, the card merged from kept months equals
a fresh count of the same period as at the same moment (every headline measure, the
trend, the monthly chart and the split by agency), both before and after the months
marked are kept again."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from frontdoor.london import london_date
from outcomes.models import ScorecardMonthMark
from outcomes.scorecard import services_months
from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import scorecard_count, scorecard_count_afresh
from referrals.models import Contact, ContactSubject, MatchCandidate, Person
from referrals.services import contact_submit
from screening.models import Route
from tests.factories import child_input, contact_input
from tests.outcomes.scorecard_world import E, at, build_world_with_staff
from tests.outcomes.test_scorecard_kept_months import _card
from tests.support.worlds import built_once

pytestmark = pytest.mark.django_db
MAY, JULY, SEPTEMBER = date(2026, 5, 1), date(2026, 7, 1), date(2026, 9, 1)
PERIODS = ("2026-Q2", "2026-Q3", "2026-05", "FY2026-27", "2026")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, build_world_with_staff)


def _assert_all_as_fresh(as_at=None):
    as_at = as_at or timezone.now()
    for key in PERIODS:
        period = Period.parse(key)
        kept, fresh = (
            _card(scorecard_count(period=period, as_at=as_at)),
            _card(scorecard_count_afresh(period=period, as_at=as_at)),
        )
        assert kept == fresh, (key, _differences(kept, fresh))


def _differences(kept: dict, fresh: dict) -> list:
    """Where two cards differ: (part, row, figure, kept numbers, fresh numbers)."""
    found = []
    for part in ("figures", "trend", "monthly", "by_agency"):
        rows = (
            [("", kept[part], fresh[part])]
            if part == "figures"
            else [(a[0], a[-1], b[-1]) for a, b in zip(kept[part], fresh[part], strict=False)]
        )
        for row, mine, theirs in rows:
            for key in sorted(set(mine) | set(theirs)):
                if mine.get(key) != theirs.get(key):
                    found.append((part, row, key, mine.get(key), theirs.get(key)))
    return found


def _after_keeping(change) -> set[date]:
    """Keep every month, make the change, and compare with a fresh count: while the
    marked months are counted live, and once they are kept again; and as at a moment
    before the change, then and since. The months marked."""
    services_months.months_keep_due()
    before = timezone.now()
    _assert_all_as_fresh(before)
    change()
    marked = _marked()
    _assert_all_as_fresh()
    _assert_all_as_fresh(before)
    services_months.months_keep_due()
    _assert_all_as_fresh()
    _assert_all_as_fresh(before)
    return marked


def _marked():
    return set(ScorecardMonthMark.objects.values_list("month", flat=True))


def _unmatched_contact(world, name, received):
    """A contact about ``name`` given without an NHS number: left for a screener to
    match among the likely matches."""
    given = {**world.children[name], "nhs_number": ""}
    contact, _ = contact_submit(
        actor=world.screener,
        channel=Contact.Channel.EMAIL,
        data=contact_input(subjects=[child_input(**given)], received_at=received),
    )
    return ContactSubject.objects.get(contact=contact, role__in=ContactSubject.CHILD_ROLES)


def test_a_decision_superseded_months_later(world):
    # Cai's second July contact (advice) turned into an assessment in December.
    marked = _after_keeping(
        lambda: world.decide("c5", Route.SOCIAL_CARE_ASSESSMENT, timezone.now(), timezone.now())
    )
    assert JULY in marked


def test_a_decision_returned_then_made_again(world):
    from screening import services as screening_services

    def change():
        decision = world.contacts["c10"].decisions.get()
        screening_services.decision_return(
            actor=world.manager, decision=decision, comment="Look at the history again."
        )
        world.decide("c10", Route.EARLY_HELP, timezone.now())

    marked = _after_keeping(change)
    assert SEPTEMBER in marked


def test_a_contact_received_across_the_summer_time_month_boundary_recorded_late(world):
    # 00:30 on 1 September in London is 23:30 UTC on 31 August: September's.
    marked = _after_keeping(
        lambda: world.contact("late", child="Cai", received=at(2026, 9, 1, 0, 30))
    )
    assert {SEPTEMBER, JULY} <= marked
    assert date(2026, 8, 1) not in marked


def test_an_outcome_recorded_late_on_a_contact_of_an_earlier_month(world):
    # Ben's July referral: a second assessment started in October.
    marked = _after_keeping(lambda: world.outcome("c3", E.ASSESSMENT_STARTED, date(2026, 10, 2)))
    assert {JULY, date(2026, 10, 1)} <= marked


def test_a_child_matched_by_a_screener_after_the_months_were_kept(world):
    """Jay (early help in May) comes back on a contact without his NHS number; the
    screener matches him to his record later: May's figure has a child who came back."""
    subject = _unmatched_contact(world, "Jay", timezone.now() - timedelta(minutes=1))
    assert subject.person_id is None

    def change():
        from referrals.services.intake import match_confirm

        jay = ContactSubject.objects.get(contact=world.contacts["c12"]).person_id
        candidate = MatchCandidate.objects.get(subject=subject, person_id=jay)
        match_confirm(actor=world.screener, candidate=candidate)

    marked = _after_keeping(change)
    assert MAY in marked


def test_two_records_of_one_child_merged_after_the_months_were_kept(world):
    """Jay comes back as a new record; a manager merges it into his own later."""
    from referrals.services.intake import match_reject_all
    from referrals.services.merges import person_merge

    subject = _unmatched_contact(world, "Jay", timezone.now() - timedelta(minutes=1))
    subject = match_reject_all(actor=world.screener, subject=subject)
    jay = Person.objects.get(appearances__contact=world.contacts["c12"])

    marked = _after_keeping(
        lambda: person_merge(
            actor=world.manager, kept=jay, merged=subject.person, reason="The same boy."
        )
    )
    assert MAY in marked


def test_a_contact_received_costs_intake_one_statement_for_its_marks(
    world, django_assert_num_queries
):
    """Intake's rate (200 contacts a second): the marks are one statement per contact,
    writing nothing when no child on it has an earlier contact in a closed month."""
    contact = world.contact("now", child="Zoe", received=timezone.now() - timedelta(minutes=1))
    ScorecardMonthMark.objects.all().delete()
    with django_assert_num_queries(1):
        services_months.marks_for_contact_received(contact=contact)
    assert not _marked()
    # Cai again: his previous contact (July) is in a closed month.
    again = world.contact("again", child="Cai", received=timezone.now() - timedelta(minutes=1))
    assert _marked() == {JULY}
    ScorecardMonthMark.objects.all().delete()
    with django_assert_num_queries(1):
        services_months.marks_for_contact_received(contact=again)
    assert _marked() == {JULY}


def test_a_schools_notice_found_to_have_no_school_after_its_month_was_kept(world):
    """A domestic-abuse notification from November; in December the screener finds the
    child has no school: the notice leaves November's Encompass figure."""
    from outcomes.encompass import notices as encompass
    from outcomes.models_encompass import EncompassNotice
    from tests.support.encompass import police_notification

    notification = police_notification(
        incident_at=at(2026, 11, 19, 22), children=[child_input(first_name="Noa")]
    )
    notice = EncompassNotice.objects.get(notification=notification)
    assert notice.state == EncompassNotice.State.AWAITING_SCHOOL
    assert london_date(notice.due_at).month == 11

    marked = _after_keeping(
        lambda: encompass.school_confirm(
            actor=world.screener,
            encompass=notice,
            school=None,
            not_sent_reason=EncompassNotice.NotSentReason.values[0],
        )
    )
    assert date(2026, 11, 1) in marked


def test_a_child_back_after_a_lado_allegation_marks_their_last_front_door_contact(world):
    """Jay (early help in May) is the subject of a LADO allegation, then comes back to
    the front door: May's figure has him coming back (a pathway is counted apart, so
    his May contact is the one he came back from)."""
    from frontdoor.roles import Role
    from referrals.models import Pathway
    from referrals.services import ReferrerInput
    from screening.services_pathways import PathwayInput, pathway_record
    from tests.factories import UserFactory

    lado = pathway_record(
        actor=UserFactory(roles=[Role.LADO]),
        pathway=Pathway.LADO,
        data=PathwayInput(
            concerns="Jay says a coach grabbed his arm hard enough to bruise it.",
            children=[world.child("Jay")],
            referrer=ReferrerInput(name="Jo Head", organisation="Oak Primary"),
            details={
                "adult_name": "Mark Coach",
                "adult_role": "Football coach",
                "organisation": "Oak Juniors FC",
                "organisation_contact": "Jo Head",
            },
        ),
    )
    jay = ContactSubject.objects.get(contact=world.contacts["c12"]).person_id
    assert ContactSubject.objects.filter(contact=lado.contact, person_id=jay).exists()
    marked = _after_keeping(lambda: world.contact("back", child="Jay", received=timezone.now()))
    assert MAY in marked


def test_police_notifications_triaged_in_bulk_after_their_month_was_kept(world):
    """Two November notifications (Uma, Vic) closed with early help together in
    December: one transaction, every month they change marked."""
    from screening.services_police import BulkItem, bulk_decide, rationale_template
    from tests.support.encompass import officer
    from tests.support.police import record

    contacts = [
        record(
            officer(),
            f"NY-26-00090{n}",
            subjects=[world.child(name)],
            incident_type="missing_episode",
            received_at=at(2026, 11, 30, 23, 30),
        )[0]
        for n, name in enumerate(("Uma", "Vic"))
    ]

    def change():
        result = bulk_decide(
            actor=world.screener,
            route=Route.EARLY_HELP,
            items=[BulkItem(c, rationale_template(c) + "an argument only.") for c in contacts],
        )
        assert len(result.decided) == 2, result.refused

    marked = _after_keeping(change)
    assert date(2026, 11, 1) in marked


def test_the_split_by_agency_is_in_the_order_a_fresh_count_lists_it(world):
    """Names sorted as the database sorts them, as a fresh count does: under a
    language's collation "Northshire NHS Trust" comes before "NSPCC", by code point
    after (the test database sorts by code point, so both agree here)."""
    from tests.factories import AgencyFactory

    for name in ("NSPCC", "Northshire NHS Trust"):
        world.contact(name, child="Cai", received=at(2026, 10, 12), agency=AgencyFactory(name=name))
    services_months.months_keep_due()
    _assert_all_as_fresh()
    card = scorecard_count(period=Period.parse("2026"), as_at=timezone.now())
    assert {"NSPCC", "Northshire NHS Trust"} <= {group.name for group, _ in card.by_agency}


def test_a_decision_approved_by_a_manager_months_after_it_was_made(world):
    """Hal's September strategy discussion, waiting for a manager, approved in December:
    September's contact is decided (timed from September), and no longer overdue."""
    from screening import services as screening_services

    marked = _after_keeping(
        lambda: screening_services.decision_approve(
            actor=world.manager, decision=world.contacts["c10"].decisions.get()
        )
    )
    assert SEPTEMBER in marked
