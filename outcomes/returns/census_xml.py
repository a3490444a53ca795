"""The Children in Need census as the DfE's XML (the COLLECT schema's Message shape).

Elements come in the schema's order; an element the front door has no value for is
left out rather than sent empty, as the schema allows for optional items.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from outcomes.returns.census import Assessment, CensusChild, CensusReturn, Episode, Section47

SOFTWARE_CODE = "Front Door"


def _text(parent: ET.Element, tag: str, value: str | date | bool | None) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, date):
        value = value.isoformat()
    ET.SubElement(parent, tag).text = value


def _header(message: ET.Element, census: CensusReturn, serial: int, made_at: datetime) -> None:
    header = ET.SubElement(message, "Header")
    collection = ET.SubElement(header, "CollectionDetails")
    _text(collection, "Collection", "CIN")
    _text(collection, "Year", str(census.year))
    _text(collection, "ReferenceDate", census.reference_date)
    source = ET.SubElement(header, "Source")
    _text(source, "SourceLevel", "L")
    _text(source, "LEA", settings.COUNCIL_LA_CODE)
    _text(source, "SoftwareCode", SOFTWARE_CODE)
    _text(source, "Release", settings.FRONTDOOR_RELEASE)
    _text(source, "SerialNo", str(serial))
    _text(
        source,
        "DateTime",
        timezone.localtime(made_at).replace(tzinfo=None, microsecond=0).isoformat(),
    )


def _assessment(details: ET.Element, assessment: Assessment) -> None:
    element = ET.SubElement(details, "Assessments")
    _text(element, "AssessmentActualStartDate", assessment.started_on)
    _text(element, "AssessmentAuthorisationDate", assessment.authorised_on)
    if assessment.factors:
        factors = ET.SubElement(element, "FactorsIdentifiedAtAssessment")
        for code in assessment.factors:
            _text(factors, "AssessmentFactors", code)


def _section47(details: ET.Element, enquiry: Section47) -> None:
    element = ET.SubElement(details, "Section47")
    _text(element, "S47ActualStartDate", enquiry.started_on)
    _text(element, "InitialCPCtarget", enquiry.icpc_target)
    _text(element, "DateOfInitialCPC", enquiry.icpc_on)
    _text(element, "ICPCnotRequired", enquiry.icpc_not_required)


def _episode(child_element: ET.Element, episode: Episode) -> None:
    details = ET.SubElement(child_element, "CINdetails")
    _text(details, "CINreferralDate", episode.referral_date)
    _text(details, "ReferralSource", episode.referral_source)
    _text(details, "PrimaryNeedCode", episode.primary_need)
    _text(details, "CINclosureDate", episode.closure_date)
    _text(details, "ReasonForClosure", episode.reason_for_closure)
    _text(details, "ReferralNFA", episode.referral_nfa)
    for assessment in episode.assessments:
        _assessment(details, assessment)
    for enquiry in episode.section47s:
        _section47(details, enquiry)


def _child(children: ET.Element, child: CensusChild) -> None:
    element = ET.SubElement(children, "Child")
    identifiers = ET.SubElement(element, "ChildIdentifiers")
    _text(identifiers, "LAchildID", child.child_id)
    _text(identifiers, "UPN", child.upn)
    _text(identifiers, "PersonBirthDate", child.born_on)
    _text(identifiers, "ExpectedPersonBirthDate", child.expected_on)
    _text(identifiers, "Sex", child.sex)
    characteristics = ET.SubElement(element, "ChildCharacteristics")
    _text(characteristics, "Ethnicity", child.ethnicity)
    if child.disabilities:
        disabilities = ET.SubElement(characteristics, "Disabilities")
        for code in child.disabilities:
            _text(disabilities, "Disability", code)
    for episode in child.episodes:
        _episode(element, episode)


def census_xml(census: CensusReturn, *, serial: int, made_at: datetime) -> bytes:
    message = ET.Element("Message")
    _header(message, census, serial, made_at)
    children = ET.SubElement(message, "Children")
    for child in census.children:
        _child(children, child)
    ET.indent(message)
    return ET.tostring(message, encoding="utf-8", xml_declaration=True)
