"""Synthetic demonstration data: never real people, never loaded in production."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from frontdoor import services
from frontdoor.models import Agency, User
from frontdoor.roles import Role

DEMO_PASSWORD = "front-door-demo-2026"  # noqa: S105 - printed for the demo on purpose

DEMO_AGENCIES = [
    (
        "Demonstration County Council Children's Services",
        Agency.Type.CHILDRENS_SOCIAL_CARE,
        "5B",
        ["children.demo-council.example"],
    ),
    (
        "Demonstration County Council Prevention Service",
        Agency.Type.EARLY_HELP,
        "5D",
        ["prevention.demo-council.example"],
    ),
    ("Demonstration Police", Agency.Type.POLICE, "6", ["police.example"]),
    ("Demonstration Community Health Trust", Agency.Type.HEALTH, "3B", ["health.example"]),
    (
        "Demonstration Mental Health Foundation Trust",
        Agency.Type.MENTAL_HEALTH,
        "3F",
        ["mentalhealth.example"],
    ),
    ("Riverside Primary School", Agency.Type.EDUCATION, "2A", ["riverside-primary.example"]),
    ("Castle Street Surgery", Agency.Type.HEALTH, "3A", ["castle-street-surgery.example"]),
    ("Demonstration Probation Delivery Unit", Agency.Type.PROBATION, "7", ["probation.example"]),
    ("Demonstration Homes", Agency.Type.HOUSING, "4", ["homes.example"]),
    ("Council Contact Centre", Agency.Type.CONTACT_CENTRE, "10", ["contact.demo-council.example"]),
]


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    full_name: str
    job_title: str
    agency_name: str


DEMO_ACCOUNTS = [
    DemoAccount(
        Role.SCREENER,
        "screener@children.demo-council.example",
        "Sam Patel",
        "MAST practitioner",
        DEMO_AGENCIES[0][0],
    ),
    DemoAccount(
        Role.MANAGER,
        "manager@children.demo-council.example",
        "Morgan Hughes",
        "MAST team manager",
        DEMO_AGENCIES[0][0],
    ),
    DemoAccount(
        Role.REFERRER,
        "referrer@riverside-primary.example",
        "Rita Okafor",
        "Designated safeguarding lead",
        "Riverside Primary School",
    ),
    DemoAccount(
        Role.PARTNER_AGENCY_MEMBER,
        "mast.police@police.example",
        "Priya Shah",
        "Police MAST officer",
        "Demonstration Police",
    ),
    DemoAccount(
        Role.PERFORMANCE_VIEWER,
        "performance@children.demo-council.example",
        "Pat Evans",
        "Performance analyst",
        DEMO_AGENCIES[0][0],
    ),
    DemoAccount(
        Role.ADMINISTRATOR,
        "admin@children.demo-council.example",
        "Alex Morgan",
        "Service administrator",
        DEMO_AGENCIES[0][0],
    ),
    DemoAccount(
        Role.CASE_SYSTEM,
        "case-system@children.demo-council.example",
        "Demo case-management system",
        "Service account",
        DEMO_AGENCIES[0][0],
    ),
]


@transaction.atomic
def demo_data_load() -> list[DemoAccount]:
    """Create the demo agencies and one account per role; safe to run again."""
    for name, agency_type, source_code, domains in DEMO_AGENCIES:
        if not Agency.objects.filter(name__iexact=name).exists():
            services.agency_create(
                name=name,
                type=agency_type,
                referral_source_code=source_code,
                email_domains=domains,
            )
    for account in DEMO_ACCOUNTS:
        if not User.objects.filter(email__iexact=account.email).exists():
            services.user_create(
                email=account.email,
                full_name=account.full_name,
                job_title=account.job_title,
                agency=Agency.objects.get(name=account.agency_name),
                roles=[account.role],
                password=DEMO_PASSWORD,
            )
    return DEMO_ACCOUNTS
