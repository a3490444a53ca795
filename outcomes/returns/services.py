"""Writes for statutory returns: make a CIN census export, check it with the DfE's rules.

The export is kept as made (the file a council sends must be the file that was
checked); the check runs in a worker because the validator takes minutes on a county's
year and lives in its own Python.
"""

from __future__ import annotations

import json
import logging
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from frontdoor.audit import audit_record, audit_views
from frontdoor.census_codes import return_year_key
from frontdoor.dispatch import dispatch, waiting_ids
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from outcomes.models import CensusExport
from outcomes.returns.census import census_return
from outcomes.returns.census_xml import census_xml

logger = logging.getLogger(__name__)
RUNNER = Path(__file__).with_name("cin_validator_json.py")
CENSUS_CHECK = "outcomes.tasks.census_export_check_task"
# The check task's hard limit (outcomes/tasks.py); an export still being checked this
# long (and a minute) after it was queued was never taken by a worker or lost with one.
CHECK_TIME_LIMIT = 1200
# The validator's rule sets, by return year. Front Door writes the census as it has been
# since 2024-25 (Sex M/F/U replaced GenderCurrent), so earlier years are not offered.
RULESETS = {2025: "cin2024_25", 2026: "cin2025_26", 2027: "cin2026_27"}


class ReturnRefused(Exception):
    pass


class ValidatorUnavailable(Exception):
    pass


@dataclass(frozen=True)
class ValidationReport:
    ruleset: str
    rules_run: int
    issues: list[dict]
    return_level: list[dict]
    rules_that_crashed: list[str]

    def _count(self, kind: str) -> int:
        per_child = {(i["rule"], i["child"]) for i in self.issues if i["kind"] == kind}
        return len(per_child) + sum(1 for i in self.return_level if i["kind"] == kind)

    @property
    def errors(self) -> int:
        return self._count("error")

    @property
    def queries(self) -> int:
        return self._count("query")

    def as_json(self) -> dict:
        return {
            "ruleset": self.ruleset,
            "rules_run": self.rules_run,
            "issues": self.issues,
            "return_level": self.return_level,
            "rules_that_crashed": self.rules_that_crashed,
        }


def ruleset_for(year: int) -> str:
    try:
        return RULESETS[year]
    except KeyError:
        known = ", ".join(return_year_key(y) for y in sorted(RULESETS))
        raise ReturnRefused(
            f"Front Door makes the census for {known}; {return_year_key(year)} cannot be made"
        ) from None


def census_validate(xml_path: Path, year: int) -> ValidationReport:
    """Run the validator over a file; its findings as a report."""
    python = Path(settings.CIN_VALIDATOR_PYTHON)
    if not python.exists():
        raise ValidatorUnavailable(
            f"The census validator is not installed ({python} is missing); run scripts/install"
        )
    try:
        finished = subprocess.run(  # noqa: S603 - our runner and settings, no user input
            # -I: the runner's folder holds modules named like the standard library's.
            [str(python), "-I", str(RUNNER), str(xml_path), ruleset_for(year)],
            capture_output=True,
            timeout=settings.CIN_VALIDATOR_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ValidatorUnavailable("The census validator took too long and was stopped") from error
    if finished.returncode != 0:
        # The validator's own traceback, never the file: it holds no personal data.
        logger.error("CIN validator failed: %s", finished.stderr.decode(errors="replace")[-2000:])
        raise ValidatorUnavailable("The census validator stopped with an error")
    found = json.loads(finished.stdout)
    return ValidationReport(
        ruleset=found["ruleset"],
        rules_run=found["rules_run"],
        issues=found["issues"],
        return_level=found["return_level"],
        rules_that_crashed=found["rules_that_crashed"],
    )


def census_export_make(*, actor: User | None, year: int, via: str = "") -> CensusExport:
    """Export the return year as it stands now and keep the file; audited per contact."""
    if actor is not None and not actor.has_perm(Permission.MAKE_STATUTORY_RETURNS.perm):
        raise ReturnRefused("Your role does not make statutory returns")
    ruleset_for(year)
    census = census_return(year)
    made_at = timezone.now()
    with transaction.atomic():
        serial = CensusExport.objects.filter(year=year).count() + 1
        export = CensusExport.objects.create(
            year=year,
            made_by=actor,
            xml=census_xml(census, serial=serial, made_at=made_at),
            children=len(census.children),
            episodes=census.episode_count,
            contact_ids=census.contact_ids,
            ruleset=RULESETS[year],
        )
        if actor is not None:
            audit_views(
                actor=actor,
                record_type="contact",
                record_ids=census.contact_ids,
                via=via or "CIN census export",
                action=AuditEvent.Action.EXPORT,
            )
        else:
            audit_record(
                actor=None,
                action=AuditEvent.Action.EXPORT,
                record_type="census_export",
                record_id=export.pk,
                via=via or "export_cin_census command",
                detail={"contacts": len(census.contact_ids)},
            )
    return export


def census_export_check(*, export_id: int) -> CensusExport:
    """Run the DfE rules over a kept export and keep their report on it. Only an export
    still being checked is run (a second message for a finished check does nothing),
    and whatever stops the rules leaves it "not checked" with the reason, never
    "being checked" for ever."""
    # Restarting the clock as the run begins makes the sweep's "lost" count from when
    # a worker took it, not from when it was queued behind other work.
    if not CensusExport.objects.filter(pk=export_id, status=CensusExport.Status.CHECKING).update(
        check_queued_at=timezone.now()
    ):
        return CensusExport.objects.get(pk=export_id)
    export = CensusExport.objects.get(pk=export_id)
    with tempfile.TemporaryDirectory(prefix="cin-census-") as folder:
        path = Path(folder) / "census.xml"
        path.write_bytes(bytes(export.xml))
        try:
            report = census_validate(path, export.year)
        except (ValidatorUnavailable, ReturnRefused) as error:
            return census_export_unchecked(export=export, failure=str(error))
        except Exception:
            logger.exception("CIN census check of export %s stopped", export.pk)
            return census_export_unchecked(
                export=export, failure="The check stopped unexpectedly. Check it again."
            )
    export.status = CensusExport.Status.CHECKED
    export.errors, export.queries = report.errors, report.queries
    export.report = report.as_json()
    export.checked_at = timezone.now()
    export.failure = ""
    export.save(update_fields=["status", "errors", "queries", "report", "checked_at", "failure"])
    return export


def census_export_unchecked(*, export: CensusExport, failure: str) -> CensusExport:
    """Leave an export "not checked", saying why (the page offers to check it again)."""
    export.status = CensusExport.Status.UNCHECKED
    export.failure = failure[:300]
    export.checked_at = timezone.now()
    export.save(update_fields=["status", "failure", "checked_at"])
    return export


def census_check_request(*, export: CensusExport) -> None:
    """Queue the check (the task takes the export's id only) once the export commits. A
    broker that cannot be reached leaves the export being checked and marked not
    queued; ``census_checks_sweep`` queues it again."""
    CensusExport.objects.filter(pk=export.pk).update(check_queued_at=timezone.now())

    def unless_sent(sent: bool) -> None:
        if not sent:
            CensusExport.objects.filter(pk=export.pk).update(check_queued_at=None)

    dispatch(CENSUS_CHECK, export.pk, then=unless_sent)


@transaction.atomic
def census_export_recheck(
    *, actor: User, export: CensusExport, request: HttpRequest | None = None
) -> CensusExport:
    """Check a kept export again: back to "being checked", audited, and queued once that
    commits. An export already being checked is left as it is."""
    if not actor.has_perm(Permission.MAKE_STATUTORY_RETURNS.perm):
        raise ReturnRefused("Your role does not make statutory returns")
    locked = CensusExport.objects.select_for_update().defer("xml").get(pk=export.pk)
    if locked.status == CensusExport.Status.CHECKING:
        return locked
    previous = locked.status
    locked.status, locked.failure = CensusExport.Status.CHECKING, ""
    locked.save(update_fields=["status", "failure"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="census_export",
        record_id=locked.pk,
        request=request,
        detail={"status": {"from": previous, "to": locked.status}},
    )
    census_check_request(export=locked)
    return locked


def census_checks_sweep(*, now: datetime | None = None) -> list[int]:
    """Queue exports whose check the broker never took, or whose check was lost (still
    being checked after the task's time limit); checking again gives the same report."""
    waiting = waiting_ids(
        CensusExport.objects.filter(status=CensusExport.Status.CHECKING),
        queued_at="check_queued_at",
        time_limit=CHECK_TIME_LIMIT,
        now=now or timezone.now(),
    )
    for export_id in waiting:
        census_check_request(export=CensusExport(pk=export_id))
    return waiting
