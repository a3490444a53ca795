import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frontdoor.census_codes import UnknownReturnYear, return_year_from_key
from outcomes.models import CensusExport
from outcomes.returns import services


class Command(BaseCommand):
    help = (
        "Write the Children in Need census XML for a return year (the front door's part) "
        "and check it with the DfE's rules (data-to-insight's csc-validator-be-cin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Return year, e.g. 2025-26.")
        parser.add_argument("--out", required=True, help="Where to write the XML.")
        parser.add_argument(
            "--no-check", action="store_true", help="Write the file without running the rules."
        )
        parser.add_argument(
            "--report",
            help="Where to write the rules' findings as JSON (default: OUT.report.json).",
        )

    def handle(self, *args, year: str, out: str, no_check: bool, report: str | None, **options):
        try:
            return_year = return_year_from_key(year)
            export = services.census_export_make(actor=None, year=return_year)
        except (UnknownReturnYear, services.ReturnRefused) as error:
            raise CommandError(str(error)) from None
        out_path = Path(out)
        out_path.write_bytes(bytes(export.xml))
        self.stdout.write(
            f"Wrote {out_path}: {export.children} children, {export.episodes} referrals "
            f"(export {export.pk})."
        )
        if no_check:
            services.census_export_unchecked(
                export=export, failure="Exported without the DfE rules check (--no-check)."
            )
            return
        export = services.census_export_check(export_id=export.pk)
        if export.status != CensusExport.Status.CHECKED:
            raise CommandError(f"Not checked: {export.failure}")
        report_path = Path(report or f"{out_path}.report.json")
        report_path.write_text(json.dumps(export.report, indent=1))
        self.stdout.write(
            f"DfE rules {export.ruleset}: {export.errors} errors, {export.queries} queries "
            f"(findings in {report_path})."
        )
        for line in _summary(export.report):
            self.stdout.write(line)


def _summary(report: dict) -> list[str]:
    counts: dict[tuple[str, str, str], set[str]] = {}
    for issue in report.get("issues", []):
        key = (issue["kind"], issue["rule"], issue["message"])
        counts.setdefault(key, set()).add(issue["child"])
    lines = [
        f"  {kind:5} {rule:6} {len(children):6} children  {message[:90]}"
        for (kind, rule, message), children in sorted(counts.items())
    ]
    lines += [
        f"  {i['kind']:5} {i['rule']:6} (whole return) {i['message'][:90]}"
        for i in report.get("return_level", [])
    ]
    return lines
