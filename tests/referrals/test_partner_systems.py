"""Partner systems managed in the app (issue 21, part 1): administrators add, change,
disable and delete systems and issue, rotate and revoke their tokens; each token may
do only what its system's scopes allow, and only what its service account's roles
allow; every change is audited; the command follows the same rules."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services
from referrals.models import ApiClient, ApiToken, Scope
from tests.factories import UserFactory
from tests.support.partner_api import VALID

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"fd_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


@pytest.fixture
def case_system(db):
    return UserFactory(roles=[Role.CASE_SYSTEM], email="mosaic@council.example")


@pytest.fixture
def feed(db):
    return UserFactory(roles=[Role.REFERRER], email="feed@police.example")


def api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def submit(token: str, key: str = "k1"):
    return api(token).post(
        reverse("api-contact-create"), VALID, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def outcome_event(token: str):
    # Not a referral: refused for its content (400) once the token and scope let it in.
    return api(token).post(
        reverse("api-outcome-events"),
        {
            "event_id": "e1",
            "contact_reference": "FD-2026-000001",
            "event": "icpc",
            "date": "2026-01-05",
        },
        format="json",
    )


def audited(client: ApiClient) -> list[str]:
    return list(
        AuditEvent.objects.filter(record_type="partner_system", record_id=str(client.pk))
        .order_by("pk")
        .values_list("detail__what", flat=True)
    )


# --- Scopes ---------------------------------------------------------------------------


def test_a_case_system_gets_an_outcome_token_and_cannot_submit_contacts(case_system):
    client, token = services.api_client_create(
        name="Mosaic", account=case_system, scopes=[Scope.POST_OUTCOME_EVENTS]
    )
    assert client.scopes == [Scope.POST_OUTCOME_EVENTS]
    refused = submit(token)
    assert refused.status_code == 403
    assert "submit contacts" in refused.json()["detail"]
    assert outcome_event(token).status_code == 400  # let in; the contact is not a referral


def test_a_token_without_the_outcome_scope_cannot_post_outcome_events(case_system):
    _, token = services.api_client_create(
        name="Mosaic", account=case_system, scopes=[Scope.RECEIVE_EVENTS]
    )
    response = outcome_event(token)
    assert response.status_code == 403
    assert "post outcome events" in response.json()["detail"]


def test_a_referral_feed_without_the_read_scope_cannot_read_what_it_sent(feed):
    _, full = services.api_client_create(name="Feed", account=feed)
    reference = submit(full).json()["reference"]
    _, submit_only = services.api_client_create(
        name="Feed (submit only)", account=feed, scopes=[Scope.SUBMIT_CONTACTS]
    )
    detail = reverse("api-contact-detail", args=[reference])
    assert api(full).get(detail).status_code == 200
    assert api(submit_only).get(detail).status_code == 403
    assert submit(submit_only, key="k2").status_code == 201


def test_the_scorecard_needs_its_scope(performance_viewer):
    _, token = services.api_client_create(
        name="Dashboard", account=performance_viewer, scopes=[Scope.READ_SCORECARD]
    )
    assert api(token).get(reverse("api-scorecard")).status_code == 400  # no period: let in
    client = ApiClient.objects.get(name="Dashboard")
    client.scopes = [Scope.RECEIVE_EVENTS]  # a dashboard given only events (as if by hand)
    client.save()
    assert api(token).get(reverse("api-scorecard")).status_code == 403


def test_a_scope_is_given_only_when_the_accounts_roles_allow_it(case_system, feed):
    with pytest.raises(services.ApiClientRefused, match="may not submit contacts"):
        services.api_client_create(
            name="Mosaic", account=case_system, scopes=[Scope.SUBMIT_CONTACTS]
        )
    with pytest.raises(services.ApiClientRefused, match="post outcome events"):
        services.api_client_create(name="Feed", account=feed, scopes=[Scope.POST_OUTCOME_EVENTS])
    assert services.scopes_allowed(case_system) == [
        Scope.POST_OUTCOME_EVENTS,
        Scope.RECEIVE_EVENTS,
    ]
    assert not ApiClient.objects.exists()


def test_a_persons_account_is_never_a_service_account(screener, manager):
    for person in (screener, manager):
        with pytest.raises(services.ApiClientRefused, match="person's account"):
            services.api_client_create(name="Sneaky", account=person)


# --- Tokens: revoke, rotate, disable, delete ----------------------------------------------


def test_a_revoked_token_is_refused_at_once(administrator, feed):
    client, token = services.api_client_create(name="Feed", account=feed)
    assert submit(token).status_code == 201
    services.api_token_revoke(actor=administrator, token=client.tokens.get())
    assert submit(token, key="k2").status_code == 401


def test_a_rotated_token_works_through_its_grace_period_and_not_after(administrator, feed):
    client, old = services.api_client_create(name="Feed", account=feed)
    before = timezone.now()
    _, new = services.api_token_issue(actor=administrator, client=client, grace=timedelta(hours=24))
    # Both work now, over HTTP...
    assert submit(old).status_code == 201
    assert submit(new, key="k2").status_code == 201
    # ...and the old one until its 24 hours are up, never after; the new one goes on.
    for token, at, works in (
        (old, before + timedelta(hours=23, minutes=59), True),
        (old, before + timedelta(hours=24, minutes=1), False),
        (new, before + timedelta(days=30), True),
    ):
        assert (services.api_client_authenticate(token=token, at=at) is not None) is works
    assert audited(client) == ["created", "token rotated"]


def test_a_rotation_with_no_grace_ends_the_old_token_at_once(administrator, feed):
    client, old = services.api_client_create(name="Feed", account=feed)
    _, new = services.api_token_issue(actor=administrator, client=client, grace=timedelta(0))
    assert submit(old).status_code == 401
    assert submit(new).status_code == 201


def test_a_grace_period_longer_than_seven_days_is_refused(administrator, feed):
    client, _ = services.api_client_create(name="Feed", account=feed)
    with pytest.raises(services.ApiClientRefused, match="0 hours to 7 days"):
        services.api_token_issue(actor=administrator, client=client, grace=timedelta(days=8))
    assert client.tokens.count() == 1


def test_a_disabled_system_is_refused_until_enabled_and_a_deleted_one_for_good(administrator, feed):
    client, token = services.api_client_create(name="Feed", account=feed)
    services.api_client_set_active(actor=administrator, client=client, active=False)
    assert submit(token).status_code == 401
    services.api_client_set_active(actor=administrator, client=client, active=True)
    assert submit(token).status_code == 201
    services.api_client_delete(actor=administrator, client=client)
    assert submit(token, key="k2").status_code == 401
    assert client.tokens.get().revoked_at is not None
    assert audited(client) == ["created", "disabled", "enabled", "deleted"]


def test_last_used_is_kept_on_the_token_and_the_system(feed):
    client, token = services.api_client_create(name="Feed", account=feed)
    assert client.tokens.get().last_used_at is None
    submit(token)
    client.refresh_from_db()
    assert client.last_used_at is not None
    assert client.tokens.get().last_used_at == client.last_used_at


# --- The pages ----------------------------------------------------------------------------


def test_an_administrator_adds_a_system_and_sees_its_token_once(client, administrator, case_system):
    client.force_login(administrator)
    response = client.post(
        reverse("referrals:system-add"),
        {"name": "Mosaic (live)", "account": case_system.pk, "scopes": ["post_outcome_events"]},
    )
    system = ApiClient.objects.get()
    assert response["Location"] == reverse("referrals:system-token", args=[system.pk])
    shown = client.get(response["Location"])
    assert "no-store" in shown["Cache-Control"]
    (token,) = TOKEN.findall(shown.content.decode())
    assert services.api_client_authenticate(token=token) == system
    again = client.get(response["Location"])
    assert again.status_code == 302
    assert token not in client.get(again["Location"]).content.decode()
    assert token not in str(AuditEvent.objects.values_list("detail", flat=True))


def test_the_add_form_names_each_problem_and_keeps_what_was_typed(
    client, administrator, case_system, screener
):
    client.force_login(administrator)
    add = reverse("referrals:system-add")
    page = client.post(add, {}).content.decode()
    for message in (
        "Enter the partner system&#x27;s name",
        "Choose the service account the system acts as",
        "Choose at least one thing the system may do",
    ):
        assert message in page
    hostile = "<script>alert(1)</script> =SUM(A1)"
    page = client.post(
        add, {"name": hostile, "account": case_system.pk, "scopes": ["submit_contacts"]}
    ).content.decode()
    assert "its roles do not allow it" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; =SUM(A1)" in page
    assert "<script>alert(1)" not in page
    # A screener is not offered, and a forged choice of one is refused.
    assert screener.email not in page
    forged = client.post(add, {"name": "X", "account": screener.pk, "scopes": ["receive_events"]})
    assert "Choose an account from the list" in forged.content.decode()
    nul = client.post(
        add, {"name": "A\x00B", "account": case_system.pk, "scopes": ["receive_events"]}
    )
    assert nul.status_code == 200
    assert "Null characters are not allowed" in nul.content.decode()
    long = client.post(
        add, {"name": "x" * 201, "account": case_system.pk, "scopes": ["receive_events"]}
    )
    assert "200 characters or fewer" in long.content.decode()
    assert not ApiClient.objects.exists()


def test_an_administrator_rotates_revokes_renames_and_deletes(client, administrator, feed):
    system, old = services.api_client_create(name="Feed", account=feed)
    client.force_login(administrator)
    rotate = reverse("referrals:system-rotate", args=[system.pk])
    assert (
        "Choose how long the old token may keep working" in client.post(rotate, {}).content.decode()
    )
    response = client.post(rotate, {"grace": "1"})
    new = TOKEN.findall(client.get(response["Location"]).content.decode())[0]
    page = client.get(reverse("referrals:system", args=[system.pk])).content.decode()
    assert "Being replaced: works until" in page
    assert services.api_client_authenticate(token=old) == system
    old_row = system.tokens.get(expires_at__isnull=False)
    client.post(reverse("referrals:system-token-revoke", args=[system.pk, old_row.pk]))
    assert services.api_client_authenticate(token=old) is None
    assert services.api_client_authenticate(token=new) == system

    client.post(
        reverse("referrals:system-change", args=[system.pk]),
        {"name": "Police feed (live)", "scopes": ["submit_contacts"]},
    )
    system.refresh_from_db()
    assert (system.name, system.scopes) == ("Police feed (live)", ["submit_contacts"])
    client.post(reverse("referrals:system-delete", args=[system.pk]))
    listing = client.get(reverse("referrals:systems")).content.decode()
    assert "has been deleted and its tokens revoked" in listing
    assert "There are no partner systems yet." in listing
    assert client.get(reverse("referrals:system", args=[system.pk])).status_code == 404
    assert services.api_client_authenticate(token=new) is None
    actions = audited(system)
    assert actions == ["created", "token rotated", "token revoked", "changed", "deleted"]
    actors = set(
        AuditEvent.objects.filter(record_type="partner_system")
        .exclude(detail__what="created")
        .values_list("actor", flat=True)
    )
    assert actors == {administrator.pk}


def test_a_token_of_another_system_is_not_found(client, administrator, feed):
    first, _ = services.api_client_create(name="First", account=feed)
    second, _ = services.api_client_create(name="Second", account=feed)
    client.force_login(administrator)
    other = second.tokens.get()
    url = reverse("referrals:system-token-revoke", args=[first.pk, other.pk])
    assert client.post(url).status_code == 404
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None


# --- The command ----------------------------------------------------------------------------


def test_the_command_gives_a_case_system_its_token(case_system):
    out = StringIO()
    call_command("create_api_client", account=case_system.email, name="Mosaic", stdout=out)
    text = out.getvalue()
    assert "post outcome events" in text
    (token,) = TOKEN.findall(text)
    assert outcome_event(token).status_code == 400  # let in
    assert submit(token).status_code == 403
    (event,) = AuditEvent.objects.filter(record_type="partner_system")
    assert (event.actor, event.via) == (None, "create_api_client command")


def test_the_command_follows_the_same_rules(case_system, screener):
    with pytest.raises(CommandError, match="may not submit contacts"):
        call_command(
            "create_api_client", account=case_system.email, name="M", scopes=["submit_contacts"]
        )
    with pytest.raises(CommandError, match="person's account"):
        call_command("create_api_client", account=screener.email, name="M")
    nobody = UserFactory(roles=[])
    with pytest.raises(CommandError, match="allow nothing"):
        call_command("create_api_client", account=nobody.email, name="M")
