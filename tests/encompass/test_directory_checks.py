"""The schools directory's checks (docs/adr/0038): a URN twice in one GIAS file, a cell
a spreadsheet would run as a formula, a school only proposed to open, and Key Adult
details for a school that is closed."""

from __future__ import annotations

import pytest

from outcomes.encompass.directory import directory_import
from outcomes.models_encompass import School

pytestmark = pytest.mark.django_db
HEADER = "URN,EstablishmentName,EstablishmentStatus (name),LA (name)\n"
KEY_ADULTS = "URN,Key Adult name,Key Adult email\n"


def _gias(administrator, rows: str):
    return directory_import(actor=administrator, kind="gias", data=(HEADER + rows).encode())


def test_a_urn_twice_in_one_file_loads_the_first_and_says_so(administrator):
    report = _gias(
        administrator,
        "121212,Millbrook Primary School,Open,Northshire\n"
        "121212,Millbrook Primary (renamed),Open,Northshire\n",
    )

    assert report.created == 1
    assert report.errors == [(3, "URN 121212 is also on line 2: only the first row was loaded")]
    assert School.objects.get(urn="121212").name == "Millbrook Primary School"


@pytest.mark.parametrize("cell", ["=SUM(A1)", " +1+2", "-2+3", "@SUM(A1)", "\t=1"])
def test_every_formula_start_is_refused(administrator, cell):
    report = _gias(administrator, f'121212,"{cell}",Open,Northshire\n')

    assert report.errors == [
        (2, "EstablishmentName holds a spreadsheet formula: save the values, not formulas")
    ]
    assert not School.objects.exists()


def test_a_school_proposed_to_open_is_not_open(administrator):
    _gias(
        administrator,
        "121212,New Academy,Proposed to open,Northshire\n"
        '121213,Old Academy,"Open, but proposed to close",Northshire\n',
    )

    assert not School.objects.get(urn="121212").is_open
    assert School.objects.get(urn="121213").is_open


def test_a_closed_school_gets_no_key_adult_and_the_row_says_why(administrator):
    _gias(administrator, "121212,Old Mill School,Closed,Northshire\n121213,Millbrook,Open,N\n")

    report = directory_import(
        actor=administrator,
        kind="key_adults",
        data=(
            KEY_ADULTS
            + "121212,Jo Key,jo@oldmill.example.sch.uk\n"
            + "121213,Sam Safe,sam@millbrook.example.sch.uk\n"
        ).encode(),
    )

    assert report.updated == 1
    assert report.errors == [
        (
            2,
            "Old Mill School (121212) is not open, as GIAS lists it: a closed school keeps "
            "no Key Adult",
        )
    ]
    assert School.objects.get(urn="121212").key_adult_email == ""
    assert School.objects.get(urn="121213").key_adult_email == "sam@millbrook.example.sch.uk"
