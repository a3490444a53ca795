"""One factory per kind of record; a persona is a UserFactory with a role."""

from __future__ import annotations

import datetime

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
    # What a referring professional's account holds, so the referral form has nothing
    # to ask them (tests of what it asks make an account without them).
    job_title = "Designated safeguarding lead"
    phone = "01632 960001"
    agency = factory.SubFactory(AgencyFactory)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        roles = list(extracted or [])
        obj.set_password(TEST_PASSWORD)
        obj.is_staff = Role.ADMINISTRATOR in roles
        obj.save()
        obj.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.Person"

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=0, maximum_age=17)
    postcode = "YO1 7HH"


def child_input(**overrides):
    from referrals.models import ContactSubject
    from referrals.services import SubjectInput

    values = {
        "role": ContactSubject.Role.CHILD,
        "first_name": "Amelia",
        "last_name": "Harrison",
        "date_of_birth": datetime.date(2016, 4, 12),
        "sex": "female",
        "postcode": "YO1 7HH",
    }
    return SubjectInput(**{**values, **overrides})


def adult_input(**overrides):
    from referrals.models import ContactSubject
    from referrals.services import SubjectInput

    values = {
        "role": ContactSubject.Role.PARENT,
        "first_name": "Dawn",
        "last_name": "Harrison",
        "relationship_to_children": "Mother",
        "postcode": "YO1 7HH",
    }
    return SubjectInput(**{**values, **overrides})


def contact_input(subjects=None, **overrides):
    from referrals.models import Contact
    from referrals.services import ContactInput

    values = {
        "subjects": subjects if subjects is not None else [child_input()],
        "concerns": (
            "Amelia came to school with bruising to her arm and said her mum's partner did it."
        ),
        "concern_categories": ["physical_abuse"],
        "family_awareness": Contact.FamilyAwareness.AWARE_CONSENTED,
        "urgency": Contact.Urgency.SOON,
    }
    return ContactInput(**{**values, **overrides})


def submit_contact(actor, channel=None, **overrides):
    from referrals.models import Contact
    from referrals.services import contact_submit

    contact, _ = contact_submit(
        actor=actor,
        referrer_account=actor,
        data=contact_input(**overrides),
        channel=channel or Contact.Channel.ONLINE_FORM,
    )
    return contact


# What an information-and-advice decision must say; other routes ignore it.
ADVICE = {
    "advice_given": "Keep in touch with the school nurse and call us if anything changes.",
    "advice_given_to": ["referrer"],
}


def referral_contact(*, screener, manager, referrer, received_at, subjects=None, route=None):
    """A contact received at ``received_at`` whose approved decision made it a referral
    (a strategy discussion unless ``route`` says otherwise)."""
    from screening import services as screening_services
    from screening.models import Decision, Route, ThresholdLevel

    contact = submit_contact(referrer, received_at=received_at, subjects=subjects)
    screening_services.screening_claim(actor=screener, contact=contact)
    route = route or Route.STRATEGY_DISCUSSION
    decision = screening_services.decision_record(
        actor=screener,
        contact=contact,
        route=route,
        threshold_level=ThresholdLevel.objects.get(number=4),
        rationale="A rationale long enough to stand up if questioned later on.",
        family_notice=Decision.FamilyNotice.NOTIFY,
        primary_need="N1" if route in screening_services.CENSUS_REFERRAL_ROUTES else "",
        **ADVICE,
    )
    if decision.approval == Decision.Approval.PENDING:
        screening_services.decision_approve(actor=manager, decision=decision)
    return contact
