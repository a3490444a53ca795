"""Every scorecard measure on a hand-built quarter (tests/outcomes/scorecard_world.py);
each expected figure is worked out by hand in the comments beside it."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import NO_AGENCY, scorecard_get
from screening.models import Route
from tests.outcomes.scorecard_world import NFA, E, at, build_world_with_staff
from tests.support.worlds import built_once

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026-Q3")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The scorecard's records, built once for the module: the tests only read them,
    and what a test adds is undone after it (tests/support/worlds.py)."""

    yield from built_once(django_db_blocker, build_world_with_staff)


@pytest.fixture
def manager(world):
    return world.manager


@pytest.fixture
def card(world, manager):
    return scorecard_get(user=manager, period=Q3)


def refs(world, figure, part="numerator"):
    by_pk = {contact.pk: key for key, contact in world.contacts.items()}
    return sorted({by_pk[item.contact_id] for item in figure.items(part)})


def ratio(figure):
    return (figure.count, figure.base)


def test_contacts_received_in_the_quarter_by_london_date(world, card):
    # c1 c3 c4 c5 c6 c7 c8 c9 c10 c11; c7 arrived 23:30 UTC on 30 June (00:30 BST
    # on 1 July) so is in; c13 arrived 23:30 UTC on 30 September (1 October) so is out.
    assert refs(world, card.figures["contacts"]) == sorted(
        ["c1", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11"]
    )


def test_contacts_by_source_channel_and_route(card):
    figures = card.figures
    # School (2A): c3 c4 c5 c6 c8; police (6): c1 c9 c10 c11; anonymous (9): c7.
    assert ratio(figures["source:2A"]) == (5, 10)
    assert ratio(figures["source:6"]) == (4, 10)
    assert ratio(figures["source:9"]) == (1, 10)
    assert ratio(figures["channel:email"]) == (8, 10)
    assert ratio(figures["channel:contact_centre"]) == (1, 10)
    assert ratio(figures["channel:phone_consultation"]) == (1, 10)
    # Standing routes: c9's Information and Advice was superseded by an assessment;
    # c10's strategy discussion was never approved, so it is not decided.
    assert figures["route:strategy_discussion"].count == 1  # c1
    assert figures["route:social_care_assessment"].count == 3  # c3 c8 c9
    assert figures["route:early_help"].count == 1  # c4
    assert figures["route:information_and_advice"].count == 3  # c5 c6 c11
    assert figures["route:not_decided"].count == 2  # c7 c10


def test_route_shares_count_contacts_decided_in_the_quarter(world, card):
    # Decided in Q3 (first standing decision): c1 c3 c4 c5 c8 c9 c11 = 7. c6 was
    # decided on 1 October; c10 is pending; c12 was decided in May.
    shares = {route: card.figures[f"route_share:{route.value}"] for route in Route}
    assert refs(world, shares[Route.INFORMATION_AND_ADVICE], "denominator") == sorted(
        ["c1", "c3", "c4", "c5", "c8", "c9", "c11"]
    )
    assert ratio(shares[Route.INFORMATION_AND_ADVICE]) == (2, 7)  # c5 c11
    assert ratio(shares[Route.EARLY_HELP]) == (1, 7)  # c4
    assert ratio(shares[Route.SOCIAL_CARE_ASSESSMENT]) == (3, 7)  # c3 c8 c9
    assert ratio(shares[Route.STRATEGY_DISCUSSION]) == (1, 7)  # c1
    assert ratio(shares[Route.ALREADY_OPEN]) == (0, 7)


def test_referrals_and_re_referrals(world, card):
    assert refs(world, card.figures["referrals"]) == ["c1", "c3", "c8", "c9"]
    assert card.figures["referrals"].percent == pytest.approx(40.0)
    # Ava's c1 came exactly 12 months after her referral c0: a re-referral. Ben's c3
    # came 12 months and a day after c2: not one.
    assert refs(world, card.figures["re_referrals"]) == ["c1"]
    assert ratio(card.figures["re_referrals"]) == (1, 4)


def test_conversion_to_assessment(world, card):
    # c3 (started and completed), c8 (started), c9 (started) of four referrals.
    assert refs(world, card.figures["assessment_conversion"]) == ["c3", "c8", "c9"]
    assert ratio(card.figures["assessment_conversion"]) == (3, 4)


def test_assessments_ending_in_no_further_action(world, card):
    # Completed in Q3: Ben's (20 August, NFA) and Gus's (29 September, child in
    # need); Fay's completed on 5 October, in the next quarter.
    figure = card.figures["assessment_nfa"]
    assert refs(world, figure, "denominator") == ["c3", "c9"]
    assert refs(world, figure) == ["c3"]
    assert figure.percent == pytest.approx(50.0)


def test_repeat_contacts_not_progressed_count_each_child_once(world, card):
    # Not progressed in Q3: Cai (c4 early help, c5 advice), Dee (c6), Ivy (c11):
    # three children. Cai came back after c4 with c5 inside 12 months (counted
    # forward): one repeat, listed by the contact he came back after. Nobody came
    # back after c5, c6 or c11 (yet: the quarter is still maturing).
    figure = card.figures["repeat_not_progressed"]
    assert ratio(figure) == (1, 3)
    assert refs(world, figure) == ["c4"]
    assert refs(world, figure, "denominator") == ["c11", "c5", "c6"]


def test_strategy_discussions_to_icpc_and_icpc_timeliness(world, card):
    # Strategy discussions in Q3: Ava 17 Aug (ICPC 4 Sep), Ben 14 Jul (ICPC 10 Aug),
    # Fay 30 Sep (none).
    assert ratio(card.figures["strategy_icpc"]) == (2, 3)
    # 15 working days from 17 Aug, skipping the bank holiday on 31 Aug, is 8 Sep:
    # Ava's ICPC on 4 Sep is in time. From 14 Jul it is 4 Aug: Ben's 10 Aug is late.
    assert ratio(card.figures["icpc_within_15_days"]) == (1, 2)
    assert refs(world, card.figures["icpc_within_15_days"]) == ["c1"]


def test_timeliness_across_a_weekend_and_the_bank_holiday(world, card):
    # Decided: c1 2h, c3 9h (Saturday receipt, clock from Monday), c4 2h, c5 25h
    # (late), c6 18h, c8 23h (Friday 15:00 to Tuesday 14:00 over the bank-holiday
    # weekend: in time), c9 1h (its first decision), c11 0h (advice on the call).
    # Overdue and undecided: c7, c10. In time: 7 of 10.
    figure = card.figures["timeliness"]
    assert ratio(figure) == (7, 10)
    assert refs(world, figure, "denominator") == sorted(
        ["c1", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11"]
    )
    # Hours, sorted: 0 1 2 2 9 18 23 25. Median (2 + 9) / 2; nearest rank 8 of 8.
    assert card.figures["decision_hours_median"].hours == pytest.approx(5.5)
    assert card.figures["decision_hours_p90"].hours == pytest.approx(25.0)
    assert refs(world, card.figures["overdue"]) == ["c10", "c7"]


def test_every_measure_split_by_source_agency(world, card):
    groups = {group.name: figures for group, figures in card.by_agency}
    assert set(groups) == {
        "County Police",
        "Riverside Primary",
        "No partner agency (public, anonymous)",
    }
    police, school = groups["County Police"], groups["Riverside Primary"]
    public = groups["No partner agency (public, anonymous)"]
    assert (police["contacts"].count, school["contacts"].count, public["contacts"].count) == (
        4,
        5,
        1,
    )
    assert ratio(police["re_referrals"]) == (1, 2)  # c1 of c1 c9
    assert ratio(school["re_referrals"]) == (0, 2)  # c3 c8
    assert ratio(police["timeliness"]) == (3, 4)  # c10 overdue
    assert ratio(school["timeliness"]) == (4, 5)  # c5 late
    assert ratio(public["timeliness"]) == (0, 1)  # c7 overdue
    assert ratio(school["repeat_not_progressed"]) == (1, 2)  # Cai of Cai, Dee
    assert ratio(police["repeat_not_progressed"]) == (0, 1)  # Ivy
    assert ratio(police["strategy_icpc"]) == (1, 1)  # Ava
    assert ratio(school["strategy_icpc"]) == (1, 2)  # Ben of Ben, Fay
    assert any(group.key == NO_AGENCY for group, _ in card.by_agency)


def test_checks_counted_by_basis_for_sharing(world, card):
    figures = card.figures
    # Asked in the quarter by London date: c3 (consent), c1 and c9's second
    # (significant harm), c9's first (prejudice), c6's at 23:30 on 30 September
    # (another reason) and c4 (not recorded): 6. Out: c12 (May) and c6's at 00:30
    # on 1 October, though 23:30 UTC on 30 September.
    assert ratio(figures["check_basis:consent"]) == (1, 6)
    assert ratio(figures["check_basis:significant_harm"]) == (2, 6)
    assert ratio(figures["check_basis:prejudice"]) == (1, 6)
    assert ratio(figures["check_basis:other"]) == (1, 6)
    assert ratio(figures["check_basis:not_recorded"]) == (1, 6)
    assert refs(world, figures["check_basis:significant_harm"]) == ["c1", "c9"]
    # Without consent: c1, c9 twice, c6.
    assert ratio(figures["checks_without_consent"]) == (4, 6)
    assert refs(world, figures["checks_without_consent"]) == ["c1", "c6", "c9"]
    groups = {group.name: figures for group, figures in card.by_agency}
    assert ratio(groups["County Police"]["checks_without_consent"]) == (3, 3)  # c1 c9 c9
    assert ratio(groups["Riverside Primary"]["checks_without_consent"]) == (1, 3)  # c6
    trend = dict((period.key, figures) for period, figures in card.trend)
    assert ratio(trend["2026-Q2"]["checks_without_consent"]) == (1, 1)  # c12
    # A reason without consent shows even when none was asked.
    assert ratio(trend["2025-Q4"]["check_basis:prejudice"]) == (0, 0)
    assert "check_basis:not_recorded" not in trend["2025-Q4"]


def test_trend_shows_the_previous_four_quarters(world, card):
    keys = [period.key for period, _ in card.trend]
    assert keys == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    counts = {period.key: figures["contacts"].count for period, figures in card.trend}
    assert counts == {"2025-Q3": 2, "2025-Q4": 0, "2026-Q1": 0, "2026-Q2": 1, "2026-Q3": 10}
    q3_2025 = card.trend[0][1]
    assert ratio(q3_2025["re_referrals"]) == (0, 2)  # c0 and c2 had none before
    assert [month.key for month, _ in card.monthly][-3:] == ["2026-07", "2026-08", "2026-09"]
    assert {m.key: f["contacts"].count for m, f in card.monthly}["2026-07"] == 4  # c3 c4 c5 c7


def test_figures_as_recorded_at_a_moment_do_not_change(world, manager):
    before = timezone.now()
    first = scorecard_get(user=manager, period=Q3, as_at=before).figures
    # Recorded afterwards: a late contact for the quarter, an approval, an outcome.
    world.contact("late", child="Lou", received=at(2026, 9, 29), agency=world.police)
    from screening.models import Decision

    pending = Decision.objects.get(contact=world.contacts["c10"])
    from screening import services

    services.decision_approve(actor=world.manager, decision=pending, approved_at=timezone.now())
    world.outcome("c8", E.ICPC, date(2026, 10, 2))

    again = scorecard_get(user=manager, period=Q3, as_at=before).figures
    now = scorecard_get(user=manager, period=Q3).figures
    for key in ("contacts", "referrals", "timeliness", "strategy_icpc", "route:not_decided"):
        assert ratio(again[key]) == ratio(first[key]), key
    assert now["contacts"].count == first["contacts"].count + 1
    assert now["referrals"].count == first["referrals"].count + 1  # c10 now stands
    assert ratio(now["strategy_icpc"]) == (3, 3)


def test_queries_do_not_grow_with_the_records(world, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        scorecard_get(user=manager, period=Q3)
    for day in range(1, 6):
        world.contact(f"extra{day}", child=f"Extra{day}", received=at(2026, 9, day))
        world.decide(f"extra{day}", Route.EARLY_HELP, at(2026, 9, day, 12))
    with CaptureQueriesContext(connection) as after:
        scorecard_get(user=manager, period=Q3)
    # Fourteen: the facts' six, the Operation Encompass notices (outcomes/encompass), the
    # children who came back (one set-based query), agencies, national figures, source
    # labels, which months are kept (none here: docs/adr/0049), and the count's own
    # transaction with its memory set (a savepoint inside the test's, and its release).
    assert len(after) == len(before) <= 14


def test_assessments_completed_within_45_working_days(world, manager):
    # Completed in Q3: Ben's (c3) received Saturday 11 July, due 14 September, done
    # 20 August; Gus's (c9) received 10 September, done 29 September: both in time.
    # Two more referrals received on Friday 26 June, due Friday 28 August: one done
    # that day (in time), one on Tuesday 1 September (the bank holiday between:
    # one working day late).
    for key, done, late_reason in (
        ("on_the_day", date(2026, 8, 28), ""),
        ("a_day_late", date(2026, 9, 1), "Waited for a specialist report."),
    ):
        world.contact(key, child=key.title(), received=at(2026, 6, 26), agency=world.school)
        world.decide(key, Route.SOCIAL_CARE_ASSESSMENT, at(2026, 6, 26, 12), at(2026, 6, 26, 13))
        world.outcome(key, E.ASSESSMENT_COMPLETED, done, NFA, late_reason=late_reason)

    card = scorecard_get(user=manager, period=Q3)
    figure = card.figures["assessment_within_45_days"]
    assert ratio(figure) == (3, 4)
    assert figure.percent == pytest.approx(75.0)
    assert refs(world, figure) == ["c3", "c9", "on_the_day"]
    assert refs(world, figure, "denominator") == ["a_day_late", "c3", "c9", "on_the_day"]
    # The same assessments as the no-further-action measure counts.
    assert ratio(card.figures["assessment_nfa"]) == (3, 4)
    school = next(f for g, f in card.by_agency if g.name == "Riverside Primary")
    assert ratio(school["assessment_within_45_days"]) == (2, 3)  # Ben, on the day; late
    police = next(f for g, f in card.by_agency if g.name == "County Police")
    assert ratio(police["assessment_within_45_days"]) == (1, 1)  # Gus


def test_an_icpc_is_timed_from_the_latest_strategy_discussion_before_it(world, manager):
    # Ben's conference on 10 August was late from his strategy discussion on 14 July
    # (due 4 August); a later one on 28 July makes it due 18 August, so in time, as
    # the contact page and the form count it.
    world.outcome("c3", E.STRATEGY_DISCUSSION, date(2026, 7, 28))
    figures = scorecard_get(user=manager, period=Q3).figures
    assert ratio(figures["icpc_within_15_days"]) == (2, 2)
    assert ratio(figures["strategy_icpc"]) == (2, 3)  # still per child, from the first
