"""A user's groups and permissions are read in one query (frontdoor.auth_backends), and
what they may do is what Django's ModelBackend would say: their groups' permissions and
their own, nothing when inactive, everything for a superuser, afresh after a role change."""

import pytest
from django.contrib.auth.models import Permission as DjangoPermission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdoor import selectors, services
from frontdoor.models import User
from frontdoor.roles import Permission, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    """The user as a new request loads them, with nothing read yet."""
    return User.objects.get(pk=user.pk)


def test_groups_and_permissions_come_in_one_query(manager):
    user = _fresh(manager)
    with CaptureQueriesContext(connection) as read:
        assert user.has_perm(Permission.APPROVE_DECISIONS.perm)
        assert user.has_perm(Permission.SCREEN_CONTACTS.perm)
        assert selectors.user_roles(user=user) == [Role.MANAGER]
        assert not user.has_perm(Permission.ADMINISTER_SERVICE.perm)
    assert len(read.captured_queries) == 1


@pytest.mark.parametrize("persona", list(Role), indirect=True)
def test_the_backend_agrees_with_djangos_for_every_role(persona):
    from django.contrib.auth.backends import ModelBackend

    ours, djangos = _fresh(persona), _fresh(persona)
    assert ours.get_all_permissions() == ModelBackend().get_all_permissions(djangos)
    assert ours.get_all_permissions()  # every role may do something


def test_a_permission_given_to_the_account_itself_counts(screener):
    own = DjangoPermission.objects.get(codename=Permission.APPROVE_DECISIONS.value)
    screener.user_permissions.add(own)
    user = _fresh(screener)
    assert user.has_perm(Permission.APPROVE_DECISIONS.perm)
    assert selectors.user_roles(user=user) == [Role.SCREENER]  # not a role of its own


def test_inactive_accounts_may_do_nothing_and_superusers_everything(manager):
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    assert not _fresh(manager).has_perm(Permission.APPROVE_DECISIONS.perm)
    boss = UserFactory(roles=[], is_superuser=True)
    assert _fresh(boss).has_perm(Permission.ADMINISTER_SERVICE.perm)


def test_a_role_change_is_seen_by_the_same_user_object(administrator, screener):
    user = _fresh(screener)
    assert not user.has_perm(Permission.APPROVE_DECISIONS.perm)
    services.user_roles_change(actor=administrator, user=user, roles=[Role.MANAGER])
    assert user.has_perm(Permission.APPROVE_DECISIONS.perm)
    assert selectors.user_roles(user=user) == [Role.MANAGER]
