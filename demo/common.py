"""Synthetic demonstration data: never real people, never loaded in production."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from frontdoor import services
from frontdoor.models import Agency, User
from frontdoor.roles import Role
from referrals.models import ApiClient
from referrals.models import ConcernCategory as C
from referrals.services import api_client_create

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
    also: tuple[Role, ...] = ()  # roles held as well (a head of service is a manager too)


DEMO_CASE_SYSTEM_EMAIL = "case-system@children.demo-council.example"

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
        Role.LADO,
        "lado@children.demo-council.example",
        "Lindsay Brennan",
        "Local authority designated officer",
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
        DEMO_CASE_SYSTEM_EMAIL,
        "Demo case-management system",
        "Service account",
        DEMO_AGENCIES[0][0],
    ),
    DemoAccount(
        Role.EDT,
        "edt@children.demo-council.example",
        "Eli Duncan",
        "Emergency duty team social worker",
        DEMO_AGENCIES[0][0],
    ),
    DemoAccount(
        Role.HEAD_OF_SERVICE,
        "head@children.demo-council.example",
        "Hana Whitfield",
        "Head of children's services",
        DEMO_AGENCIES[0][0],
        also=(Role.MANAGER,),
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
                roles=[account.role, *account.also],
                password=DEMO_PASSWORD,
            )
    # The case-management system as a partner system, so its events (the pull feed,
    # webhook endpoints) can be tried. Its first token is not shown anywhere: an
    # administrator rotates it on the system's page to be given one.
    case_system = User.objects.get(email__iexact=DEMO_CASE_SYSTEM_EMAIL)
    if not ApiClient.objects.filter(account=case_system).exists():
        api_client_create(name="Demo case-management system", account=case_system)
    return DEMO_ACCOUNTS


def demo_accounts_lines(*, two_factor: bool) -> list[str]:
    """The demo accounts as a person signing in needs them: email, role, password."""
    width = max(len(account.email) for account in DEMO_ACCOUNTS)
    lines = ["Sign in as any of these demo accounts:"]
    lines += [f"  {account.email.ljust(width)}  {account.role.label}" for account in DEMO_ACCOUNTS]
    lines.append(f"Every demo account's password is: {DEMO_PASSWORD}")
    if two_factor:
        lines.append("Staff accounts set up an authenticator app (any TOTP app) at first sign-in.")
    return lines


def demo_accounts_write(path: Path, *, two_factor: bool) -> Path:
    """Write the demo accounts to ``path`` readable by this user only (it holds the
    demo password, which is public anyway, but the habit is the right one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write("\n".join(demo_accounts_lines(two_factor=two_factor)) + "\n")
    path.chmod(0o600)  # an older file keeps its mode through O_CREAT
    return path


# --- CIN census details, shared by the demo and the synthetic generator ---------------
# Weights (roughly England's children in need) for the codes of frontdoor.CensusCode's
# lists; the generators check every code against the lists of the year they write for.

# Children's ethnicity; a family shares one. "" is not yet obtained (the census's NOBT).
ETHNICITIES = [
    ("WBRI", 640), ("WIRI", 4), ("WOTH", 60), ("WIRT", 4), ("WROM", 6), ("MWBC", 20),
    ("MWBA", 8), ("MWAS", 10), ("MOTH", 25), ("AIND", 12), ("APKN", 30), ("ABAN", 12),
    ("AOTH", 14), ("BCRB", 12), ("BAFR", 35), ("BOTH", 10), ("CHNE", 3), ("OOTH", 25),
    ("REFU", 10), ("", 45),
]  # fmt: skip
DISABLED_SHARE = 0.1  # children with a disability; the rest are recorded NONE
DISABILITIES = [
    ("BEH", 25), ("COMM", 20), ("AUT", 20), ("LD", 15), ("DDA", 8), ("MOB", 5), ("HAND", 2),
    ("PC", 2), ("INC", 2), ("HEAR", 3), ("VIS", 3), ("CON", 2),
]  # fmt: skip
TWO_DISABILITIES_SHARE = 0.35  # of disabled children
NO_DISABILITY = "NONE"
# Primary need of a referral to social care, by the contact's main worry; a strategy
# discussion (possible significant harm) is abuse or neglect whatever came first.
PRIMARY_NEEDS = {
    C.NEGLECT: [("N1", 80), ("N5", 8), ("N4", 6), ("N8", 3), ("N7", 3)],
    C.PHYSICAL_ABUSE: [("N1", 92), ("N5", 6), ("N4", 2)],
    C.EMOTIONAL_ABUSE: [("N1", 75), ("N5", 20), ("N4", 5)],
    C.SEXUAL_ABUSE: [("N1", 96), ("N6", 4)],
    C.DOMESTIC_ABUSE: [("N1", 55), ("N5", 35), ("N4", 10)],
    C.PARENTAL_MENTAL_HEALTH: [("N3", 45), ("N4", 25), ("N1", 20), ("N5", 10)],
    C.SUBSTANCE_MISUSE: [("N5", 40), ("N1", 40), ("N3", 10), ("N4", 10)],
    C.MISSING_FROM_HOME: [("N6", 45), ("N1", 35), ("N4", 10), ("N5", 10)],
    C.CHILD_EXPLOITATION: [("N1", 60), ("N6", 40)],
    C.OTHER: [("N4", 30), ("N2", 30), ("N8", 15), ("N5", 15), ("N7", 10)],
}
STRATEGY_NEED_IS_ABUSE = 0.9
# Factors identified at the end of assessment, by the contact's worries. 18A and 19A
# were split by who harmed the child from 2021-22: each year keeps its valid codes.
FACTORS = {
    C.NEGLECT: [("16A", 60), ("4B", 15), ("2B", 10), ("1B", 8), ("5B", 5)],
    C.PHYSICAL_ABUSE: [("18C", 60), ("18B", 10), ("18A", 70), ("3A", 20)],
    C.EMOTIONAL_ABUSE: [("17A", 70), ("3A", 15), ("4B", 15)],
    C.SEXUAL_ABUSE: [("19C", 55), ("19B", 20), ("19A", 75), ("11A", 5)],
    C.DOMESTIC_ABUSE: [("3B", 50), ("3A", 40), ("3C", 10)],
    C.PARENTAL_MENTAL_HEALTH: [("4B", 80), ("4C", 10), ("7A", 10)],
    C.SUBSTANCE_MISUSE: [("2B", 45), ("1B", 35), ("2A", 8), ("1A", 5), ("2C", 7)],
    C.MISSING_FROM_HOME: [("10A", 70), ("24A", 15), ("11A", 10), ("13A", 5)],
    C.CHILD_EXPLOITATION: [("24A", 40), ("11A", 35), ("10A", 15), ("13A", 7), ("12A", 3)],
    C.OTHER: [("4A", 20), ("7A", 15), ("14A", 15), ("15A", 15), ("6A", 10), ("5A", 10), ("20", 15)],
}  # fmt: skip
OTHER_FACTORS = [("4B", 30), ("3B", 25), ("17A", 15), ("16A", 10), ("4A", 10), ("2B", 10)]
LATE_ASSESSMENT_REASONS = [
    "Waiting for the police disclosure and the paediatric report before it could be signed off.",
    "The family moved out of the area part-way through; records had to come from the new council.",
    "A parent was in hospital for three weeks and could not take part.",
    "The allocated social worker left and the assessment was reallocated.",
]
LATE_ICPC_REASONS = [
    "Rearranged so the police officer in the case could attend.",
    "The first date was moved so the parents' solicitor could be there.",
    "The medical report was not ready in time for the first date.",
    "No conference chair was free within 15 working days.",
]
# Unique pupil numbers: a check letter, the LA's DfE number (815, North Yorkshire, the
# service's model), a school's number, the year it was allocated and a serial.
UPN_LA = "815"
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
SCHOOL_AGE_DAYS = 4 * 365 + 180  # pupil numbers come with the reception year


def upn_with_check_letter(digits: str) -> str:
    """The twelve digits of a UPN with the DfE's check letter in front."""
    total = sum(int(digit) * weight for digit, weight in zip(digits, range(2, 14), strict=True))
    return UPN_CHECK_LETTERS[total % 23] + digits
