"""Reads for the statutory returns pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from frontdoor.census_codes import return_year_key, return_year_of
from frontdoor.models import User
from frontdoor.roles import Permission
from outcomes.models import CensusExport
from outcomes.returns.services import RULESETS
from referrals import selectors as referral_selectors


def census_exports_for(*, user: User) -> QuerySet[CensusExport]:
    if not user.has_perm(Permission.MAKE_STATUTORY_RETURNS.perm):
        raise PermissionDenied
    return CensusExport.objects.select_related("made_by").defer("xml", "report", "contact_ids")


LARGE_FIELDS = frozenset({"xml", "report", "contact_ids"})


def census_export_get(*, user: User, export_id: int, load: Iterable[str] = ()) -> CensusExport:
    """One census export, for those who make statutory returns (403 for anyone else,
    404 for one that does not exist), with the large fields named in ``load`` read
    too. A return counts every child, restricted records included, so no restriction
    applies; what it opens from inside (the children's records) goes through
    ``census_child_links``."""
    exports = census_exports_for(user=user)
    wanted = set(load)
    if wanted - LARGE_FIELDS:
        raise ValueError(f"Not a large field of an export: {wanted - LARGE_FIELDS}")
    if wanted:
        exports = exports.defer(None)
        if LARGE_FIELDS - wanted:
            exports = exports.defer(*(LARGE_FIELDS - wanted))
    try:
        return exports.get(pk=export_id)
    except CensusExport.DoesNotExist:
        raise Http404("No export found") from None


def census_years() -> list[tuple[int, str]]:
    """Return years the rules can check, newest first, up to the one in progress."""
    this_year = return_year_of(timezone.localdate())
    return [
        (year, return_year_key(year))
        for year in sorted(RULESETS, reverse=True)
        if year <= this_year
    ]


def census_year_to_offer() -> int:
    """The year a council is most likely making: the last one to have ended (the
    return is collected in the spring and summer after 31 March)."""
    this_year = return_year_of(timezone.localdate())
    offered = [year for year, _ in census_years()]
    return this_year - 1 if this_year - 1 in offered else offered[0]


@dataclass(frozen=True)
class RuleFinding:
    kind: str
    rule: str
    message: str
    children: int
    examples: list[dict]


def census_findings(export: CensusExport, examples: int = 20) -> list[RuleFinding]:
    """The validator's findings grouped by rule, errors first, with a few locations each."""
    grouped: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for issue in export.report.get("issues", []):
        grouped[(issue["kind"], issue["rule"], issue["message"])].append(issue)
    findings = [
        RuleFinding(kind, rule, message, len({i["child"] for i in issues}), issues[:examples])
        for (kind, rule, message), issues in grouped.items()
    ]
    findings += [
        RuleFinding(i["kind"], i["rule"], i["message"], 0, [])
        for i in export.report.get("return_level", [])
    ]
    return sorted(findings, key=lambda f: (f.kind != "error", f.rule))


def census_child_links(*, user: User, findings: list[RuleFinding]) -> dict[str, str]:
    """Each child the findings show (by census id, ``P`` + person or ``S`` + subject
    for one not matched to a person) to their record, for those ``user`` may open:
    the person record, or the contact the child is on. Others stay bare codes."""
    codes = {issue["child"] for finding in findings for issue in finding.examples}
    ids: dict[str, dict[int, str]] = {"P": {}, "S": {}}
    for code in codes:
        if code[:1] in ids and code[1:].isdigit():
            ids[code[0]][int(code[1:])] = code
    links = {
        ids["P"][person_id]: reverse("referrals:person-detail", args=[person_id])
        for person_id in referral_selectors.people_open_to(user=user, person_ids=ids["P"])
    }
    contacts = referral_selectors.subject_contacts_open_to(user=user, subject_ids=ids["S"])
    links |= {
        ids["S"][subject_id]: reverse("referrals:contact-detail", args=[reference])
        + f"#subject-{subject_id}"
        for subject_id, reference in contacts.items()
    }
    return links
