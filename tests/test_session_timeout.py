"""The server's side of a session timeout (docs/adr/0015): the browser's timer ends the
session by POST and comes back to the page it was on, and the keys that lock what was
typed belong to one account. The browser's side is tests/browser/test_session_timeout.py."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import reverse

from frontdoor.held_input import KEY_PERIOD_SECONDS, hold_keys


def _next_of(url: str) -> list[str]:
    return parse_qs(urlsplit(url).query).get("next", [])


def test_timed_out_ends_the_session_and_comes_back_to_the_page(client, screener):
    client.force_login(screener)

    response = client.post(reverse("session-timed-out"), {"next": "/screening/FD-2026-000001/"})

    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('signed-out')}?timeout=1&")
    assert _next_of(response.url) == ["/screening/FD-2026-000001/"]
    assert client.get(reverse("home")).status_code == 302
    page = client.get(response.url).content.decode()
    assert 'href="/sign-in/?next=/screening/FD-2026-000001/"' in page


def test_timed_out_keeps_only_a_path_on_this_site(client, screener):
    for unsafe in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        client.force_login(screener)
        response = client.post(reverse("session-timed-out"), {"next": unsafe})
        assert response.url == f"{reverse('signed-out')}?timeout=1", unsafe

    client.force_login(screener)
    response = client.post(reverse("session-timed-out"), {"next": "/referrals/?q=Harrison"})
    assert _next_of(response.url) == ["/referrals/"]


def test_timed_out_works_after_the_server_session_ended(db):
    # A laptop asleep past the timeout: the session is gone before the browser's timer.
    response = Client().post(reverse("session-timed-out"), {"next": "/referrals/record/"})
    assert response.status_code == 302
    assert _next_of(response.url) == ["/referrals/record/"]


def test_timed_out_needs_a_post_with_the_csrf_token(db, screener):
    assert Client().get(reverse("session-timed-out")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(screener)
    assert strict.post(reverse("session-timed-out")).status_code == 403


def test_signed_in_pages_carry_keys_for_their_own_account_only(client, screener, manager):
    client.force_login(screener)
    page = client.get(reverse("home")).content.decode()
    keys = hold_keys(user=screener)

    assert f'data-hold-keys="{" ".join(keys)}"' in page
    assert set(keys).isdisjoint(hold_keys(user=manager))
    assert "data-hold-keys" not in Client().get(reverse("sign-in")).content.decode()


def test_keys_turn_over_and_end_with_the_password(screener):
    now = 1_800_000_000.0
    current, previous = hold_keys(user=screener, now=now)
    # Text held under the current key is still readable in the next period, not after.
    assert hold_keys(user=screener, now=now + KEY_PERIOD_SECONDS)[1] == current
    assert current not in hold_keys(user=screener, now=now + 2 * KEY_PERIOD_SECONDS)
    assert previous != current

    screener.set_password("a new long passphrase for this test")
    assert current not in hold_keys(user=screener, now=now)
