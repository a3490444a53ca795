"""Wrong bearer tokens are counted per client address in Redis and slowed down
(issue 16, finding 13): guessing tokens stops paying after a few tries."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from frontdoor.roles import Role
from referrals.services import api_client_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("api-contact-detail", args=["FD-2026-999999"])


@pytest.fixture
def three_failures_allowed(settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    cache.clear()
    yield
    cache.clear()


def _get(token: str, address: str) -> int:
    return APIClient().get(URL, HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address)


def test_an_address_sending_wrong_tokens_is_slowed_down(three_failures_allowed):
    _, good = api_client_create(name="Feed", account=UserFactory(roles=[Role.REFERRER]))
    answers = [_get(f"fd_guess_{n}", "203.0.113.9").status_code for n in range(4)]
    assert answers == [401, 401, 401, 429]
    refused = _get(good, "203.0.113.9")
    # Past the limit the address is refused before its token is looked at, so a right
    # guess cannot be told from a wrong one.
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many wrong tokens" in refused.json()["detail"]
    # Another address, and the partner behind it, are not affected.
    assert _get(good, "198.51.100.7").status_code == 404
    assert _get("fd_guess_x", "198.51.100.7").status_code == 401


def test_the_count_lapses_after_its_window(three_failures_allowed):
    for n in range(3):
        _get(f"fd_guess_{n}", "203.0.113.10")
    assert _get("fd_guess_4", "203.0.113.10").status_code == 429
    # The count is a Redis key that expires a window after the first failure.
    key = cache.make_and_validate_key("api-token-failures:203.0.113.10")
    assert 0 < cache._cache.get_client(key).ttl(key) <= 300
    cache.delete("api-token-failures:203.0.113.10")  # as when the window has passed
    assert _get("fd_guess_5", "203.0.113.10").status_code == 401


def test_right_tokens_are_not_counted(three_failures_allowed):
    _, good = api_client_create(name="Feed", account=UserFactory(roles=[Role.REFERRER]))
    assert {_get(good, "203.0.113.11").status_code for _ in range(5)} == {404}
