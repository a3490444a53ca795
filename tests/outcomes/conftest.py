import pytest

from frontdoor.models import Agency, ReferralSource
from frontdoor.roles import Role
from screening.models import ThresholdLevel
from tests.factories import AgencyFactory, UserFactory, submit_contact


@pytest.fixture
def police(db):
    return AgencyFactory(
        name="Demo Police",
        type=Agency.Type.POLICE,
        referral_source=ReferralSource.objects.get(code="6"),
    )


@pytest.fixture
def police_member(police):
    return UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER], agency=police, full_name="Priya Police")


@pytest.fixture
def contact(referrer):
    return submit_contact(referrer)


@pytest.fixture
def level(db):
    return ThresholdLevel.objects.get(number=4)


@pytest.fixture
def manager_b(db):
    return UserFactory(roles=[Role.MANAGER], full_name="Maya Othermanager")
