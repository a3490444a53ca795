"""The service navigation: a few areas across the top, each with the pages a user may use in it.

A page shows only to users whose permissions open it (the same checks the views make);
an area shows when at least one of its pages does, and links to the first of them. See
docs/adr/0017-navigation-areas.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from frontdoor.models import User
from frontdoor.roles import Permission
from frontdoor.selectors import can_record_police

ShownTo = Callable[[User], bool]


def _holds_any(*permissions: Permission) -> ShownTo:
    return lambda user: any(user.has_perm(permission.perm) for permission in permissions)


def _refers_without_screening(user: User) -> bool:
    # Staff record contacts with the staff form; only outside professionals refer.
    return user.has_perm(Permission.SUBMIT_REFERRALS.perm) and not user.has_perm(
        Permission.SCREEN_CONTACTS.perm
    )


def _administers(user: User) -> bool:
    # Django's admin site also needs is_staff; without it the link would only redirect.
    return user.has_perm(Permission.ADMINISTER_SERVICE.perm) and user.is_staff


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    shown_to: ShownTo


@dataclass(frozen=True)
class Area:
    label: str
    pages: tuple[Page, ...]
    # Views reached from the area's pages (a contact from the queue, a person from the
    # search) keep the area marked as the one the user is in. Shell-style patterns.
    within: tuple[str, ...] = ()

    def holds(self, view_name: str) -> bool:
        return any(page.url_name == view_name for page in self.pages) or any(
            fnmatchcase(view_name, pattern) for pattern in self.within
        )


_SCREENS = _holds_any(Permission.SCREEN_CONTACTS)

AREAS: tuple[Area, ...] = (
    Area(
        "Referrals",
        (
            Page("Refer a concern", "referrals:referral-form", _refers_without_screening),
            Page("Your referrals", "outcomes:my-referrals", _refers_without_screening),
        ),
        within=(
            "referrals:referral-*",
            "referrals:contact-list",
            "referrals:contact-detail",
            "referrals:contact-sent",
            "referrals:document-*",
            "outcomes:my-referral",
            "outcomes:my-referral-withdraw",
        ),
    ),
    Area(
        "Screening",
        (
            Page("Queue", "screening:queue", _SCREENS),
            Page("Today", "outcomes:today", _SCREENS),
            Page("Contacts", "referrals:contact-list", _SCREENS),
            Page("Record a contact", "referrals:staff-form", _SCREENS),
            Page("Phone consultation", "referrals:phone-form", _SCREENS),
            Page("Approvals", "screening:approvals", _holds_any(Permission.APPROVE_DECISIONS)),
            Page(
                "Letters to post",
                "outcomes:print-batches",
                _holds_any(Permission.APPROVE_DECISIONS),
            ),
            Page("Checks", "screening:member-checks", _holds_any(Permission.ANSWER_AGENCY_CHECKS)),
            Page("Police notification", "referrals:police-form", can_record_police),
            Page("Police bulk triage", "screening:police-triage", _SCREENS),
            Page("Operation Encompass", "outcomes:encompass", _SCREENS),
            Page(
                "Specialist pathways",
                "screening:pathway-index",
                _holds_any(Permission.SCREEN_CONTACTS, Permission.HANDLE_LADO),
            ),
        ),
        within=(
            "screening:contact",
            "screening:relationship",
            "screening:family-member-history",
            "screening:log-*",
            "screening:family-address",
            "screening:child-census",
            "screening:withdraw",
            "screening:pathway*",
            "screening:approval",
            "screening:check-approval",
            "screening:member-check",
            "screening:member-check-document",
            "screening:document-add",
            # The screener who made an audited decision reads its feedback.
            "screening:audit-feedback",
            "referrals:police-*",
            "referrals:contact-detail",
            "referrals:document-*",
            "referrals:contact-sent",
            "referrals:contact-restrict",
            "referrals:staff-*",
            "referrals:phone-*",
            "outcomes:contact-*",
            "outcomes:import*",
            "outcomes:print-batch-*",
            "outcomes:encompass-school",
        ),
    ),
    Area(
        "Out of hours",
        (
            Page(
                "Record a contact", "referrals:edt-form", _holds_any(Permission.RECORD_OUT_OF_HOURS)
            ),
            Page(
                "Your out-of-hours work",
                "screening:edt-work",
                _holds_any(Permission.RECORD_OUT_OF_HOURS),
            ),
        ),
        within=("referrals:edt-*", "screening:edt-*"),
    ),
    Area(
        "Meetings",
        (
            Page(
                "Meetings",
                "screening:meetings",
                _holds_any(Permission.SCREEN_CONTACTS, Permission.ANSWER_AGENCY_CHECKS),
            ),
            Page(
                "Joint review", "screening:joint-review", _holds_any(Permission.APPROVE_DECISIONS)
            ),
        ),
        within=("screening:meeting", "screening:meeting-*", "screening:joint-review-*"),
    ),
    Area(
        "People",
        (
            Page("Search", "referrals:people-search", _SCREENS),
            Page(
                "Restricted records",
                "referrals:restrictions",
                _holds_any(Permission.APPROVE_DECISIONS),
            ),
        ),
        within=(
            "referrals:person-*",
            "referrals:warning-*",
            "outcomes:person-*",
            "outcomes:retention",
        ),
    ),
    Area(
        "Performance",
        (
            Page("Scorecard", "outcomes:scorecard", _holds_any(Permission.VIEW_PERFORMANCE)),
            Page("Census", "outcomes:census", _holds_any(Permission.MAKE_STATUTORY_RETURNS)),
            Page("Decision audits", "screening:audits", _holds_any(Permission.APPROVE_DECISIONS)),
        ),
        within=(
            "outcomes:scorecard-*",
            "outcomes:census-*",
            "screening:audit",
            "screening:audits-*",
            # Managers keep the rubric from the audits page; administrators reach it
            # from their home page, in the Administration area below.
            "screening:audit-rubric",
            "screening:audit-criterion",
        ),
    ),
    Area(
        "Administration",
        (
            Page("Agencies and accounts", "admin:index", _administers),
            Page(
                "Partner systems",
                "referrals:systems",
                _holds_any(Permission.ADMINISTER_SERVICE),
            ),
            Page("Schools", "outcomes:schools", _holds_any(Permission.ADMINISTER_SERVICE)),
        ),
        within=(
            "admin:*",
            "referrals:system",
            "referrals:system-*",
            "outcomes:webhook-*",
            "outcomes:school",
            "outcomes:schools-*",
            "outcomes:term-*",
            "screening:audit-rubric",
            "screening:audit-criterion",
        ),
    ),
)


@dataclass(frozen=True)
class NavigationLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class NavigationArea:
    label: str
    links: tuple[NavigationLink, ...]
    active: bool

    @property
    def url(self) -> str:
        return self.links[0].url

    @property
    def aria_current(self) -> str:
        """GOV.UK service navigation: "page" on the page itself, "true" elsewhere in it."""
        if not self.active:
            return ""
        return "page" if self.links[0].current else "true"


def navigation_for(*, user: User | AnonymousUser, view_name: str = "") -> list[NavigationArea]:
    """The areas this user may use, each with its pages; the area holding ``view_name``
    (the first, where a view belongs to two) is marked active."""
    if not user.is_authenticated:
        return []
    areas: list[NavigationArea] = []
    marked = False
    for area in AREAS:
        links = tuple(
            NavigationLink(page.label, reverse(page.url_name), page.url_name == view_name)
            for page in area.pages
            if page.shown_to(user)
        )
        if not links:
            continue
        active = not marked and bool(view_name) and area.holds(view_name)
        marked = marked or active
        areas.append(NavigationArea(area.label, links, active))
    return areas
