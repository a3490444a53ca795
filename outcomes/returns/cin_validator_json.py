"""Run data-to-insight's CIN census validator over one XML file and print its findings
as JSON. Runs in the validator's own Python (.venv-cin), so it imports nothing from
Front Door; ``outcomes/returns/validation.py`` calls it and reads what it prints.

    .venv-cin/bin/python outcomes/returns/cin_validator_json.py FILE.xml cin2025_26
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import math
import sys
import xml.etree.ElementTree as ET


def _plain(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    return "" if text in ("nan", "NaT", "None", "<NA>") else text


def main(path: str, ruleset: str) -> dict:
    from cin_validator import cin_validator

    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    kinds = {str(rule.code): rule.rule_type.name.lower() for _, rule in registry.items()}
    messages = {str(rule.code): rule.message for _, rule in registry.items()}
    root = ET.parse(path).getroot()  # noqa: S314 - the file Front Door itself wrote
    data = cin_validator.process_data(cin_validator.convert_data(root))
    # The validator prints a line for a rule that fails to run; keep stdout for JSON.
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        validator = cin_validator.CinValidator(data, registry)
    issues = []
    report = validator.user_report
    for row in report.to_dict("records") if len(report) else []:
        code = _plain(row.get("rule_code"))
        if not code:
            continue
        issues.append(
            {
                "rule": code,
                "kind": kinds.get(code, "error"),
                "message": messages.get(code, _plain(row.get("rule_description"))),
                "child": _plain(row.get("LAchildID")),
                "table": _plain(row.get("tables_affected")),
                "field": _plain(row.get("columns_affected")),
                "value": _plain(row.get("value_flagged")),
            }
        )
    return_level = []
    header_rules = {issue["rule"] for issue in issues if issue["table"] == "Header"}
    for row in validator.multichild_issues.to_dict("records"):
        code = _plain(row.get("rule_code"))
        if code and code not in header_rules:
            return_level.append(
                {"rule": code, "kind": kinds.get(code, "error"), "message": messages.get(code, "")}
            )
    return {
        "ruleset": ruleset,
        "rules_run": len(registry),
        "issues": issues,
        "return_level": return_level,
        "rules_that_crashed": [line for line in printed.getvalue().splitlines() if line.strip()],
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1], sys.argv[2]), sys.stdout)
