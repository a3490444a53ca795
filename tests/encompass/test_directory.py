"""The schools directory: the GIAS extract, the Key Adult list and term dates, uploaded
by an administrator or loaded by the command; bad rows reported, good rows kept."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from outcomes.models_encompass import School, TermCalendar

pytestmark = pytest.mark.django_db

# GIAS's own column names (edubasealldata), a few of its 130-odd, in its order.
GIAS = (
    "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,"
    "TypeOfEstablishment (name),EstablishmentStatus (name),PhaseOfEducation (name),"
    "StatutoryLowAge,Postcode\n"
    "121212,815,North Yorkshire,2001,Millbrook Primary School,"
    "Community school,Open,Primary,4,YO1 7HH\n"
    "121213,815,North Yorkshire,4002,Oakfield Academy,"
    "Academy converter,Open,Secondary,11,YO1 8AA\n"
    "abc,815,North Yorkshire,2003,No Number School,Community school,Open,Primary,4,YO1 9AA\n"
    '121214,815,North Yorkshire,2004,"=HYPERLINK(""http://x"")",'
    "Community school,Open,Primary,4,YO1 9AB\n"
    "121215,815,North Yorkshire,1005,Little Acorns Nursery,"
    "Local authority nursery school,Open,Nursery,2,YO1 9AC\n"
    "121216,815,North Yorkshire,2006,Old Mill School,Community school,Closed,Primary,4,YO1 9AD\n"
    "121217,999,Elsewhere,2007,Far Away School,Community school,Open,Primary,4,ZZ1 1ZZ\n"
)
KEY_ADULTS = (
    "URN,Key Adult name,Key Adult email,Key Adult phone,Secure email,Open all year,Term calendar\n"
    "121212,Jo Key,jo.key@millbrook.example.sch.uk,01632 960 001,dsl@millbrook.example.sch.uk,no,\n"
    "121213,Sam Safe,not-an-email,,,,\n"
    "999999,Nobody,n@example.sch.uk,,,,\n"
    "121215,Pat Nursery,pat@acorns.example.sch.uk,,,yes,Northshire\n"
)
TERMS = (
    "Calendar,Term,First day,Last day\n"
    "Northshire,Autumn 1,2026-09-03,2026-10-23\n"
    "Northshire,Autumn 2,02/11/2026,18/12/2026\n"
    "Trust calendar,Autumn 1,2026-09-01,2026-08-01\n"
)


def _upload(client, kind: str, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("outcomes:schools-upload"),
        {"kind": kind, "file": SimpleUploadedFile("file.csv", data, content_type="text/csv")},
    )


def test_gias_extract_with_bad_rows(client, administrator, settings):
    settings.ENCOMPASS_LOCAL_AUTHORITIES = ["North Yorkshire"]
    client.force_login(administrator)

    response = _upload(client, "gias", GIAS)

    page = response.content.decode()
    assert response.status_code == 200
    assert "4 new" in page
    assert "1 of other local authorities left out" in page
    assert "URN must be a number" in page
    assert "EstablishmentName holds a spreadsheet formula" in page
    millbrook = School.objects.get(urn="121212")
    assert (millbrook.la_code, millbrook.establishment_number, millbrook.phase) == (
        "815",
        "2001",
        "Primary",
    )
    assert School.objects.get(urn="121215").is_early_years
    assert not School.objects.get(urn="121216").is_open
    # The same file again changes nothing.
    again = _upload(client, "gias", GIAS).content.decode()
    assert "0 new, 0 changed, 4 unchanged" in again


def test_key_adults_and_term_dates(client, administrator):
    client.force_login(administrator)
    _upload(client, "gias", GIAS)

    terms = _upload(client, "term_dates", TERMS).content.decode()
    assert "Autumn 1 ends before it starts" in terms
    northshire = TermCalendar.objects.get(name="Northshire")
    assert northshire.is_default
    assert [t.starts_on for t in northshire.terms.all()] == [date(2026, 9, 3), date(2026, 11, 2)]
    assert not TermCalendar.objects.filter(name="Trust calendar").exists()

    adults = _upload(client, "key_adults", KEY_ADULTS).content.decode()
    assert "Key Adult email is not an email address" in adults
    assert "URN 999999 is not in the directory" in adults
    millbrook = School.objects.get(urn="121212")
    assert millbrook.notice_address == "dsl@millbrook.example.sch.uk"
    assert millbrook.key_adult_phone == "01632 960001"
    nursery = School.objects.get(urn="121215")
    assert nursery.open_all_year
    assert nursery.term_calendar == northshire


def test_damaged_files_are_refused_clearly(client, administrator):
    client.force_login(administrator)
    nul = _upload(client, "gias", "URN,EstablishmentName\n1\x00,x\n")
    assert nul.status_code == 400
    assert "null character" in nul.content.decode()
    wrong = _upload(client, "key_adults", GIAS)
    assert wrong.status_code == 400
    assert "no column Key Adult name" in wrong.content.decode()
    windows = _upload(client, "gias", GIAS.replace("Millbrook", "Millbrøøk").encode("cp1252"))
    assert windows.status_code == 200
    assert School.objects.filter(name="Millbrøøk Primary School").exists()


def test_an_administrator_edits_a_school_and_others_may_not(client, administrator, manager):
    client.force_login(administrator)
    _upload(client, "gias", GIAS)
    millbrook = School.objects.get(urn="121212")
    url = reverse("outcomes:school", args=[millbrook.pk])

    bad = client.post(url, {"key_adult_name": "Jo", "key_adult_email": "x", "key_adult_phone": "1"})
    assert bad.status_code == 400
    assert "Enter a UK telephone number" in bad.content.decode()
    nul = client.post(url, {"key_adult_name": "Jo\x00", "key_adult_email": "jo@m.sch.uk"})
    assert nul.status_code == 400
    saved = client.post(
        url,
        {"key_adult_name": "Jo Key", "key_adult_email": "jo@m.sch.uk", "open_all_year": "on"},
    )
    assert saved.status_code == 302
    millbrook.refresh_from_db()
    assert millbrook.open_all_year
    assert millbrook.key_adult_email == "jo@m.sch.uk"

    client.force_login(manager)
    assert client.get(url).status_code == 403


def test_term_dates_page_keeps_what_was_typed_when_a_line_is_wrong(client, administrator):
    client.force_login(administrator)
    made = client.post(reverse("outcomes:term-calendars"), {"name": "Oak Trust"})
    calendar = TermCalendar.objects.get(name="Oak Trust")
    assert made.status_code == 302
    typed = "Autumn 1, 2026-09-03, 2026-10-23\nAutumn 2, someday, 2026-12-18"
    wrong = client.post(reverse("outcomes:term-calendar", args=[calendar.pk]), {"lines": typed})
    assert wrong.status_code == 400
    assert "Line 2: First day must be a date" in wrong.content.decode()
    assert "Autumn 2, someday" in wrong.content.decode()
    assert not calendar.terms.exists()


def test_the_command_loads_the_same_files(tmp_path):
    gias = tmp_path / "edubasealldata20261130.csv"
    gias.write_text(GIAS)
    with pytest.raises(CommandError, match="Some rows were not loaded"):
        call_command("load_schools", gias=gias)
    assert School.objects.filter(urn="121212").exists()
