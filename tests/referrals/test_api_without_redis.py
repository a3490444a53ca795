"""Intake does not depend on Redis: with the rate limiter's cache unreachable, a partner's
contact is still answered 201 and saved, and the limit still holds per process; with
the project's Redis really stopped, the API and the staff contact form both still work."""

from __future__ import annotations

import copy
import logging

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from frontdoor import throttling
from frontdoor.models import ReferralSource
from frontdoor.roles import Role
from referrals.api import PartnerRateThrottle
from referrals.models import Contact
from referrals.services import api_client_create
from tests.factories import UserFactory
from tests.support.contact_forms import CONCERN, child, management
from tests.support.embedded_redis import needs_embedded_redis, restart_embedded_redis
from tests.support.partner_api import VALID


def nowhere_cache(tmp_path):
    """The cache pointed at a Unix socket nothing listens on: Redis unreachable."""
    return {
        "default": {
            "BACKEND": "frontdoor.cache.RedisCache",
            "LOCATION": f"unix://{tmp_path}/no-redis-here.sock",
            "KEY_PREFIX": "frontdoor-test",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def partner_api() -> APIClient:
    _, token = api_client_create(name="Police feed", account=UserFactory(roles=[Role.REFERRER]))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def submit(api, key):
    return api.post(
        reverse("api-contact-create"), copy.deepcopy(VALID), format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )  # fmt: skip


@pytest.mark.django_db
def test_the_api_saves_a_contact_while_the_rate_limit_cache_is_unreachable(
    tmp_path, caplog, monkeypatch
):
    # The warning is logged at most once a minute per process, and an earlier test in
    # this process (one with Redis stopped) may have just logged it.
    monkeypatch.setattr(throttling, "_last_warning", 0.0)
    api = partner_api()
    with override_settings(CACHES=nowhere_cache(tmp_path)), caplog.at_level(logging.WARNING):
        response = submit(api, "while-redis-is-down")
    assert response.status_code == 201, response.content[:300]
    assert Contact.objects.filter(reference=response.json()["reference"]).exists()
    warning = next(r for r in caplog.records if r.name == "frontdoor.throttling")
    # Says what happened, names nobody.
    assert "Rate-limit cache unreachable" in warning.getMessage()
    assert "Harrison" not in warning.getMessage()


@pytest.mark.django_db
def test_the_rate_limit_still_holds_in_the_process_while_the_cache_is_down(tmp_path, monkeypatch):
    monkeypatch.setattr(PartnerRateThrottle, "get_rate", lambda self: "2/minute")
    api = partner_api()
    url = reverse("api-contact-detail", args=["FD-2026-999999"])
    with override_settings(CACHES=nowhere_cache(tmp_path)):
        answers = [api.get(url).status_code for _ in range(3)]
    assert answers == [404, 404, 429]


@needs_embedded_redis
@pytest.mark.django_db(transaction=True)
def test_intake_works_with_the_projects_redis_stopped(client, screener):
    api = partner_api()
    client.force_login(screener)
    form = {
        **management(children=1),
        **child(0),
        **CONCERN,
        "referrer-channel": "email",
        "referrer-name": "A neighbour",
        "referrer-referral_source": str(ReferralSource.objects.get(code="3A").pk),
        "action": "continue",
    }
    answers = {}

    def while_down():
        answers["api"] = submit(api, "redis-stopped")
        answers["form"] = client.post(reverse("referrals:staff-form"), form)
        answers["check"] = client.post(reverse("referrals:staff-check"))

    assert submit(api, "redis-up").status_code == 201  # the process's Redis client is made
    restart_embedded_redis(down_while=while_down)
    assert answers["api"].status_code == 201
    assert answers["form"].status_code == 302, answers["form"].content[:500]
    assert answers["check"].status_code == 302
    assert Contact.objects.count() == 3
    # The client the process keeps (frontdoor/cache.py) reconnects once Redis is back.
    cache.set("redis-back", "yes")
    assert cache.get("redis-back") == "yes"
