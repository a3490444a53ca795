"""No page shows a Python value ("True", "False", "None") where a person expects words.

Walks every GET URL for every role that may open it (the table in
tests/support/url_table.py), over records chosen to put booleans and empty
values on the pages: a decided contact, a screening with the complex-case flag
unset and set, and optional fields left empty.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from referrals.models import ContactSubject
from screening import services as screening_services
from screening.models import Decision, Route, ThresholdLevel
from tests.factories import child_input, submit_contact
from tests.support.sessions import session_after_sign_in, sign_in_with
from tests.support.url_table import (
    ANON,
    ARGS,
    EXPECTED,
    HEALTH,
    WHO,
    url_for,
    url_names,
    url_world,
)

pytestmark = pytest.mark.django_db

NOT_HTML = ("-pdf", "-csv", "-xlsx", "-xml", "api-schema")  # files, not pages
CONTACT_IDS = {"reference", "subject_id", "person_id"}
# "None" starting an English phrase ("None given", "None of these") is words; a None
# rendered from Python stands alone or before punctuation.
PYTHON_VALUE = re.compile(r"\b(True|False)\b|\bNone\b(?! [a-z])")
RATIONALE = "A rationale that would stand up if it were questioned later on."


@pytest.fixture
def world(db):
    return url_world()


class _VisibleText(HTMLParser):
    """The text a person reads: text nodes outside scripts and styles, and the title."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def _screened(screener, referrer, **values):
    contact = submit_contact(referrer, **values.pop("contact", {}))
    screening_services.screening_claim(actor=screener, contact=contact)
    screening_services.screening_save(actor=screener, contact=contact, values=values)
    return contact


def _variants(users, ids) -> dict[str, dict]:
    """The walk's ids with the contact swapped for each record that shows booleans."""
    screener, referrer = users["screener"], users["referrer"]
    level = ThresholdLevel.objects.get(number=2)

    decided = _screened(screener, referrer, complex_flag=False)
    screening_services.decision_record(
        actor=screener,
        contact=decided,
        route=Route.EARLY_HELP,
        threshold_level=level,
        rationale=RATIONALE,
        family_notice=Decision.FamilyNotice.NOTIFY,
    )
    flagged = _screened(
        screener,
        referrer,
        complex_flag=True,
        complex_reason="Three agencies disagree on the risk.",
        scaling=0,
    )
    screening_services.screening_release(
        actor=screener, screening=flagged.screening
    )  # read-only for everyone: nobody holds it
    # Optional details left empty: no date of birth or postcode, no Signs of Safety.
    bare = submit_contact(referrer, subjects=[child_input(date_of_birth=None, postcode="")])
    variants = {"world": ids}
    for name, contact in (("decided", decided), ("flagged", flagged), ("bare", bare)):
        subject = contact.subjects.filter(role__in=ContactSubject.CHILD_ROLES).first()
        variants[name] = {
            **ids,
            "reference": contact.reference,
            "subject_id": subject.pk,
            "person_id": subject.person_id or ids["person_id"],
        }
    return variants


def test_no_page_shows_true_false_or_none(client, world):
    users, ids = world
    sessions = {who: session_after_sign_in(client, user) for who, user in users.items()}
    client.raise_request_exception = False
    found = []
    for variant, variant_ids in _variants(users, ids).items():
        for name in url_names():
            if name == HEALTH or name.endswith(NOT_HTML):
                continue
            if variant != "world" and not set(ARGS.get(name, [])) & CONTACT_IDS:
                continue  # the page does not show the swapped contact
            allowed = [who for who in WHO if who != ANON and EXPECTED[name][0][who] == 200]
            url = url_for(name, variant_ids)
            for who in allowed:
                sign_in_with(client, sessions[who])
                response = client.get(url)
                # A page that failed shows no Python values either: it must not pass so.
                assert response.status_code < 500, f"{url} as {who} ({variant})"
                if variant == "world":
                    assert response.status_code == 200, f"{url} as {who}"
                if response.status_code != 200:
                    continue  # another variant's contact may not be this user's
                if not response.get("Content-Type", "").startswith("text/html"):
                    continue
                for match in PYTHON_VALUE.finditer(visible_text(response.content.decode())):
                    text = visible_text(response.content.decode())
                    context = text[max(match.start() - 60, 0) : match.end() + 20]
                    found.append(f"{url} as {who} ({variant}): …{' '.join(context.split())}…")
    assert not found, "\n".join(sorted(set(found)))
