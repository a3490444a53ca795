"""Apps depend one way, and the core imports no app (docs/adr/0021): the import-linter
contracts in pyproject.toml hold for the code, and they do catch a wrong-way import,
even one made lazily inside a function."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The venv's own entry point, whichever venv runs the suite.
LINT_IMPORTS = [
    sys.executable,
    "-c",
    "from importlinter.cli import lint_imports_command; lint_imports_command()",
]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [*LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_the_layer_contracts():
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


# A small project of the same five packages, each importing only downwards, and the
# composition root routing to an app: the contracts, copied from pyproject.toml, pass.
ONE_WAY = {
    "frontdoor/__init__.py": "",
    "frontdoor/urls.py": "from outcomes import api\n",
    "referrals/__init__.py": "",
    "referrals/models.py": "import frontdoor\n",
    "screening/__init__.py": "",
    "screening/selectors.py": "from referrals import models\n",
    "outcomes/__init__.py": "",
    "outcomes/api.py": "from screening import selectors\n",
    "demo/__init__.py": "",
    "demo/intake.py": "from outcomes import api\n",
}

LAZY = """def handler():
    from {package} import {module}

    return {module}
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    for name, text in ONE_WAY.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_the_contracts_pass_a_project_that_imports_one_way(project):
    result = lint_imports(project)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("importer", "imported", "contracts_broken"),
    [
        ("frontdoor/views.py", "referrals.models", 2),  # the core imports an app
        ("frontdoor/census_codes.py", "outcomes.api", 2),  # not the composition root
        ("referrals/selectors.py", "screening.selectors", 1),
        ("screening/views.py", "outcomes.api", 1),
        ("outcomes/selectors.py", "demo.intake", 1),
    ],
)
def test_a_wrong_way_import_inside_a_function_breaks_the_contracts(
    project, importer, imported, contracts_broken
):
    package, module = imported.split(".")
    (project / importer).write_text(LAZY.format(package=package, module=module))

    result = lint_imports(project)

    assert result.returncode != 0
    assert f"Contracts: {2 - contracts_broken} kept, {contracts_broken} broken." in result.stdout
    importer_module = importer.removesuffix(".py").replace("/", ".")
    assert f"{importer_module} -> {imported} (l.2)" in result.stdout
