"""One factory per kind of record; a persona is a UserFactory with a role."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from frontdoor.models import Agency, ReferralSource, User
from frontdoor.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Test Agency {n}")
    type = Agency.Type.POLICE
    referral_source = factory.LazyFunction(lambda: ReferralSource.objects.get(code="6"))
    email_domains = factory.LazyAttribute(lambda agency: [f"agency{agency.name[-1]}.example"])


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(roles=[Role.SCREENER])``; everyone's password is TEST_PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@agency.example")
    full_name = factory.Faker("name", locale="en_GB")
    agency = factory.SubFactory(AgencyFactory)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        roles = list(extracted or [])
        obj.set_password(TEST_PASSWORD)
        obj.is_staff = Role.ADMINISTRATOR in roles
        obj.save()
        obj.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
