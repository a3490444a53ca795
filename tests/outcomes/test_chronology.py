"""A person's chronology (outcomes/chronology): through HTTP, as a screener or manager
would use it."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services as referral_services
from tests.factories import UserFactory
from tests.support.chronology import child_with_history

pytestmark = pytest.mark.django_db

TITLE = re.compile(r'<h3 class="moj-timeline__title">(.*?)</h3>')
WHEN = re.compile(r'<time datetime="([^"]+)"')
NEXT = re.compile(r'href="\?([^"]*?)after=([^"]+)" rel="next"')


def _url(person, name="outcomes:person-chronology") -> str:
    return reverse(name, args=[person.pk])


def _titles(response) -> list[str]:
    return TITLE.findall(response.text)


@pytest.fixture
def history(referrer, screener, manager, police_member):
    return child_with_history(
        referrer=referrer, screener=screener, manager=manager, member=police_member, full=1
    )


WORDED = [
    "Contact received, about them as a child",
    "Decision: Social care assessment (s17)",
    "Decision approved: Social care assessment (s17)",
    "Check asked of Demo Police",
    "Check answered by Demo Police",
    "Complex-case meeting: more information needed",
    "Assessment completed",
    "Acknowledgement of receipt: notice to the referrer",
    "Outcome: notice to the family",
    "This person&#x27;s record restricted",
    "Restriction lifted: this person&#x27;s record",
    "Contact log: phone call with Demo Police (DS Khan)",
    "Contact log corrected: phone call with Demo Police (DC Patel)",
]


def test_every_kind_appears_worded_with_links_to_its_records(client, screener, history):
    client.force_login(screener)
    response = client.get(_url(history.person))
    assert response.status_code == 200
    titles = _titles(response)
    for title in WORDED:
        assert title in titles
    text = response.text
    for words in (
        'Threshold</dt><dd class="govuk-summary-list__value">Level 3:',
        "Child in need",
        "3A: ",  # a census factor with its words
        "Two call-outs in May.",
        "Whom to ask",
        "It was DC Patel, not DS Khan.",
        "DS Khan confirmed the call-outs in May.",
    ):
        assert words in text
    for code in ("social_care_assessment", "child_in_need", "assessment_completed", "None"):
        assert f">{code}<" not in text
        assert f" {code} " not in text
    reference = history.contacts[0].reference
    for link in (
        reverse("referrals:contact-detail", args=[reference]),
        reverse("screening:contact", args=[reference]),
        reverse("outcomes:contact-notices", args=[reference]),
        reverse("outcomes:contact-outcomes", args=[reference]),
    ):
        assert f'href="{link}"' in text
    # Who opened it is recorded as a read of the person's record.
    assert AuditEvent.objects.filter(
        actor=screener,
        action=AuditEvent.Action.VIEW,
        record_type="person",
        record_id=str(history.person.pk),
        via="outcomes:person-chronology",
    ).exists()
    # And the person record leads here.
    person_page = client.get(reverse("referrals:person-detail", args=[history.person.pk]))
    assert f'href="{_url(history.person)}"' in person_page.text


def test_order_newest_first_by_default_and_oldest_first_on_request(client, screener, history):
    client.force_login(screener)
    newest = WHEN.findall(client.get(_url(history.person)).text)
    oldest = WHEN.findall(client.get(_url(history.person), {"order": "oldest"}).text)
    assert len(newest) == len(WORDED) + 1  # and the referrer's outcome notice
    assert newest == sorted(newest, key=_moment, reverse=True)
    assert oldest == list(reversed(newest))


def _moment(text: str):
    from datetime import UTC, date, datetime

    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    return datetime.fromisoformat(text)


def test_filters_by_kind_and_date(client, screener, history):
    client.force_login(screener)
    only = _titles(client.get(_url(history.person), {"kind": ["checks", "meetings"]}))
    assert sorted(only) == sorted(
        [
            "Check asked of Demo Police",
            "Check answered by Demo Police",
            "Complex-case meeting: more information needed",
        ]
    )
    today = timezone.localdate()
    tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)

    def dates(prefix, day):
        return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}

    later = client.get(_url(history.person), dates("date_from", tomorrow))
    assert _titles(later) == []
    assert "No entries match these filters." in later.text
    earlier = client.get(_url(history.person), dates("date_to", yesterday))
    assert _titles(earlier) == []
    today_only = client.get(
        _url(history.person), {**dates("date_from", today), **dates("date_to", today)}
    )
    assert len(_titles(today_only)) == len(WORDED) + 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"},
            "Date from must be a real date",
        ),
        ({"date_from_0": "1", "date_from_2": "2026"}, "Date from must include a month"),
        (
            {"date_to_0": "x<script>", "date_to_1": "1", "date_to_2": "2026"},
            "Date to must be a real date",
        ),
        (
            {
                "date_from_0": "2",
                "date_from_1": "1",
                "date_from_2": "2026",
                "date_to_0": "1",
                "date_to_1": "1",
                "date_to_2": "2026",
            },
            "Date to must be the same as or after date from",
        ),
        ({"kind": "=SUM(A1)"}, "Choose what to show from the list"),
        ({"order": "sideways"}, "Choose newest first or oldest first"),
    ],
)
def test_wrong_filters_are_explained_and_what_was_typed_kept(
    client, screener, history, query, message
):
    client.force_login(screener)
    response = client.get(_url(history.person), query)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert "<title>Error: " in response.text
    assert _titles(response) == []
    if "date_to_0" in query:
        typed = query["date_to_0"].replace("<", "&lt;").replace(">", "&gt;")
        assert f'value="{typed}"' in response.text
    # The PDF asked for with the same filters leads back to the page that says why.
    pdf = client.get(_url(history.person, "outcomes:person-chronology-pdf"), query)
    assert pdf.status_code == 302
    assert pdf["Location"].startswith(_url(history.person))


def test_a_restricted_person_answers_as_the_person_record_does(client, screener, manager, history):
    referral_services.restriction_add(
        actor=manager,
        person=history.person,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    person_page = reverse("referrals:person-detail", args=[history.person.pk])
    for user in (screener, UserFactory(roles=[Role.REFERRER]), manager):
        client.force_login(user)
        expected = client.get(person_page)
        for name in ("outcomes:person-chronology", "outcomes:person-chronology-pdf"):
            got = client.get(_url(history.person, name))
            assert got.status_code == expected.status_code, (user, name)
            if expected.status_code == 403:
                assert "This record is restricted" in got.text
    assert client.get(_url(history.person, "outcomes:person-chronology-pdf")).status_code == 200


def test_a_contact_restricted_to_others_shows_only_that_it_is_there(
    client, screener, manager, history
):
    referral_services.restriction_add(
        actor=manager,
        contact=history.contacts[0],
        reason="A police investigation.",
        ask=manager,
        allowed=[],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(screener)
    response = client.get(_url(history.person))
    assert "Two call-outs in May." not in response.text
    assert "Bruising consistent" not in response.text
    assert "Decisions: restricted" in response.text
    assert f"ask {manager.full_name}" in response.text
    assert reverse("screening:contact", args=[history.contacts[0].reference]) not in response.text
    client.force_login(manager)  # named on it: sees it all
    assert "Two call-outs in May." in client.get(_url(history.person)).text


def _all_pages(client, person, query=None) -> list[list[str]]:
    pages, params = [], dict(query or {})
    while True:
        response = client.get(_url(person), params)
        assert response.status_code == 200
        pages.append(re.findall(r'<p class="moj-timeline__date">(.*?)</p>', response.text))
        found = NEXT.search(response.text)
        if not found:
            return pages
        params = {**(query or {}), "after": unquote(found.group(2))}


@pytest.fixture
def long_history(referrer, screener, manager, police_member):
    return child_with_history(
        referrer=referrer,
        screener=screener,
        manager=manager,
        member=police_member,
        full=3,
        older=297,
    )


def test_a_long_history_renders_in_the_same_number_of_queries_as_a_short_one(
    client, referrer, screener, manager, police_member, long_history
):
    short = child_with_history(
        referrer=referrer,
        screener=screener,
        manager=manager,
        member=police_member,
        full=3,
        nhs="9434765870",
        meetings_from=date(2026, 10, 1),
        name=("Noah", "Okafor"),
    )
    assert short.person.appearances.count() == 3
    assert long_history.person.appearances.count() == 300
    client.force_login(screener)
    client.get(_url(short.person))  # sessions and caches warmed
    counts, shown = [], []
    for history in (short, long_history):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url(history.person))
        counts.append(len(queries))
        shown.append(len(_titles(response)))
    assert shown[0] < shown[1] == 50
    assert counts[0] == counts[1], counts


def test_keyset_paging_shows_every_entry_exactly_once(client, screener, long_history):
    client.force_login(screener)
    # 300 contacts: each has a contact, decision and notice entry; the 3 full ones more.
    for order in ("newest", "oldest"):
        pages = _all_pages(
            client, long_history.person, {"order": order, "kind": ["contacts", "decisions"]}
        )
        entries = [entry for page in pages for entry in page]
        assert len(pages) > 10
        assert len(entries) == len(set(entries)) == 300 + 300 + 3  # 3 approvals
    # Back from the second page to the first.
    first = client.get(_url(long_history.person))
    after = unquote(NEXT.search(first.text).group(2))
    second = client.get(_url(long_history.person), {"after": after})
    previous = re.search(r'href="\?[^"]*?before=([^"]+)" rel="prev"', second.text).group(1)
    back = client.get(_url(long_history.person), {"before": unquote(previous)})
    assert _titles(back) == _titles(first)
    # A mangled cursor starts again at the top rather than failing.
    mangled = client.get(_url(long_history.person), {"after": "2026~nothing~<x>"})
    assert _titles(mangled) == _titles(first)


def test_the_pdf_is_a_real_pdf_with_every_entry(client, manager, history, tmp_path):
    client.force_login(manager)
    response = client.get(_url(history.person, "outcomes:person-chronology-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    path = tmp_path / "chronology.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 (poppler, as for the pack)
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = re.sub(r"\s+", " ", text)
    assert f"Chronology of {history.person.full_name}" in text
    for title in WORDED:
        assert title.replace("&#x27;", "'") in text
    # The contact log is in the printed record with its notes, the correction's reason too.
    for words in ("DS Khan confirmed the call-outs in May.", "It was DC Patel, not DS Khan."):
        assert words in text
    assert "OFFICIAL-SENSITIVE" in text
    assert AuditEvent.objects.filter(
        actor=manager,
        action=AuditEvent.Action.EXPORT,
        record_type="person",
        record_id=str(history.person.pk),
    ).exists()


def test_a_check_asked_shows_its_basis_for_sharing(client, screener, history):
    client.force_login(screener)
    response = client.get(_url(history.person), {"kind": ["checks"]})
    today = timezone.localdate()
    assert (
        f"With the family&#x27;s consent: given by The child&#x27;s mother on {today:%-d %B %Y}"
        in response.text
    )
