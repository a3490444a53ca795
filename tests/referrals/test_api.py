"""The partner API, through HTTP, against real PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from frontdoor.roles import Role
from referrals.models import Contact, ContactSubject
from referrals.services import api_client_create
from tests.factories import UserFactory
from tests.support.partner_api import VALID

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_account(db):
    return UserFactory(roles=[Role.REFERRER], email="feed@police.example")


@pytest.fixture
def partner(feed_account):
    _, token = api_client_create(name="Police feed", account=feed_account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def post(api, body, key="incident-2026-0001"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(reverse("api-contact-create"), body, format="json", **headers)


def test_partner_submits_a_contact_and_reads_it_back(partner, feed_account):
    response = post(partner, VALID)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("FD-")
    assert body["status"] == "received"
    assert body["children"] == 2
    assert body["outcome"] is None
    contact = Contact.objects.get(reference=body["reference"])
    assert contact.channel == Contact.Channel.POLICE_NOTIFICATION
    assert contact.referrer == feed_account
    assert contact.referrer_name == "PC Jane Doe"
    assert [s.role for s in contact.subjects.all()] == [
        ContactSubject.Role.CHILD,
        ContactSubject.Role.UNBORN_CHILD,
        ContactSubject.Role.ALLEGED_PERPETRATOR,
    ]
    amelia = contact.subjects.first()
    assert amelia.nhs_number == "9434765919"
    assert amelia.postcode == "YO1 7HH"

    detail = partner.get(reverse("api-contact-detail", args=[body["reference"]]))
    assert detail.status_code == 200
    assert detail.json()["reference"] == body["reference"]


def test_the_answer_to_a_submission_reads_none_of_its_people_back(partner):
    """Intake hands the answer the people it has just saved (``recorded_subjects``); a
    repeat of the submission reads them."""
    with CaptureQueriesContext(connection) as queries:
        response = post(partner, VALID, key="counted")
    again = post(partner, VALID, key="counted")

    assert (response.status_code, again.status_code) == (201, 200)
    assert response.json()["children"] == again.json()["children"] == 2
    assert response.json()["voices"] == again.json()["voices"]
    read_back = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT") and '"referrals_contactsubject"' in query["sql"]
    ]
    assert read_back == []


def test_a_retried_submission_never_creates_a_duplicate(partner):
    first = post(partner, VALID, key="retry-me")
    again = post(partner, VALID, key="retry-me")
    other = post(partner, VALID, key="something-else")

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.json()["reference"] == first.json()["reference"]
    assert other.json()["reference"] != first.json()["reference"]
    assert Contact.objects.count() == 2


def test_the_idempotency_key_is_required(partner):
    response = post(partner, VALID, key=None)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("change", "field_path"),
    [
        (lambda b: b["children"][0].update(nhs_number="1234567890"), ("children", 0, "nhs_number")),
        (lambda b: b["children"][0].update(postcode="NOT A CODE"), ("children", 0, "postcode")),
        (
            lambda b: b["children"][0].update(date_of_birth="12/04/2016"),
            ("children", 0, "date_of_birth"),
        ),
        (lambda b: b["children"][0].update(first_name=""), ("children", 0, "first_name")),
        (
            lambda b: b["children"][1].pop("expected_date_of_birth"),
            ("children", 1, "expected_date_of_birth"),
        ),
        (lambda b: b.update(children=[]), ("children",)),
        (lambda b: b.update(concern_categories=["gossip"]), ("concern_categories",)),
        (lambda b: b.update(urgency="whenever"), ("urgency",)),
        (lambda b: b.update(family_not_told_reason=""), ("family_not_told_reason",)),
        (lambda b: b["adults"][0].update(role="child"), ("adults", 0, "role")),
        (lambda b: b["referrer"].update(phone="call me"), ("referrer", "phone")),
        (lambda b: b.update(received_at="2999-01-01T00:00:00Z"), ("received_at",)),
    ],
)
def test_each_bad_field_gets_a_field_level_error(partner, change, field_path):
    import copy

    body = copy.deepcopy(VALID)
    change(body)

    response = post(partner, body)

    assert response.status_code == 400
    errors = response.json()
    for step in field_path:
        # DRF keys a nested list's errors by position: {"children": {"0": {...}}}.
        errors = errors[str(step)] if isinstance(errors, dict) else errors[step]
    assert errors, response.json()
    assert not Contact.objects.exists()


def test_upn_is_validated(partner):
    import copy

    body = copy.deepcopy(VALID)
    body["children"][0]["unique_pupil_number"] = "B801200005001"
    assert post(partner, body, key="good-upn").status_code == 201
    body["children"][0]["unique_pupil_number"] = "B801200005002"
    assert post(partner, body, key="bad-upn").json()["children"]["0"]["unique_pupil_number"]


def test_requests_without_a_valid_token_are_refused(db):
    anonymous = APIClient()
    assert post(anonymous, VALID).status_code == 401
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer fd_nope_nope")
    assert post(anonymous, VALID).status_code == 401


def test_revoked_token_is_refused(partner, feed_account):
    feed_account.api_clients.update(is_active=False)
    assert post(partner, VALID).status_code == 401


def test_a_token_for_an_account_that_cannot_refer_is_forbidden(db):
    account = UserFactory(roles=[Role.PERFORMANCE_VIEWER])
    _, token = api_client_create(name="Wrong", account=account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert post(api, VALID).status_code == 403


def test_a_partner_cannot_read_another_partners_contact(partner):
    reference = post(partner, VALID).json()["reference"]
    other_account = UserFactory(roles=[Role.REFERRER])
    _, token = api_client_create(name="School MIS", account=other_account)
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert other.get(reverse("api-contact-detail", args=[reference])).status_code == 404
    assert other.get(reverse("api-contact-detail", args=["FD-2026-999999"])).status_code == 404


def test_only_a_hash_of_the_token_is_stored(feed_account):
    client, token = api_client_create(name="Police feed", account=feed_account)
    (stored,) = client.tokens.all()
    assert token not in (stored.token_hash, stored.prefix)
    assert len(stored.token_hash) == 64


def test_openapi_schema_describes_the_contact_endpoints(client, screener):
    client.force_login(screener)
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/contacts/" in text
    assert "Idempotency-Key" in text
    assert '"ethnicity"' in text
    assert '"disabilities"' in text


def test_the_api_documentation_is_a_page_of_the_service_under_its_own_csp(client, screener):
    """Made from the same schema: each endpoint, its answers and the data structures,
    with no inline styles or scripts (Swagger UI needed them)."""
    client.force_login(screener)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    page = response.text
    assert '<html lang="en"' in page
    assert "POST</strong> /<wbr>api/<wbr>v1/<wbr>contacts/<wbr>" in page  # wraps at each /
    assert (
        "PUT</strong> /<wbr>api/<wbr>v1/<wbr>contacts/<wbr>{reference}/<wbr>case-system-id/" in page
    )
    assert "Idempotency-Key (header)" in page
    assert 'href="#schema-ContactInputRequest"' in page
    assert 'id="schema-ContactInputRequest"' in page
    assert "<code>Authorization: Bearer &lt;token&gt;</code>" in page
    assert "swagger" not in page.lower()
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_a_childs_ethnicity_and_disabilities_are_kept_as_census_codes(partner):
    import copy

    body = copy.deepcopy(VALID)
    body["children"][0].update(ethnicity="mwba", disabilities=["AUT", "hear", "AUT"])
    body["children"][1].update(ethnicity="NOBT")  # not yet obtained, as the census says it

    response = post(partner, body)

    assert response.status_code == 201, response.json()
    amelia, unborn = Contact.objects.get().children
    assert (amelia.ethnicity, amelia.disabilities) == ("MWBA", ["HEAR", "AUT"])
    assert (amelia.person.ethnicity, amelia.person.disabilities) == ("MWBA", ["HEAR", "AUT"])
    assert (unborn.ethnicity, unborn.disabilities) == ("", [])


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ethnicity": "ZZZZ"}, "ethnicity", "ZZZZ is not an ethnicity code in the"),
        ({"disabilities": ["NONE", "AUT"]}, "disabilities", "NONE (no disability) cannot"),
        ({"disabilities": ["WING"]}, "disabilities", "WING: not a disability code"),
    ],
)
def test_census_codes_not_in_the_contacts_return_year_are_refused(partner, change, field, message):
    import copy

    body = copy.deepcopy(VALID)
    body["children"][0].update(change)

    response = post(partner, body)

    assert response.status_code == 400
    assert message in response.json()["children"]["0"][field][0]
    assert not Contact.objects.exists()


# --- Impossible dates (issue 16, finding 6) ------------------------------------------


def _with(change):
    import copy

    body = copy.deepcopy(VALID)
    change(body)
    return body


@pytest.mark.parametrize(
    ("change", "field_path"),
    [
        (lambda b: b["children"][0].update(date_of_birth="9999-12-31"), ("children", 0)),
        (lambda b: b["children"][0].update(date_of_birth="1950-01-01"), ("children", 0)),
        (lambda b: b["adults"][0].update(date_of_birth="1800-01-01"), ("adults", 0)),
        (lambda b: b["adults"][0].update(date_of_birth="9999-12-31"), ("adults", 0)),
        (
            lambda b: b["children"][1].update(expected_date_of_birth="0001-01-01"),
            ("children", 1),
        ),
        (
            lambda b: b["children"][1].update(expected_date_of_birth="2099-01-01"),
            ("children", 1),
        ),
        (lambda b: b.update(received_at="1900-01-01T00:00:00Z"), ("received_at",)),
        (lambda b: b.update(received_at="0001-01-01T00:00:00Z"), ("received_at",)),
    ],
)
def test_impossible_dates_are_refused_on_their_field(partner, change, field_path):
    response = post(partner, _with(change))

    assert response.status_code == 400, response.json()
    errors = response.json()
    for step in field_path:
        errors = errors[str(step)] if isinstance(errors, dict) else errors[step]
    assert errors, response.json()
    assert not Contact.objects.exists()


def test_plausible_edges_are_accepted(partner):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    body = _with(
        lambda b: (
            b["children"][0].update(date_of_birth=str(today)),
            b["children"][1].update(expected_date_of_birth=str(today + timedelta(weeks=40))),
            b["adults"][0].update(date_of_birth="1931-06-01"),
            b.update(received_at=(timezone.now() - timedelta(days=300)).isoformat()),
        )
    )

    response = post(partner, body)

    assert response.status_code == 201, response.json()
    contact = Contact.objects.get()
    # The reference carries the year the concern was received, now never an absurd one.
    assert contact.reference.startswith(f"FD-{timezone.localtime(contact.received_at).year}-")


def test_a_received_at_a_minute_ahead_is_taken_as_now(partner):
    """A partner's clock a little fast is not an error; the clock never starts ahead."""
    from datetime import timedelta

    from django.utils import timezone

    sent_at = timezone.now()
    body = _with(lambda b: b.update(received_at=(sent_at + timedelta(minutes=1)).isoformat()))

    response = post(partner, body)

    assert response.status_code == 201, response.json()
    contact = Contact.objects.get()
    assert contact.received_at <= timezone.now()


# --- Idempotency-Key reused with another body (issue 16, finding 8) -------------------


def test_the_same_key_with_a_different_body_is_a_422_and_records_nothing(partner):
    first = post(partner, VALID, key="incident-77")
    assert first.status_code == 201
    second_concern = _with(lambda b: b.update(concerns="A different child was seen alone."))

    response = post(partner, second_concern, key="incident-77")

    assert response.status_code == 422
    assert first.json()["reference"] in response.json()["detail"]
    assert "different body" in response.json()["detail"]
    assert Contact.objects.count() == 1


def test_the_same_key_with_the_same_body_in_another_key_order_is_the_first_contact(partner):
    import json

    first = post(partner, VALID, key="incident-78")
    reordered = json.loads(json.dumps(VALID, sort_keys=True))
    reordered = dict(reversed(list(reordered.items())))

    again = post(partner, reordered, key="incident-78")

    assert again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert Contact.objects.count() == 1


def test_the_422_is_in_the_openapi_schema(client, screener):
    client.force_login(screener)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    assert "422" in schema["paths"]["/api/v1/contacts/"]["post"]["responses"]


def test_one_nhs_number_twice_on_a_contact_is_a_400_not_a_500(partner):
    amelia = VALID["children"][0]
    twice = {**VALID, "children": [amelia, {**amelia, "first_name": "Amelie"}]}

    response = post(partner, twice)

    assert response.status_code == 400
    assert "same NHS number" in response.json()["nhs_number"][0]
    assert not Contact.objects.exists()


def test_intake_links_one_nhs_number_given_twice_to_one_person(feed_account):
    """The forms and the API refuse it; any other caller of the service gets one person,
    not a database error."""
    from referrals.services import ContactInput, ReferrerInput, SubjectInput, contact_submit

    child = SubjectInput(
        role="child", first_name="Amelia", last_name="Harrison", nhs_number="9434765919"
    )
    contact, _ = contact_submit(
        actor=feed_account,
        channel="police_notification",
        data=ContactInput(
            referrer=ReferrerInput(name="PC Test"),
            subjects=[child, child],
            concerns="Two entries for one child.",
            concern_categories=["neglect"],
            family_awareness="aware_consented",
        ),
    )

    people = {subject.person_id for subject in contact.subjects.all()}
    assert len(people) == 1


def test_the_openapi_schema_names_every_status_a_contact_can_have(client, screener):
    """A partner system reading back a contact may find it withdrawn (docs/adr/0036):
    the schema says so, and that its outcome stays null."""
    client.force_login(screener)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    fields = schema["components"]["schemas"]["ContactWithOutcome"]["properties"]
    for status in Contact.Status.values:
        assert status in fields["status"]["description"]
    assert "withdrawn" in fields["outcome"]["description"]
