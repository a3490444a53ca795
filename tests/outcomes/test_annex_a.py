"""Ofsted Annex A, Lists 1 and 3, on hand-built records, through the page and the
selector.

Window B is 1 January to 30 June 2026; it crosses 1 April, so its contacts belong to
two return years (2025-26 and 2026-27). Times are London wall-clock times.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from frontdoor.models import AuditEvent, CensusCode, ReferralSource
from frontdoor.roles import Role
from outcomes import downstream
from outcomes.models import DownstreamOutcome
from outcomes.returns import annex_a
from referrals.models import Contact, ContactSubject
from referrals.services import ReferrerInput, contact_submit
from screening import services as screening_services
from screening.models import Decision, Route, ThresholdLevel
from tests.factories import ADVICE, UserFactory, child_input, contact_input
from tests.outcomes.scorecard_world import at, nhs_number
from tests.support.annex_a import PAGE, WINDOW_B, signed_in, window_query
from tests.support.worlds import built_once

E = DownstreamOutcome.Event
NEEDS_APPROVAL = (Route.SOCIAL_CARE_ASSESSMENT, Route.STRATEGY_DISCUSSION)
LEVEL = {
    Route.INFORMATION_AND_ADVICE: 1,
    Route.EARLY_HELP: 2,
    Route.SOCIAL_CARE_ASSESSMENT: 3,
    Route.ALREADY_OPEN: 3,
    Route.STRATEGY_DISCUSSION: 4,
}


@dataclass
class Records:
    screener: object
    manager: object
    people: dict[str, dict] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)

    def child(self, name, *, sex="female", born=None, matched=True, ethnicity=""):
        """The same child each time (by NHS number); a different birthday for each, so
        matching finds no look-alikes among them."""
        if name not in self.people:
            index = len(self.people)
            self.people[name] = {
                "first_name": name,
                "last_name": f"Annex{name.lower()}",
                "date_of_birth": born or date(2011 + index % 6, 1 + index % 12, 1 + index % 27),
                "sex": sex,
                "nhs_number": nhs_number() if matched else "",
            }
        return child_input(**self.people[name], ethnicity=ethnicity)

    def contact(self, key, children, received, *, source="2A", **extra) -> Contact:
        channel = extra.pop("channel", Contact.Channel.EMAIL)
        contact, _ = contact_submit(
            actor=self.screener,
            channel=channel,
            data=contact_input(
                subjects=children,
                received_at=received,
                referrer=ReferrerInput(name="Someone", referral_source_code=source),
                **extra,
            ),
        )
        self.contacts[key] = contact
        return contact

    def decide(self, key, route, *, approve=True) -> Decision:
        contact = Contact.objects.get(pk=self.contacts[key].pk)
        decided = contact.received_at + timedelta(hours=2)
        screening_services.screening_claim(actor=self.screener, contact=contact)
        decision = screening_services.decision_record(
            actor=self.screener,
            contact=contact,
            route=route,
            threshold_level=ThresholdLevel.objects.get(number=LEVEL[route]),
            rationale="A rationale long enough to stand up if questioned later on.",
            family_notice=Decision.FamilyNotice.NOTIFY,
            primary_need="N1" if route in NEEDS_APPROVAL else "",
            decided_at=decided,
            **ADVICE,
        )
        if approve and route in NEEDS_APPROVAL:
            screening_services.decision_approve(
                actor=self.manager, decision=decision, approved_at=decided + timedelta(hours=1)
            )
        return decision

    def referral(self, key, name, received, **child) -> Contact:
        contact = self.contact(key, [self.child(name, **child)], received)
        self.decide(key, Route.SOCIAL_CARE_ASSESSMENT)
        return contact

    def outcome(self, key, event, on, **extra) -> None:
        downstream.outcome_event_record(
            actor=self.manager,
            data=downstream.OutcomeEventInput(
                contact_reference=self.contacts[key].reference,
                child="",
                event=event,
                occurred_on=on,
                **extra,
            ),
            source=DownstreamOutcome.Source.FORM,
        )

    def subject(self, key, name="") -> ContactSubject:
        children = self.contacts[key].subjects.filter(role__in=ContactSubject.CHILD_ROLES)
        return children.get(first_name=name) if name else children.get()

    def child_id(self, key, name="") -> str:
        subject = self.subject(key, name)
        return f"P{subject.person_id}" if subject.person_id else f"S{subject.pk}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The records, built once: the tests read them (what one writes is undone after
    it, see tests/support/worlds.py)."""
    yield from built_once(django_db_blocker, _records_build)


@pytest.fixture
def screener(world):
    return world.screener


@pytest.fixture
def manager(world):
    return world.manager


@pytest.fixture
def records(world, db) -> Records:
    # Each test has its own lists of the world's people and contacts to add to.
    return dataclasses.replace(world, people=dict(world.people), contacts=dict(world.contacts))


def _records_build() -> Records:
    r = Records(
        UserFactory(roles=[Role.SCREENER], full_name="Sam Screener"),
        UserFactory(roles=[Role.MANAGER], full_name="Morgan Manager"),
    )
    # A contact about two children, from the police: a referral for both.
    r.contact(
        "m1",
        [
            r.child("Ann", born=date(2016, 4, 12), ethnicity="WBRI"),
            r.child("Bob", sex="male", born=date(2019, 1, 12)),
        ],
        at(2026, 1, 12),
        source="6",
    )
    r.decide("m1", Route.SOCIAL_CARE_ASSESSMENT)
    # Dan: referred a month before the window and again inside it.
    r.referral("dan1", "Dan", at(2025, 12, 1))
    r.referral("dan2", "Dan", at(2026, 2, 10))
    # Eli: referred exactly twelve months apart (the earlier one counts).
    r.referral("eli1", "Eli", at(2025, 3, 10))
    r.referral("eli2", "Eli", at(2026, 3, 10))
    # Cal: three referrals in three months of 2025, and a fourth 13 months after the third.
    r.referral("cal1", "Cal", at(2025, 2, 3))
    r.referral("cal2", "Cal", at(2025, 3, 3))
    r.referral("cal3", "Cal", at(2025, 4, 1))
    r.referral("cal4", "Cal", at(2026, 5, 5))
    # Fay: information and advice; Gil: advice given in a phone consultation.
    r.contact("fay", [r.child("Fay")], at(2026, 2, 20))
    r.decide("fay", Route.INFORMATION_AND_ADVICE)
    r.contact(
        "gil",
        [r.child("Gil")],
        at(2026, 2, 25),
        channel=Contact.Channel.PHONE_CONSULTATION,
        advice_only=True,
        advice_given="Advice on talking to the family about school attendance.",
    )
    # Hal: already open to social care, so passed to the allocated worker.
    r.contact("hal", [r.child("Hal")], at(2026, 3, 16))
    r.decide("hal", Route.ALREADY_OPEN)
    # Ivy: a strategy discussion and a section 47 enquiry, then closed.
    r.contact("ivy", [r.child("Ivy")], at(2026, 4, 13))
    r.decide("ivy", Route.STRATEGY_DISCUSSION)
    r.outcome("ivy", E.STRATEGY_DISCUSSION, date(2026, 4, 14))
    r.outcome("ivy", E.S47_ENQUIRY, date(2026, 4, 14))
    r.outcome("ivy", E.ICPC_NOT_REQUIRED, date(2026, 4, 28))
    r.outcome("ivy", E.CASE_CLOSED, date(2026, 5, 1), reason_for_closure="RC7")
    # Jo: closed with no assessment: no further action.
    r.referral("jo", "Jo", at(2026, 5, 4), born=date(2016, 1, 20))
    r.outcome("jo", E.CASE_CLOSED, date(2026, 5, 20), reason_for_closure="RC7")
    # Ken: assessed, ending in no further action, then closed: acted on.
    r.referral("ken", "Ken", at(2026, 5, 11))
    r.outcome("ken", E.ASSESSMENT_STARTED, date(2026, 5, 12))
    r.outcome(
        "ken",
        E.ASSESSMENT_COMPLETED,
        date(2026, 5, 26),
        assessment_outcome=DownstreamOutcome.AssessmentOutcome.NO_FURTHER_ACTION,
        factors=("21",),
    )
    r.outcome("ken", E.CASE_CLOSED, date(2026, 5, 27), reason_for_closure="RC8")
    # Lee: closed with no assessment, but after the window ends.
    r.referral("lee", "Lee", at(2026, 6, 1))
    r.outcome("lee", E.CASE_CLOSED, date(2026, 7, 6), reason_for_closure="RC7")
    # Mia: sent for assessment, but the manager has not approved it.
    r.contact("mia", [r.child("Mia")], at(2026, 6, 8))
    r.decide("mia", Route.SOCIAL_CARE_ASSESSMENT, approve=False)
    # Nat: referred without an NHS number; the second time the screener has not yet
    # confirmed the look-alike person record, so the child is not matched.
    r.referral("nat0", "Nat", at(2025, 9, 1), matched=False)
    r.referral("nat", "Nat", at(2026, 6, 15))
    # Oli: half an hour into July (23:30 UTC on 30 June): outside the window.
    r.contact("oli", [r.child("Oli")], at(2026, 7, 1, 0, 30))
    r.decide("oli", Route.SOCIAL_CARE_ASSESSMENT)
    return r


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _by_id(rows: list[list]) -> dict[str, list[list]]:
    found: dict[str, list[list]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row)
    return found


def test_list_1_has_a_row_per_child_per_contact_received_in_the_window(client, records, manager):
    header, *rows = _csv_rows(signed_in(client, manager).get(PAGE, {**WINDOW_B, "list": "1"}))
    assert header == list(annex_a.LIST_1_HEADER)
    dates = [row[5] for row in rows]
    assert dates == [
        "12/01/2026",  # Ann and Bob: one contact, two rows
        "12/01/2026",
        "10/02/2026",
        "20/02/2026",
        "25/02/2026",
        "10/03/2026",
        "16/03/2026",
        "13/04/2026",
        "04/05/2026",
        "05/05/2026",
        "11/05/2026",
        "01/06/2026",
        "08/06/2026",
        "15/06/2026",
    ]
    r = records
    by_id = _by_id(rows)
    assert by_id[r.child_id("m1", "Ann")] == [
        [
            r.child_id("m1", "Ann"),
            "b) Female",
            "a) WBRI",
            "12/04/2016",
            "9",
            "12/01/2026",
            "q) 6: Police",
        ]
    ]
    assert by_id[r.child_id("m1", "Bob")] == [
        [
            r.child_id("m1", "Bob"),
            "a) Male",
            "t) NOBT",
            "12/01/2019",
            "7",
            "12/01/2026",
            "q) 6: Police",
        ]
    ]
    # Advice, information and advice, already open and a pending decision: List 1 only.
    for key in ("fay", "gil", "hal", "mia"):
        assert len(by_id[r.child_id(key)]) == 1
        assert by_id[r.child_id(key)][0][6] == "e) 2A: Schools"
    # An unmatched child is known by the child on that contact.
    assert r.child_id("nat").startswith("S")
    assert r.child_id("nat") in by_id


def test_list_3_has_referrals_only_with_counts_and_nfa(client, records, manager):
    header, *rows = _csv_rows(signed_in(client, manager).get(PAGE, {**WINDOW_B, "list": "3"}))
    assert header == [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ]
    r = records
    by_id = _by_id(rows)
    # Not referrals: information and advice, advice in the call, already open, pending.
    for key in ("fay", "gil", "hal", "mia", "oli"):
        assert r.child_id(key) not in by_id
    assert len(rows) == 10

    def cells(key, name=""):
        (row,) = by_id[r.child_id(key, name)]
        return row

    assert cells("m1", "Ann") == [
        r.child_id("m1", "Ann"),
        "b) Female",
        "a) WBRI",
        "12/04/2016",
        "9",
        "12/01/2026",
        "q) 6: Police",
        "b) No",
        "1",
        "",
        "",
    ]
    assert cells("m1", "Bob")[:9] == [
        r.child_id("m1", "Bob"),
        "a) Male",
        "t) NOBT",
        "12/01/2019",
        "7",
        "12/01/2026",
        "q) 6: Police",
        "b) No",
        "1",
    ]
    # Referrals in the 12 months up to and including this one.
    assert cells("dan2")[8] == "2"  # one in December, before the window
    assert cells("eli2")[8] == "2"  # exactly twelve months before counts
    assert cells("cal4")[8] == "1"  # 13 months after the last
    assert cells("nat")[8] == "1"  # unmatched: no history
    # Referral NFA?: closed with no assessment or s47, by the end of the window.
    assert cells("jo")[7] == "a) Yes"
    assert cells("ken")[7] == "b) No"  # assessed first
    assert cells("ivy")[7] == "b) No"  # section 47 enquiry
    assert cells("lee")[7] == "b) No"  # closed after the window


def test_three_referrals_in_twelve_months_count_one_two_three(client, records, manager):
    window = window_query(date(2025, 1, 1), date(2025, 6, 30))
    _, *rows = _csv_rows(signed_in(client, manager).get(PAGE, {**window, "list": "3"}))
    cal = records.child_id("cal1")
    assert [(row[5], row[8]) for row in rows if row[0] == cal] == [
        ("03/02/2025", "1"),
        ("03/03/2025", "2"),
        ("01/04/2025", "3"),
    ]


def test_referral_nfa_is_one_rule_by_date(records):
    ids = {key: records.subject(key).pk for key in ("jo", "ken", "ivy", "lee", "nat")}
    assert annex_a.referral_nfa_subject_ids(ids.values(), date(2026, 6, 30)) == {ids["jo"]}
    assert annex_a.referral_nfa_subject_ids(ids.values(), date(2026, 7, 31)) == {
        ids["jo"],
        ids["lee"],
    }
    assert annex_a.referral_nfa_subject_ids(ids.values(), date(2026, 5, 19)) == set()
    assert annex_a.referral_nfa_subject_ids([], date(2026, 7, 31)) == set()


def test_labels_come_from_the_code_lists_for_each_return_year(client, records, manager):
    # From 2026-27 Ofsted relabels girls; the police get a new label; WBRI is spelt out.
    CensusCode.objects.filter(code_list="sex", code="F").update(last_year=2026)
    CensusCode.objects.create(
        code_list="sex", code="F", label="Female", annex_a_label="b) Girl", first_year=2027
    )
    CensusCode.objects.filter(code_list="ethnicity", code="WBRI").update(
        annex_a_label="a) White British"
    )
    ReferralSource.objects.filter(code="6").update(annex_a_label="q) 6: Police force")
    _, *rows = _csv_rows(signed_in(client, manager).get(PAGE, {**WINDOW_B, "list": "1"}))
    by_id = _by_id(rows)
    ann = by_id[records.child_id("m1", "Ann")][0]
    assert ann[1:3] == ["b) Female", "a) White British"]  # January: 2025-26
    assert ann[6] == "q) 6: Police force"
    assert by_id[records.child_id("jo")][0][1] == "b) Girl"  # May: 2026-27
    assert by_id[records.child_id("fay")][0][1] == "b) Female"  # February


def test_excel_has_both_lists_and_every_contact_is_audited(client, records, manager):
    response = signed_in(client, manager).get(PAGE, {**WINDOW_B, "format": "xlsx"})
    assert response.status_code == 200
    assert "annex-a-2026-01-01-to-2026-06-30.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["List 1 Contacts", "List 3 Referrals"]
    contacts = list(book["List 1 Contacts"].values)
    referrals = list(book["List 3 Referrals"].values)
    assert contacts[0] == annex_a.LIST_1_HEADER
    assert referrals[0] == annex_a.LIST_3_HEADER
    assert len(contacts) == 15
    assert len(referrals) == 11
    jo = next(row for row in referrals if row[0] == records.child_id("jo"))
    assert jo[4:9] == (10, "04/05/2026", "e) 2A: Schools", "a) Yes", 1)
    assert jo[9:] == (None, None)

    exported = AuditEvent.objects.filter(action="export", record_type="contact", actor=manager)
    in_window = [k for k in records.contacts if k not in ("dan1", "eli1", "oli", "nat0")]
    in_window = [k for k in in_window if not k.startswith("cal") or k == "cal4"]
    assert sorted(exported.values_list("record_id", flat=True)) == sorted(
        records.contacts[key].reference for key in in_window
    )


def test_list_3_download_is_audited_against_the_referrals_only(client, records, manager):
    response = signed_in(client, manager).get(PAGE, {**WINDOW_B, "list": "3"})
    assert (
        "annex-a-list-3-referrals-2026-01-01-to-2026-06-30.csv" in (response["Content-Disposition"])
    )
    exported = set(
        AuditEvent.objects.filter(action="export", actor=manager).values_list(
            "record_id", flat=True
        )
    )
    referrals = ("m1", "dan2", "eli2", "cal4", "ivy", "jo", "ken", "lee", "nat")
    assert exported == {records.contacts[key].reference for key in referrals}


def test_query_count_does_not_grow_with_rows(records, manager):
    window = annex_a.Window(date(2026, 1, 1), date(2026, 6, 30))
    annex_a.annex_a_lists(user=manager, window=window, as_at=timezone.now())  # warm caches
    with CaptureQueriesContext(connection) as before:
        annex_a.annex_a_lists(user=manager, window=window, as_at=timezone.now())
    for number in range(4):
        records.referral(f"more{number}", f"More{number}", at(2026, 6, 20 + number))
        records.referral(f"again{number}", "Dan", at(2026, 6, 20 + number, 12))
    with CaptureQueriesContext(connection) as after:
        lists = annex_a.annex_a_lists(user=manager, window=window, as_at=timezone.now())
    assert len(lists.referrals) == 18
    assert len(after.captured_queries) == len(before.captured_queries)
