"""What the generator needs from the database, read before the load."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from demo.screening import LEVEL_FOR_ROUTE
from demo.synthetic.tables import SOURCE_GROUPS
from frontdoor.models import Agency, CensusCode, ReferralSource, User
from frontdoor.roles import Permission, Role
from outcomes.models import DownstreamOutcome
from referrals.models import ApiClient
from screening.models import CHECK_AGENCY_TYPES, ThresholdLevel

# --- Reference data -----------------------------------------------------------------


@dataclass(frozen=True)
class _Agency:
    id: int
    name: str
    type: str
    source_id: int
    domain: str


@dataclass
class World:
    """Everything the generator needs from the database, read before the load."""

    sources: dict[str, int]
    agencies: list[_Agency]
    levels: dict[str, int]  # route -> threshold level id
    screeners: list[int]
    managers: list[int]
    referrers: list[tuple[int, str, int | None]]  # (user id, email, agency id)
    api_clients: dict[int, int]  # referrer account -> its partner-system client
    check_agencies: list[tuple[int, list[int]]]  # (agency id, ids of members who answer)
    outcome_recorder: int
    outcome_source: str
    source_groups: list[tuple[float, list[_Agency]]] = field(default_factory=list)
    accounts: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # by agency
    # The statutory code lists: list -> code -> (first, last) return year it is valid.
    census_codes: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    def census_valid(self, code_list: str, code: str, year: int) -> bool:
        first, last = self.census_codes.get(code_list, {}).get(code, (1, 0))
        return first <= year <= last


def _holders(*, role: Role | None = None, permission: Permission | None = None) -> list[int]:
    users = User.objects.filter(is_active=True)
    if role is not None:
        users = users.filter(groups__name=role.value)
    if permission is not None:
        users = users.filter(
            Q(groups__permissions__codename=permission.value)
            | Q(user_permissions__codename=permission.value)
        )
    return sorted(set(users.values_list("pk", flat=True)))


def world_load() -> World:
    sources = dict(ReferralSource.objects.values_list("code", "pk"))
    agencies = [
        _Agency(a.pk, a.name, a.type, a.referral_source_id, (a.email_domains or ["example.org"])[0])
        for a in Agency.objects.filter(is_active=True).order_by("pk")
    ]
    levels_by_number = dict(
        ThresholdLevel.objects.filter(is_active=True).values_list("number", "pk")
    ) or dict(ThresholdLevel.objects.values_list("number", "pk"))
    levels = {}
    for route, number in LEVEL_FOR_ROUTE.items():
        nearest = min(levels_by_number, key=lambda n, wanted=number: (abs(n - wanted), n))
        levels[route] = levels_by_number[nearest]
    screeners = _holders(role=Role.SCREENER) or _holders(permission=Permission.SCREEN_CONTACTS)
    managers = _holders(role=Role.MANAGER) or _holders(permission=Permission.APPROVE_DECISIONS)
    referrer_ids = _holders(role=Role.REFERRER)
    referrers = list(
        User.objects.filter(pk__in=referrer_ids)
        .order_by("pk")
        .values_list("pk", "email", "agency_id")
    )
    api_clients: dict[int, int] = {}
    for client_id, account_id in ApiClient.objects.filter(
        is_active=True, account_id__in=referrer_ids
    ).values_list("pk", "account_id"):
        api_clients.setdefault(account_id, client_id)
    answerers = set(_holders(permission=Permission.ANSWER_AGENCY_CHECKS))
    members: dict[int, list[int]] = {}
    for user_id, agency_id in User.objects.filter(pk__in=answerers).values_list("pk", "agency_id"):
        members.setdefault(agency_id, []).append(user_id)
    check_types = {str(t) for t in CHECK_AGENCY_TYPES}
    checkable = [a for a in agencies if a.type in check_types]
    # Checks go to agencies whose MAST member can answer them, as in life; with no
    # such member anywhere they still go out, answered without a named person.
    answered = [(a.id, members[a.id]) for a in checkable if members.get(a.id)]
    case_systems = _holders(role=Role.CASE_SYSTEM)
    world = World(
        sources=sources,
        agencies=agencies,
        levels=levels,
        screeners=screeners,
        managers=managers,
        referrers=referrers,
        api_clients=api_clients,
        check_agencies=answered or [(a.id, []) for a in checkable],
        outcome_recorder=case_systems[0] if case_systems else managers[0],
        outcome_source=(
            DownstreamOutcome.Source.API if case_systems else DownstreamOutcome.Source.FORM
        ),
    )
    for weight, types in SOURCE_GROUPS:
        members = [a for a in agencies if a.type in types]
        if members:  # a council without, say, a probation agency on record refers none
            world.source_groups.append((weight, members))
    for account, email, agency in referrers:
        if agency is not None:
            world.accounts.setdefault(agency, []).append((account, email))
    for code_list, code, first, last in CensusCode.objects.values_list(
        "code_list", "code", "first_year", "last_year"
    ):
        world.census_codes.setdefault(code_list, {})[code] = (first, last or 9999)
    return world
