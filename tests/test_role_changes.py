"""Roles change only through one service (issue 16, finding 9): nobody changes their
own, every change is an append-only audit row, and managers and administrators are
emailed about it by the worker."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.db.utils import DatabaseError
from django.urls import reverse

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from tests.factories import UserFactory
from tests.support.waiting import wait_until


def _roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


@pytest.mark.django_db
def test_an_administrator_cannot_make_themselves_a_manager_in_the_admin(client, administrator):
    client.force_login(administrator)
    manager_group = Group.objects.get(name=Role.MANAGER.value)
    change = reverse("admin:frontdoor_user_change", args=[administrator.pk])
    # What the old change form accepted: the roles as a field of the account.
    client.post(
        change,
        {
            "email": administrator.email,
            "full_name": administrator.full_name,
            "job_title": "",
            "agency": administrator.agency_id,
            "is_active": "on",
            "groups": [manager_group.pk],
        },
    )
    assert Role.MANAGER.value not in _roles_of(administrator)

    roles_page = reverse("admin:frontdoor_user_roles", args=[administrator.pk])
    page = client.get(roles_page)
    assert "You cannot change your own roles" in page.content.decode()
    client.post(roles_page, {"roles": [Role.ADMINISTRATOR.value, Role.MANAGER.value]})
    assert _roles_of(administrator) == {Role.ADMINISTRATOR.value}
    assert not AuditEvent.objects.filter(detail__has_key="roles_added").exists()


@pytest.mark.django_db
def test_the_change_form_shows_roles_with_a_link_to_change_them(client, administrator, screener):
    client.force_login(administrator)
    page = client.get(reverse("admin:frontdoor_user_change", args=[screener.pk])).content.decode()
    assert "Screener" in page
    assert reverse("admin:frontdoor_user_roles", args=[screener.pk]) in page
    assert 'name="groups"' not in page


def test_a_role_change_is_audited_and_every_manager_and_administrator_told(
    client, transactional_db, celery_worker
):
    administrator = UserFactory(roles=[Role.ADMINISTRATOR], full_name="Alex Administrator")
    manager = UserFactory(roles=[Role.MANAGER], full_name="Morgan Manager")
    other_admin = UserFactory(roles=[Role.ADMINISTRATOR], full_name="Ash Admin")
    screener = UserFactory(roles=[Role.SCREENER], full_name="Sam Screener")
    bystander = UserFactory(roles=[Role.SCREENER], full_name="Bea Bystander")
    mail.outbox.clear()
    client.force_login(administrator)

    response = client.post(
        reverse("admin:frontdoor_user_roles", args=[screener.pk]),
        {"roles": [Role.MANAGER.value, Role.SCREENER.value]},
        follow=True,
    )

    assert "Managers and administrators are being emailed" in response.content.decode()
    assert _roles_of(screener) == {Role.MANAGER.value, Role.SCREENER.value}
    event = AuditEvent.objects.get(record_type="account", record_id=str(screener.pk))
    assert event.actor == administrator
    assert event.detail == {"roles_added": ["manager"], "roles_removed": []}
    wait_until(lambda: len(mail.outbox) >= 4, 30, "the four emails were not all sent")
    told = {address for message in mail.outbox for address in message.to}
    assert told == {administrator.email, manager.email, other_admin.email, screener.email}
    assert bystander.email not in told
    assert "Roles added: Manager" in mail.outbox[0].body
    assert "Alex Administrator" in mail.outbox[0].body

    # The audit row is append-only: the database refuses to change or remove it.
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE frontdoor_auditevent SET detail = '{}' WHERE id = %s", [event.pk])


@pytest.mark.django_db
def test_the_service_refuses_a_change_to_ones_own_roles(administrator):
    from frontdoor.services import RoleChangeRefused, user_roles_change

    with pytest.raises(RoleChangeRefused):
        user_roles_change(actor=administrator, user=administrator, roles=[Role.MANAGER])
    assert _roles_of(administrator) == {Role.ADMINISTRATOR.value}


@pytest.mark.django_db
def test_a_manager_cannot_reach_the_roles_page(client, manager, screener):
    client.force_login(manager)
    response = client.post(
        reverse("admin:frontdoor_user_roles", args=[screener.pk]), {"roles": ["manager"]}
    )
    assert response.status_code in (302, 403)
    assert _roles_of(screener) == {Role.SCREENER.value}
