"""The Children in Need census export, field by field, on hand-built records of the
2025-26 return year (1 April 2025 to 31 March 2026), and the DfE's rules over it.

Dates are chosen on working days; 2025-09-30 is a Tuesday, 2025-10-02 a Thursday.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from frontdoor.celery import app as celery_app
from frontdoor.census_codes import return_year_key, return_year_of
from frontdoor.models import AuditEvent
from outcomes import downstream
from outcomes.models import CensusExport, DownstreamOutcome
from outcomes.returns import services as returns
from outcomes.returns.census import census_return
from outcomes.returns.census_xml import census_xml
from referrals.models import Contact, ContactSubject
from screening.models import ROUTES_NEEDING_APPROVAL, Route
from tests.factories import child_input
from tests.outcomes.scorecard_world import World, at, empty_world, nhs_number
from tests.support import broker
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db

E = DownstreamOutcome.Event
UPN = "H801200001001"


@pytest.fixture
def world(screener, manager):
    return empty_world(screener, manager)


def record(world: World, key: str, event: str, on: date, child: str = "", **extra) -> None:
    downstream.outcome_event_record(
        actor=world.manager,
        data=downstream.OutcomeEventInput(
            contact_reference=world.contacts[key].reference,
            child=child,
            event=event,
            occurred_on=on,
            **extra,
        ),
        source=DownstreamOutcome.Source.FORM,
    )


def refer(world: World, key: str, subjects, received, route=Route.SOCIAL_CARE_ASSESSMENT, **extra):
    from referrals.services import ReferrerInput, contact_submit
    from tests.factories import contact_input

    contact, _ = contact_submit(
        actor=world.screener,
        channel=Contact.Channel.EMAIL,
        data=contact_input(
            subjects=subjects,
            received_at=received,
            source_agency=extra.pop("agency", world.school),
            referrer=ReferrerInput(name="Someone"),
        ),
    )
    world.contacts[key] = contact
    decided = received.replace(hour=received.hour + 2)
    approved = decided.replace(hour=decided.hour + 1) if route in ROUTES_NEEDING_APPROVAL else None
    world.decide(key, route, decided, approved)
    return contact


NHS_NUMBERS: dict[str, str] = {}


def child(name: str, **overrides):
    """The same name is the same child (one NHS number), so their contacts gather;
    each child has their own birthday, so nobody waits for a person match."""
    key = name + overrides.get("last_name", "")
    known = NHS_NUMBERS.setdefault(key, nhs_number())
    values = {
        "nhs_number": known,
        "first_name": name,
        "last_name": "Censuschild",
        "date_of_birth": date(2015, 1 + list(NHS_NUMBERS).index(key), 10),
        "sex": "female",
        "ethnicity": "WBRI",
        "disabilities": ("NONE",),
    }
    return child_input(**{**values, **overrides})


def export_tree(year: int = 2026) -> ET.Element:
    made = returns.census_export_make(actor=None, year=year)
    return ET.fromstring(bytes(made.xml))


def child_element(root: ET.Element, subject: ContactSubject) -> ET.Element:
    wanted = f"P{subject.person_id}"
    for element in root.find("Children"):
        if element.findtext("ChildIdentifiers/LAchildID") == wanted:
            return element
    raise AssertionError(f"{wanted} is not in the export")


def only_child(contact: Contact) -> ContactSubject:
    return contact.subjects.get(role__in=ContactSubject.CHILD_ROLES)


@pytest.fixture
def census_world(world):
    """Children referred in 2025-26, and contacts that are not in its census."""
    # Ada: assessment with factors, closed after it with no further action.
    refer(world, "ada", [child("Ada", unique_pupil_number=UPN)], at(2025, 5, 6))
    record(world, "ada", E.ASSESSMENT_STARTED, date(2025, 5, 8))
    record(
        world,
        "ada",
        E.ASSESSMENT_COMPLETED,
        date(2025, 6, 20),
        assessment_outcome="nfa",
        factors=("3B", "4B"),
    )
    record(world, "ada", E.CASE_CLOSED, date(2025, 7, 1), reason_for_closure="RC8")

    # Two children on one strategy referral from the police.
    refer(
        world,
        "twins",
        [
            child("Bea", last_name="Twin", sex="female", disabilities=("HEAR", "VIS")),
            child("Cal", last_name="Twin", sex="male", ethnicity="", disabilities=()),
        ],
        at(2025, 9, 10),
        route=Route.STRATEGY_DISCUSSION,
        agency=world.police,
    )
    for name in ("Bea Twin", "Cal Twin"):
        record(world, "twins", E.STRATEGY_DISCUSSION, date(2025, 9, 11), child=name)
        record(world, "twins", E.S47_ENQUIRY, date(2025, 9, 11), child=name)
    record(world, "twins", E.ICPC, date(2025, 9, 30), child="Bea Twin")
    record(world, "twins", E.ICPC_NOT_REQUIRED, date(2025, 9, 25), child="Cal Twin")

    # Dan: referred, then closed by social care with nothing done (a referral NFA);
    # referred again later in the year, still open at 31 March.
    refer(world, "dan-1", [child("Dan", sex="male")], at(2025, 11, 3))
    record(world, "dan-1", E.CASE_CLOSED, date(2025, 11, 4), reason_for_closure="RC7")
    refer(world, "dan-2", [child("Dan", sex="male")], at(2026, 2, 2))

    # An unborn baby; the assessment ends after 31 March, so it is open in this return.
    refer(
        world,
        "unborn",
        [
            child(
                "Baby",
                role=ContactSubject.Role.UNBORN_CHILD,
                date_of_birth=None,
                expected_date_of_birth=date(2026, 6, 1),
                sex="unknown",
            )
        ],
        at(2026, 3, 16),
    )
    record(world, "unborn", E.ASSESSMENT_STARTED, date(2026, 3, 18))
    record(
        world,
        "unborn",
        E.ASSESSMENT_COMPLETED,
        date(2026, 4, 15),
        assessment_outcome="child_in_need",
        factors=("1B",),
    )

    # Not in the 2025-26 census: advice only, already open, and next year's referral.
    refer(world, "advice", [child("Eve")], at(2025, 6, 2), route=Route.INFORMATION_AND_ADVICE)
    refer(world, "open", [child("Fay")], at(2025, 6, 3), route=Route.ALREADY_OPEN)
    refer(world, "next-year", [child("Gus")], at(2026, 4, 1))
    return world


def test_the_header_names_the_collection_year_and_council(census_world, settings):
    settings.COUNCIL_LA_CODE = "815"
    header = export_tree().find("Header")
    assert header.findtext("CollectionDetails/Collection") == "CIN"
    assert header.findtext("CollectionDetails/Year") == "2026"
    assert header.findtext("CollectionDetails/ReferenceDate") == "2026-03-31"
    assert header.findtext("Source/SourceLevel") == "L"
    assert header.findtext("Source/LEA") == "815"
    assert header.findtext("Source/SoftwareCode") == "Front Door"
    assert header.findtext("Source/SerialNo") == "1"


def test_only_children_newly_referred_in_the_year_are_in_it(census_world):
    root = export_tree()
    ids = [c.findtext("ChildIdentifiers/LAchildID") for c in root.find("Children")]
    expected = {
        f"P{s.person_id}"
        for key in ("ada", "twins", "dan-1", "unborn")
        for s in census_world.contacts[key].subjects.filter(role__in=ContactSubject.CHILD_ROLES)
    }
    assert set(ids) == expected
    assert len(ids) == len(expected) == 5


def test_a_child_with_an_assessment_closed_after_it(census_world):
    ada = child_element(export_tree(), only_child(census_world.contacts["ada"]))
    identifiers = ada.find("ChildIdentifiers")
    assert identifiers.findtext("UPN") == UPN
    assert identifiers.findtext("PersonBirthDate") == "2015-01-10"
    assert identifiers.find("ExpectedPersonBirthDate") is None
    assert identifiers.findtext("Sex") == "F"
    assert ada.findtext("ChildCharacteristics/Ethnicity") == "WBRI"
    assert [d.text for d in ada.find("ChildCharacteristics/Disabilities")] == ["NONE"]
    (details,) = ada.findall("CINdetails")
    assert details.findtext("CINreferralDate") == "2025-05-06"
    assert details.findtext("ReferralSource") == "2A"
    assert details.findtext("PrimaryNeedCode") == "N1"
    assert details.findtext("CINclosureDate") == "2025-07-01"
    assert details.findtext("ReasonForClosure") == "RC8"
    assert details.findtext("ReferralNFA") == "false"
    (assessment,) = details.findall("Assessments")
    assert assessment.findtext("AssessmentActualStartDate") == "2025-05-08"
    assert assessment.findtext("AssessmentAuthorisationDate") == "2025-06-20"
    factors = [f.text for f in assessment.find("FactorsIdentifiedAtAssessment")]
    assert factors == ["3B", "4B"]
    assert details.find("Section47") is None


def test_each_child_on_a_strategy_referral_has_their_own_section_47(census_world):
    root = export_tree()
    bea_subject, cal_subject = (
        census_world.contacts["twins"]
        .subjects.filter(role__in=ContactSubject.CHILD_ROLES)
        .order_by("position")
    )
    bea, cal = child_element(root, bea_subject), child_element(root, cal_subject)
    assert bea.findtext("CINdetails/ReferralSource") == "6"
    assert cal.findtext("CINdetails/ReferralSource") == "6"
    bea_s47 = bea.find("CINdetails/Section47")
    assert bea_s47.findtext("S47ActualStartDate") == "2025-09-11"
    # 15 working days after the strategy discussion on Thursday 11 September.
    assert bea_s47.findtext("InitialCPCtarget") == "2025-10-02"
    assert bea_s47.findtext("DateOfInitialCPC") == "2025-09-30"
    assert bea_s47.findtext("ICPCnotRequired") == "false"
    cal_s47 = cal.find("CINdetails/Section47")
    assert cal_s47.find("DateOfInitialCPC") is None
    assert cal_s47.findtext("ICPCnotRequired") == "true"
    assert bea.find("CINdetails/DateOfInitialCPC") is None  # only at the s47 level
    assert [d.text for d in bea.find("ChildCharacteristics/Disabilities")] == ["HEAR", "VIS"]
    # Not yet obtained: sent as NOBT; no disabilities recorded: the element is left out.
    assert cal.findtext("ChildCharacteristics/Ethnicity") == "NOBT"
    assert cal.find("ChildCharacteristics/Disabilities") is None
    assert cal.findtext("ChildIdentifiers/Sex") == "M"


def test_two_referrals_of_one_child_are_two_episodes(census_world):
    dan = child_element(export_tree(), only_child(census_world.contacts["dan-1"]))
    first, second = dan.findall("CINdetails")
    assert first.findtext("CINreferralDate") == "2025-11-03"
    assert first.findtext("ReferralNFA") == "true"
    assert first.findtext("CINclosureDate") == "2025-11-04"
    assert first.findtext("ReasonForClosure") == "RC7"
    assert second.findtext("CINreferralDate") == "2026-02-02"
    assert second.findtext("ReferralNFA") == "false"
    assert second.find("CINclosureDate") is None


def test_an_unborn_child_and_what_happened_after_31_march(census_world):
    baby = child_element(export_tree(), only_child(census_world.contacts["unborn"]))
    assert baby.find("ChildIdentifiers/PersonBirthDate") is None
    assert baby.findtext("ChildIdentifiers/ExpectedPersonBirthDate") == "2026-06-01"
    assert baby.findtext("ChildIdentifiers/Sex") == "U"
    assessment = baby.find("CINdetails/Assessments")
    assert assessment.findtext("AssessmentActualStartDate") == "2026-03-18"
    # Completed in April: after the census date, so open in this return.
    assert assessment.find("AssessmentAuthorisationDate") is None
    assert assessment.find("FactorsIdentifiedAtAssessment") is None


def test_the_export_passes_the_dfe_rules(census_world):
    export = returns.census_export_make(actor=None, year=2026)
    checked = returns.census_export_check(export_id=export.pk)
    assert checked.status == CensusExport.Status.CHECKED, checked.failure
    errors = [i for i in checked.report["issues"] if i["kind"] == "error"]
    assert errors == []
    assert checked.errors == 0
    assert checked.report["rules_that_crashed"] == []
    # What is left are queries about the return as a whole: a return this small uses
    # fewer than eight disability codes.
    assert {i["rule"] for i in checked.report["return_level"]} <= {"2887Q"}


def test_the_rules_find_what_is_wrong(census_world):
    """A referral decided without its primary need (as before primary needs were asked)
    is a census error the report points at."""
    census = census_return(2026)
    dan = next(c for c in census.children if len(c.episodes) == 2)
    # Decisions are never edited, so the gap is made in the export itself.
    dan.episodes[1].primary_need = ""
    export = CensusExport.objects.create(
        year=2026,
        xml=census_xml(census, serial=1, made_at=timezone.now()),
        children=len(census.children),
        episodes=census.episode_count,
        ruleset="cin2025_26",
    )
    checked = returns.census_export_check(export_id=export.pk)
    found = {(i["rule"], i["child"]) for i in checked.report["issues"] if i["kind"] == "error"}
    assert ("8610", dan.child_id) in found
    assert checked.errors >= 1


def test_a_year_before_the_current_census_shape_is_refused():
    with pytest.raises(returns.ReturnRefused, match="2023-24 cannot be made"):
        returns.census_export_make(actor=None, year=2024)


def test_performance_viewers_export_and_read_the_report(
    client, performance_viewer, census_world, celery_worker
):
    client.force_login(performance_viewer)
    page = client.get(reverse("outcomes:census"))
    assert page.status_code == 200
    # The last year to have ended is the one offered.
    ended = return_year_of(timezone.localdate()) - 1
    assert f'<option value="{ended}" selected>{return_year_key(ended)}</option>' in page.text
    made = client.post(reverse("outcomes:census"), {"year": "2026"})
    export = CensusExport.objects.get()
    assert made.status_code == 302
    assert made["Location"] == reverse("outcomes:census-export", args=[export.pk])
    assert export.made_by == performance_viewer
    assert (
        AuditEvent.objects.filter(
            actor=performance_viewer, action=AuditEvent.Action.EXPORT, record_type="contact"
        ).count()
        == len(export.contact_ids)
        == 5
    )
    wait_until(
        lambda: CensusExport.objects.get(pk=export.pk).status != CensusExport.Status.CHECKING,
        120,
        "the worker did not check the export",
    )
    export.refresh_from_db()
    assert export.status == CensusExport.Status.CHECKED, export.failure
    report = client.get(reverse("outcomes:census-export", args=[export.pk]))
    assert b"0 errors" in report.content
    xml = client.get(reverse("outcomes:census-xml", args=[export.pk]))
    assert xml["Content-Type"] == "application/xml"
    assert ET.fromstring(xml.content).findtext("Header/CollectionDetails/Year") == "2026"
    assert (
        AuditEvent.objects.filter(
            actor=performance_viewer, record_type="census_export", record_id=str(export.pk)
        ).count()
        == 1
    )
    findings = client.get(reverse("outcomes:census-report", args=[export.pk]))
    assert AuditEvent.objects.filter(
        actor=performance_viewer,
        action=AuditEvent.Action.EXPORT,
        record_type="census_export",
        record_id=str(export.pk),
    ).exists()
    assert findings.content.decode("utf-8-sig").startswith("Kind,Rule,Message,Child")


def test_checking_an_export_again_is_audited_and_queued_after_commit(
    client, performance_viewer, django_capture_on_commit_callbacks
):
    export = returns.census_export_make(actor=performance_viewer, year=2026)
    CensusExport.objects.filter(pk=export.pk).update(
        status=CensusExport.Status.UNCHECKED, failure="The validator is not installed"
    )
    celery_app.control.purge()
    client.force_login(performance_viewer)
    page = reverse("outcomes:census-export", args=[export.pk])
    check = reverse("outcomes:census-check", args=[export.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check)

    assert (response.status_code, response["Location"]) == (302, page)
    export.refresh_from_db()
    assert (export.status, export.failure) == (CensusExport.Status.CHECKING, "")
    changes = AuditEvent.objects.filter(
        actor=performance_viewer,
        action=AuditEvent.Action.CHANGE,
        record_type="census_export",
        record_id=str(export.pk),
    )
    assert list(changes.values_list("detail", flat=True)) == [
        {"status": {"from": "unchecked", "to": "checking"}}
    ]
    assert broker.queued(returns.CENSUS_CHECK) == [[export.pk]]

    # Asking again while it is being checked changes nothing and queues nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(check)
    assert (again.status_code, again["Location"]) == (302, page)
    assert changes.count() == 1
    assert broker.queued(returns.CENSUS_CHECK) == [[export.pk]]
    celery_app.control.purge()


def test_a_missing_year_is_explained(client, manager):
    client.force_login(manager)
    page = client.post(reverse("outcomes:census"), {"year": "1999"})
    assert page.status_code == 400
    assert b"Select the return year to export" in page.content


def test_an_unavailable_validator_leaves_the_export_kept_and_says_why(census_world, settings):
    settings.CIN_VALIDATOR_PYTHON = "/nonexistent/python"
    export = returns.census_export_make(actor=None, year=2026)
    checked = returns.census_export_check(export_id=export.pk)
    assert checked.status == CensusExport.Status.UNCHECKED
    assert "not installed" in checked.failure
    assert bytes(CensusExport.objects.get(pk=export.pk).xml).startswith(b"<?xml")


def test_whatever_stops_the_rules_leaves_the_export_not_checked_and_the_sweep_alone(
    census_world, settings
):
    """A validator that answers nonsense (here ``echo``, whose output is not the JSON the
    runner writes) must not leave the export "being checked" for the sweep to run again
    and again."""
    settings.CIN_VALIDATOR_PYTHON = "/bin/echo"
    export = returns.census_export_make(actor=None, year=2026)
    checked = returns.census_export_check(export_id=export.pk)
    assert checked.status == CensusExport.Status.UNCHECKED
    assert checked.failure == "The check stopped unexpectedly. Check it again."
    later = timezone.now() + timedelta(seconds=returns.CHECK_TIME_LIMIT + 120)
    assert returns.census_checks_sweep(now=later) == []


def test_a_second_message_for_a_finished_check_runs_nothing(census_world, settings):
    settings.CIN_VALIDATOR_PYTHON = "/nonexistent/python"
    export = returns.census_export_make(actor=None, year=2026)
    first = returns.census_export_check(export_id=export.pk)
    settings.CIN_VALIDATOR_PYTHON = "/bin/echo"
    again = returns.census_export_check(export_id=export.pk)
    assert again.failure == first.failure
    assert again.checked_at == first.checked_at


def test_an_export_made_without_the_check_says_so_and_is_not_swept(census_world, tmp_path):
    call_command(
        "export_cin_census", "--year", "2025-26", "--out", str(tmp_path / "c.xml"), "--no-check"
    )
    export = CensusExport.objects.latest("pk")
    assert export.status == CensusExport.Status.UNCHECKED
    assert "--no-check" in export.failure
    later = timezone.now() + timedelta(seconds=returns.CHECK_TIME_LIMIT + 120)
    assert returns.census_checks_sweep(now=later) == []


def test_a_baby_referred_before_and_after_birth_is_sent_with_the_date_of_birth(world):
    unborn = child(
        "Bo",
        role=ContactSubject.Role.UNBORN_CHILD,
        date_of_birth=None,
        expected_date_of_birth=date(2025, 8, 1),
        sex="unknown",
    )
    refer(world, "before", [unborn], at(2025, 5, 6))
    record(world, "before", E.CASE_CLOSED, date(2025, 5, 9), reason_for_closure="RC7")
    refer(
        world, "after", [child("Bo", date_of_birth=date(2025, 7, 28), sex="male")], at(2025, 10, 6)
    )

    baby = child_element(export_tree(), only_child(world.contacts["before"]))
    assert baby.findtext("ChildIdentifiers/PersonBirthDate") == "2025-07-28"
    assert baby.find("ChildIdentifiers/ExpectedPersonBirthDate") is None
    assert baby.findtext("ChildIdentifiers/Sex") == "M"
    assert [d.findtext("CINreferralDate") for d in baby.findall("CINdetails")] == [
        "2025-05-06",
        "2025-10-06",
    ]
