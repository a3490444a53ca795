"""The partner API's rate limit is counted in the shared Redis cache, per client."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from frontdoor.roles import Role
from referrals.api import PartnerRateThrottle
from referrals.services import api_client_create
from tests.factories import UserFactory


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(PartnerRateThrottle, "get_rate", lambda self: "3/minute")
    cache.clear()
    yield
    cache.clear()


def test_a_partner_system_is_slowed_after_its_rate_and_others_are_not(client, db, three_a_minute):
    account = UserFactory(roles=[Role.REFERRER])
    _, first = api_client_create(name="Feed A", account=account)
    _, second = api_client_create(name="Feed B", account=UserFactory(roles=[Role.REFERRER]))
    url = reverse("api-contact-detail", args=["FD-2026-999999"])
    answers = [client.get(url, HTTP_AUTHORIZATION=f"Bearer {first}").status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 404
    # The count is in Redis, where every web process sees it.
    assert len(cache.get(f"throttle_partner_{account.pk}")) == 3
