"""The today page (issue 23, part 1), through HTTP, on hand-built worlds: contacts in each
clock state, immediate risk not yet taken, checks overdue by agency, approvals waiting,
who holds what, contacts received against a week before, schools' notices due. Each
figure links to the list behind it and that list counts the same. A manager sees the
whole front door, a screener their own work; restricted contacts are counted, never
named. The page's poll answers 204 when nothing changed, else the figures again and a
sentence for the live region; its query count does not grow with the data."""

import html
import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontdoor.london import LONDON, start_of
from frontdoor.models import Agency
from frontdoor.roles import Role
from frontdoor.sessions import POLL_HEADER, REFRESHED_AT
from frontdoor.working_days import add_working_time, working_time_before
from outcomes.models_encompass import EncompassNotice
from referrals import services as referral_services
from referrals.models import Contact
from screening import services, services_checks
from screening.models import AgencyCheck, Route, SharingBasis
from screening.services_checks import Sharing
from tests.factories import AgencyFactory, UserFactory, child_input, submit_contact
from tests.support import encompass as encompass_support
from tests.support.checks import consented
from tests.support.screening import decide

pytestmark = pytest.mark.django_db
TODAY = reverse("outcomes:today")
POLL = {"HTTP_" + POLL_HEADER.upper().replace("-", "_"): "1", "HTTP_HX_REQUEST": "true"}


def _figure(page, figure_id: str) -> tuple[int, str]:
    match = re.search(rf'id="{figure_id}" href="([^"]*)">(\d+)<', page.text)
    assert match, f"no figure {figure_id}"
    return int(match.group(2)), html.unescape(match.group(1))


def _queue_count(client, url: str) -> int:
    listed = client.get(url)
    assert listed.status_code == 200
    return int(re.search(r'id="queue-count">(\d+) open contact', listed.text).group(1))


def _due(contact, when):
    Contact.objects.filter(pk=contact.pk).update(decision_due_at=when)


@pytest.fixture
def clocks(referrer, screener, manager):
    """Two overdue, one due within two hours, one due soon (amber) beyond that, three
    on time; one of the overdue restricted, one held by the screener."""
    now = timezone.now()
    made = {
        name: submit_contact(referrer, subjects=[child_input(first_name=name, last_name="Clock")])
        for name in ("Red", "Redder", "Close", "Amber", "Green", "Greener", "Greenest")
    }
    _due(made["Red"], now - timedelta(hours=1))
    _due(made["Redder"], now - timedelta(days=2))
    _due(made["Close"], now + timedelta(minutes=30))
    _due(made["Amber"], add_working_time(now, timedelta(hours=5)))
    for name in ("Green", "Greener", "Greenest"):
        _due(made[name], add_working_time(now, timedelta(hours=10)))
    referral_services.restriction_add(
        actor=manager,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[manager],
        review_due=timezone.localdate() + timedelta(days=30),
        contact=made["Redder"],
    )
    services.screening_claim(actor=screener, contact=made["Red"])
    return made


def test_a_manager_sees_contacts_waiting_by_clock_each_figure_its_list(client, manager, clocks):
    client.force_login(manager)
    page = client.get(TODAY)
    assert page.status_code == 200
    assert "<title>Today at the front door" in page.text
    expected = {
        "today-red": 2,
        "today-breaching": 1,
        "today-amber": 2,
        "today-green": 3,
        "today-waiting": 7,
    }
    for figure_id, count in expected.items():
        shown, url = _figure(page, figure_id)
        assert shown == count, figure_id
        assert url.startswith("/screening/"), figure_id
        assert _queue_count(client, url) == count, figure_id
    # A restricted contact is counted, and no child is named on the page.
    assert "Clock" not in page.text
    assert "Redder" not in page.text


def test_immediate_risk_not_yet_taken(client, manager, screener, referrer):
    waiting = submit_contact(referrer, urgency="immediate")
    taken = submit_contact(referrer, urgency="immediate")
    services.screening_claim(actor=screener, contact=taken)
    submit_contact(referrer)

    client.force_login(manager)
    count, url = _figure(client.get(TODAY), "today-immediate")

    assert count == 1
    listed = client.get(url)
    assert waiting.reference in listed.text
    assert f'id="queue-row-{taken.reference}"' not in listed.text
    assert _queue_count(client, url) == 1


def _asked(screener, contact, agency, *, hours_ago: float) -> AgencyCheck:
    check = services_checks.check_request(
        actor=screener,
        contact=contact,
        agency=agency,
        question="Anything known?",
        sharing=consented(),
    )
    sent = working_time_before(timezone.now(), timedelta(hours=hours_ago))
    AgencyCheck.objects.filter(pk=check.pk).update(sent_at=sent)
    return check


def test_checks_overdue_by_agency(client, manager, screener, referrer, level, police, settings):
    settings.CHECK_ANSWER_WORKING_HOURS = 4
    health = AgencyFactory(name="Demo Health", type=Agency.Type.HEALTH)
    first, second, third, decided = (submit_contact(referrer) for _ in range(4))
    for contact in (first, second, third, decided):
        services.screening_claim(actor=screener, contact=contact)
    _asked(screener, first, police, hours_ago=6)
    _asked(screener, first, police, hours_ago=5)  # the same contact again: counted once
    _asked(screener, second, police, hours_ago=4.5)
    _asked(screener, third, health, hours_ago=7)
    _asked(screener, third, police, hours_ago=1)  # not overdue yet
    answered = _asked(screener, second, health, hours_ago=8)
    services_checks.check_answer(
        actor=UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER], agency=health),
        check=answered,
        response="Known.",
    )
    _asked(screener, decided, health, hours_ago=9)
    services.checks_proceed_without(actor=screener, contact=decided, reason="Not needed now.")
    decide(screener, decided, level, route=Route.EARLY_HELP)

    client.force_login(manager)
    page = client.get(TODAY)

    row = (
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*'
        r'<td[^>]*><a class="govuk-link" id="today-checks-\d+" href="([^"]+)">(\d+)<'
    )
    rows = re.findall(row, page.text)
    assert [(agency, int(count)) for agency, _, count in rows] == [
        ("Demo Police", 2),
        ("Demo Health", 1),
    ]
    for _, url, count in rows:
        assert _queue_count(client, html.unescape(url)) == int(count)


def test_approvals_waiting_and_since_when(
    client, manager, screener, referrer, level, settings, police
):
    settings.CHECKS_WITHOUT_CONSENT_NEED_APPROVAL = True
    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION)
    other = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=other)
    services_checks.check_request(
        actor=screener,
        contact=other,
        agency=police,
        question="Any incidents?",
        sharing=Sharing(SharingBasis.SIGNIFICANT_HARM, reason="Bruising seen by the school today."),
    )

    client.force_login(manager)
    page = client.get(TODAY)

    assert _figure(page, "today-approvals") == (1, reverse("screening:approvals"))
    assert _figure(page, "today-checks-held") == (1, reverse("screening:approvals"))
    since = timezone.localtime().strftime("%a %-d %b")
    assert page.text.count(f"since {since}") == 2


def test_work_in_progress_per_screener(client, manager, screener, referrer):
    other = UserFactory(roles=[Role.SCREENER], full_name="Omar Other")
    mine = [submit_contact(referrer) for _ in range(3)]
    for contact in mine:
        services.screening_claim(actor=screener, contact=contact)
    _due(mine[0], timezone.now() - timedelta(hours=1))
    services.screening_claim(actor=other, contact=submit_contact(referrer))
    submit_contact(referrer)  # not taken

    client.force_login(manager)
    page = client.get(TODAY)

    ids = (f"today-holding-{screener.pk}", f"today-holding-overdue-{screener.pk}")
    assert _figure(page, ids[0])[0] == 3
    assert _figure(page, ids[1])[0] == 1
    assert _figure(page, f"today-holding-{other.pk}")[0] == 1
    assert page.text.index(screener.full_name) < page.text.index("Omar Other")
    for figure_id in (*ids, f"today-holding-{other.pk}"):
        count, url = _figure(page, figure_id)
        assert _queue_count(client, url) == count


def test_contacts_received_today_and_this_week_against_a_week_before(client, manager, referrer):
    now = timezone.now()
    local = now.astimezone(LONDON)
    week_ago = local.date() - timedelta(days=7)
    moment = datetime.combine(week_ago, local.time(), tzinfo=LONDON)
    earlier = start_of(week_ago) + (moment - start_of(week_ago)) / 2
    later = moment + (start_of(week_ago + timedelta(days=1)) - moment) / 2
    for received in (earlier, later, now - timedelta(days=30)):
        submit_contact(referrer, received_at=received)
    today = [submit_contact(referrer) for _ in range(3)]

    client.force_login(manager)
    page = client.get(TODAY)

    assert _figure(page, "today-received-1")[0] == 3
    assert _figure(page, "today-received-before-1")[0] == 2
    assert re.search(r'numeric">1</td>', page.text)  # the same day a week before, by now
    assert _figure(page, "today-received-2")[0] >= 3  # this week: today, and earlier days
    assert _figure(page, "today-received-before-2")[0] == 2
    count, url = _figure(page, "today-received-1")
    listed = client.get(url)
    assert f"{count} contacts received on {local:%A %-d %B %Y}" in listed.text
    assert all(contact.reference in listed.text for contact in today)
    count, url = _figure(page, "today-received-before-1")
    assert f"{count} contacts received on {week_ago:%A %-d %B %Y}" in client.get(url).text


def test_schools_notices_due(client, manager, settings):
    settings.ENCOMPASS_DUE_SOON_HOURS = 12
    notices = [
        EncompassNotice.objects.get(
            contact=encompass_support.police_notification(incident_at=timezone.now()).contact
        )
        for _ in range(3)
    ]
    now = timezone.now()
    for notice, due in zip(notices, (-2, 3, 30), strict=True):
        EncompassNotice.objects.filter(pk=notice.pk).update(
            state=EncompassNotice.State.AWAITING_SCHOOL, due_at=now + timedelta(hours=due)
        )

    client.force_login(manager)
    page = client.get(TODAY)

    overdue, overdue_url = _figure(page, "today-encompass-overdue")
    soon, soon_url = _figure(page, "today-encompass-soon")
    assert (overdue, soon) == (1, 2)
    assert overdue_url == reverse("outcomes:encompass") + "?status=awaiting_school_overdue"
    listed = client.get(soon_url).text
    assert listed.count("Confirm the school") == 2


def test_a_screener_sees_their_own_work(client, screener, referrer, level, police, clocks):
    mine = clocks["Red"]  # held by the screener, overdue
    client.force_login(screener)
    page = client.get(TODAY)

    assert "<title>Your work today" in page.text
    assert _figure(page, "today-red") == (1, "/screening/?rag=red&assigned=me")
    assert _figure(page, "today-waiting")[0] == 1
    assert "Work in progress" not in page.text
    assert "today-checks-held" not in page.text
    assert _queue_count(client, _figure(page, "today-red")[1]) == 1
    decide(screener, mine, level, route=Route.STRATEGY_DISCUSSION)
    page = client.get(TODAY)
    count, url = _figure(page, "today-approvals")
    assert count == 1
    assert _queue_count(client, url) == 1


def test_only_screening_staff_see_it(client, referrer, performance_viewer):
    for user in (referrer, performance_viewer):
        client.force_login(user)
        assert client.get(TODAY).status_code == 403
        assert client.get(reverse("outcomes:today-figures")).status_code == 403


def _seen(page) -> str:
    return html.unescape(
        re.search(r'id="today-seen" name="seen" value="([^"]*)"', page.text).group(1)
    )


def test_the_poll_says_nothing_until_a_figure_moves(client, manager, referrer, clocks):
    client.force_login(manager)
    page = client.get(TODAY)
    assert 'hx-trigger="every 30.0s"' in page.text
    seen = _seen(page)
    figures = reverse("outcomes:today-figures")

    assert client.get(figures, {"seen": seen}, **POLL).status_code == 204
    submit_contact(referrer, urgency="immediate")
    update = client.get(figures, {"seen": seen}, **POLL)

    assert update.status_code == 200
    assert '<div id="today-figures" hx-swap-oob="true">' in update.text
    said = re.search(
        r'<div id="today-live" hx-swap-oob="innerHTML">\d\d:\d\d: (.*)\.</div>', update.text
    )
    # Immediate risk is due in two working hours: about to be overdue too.
    assert said.group(1) == (
        "1 immediate risk not taken (was 0), 2 overdue within 2 hours (was 1), 8 waiting (was 7)"
    )
    assert client.get(figures, {"seen": _seen(update)}, **POLL).status_code == 204


@pytest.mark.parametrize("seen", ["", "t1;red=x;y", "<script>", "x" * 10_000, "t1;bogus=1;ab"])
def test_a_poll_with_figures_it_cannot_read_redraws_them_and_says_nothing(client, manager, seen):
    client.force_login(manager)
    update = client.get(reverse("outcomes:today-figures"), {"seen": seen}, **POLL)
    assert update.status_code == 200
    assert '<div id="today-figures" hx-swap-oob="true">' in update.text
    assert "today-live" not in update.text


def test_a_poll_does_not_keep_the_session_alive(client, manager):
    client.force_login(manager)
    seen = _seen(client.get(TODAY))
    refreshed = client.session[REFRESHED_AT]
    client.get(reverse("outcomes:today-figures"), {"seen": seen}, **POLL)
    assert client.session[REFRESHED_AT] == refreshed


def test_the_page_asks_the_same_number_of_queries_however_much_there_is(
    client, manager, screener, referrer, police
):
    def queries() -> int:
        client.force_login(manager)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(TODAY).status_code == 200
        return len(captured)

    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    _asked(screener, contact, police, hours_ago=9)
    few = queries()
    for number in range(4):
        holder = UserFactory(roles=[Role.SCREENER], full_name=f"Screener {number}")
        agency = AgencyFactory(name=f"Agency {number}", type=Agency.Type.HEALTH)
        for _ in range(3):
            held = submit_contact(referrer, urgency="immediate")
            services.screening_claim(actor=holder, contact=held)
            _asked(holder, held, agency, hours_ago=9)
    assert queries() == few


def test_polls_share_the_front_doors_figures_and_opening_the_page_counts_afresh(
    client, manager, manager_b, referrer, settings
):
    """Every manager's page shows the same figures: a poll takes them as another request
    counted them in the last LIVE_SHARED_SECONDS; opening the page counts them afresh."""
    settings.LIVE_SHARED_SECONDS = 60
    submit_contact(referrer)
    client.force_login(manager)
    seen = _seen(client.get(TODAY))
    figures = reverse("outcomes:today-figures")
    submit_contact(referrer)

    assert client.get(figures, {"seen": seen}, **POLL).status_code == 204  # as shared

    client.force_login(manager_b)
    assert _figure(client.get(TODAY), "today-waiting")[0] == 2  # afresh, and shared
    client.force_login(manager)
    update = client.get(figures, {"seen": seen}, **POLL)
    assert update.status_code == 200
    assert "2 waiting (was 1)" in update.text


@pytest.mark.parametrize(
    "days",
    [
        {"received_from": "<script>"},
        {"received_from": "=SUM(A1)", "received_to": "2026-01-01"},
        {"received_from": "2026-02-30"},
        {"received_from": "2026-03-02", "received_to": "2026-03-01"},
        {"received_to": "9" * 10_000},
        {"received_to": "9999-12-31"},
        {"received_from": "0001-01-01"},
    ],
)
def test_the_contacts_list_says_when_it_cannot_read_the_days_and_lists_every_contact(
    client, screener, referrer, days
):
    contact = submit_contact(referrer)
    client.force_login(screener)
    listed = client.get(reverse("referrals:contact-list"), days)
    assert listed.status_code == 200
    assert "Those days could not be read: every contact is listed." in listed.text
    assert contact.reference in listed.text
    assert "<script>" not in listed.text


def test_an_overdue_check_is_one_whose_answer_was_due(screener, referrer, police, settings):
    """The filter the figures use and the due time of one check agree, a weekend included."""
    from screening.models_checks import answer_due, answer_overdue

    settings.CHECK_ANSWER_WORKING_HOURS = 4
    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    check = _asked(screener, contact, police, hours_ago=0)
    friday_3pm = datetime(2026, 11, 27, 15, 0, tzinfo=LONDON)
    AgencyCheck.objects.filter(pk=check.pk).update(sent_at=friday_3pm)
    assert answer_due(friday_3pm) == datetime(2026, 11, 27, 19, 0, tzinfo=LONDON)
    for now, overdue in (
        (datetime(2026, 11, 27, 18, 59, tzinfo=LONDON), False),
        (datetime(2026, 11, 27, 19, 0, tzinfo=LONDON), True),
        (datetime(2026, 11, 28, 12, 0, tzinfo=LONDON), True),
    ):
        found = AgencyCheck.objects.filter(answer_overdue(now), pk=check.pk).exists()
        assert found is overdue, now
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)
    AgencyCheck.objects.filter(pk=check.pk).update(sent_at=saturday)
    assert answer_due(saturday) == datetime(2026, 11, 30, 4, 0, tzinfo=LONDON)
    monday_3am = datetime(2026, 11, 30, 3, 0, tzinfo=LONDON)
    assert not AgencyCheck.objects.filter(answer_overdue(monday_3am), pk=check.pk).exists()


def test_a_figure_lists_its_contacts_though_its_screener_or_agency_is_no_longer_active(
    client, manager, screener, referrer, settings
):
    """The queue's filters accept whoever holds contacts and any agency with checks on
    them, not only those active now; a filter it cannot use is said so on its field and
    the others still apply."""
    settings.CHECK_ANSWER_WORKING_HOURS = 4
    health = AgencyFactory(name="Demo Health", type=Agency.Type.HEALTH)
    held = [submit_contact(referrer) for _ in range(2)]
    for contact in held:
        services.screening_claim(actor=screener, contact=contact)
    _due(held[0], timezone.now() - timedelta(hours=1))
    _asked(screener, held[1], health, hours_ago=6)
    _due(submit_contact(referrer), timezone.now() - timedelta(hours=2))  # not taken
    type(screener).objects.filter(pk=screener.pk).update(is_active=False)
    Agency.objects.filter(pk=health.pk).update(is_active=False)

    client.force_login(manager)
    page = client.get(TODAY)

    for figure_id in (
        f"today-holding-{screener.pk}",
        f"today-holding-overdue-{screener.pk}",
        f"today-checks-{health.pk}",
    ):
        count, url = _figure(page, figure_id)
        assert _queue_count(client, url) == count
    listed = client.get(reverse("screening:queue"), {"assigned": "999999", "rag": "red"})
    assert "This filter was not used: choose one from the list" in listed.text
    assert _queue_count(client, reverse("screening:queue") + "?assigned=999999&rag=red") == 2


def test_the_hours_before_overdue_are_the_settings_wherever_they_are_said(
    client, manager, referrer, settings
):
    settings.BREACHING_WITHIN_HOURS = 3
    client.force_login(manager)
    assert "Overdue within 3 hours" in client.get(reverse("screening:queue")).text
    seen = _seen(client.get(TODAY))
    _due(submit_contact(referrer), timezone.now() + timedelta(hours=2, minutes=30))

    update = client.get(reverse("outcomes:today-figures"), {"seen": seen}, **POLL)

    assert "1 overdue within 3 hours (was 0)" in update.text
