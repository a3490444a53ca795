import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from frontdoor.models import ReferralSource
from frontdoor.roles import Permission, Role

EXPECTED = {
    Role.SCREENER: {Permission.SCREEN_CONTACTS, Permission.RECORD_OUTCOMES},
    Role.MANAGER: {
        Permission.SCREEN_CONTACTS,
        Permission.APPROVE_DECISIONS,
        Permission.VIEW_PERFORMANCE,
        Permission.VIEW_PERFORMANCE_RECORDS,
        Permission.RECORD_OUTCOMES,
        Permission.MAKE_STATUTORY_RETURNS,
        Permission.HANDLE_LADO,
    },
    Role.LADO: {Permission.HANDLE_LADO},
    Role.HEAD_OF_SERVICE: {Permission.LIFT_ANY_RESTRICTION},
    Role.REFERRER: {Permission.SUBMIT_REFERRALS},
    Role.PARTNER_AGENCY_MEMBER: {Permission.ANSWER_AGENCY_CHECKS, Permission.VIEW_PERFORMANCE},
    Role.PERFORMANCE_VIEWER: {Permission.VIEW_PERFORMANCE, Permission.MAKE_STATUTORY_RETURNS},
    Role.ADMINISTRATOR: {Permission.ADMINISTER_SERVICE},
    Role.CASE_SYSTEM: {Permission.RECORD_OUTCOMES},
    # Least privilege (docs/adr/0044): records out of hours and sees only that.
    Role.EDT: {Permission.RECORD_OUT_OF_HOURS},
}


@pytest.mark.parametrize("persona", list(Role), indirect=True)
def test_each_role_holds_exactly_its_service_permissions(persona):
    role = Role(persona.groups.get().name)
    held = {permission for permission in Permission if persona.has_perm(permission.perm)}
    assert held == EXPECTED[role]


def test_every_role_is_a_group(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (Role.ADMINISTRATOR, 200),
        (Role.MANAGER, 302),
        (Role.HEAD_OF_SERVICE, 302),
        (Role.SCREENER, 302),
        (Role.LADO, 302),
        (Role.REFERRER, 302),
        (Role.PARTNER_AGENCY_MEMBER, 302),
        (Role.PERFORMANCE_VIEWER, 302),
        (Role.CASE_SYSTEM, 302),
    ],
    indirect=["persona"],
)
def test_only_administrators_reach_account_administration(client, persona, status):
    client.force_login(persona)
    assert client.get(reverse("admin:frontdoor_user_changelist")).status_code == status


@pytest.mark.parametrize("persona", list(Role), indirect=True)
def test_navigation_offers_administration_only_to_administrators(client, persona):
    client.force_login(persona)
    response = client.get(reverse("home"))
    offers_admin = reverse("admin:index") in response.text
    assert offers_admin == (persona.groups.get().name == Role.ADMINISTRATOR)


def test_administrator_home_counts_accounts_by_role(client, administrator, screener, manager):
    client.force_login(administrator)
    response = client.get(reverse("home"))
    counts = response.context["role_counts"]
    assert counts[Role.SCREENER] == 1
    assert counts[Role.MANAGER] == 1
    assert counts[Role.ADMINISTRATOR] == 1
    assert counts[Role.REFERRER] == 0


def test_census_referral_sources_are_loaded(db):
    codes = list(ReferralSource.objects.values_list("code", flat=True))
    assert codes == [
        "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F",
        "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10",
    ]  # fmt: skip
    assert ReferralSource.objects.get(code="5D").first_census_year == 2023


def test_superuser_without_agency_allowed_but_ordinary_user_needs_one(db):
    from django.db import IntegrityError, transaction

    from frontdoor.models import User

    User.objects.create_superuser(email="root@example.invalid", password="x" * 20, full_name="Root")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="nobody@example.invalid", password="x" * 20, full_name="N")


def test_a_roles_permissions_are_checkboxes_in_the_admin(client, db):
    """Not the admin's two-list picker, whose search label is an ``aria-label`` on a
    span (axe: aria-prohibited-attr) and whose arrows are under 24 px."""
    from tests.factories import UserFactory

    superuser = UserFactory(roles=[Role.ADMINISTRATOR])
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    group = Group.objects.get(name=Role.SCREENER.value)
    response = client.get(reverse("admin:auth_group_change", args=[group.pk]))
    assert response.status_code == 200, response.get("Location")
    page = response.text
    assert 'type="checkbox" name="permissions"' in page
    assert "selectfilter" not in page.lower()
