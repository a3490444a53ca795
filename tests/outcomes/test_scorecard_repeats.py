"""Repeat contacts not progressed, counted forward (issue 23, part 6; ADR 0008): of the
children whose contact in the period ended in Information and Advice or Early Help,
those who came back with another contact within the 12 months after it, as recorded
at the counting moment; "still maturing" until 12 months after the period ends.

A hand-built March 2025, every contact recorded when it was received (so a count as at
a past moment sees only what had arrived by then). Times are London wall-clock times.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from frontdoor.models import AuditEvent
from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import scorecard_get
from referrals.models import Contact, ContactWithdrawal
from referrals.services import api_client_create
from screening.models import Route
from tests.outcomes.scorecard_world import at, empty_world
from tests.support.withdrawals import withdraw

pytestmark = pytest.mark.django_db

MARCH = Period.parse("2025-03")
ADVICE, EARLY_HELP = Route.INFORMATION_AND_ADVICE, Route.EARLY_HELP


@pytest.fixture
def world(screener, manager):
    world = empty_world(screener, manager)
    school = world.school

    def first(key, child, day, route):
        world.contact(key, child=child, received=at(2025, 3, day), agency=school)
        # A referral needs a manager's approval to stand; advice and early help do not.
        approved = at(2025, 3, day, 13) if route == Route.SOCIAL_CARE_ASSESSMENT else None
        world.decide(key, route, at(2025, 3, day, 12), approved)

    def back(key, child, received):
        world.contact(key, child=child, received=received, agency=school)

    # Amy: advice in March, back the next February: counts, once February has come.
    first("amy1", "Amy", 10, ADVICE)
    back("amy2", "Amy", at(2026, 2, 9))
    # Bo: advice in March, back 13 months later: never counts.
    first("bo1", "Bo", 12, ADVICE)
    back("bo2", "Bo", at(2026, 4, 12))
    # Cy: early help in March, back in June.
    first("cy1", "Cy", 14, EARLY_HELP)
    back("cy2", "Cy", at(2025, 6, 20))
    # Di: advice in March; the contact in May was sent in error and withdrawn.
    first("di1", "Di", 17, ADVICE)
    back("di2", "Di", at(2025, 5, 2))
    withdraw(world.screener, world.contacts["di2"])  # today (withdrawals are never edited)
    # Ed: back exactly 12 months later (counts); Fi: 12 months and a day (does not).
    first("ed1", "Ed", 18, ADVICE)
    back("ed2", "Ed", at(2026, 3, 18, 16))
    first("fi1", "Fi", 19, ADVICE)
    back("fi2", "Fi", at(2026, 3, 20, 9))
    # Gus: his March contact was withdrawn (no decision stood): not a first contact.
    world.contact("gus1", child="Gus", received=at(2025, 3, 20), agency=school)
    withdraw(world.screener, world.contacts["gus1"])
    back("gus2", "Gus", at(2025, 4, 1))
    # Hal: a referral in March, back in April: progressed, so not counted at all.
    first("hal1", "Hal", 21, Route.SOCIAL_CARE_ASSESSMENT)
    back("hal2", "Hal", at(2025, 4, 2))

    for contact in world.contacts.values():
        Contact.objects.filter(pk=contact.pk).update(created_at=contact.received_at)
    return world


def refs(world, figure, part="numerator"):
    by_pk = {contact.pk: key for key, contact in world.contacts.items()}
    return sorted(by_pk[item.contact_id] for item in figure.items(part))


def repeat(world, period=MARCH, as_at=None):
    card = scorecard_get(user=world.manager, period=period, as_at=as_at)
    return card.figures["repeat_not_progressed"]


def test_children_who_came_back_within_the_12_months_after(world):
    figure = repeat(world)
    # Not progressed in March: Amy, Bo, Cy (early help), Di, Ed, Fi. Gus's contact was
    # withdrawn and Hal's became a referral.
    assert refs(world, figure, "denominator") == ["amy1", "bo1", "cy1", "di1", "ed1", "fi1"]
    # Back within 12 months: Amy (February), Cy (June), Ed (on the anniversary day).
    # Not Bo (13 months), Di (her return was withdrawn) or Fi (a day too late).
    assert refs(world, figure) == ["amy1", "cy1", "ed1"]
    assert (figure.count, figure.base) == (3, 6)


def test_a_child_counts_only_once_the_second_contact_exists(world):
    # As at 15 January 2026, Amy's February contact had not been received: not yet.
    # (Di's May contact still stood then: its withdrawal was recorded today.)
    january = repeat(world, as_at=at(2026, 1, 15))
    assert refs(world, january) == ["cy1", "di1"]
    assert january.base == 6
    # The day after her return, she counts for March's period.
    february = repeat(world, as_at=at(2026, 2, 10))
    assert refs(world, february) == ["amy1", "cy1", "di1"]


def test_a_withdrawn_return_is_no_return_once_withdrawn(world):
    # Di's May contact counted as a return only while it stood: counted as at a
    # moment before its withdrawal was recorded, the figure is as it stood then.
    withdrawn = ContactWithdrawal.objects.get(contact=world.contacts["di2"]).withdrawn_at
    assert "di1" in refs(world, repeat(world, as_at=withdrawn - timedelta(seconds=1)))
    assert "di1" not in refs(world, repeat(world, as_at=withdrawn))


def test_the_trend_counts_each_month_forward_too(world):
    card = scorecard_get(user=world.manager, period=Period.parse("2025-06"))
    months = {period.key: figures["repeat_not_progressed"] for period, figures in card.trend}
    assert (months["2025-03"].count, months["2025-03"].base) == (3, 6)
    # Nobody's June, February or April contact was decided: none in later months.
    assert months["2025-06"].base == 0


def test_still_maturing_until_12_months_after_the_period_ends(client, world):
    client.force_login(world.manager)
    # March 2025 ended more than 12 months ago: final everywhere on the page (and so
    # are the twelve months before it in the trend).
    final = client.get(reverse("outcomes:scorecard"), {"period": "2025-03"})
    assert final.status_code == 200
    assert "app-figure__maturing" not in final.text  # the "Still maturing" tag
    assert "is still maturing" not in final.text
    # Counted as at 31 March 2026, the last day a March contact can come back: maturing.
    maturing = client.get(
        reverse("outcomes:scorecard"), {"period": "2025-03", "as_at": "2026-03-31T23:30"}
    )
    assert "Repeat contacts not progressed for March 2025 is still maturing" in maturing.text
    assert "can still rise until 31 March 2026" in maturing.text
    # A recent quarter: on the page, in the trend and the agency split.
    recent = client.get(reverse("outcomes:scorecard"), {"period": "2026-Q3"})
    assert "can still rise until 30 September 2027" in recent.text
    # The headline, the previous period and each of the trend's quarters since 2025-Q4.
    assert recent.text.count("app-figure__maturing") >= 6


def test_the_drill_down_lists_the_children_who_came_back(client, world):
    client.force_login(world.manager)
    page = client.get(
        reverse("outcomes:scorecard-figure"),
        {"period": "2025-03", "as_at": "2026-02-10T12:00", "figure": "repeat_not_progressed"},
    )
    assert page.status_code == 200
    listed = {key for key, c in world.contacts.items() if c.reference in page.text}
    # Each child with the contact they came back with (Di's was withdrawn only later).
    assert listed == {"amy1", "amy2", "cy1", "cy2", "di1", "di2"}
    assert "Came back with" in page.text
    audited = AuditEvent.objects.filter(actor=world.manager, action=AuditEvent.Action.VIEW)
    assert {world.contacts[key].reference for key in listed} <= set(
        audited.values_list("record_id", flat=True)
    )
    assert "this list can grow until 31 March 2026" in page.text


def test_exports_and_the_api_say_which_figures_are_still_maturing(
    client, world, performance_viewer
):
    client.force_login(world.manager)
    download = client.get(
        reverse("outcomes:scorecard-csv"), {"period": "2025-03", "as_at": "2026-02-10T12:00"}
    )
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    march = {
        r["Figure key"]: r
        for r in rows
        if r["Period"] == "2025-03" and r["Source agency"] == "All agencies"
    }
    assert march["repeat_not_progressed"]["Still maturing until"] == "2026-03-31"
    # Amy, Cy and Di (her return withdrawn only later); eight contacts in March.
    assert (march["repeat_not_progressed"]["Numerator"], march["contacts"]["Numerator"]) == (
        "3",
        "8",
    )
    assert march["contacts"]["Still maturing until"] == ""
    school = next(
        r
        for r in rows
        if r["Source agency"] == "Riverside Primary" and r["Figure key"] == "repeat_not_progressed"
    )
    assert school["Still maturing until"] == "2026-03-31"

    _, token = api_client_create(name="Steering group dashboard", account=performance_viewer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for as_at, maturing, until in (
        ("2026-03-31T23:59", True, "2026-03-31"),
        ("2026-04-01T00:00", False, None),
    ):
        data = client.get(reverse("api-scorecard"), {"period": "2025-03", "as_at": as_at}, **auth)
        figures = {row["key"]: row for row in data.json()["figures"]}
        assert figures["repeat_not_progressed"]["still_maturing"] is maturing, as_at
        assert figures["repeat_not_progressed"]["maturing_until"] == until
        assert figures["contacts"]["still_maturing"] is False
    assert figures["repeat_not_progressed"]["numerator"] == 4  # and Ed, back on 18 March
    trend = data.json()["trend"]
    assert all(
        not row["still_maturing"] for each in trend for row in each["figures"]
    )  # every month to March 2025 had ended 12 months before


def test_the_anniversary_of_29_february_is_28_february(world):
    # A leap day's contact comes back in time on 28 February the year after.
    world.contact("lee1", child="Lee", received=at(2024, 2, 29), agency=world.school)
    world.decide("lee1", ADVICE, at(2024, 2, 29, 12))
    world.contact("lee2", child="Lee", received=at(2025, 2, 28, 18), agency=world.school)
    world.contact("max1", child="Max", received=at(2024, 2, 29), agency=world.school)
    world.decide("max1", ADVICE, at(2024, 2, 29, 12))
    world.contact("max2", child="Max", received=at(2025, 3, 1, 9), agency=world.school)
    figure = repeat(world, period=Period.parse("2024-02"))
    assert refs(world, figure) == ["lee1"]
