"""Write a squashed migration that a new database applies quickly (docs/adr/0025).

    .venv/bin/python scripts/squash_migrations.py <app> <from> <to> [--keep-order]
        [--elide=<function>,...] [--passable=<function>,...]

Django's ``squashmigrations`` finds nothing to fold in our chains: every RunPython,
RunSQL and pgtrigger operation is a barrier to its optimizer, and our AddFields sit behind
them. So this script, like that command, concatenates the operations of <app>'s
migrations <from>..<to> and writes them with Django's MigrationWriter and ``replaces``,
but first reorders them:

- schema operations first, fields before indexes and constraints, through Django's
  optimizer (each AddField folds into its CreateModel); then the indexes and constraints
  of a model created here go into its CreateModel's options, made with the table. A
  CreateModel stays before any step that creates permissions if it was before it: such a
  step creates permission rows for each model then known, in that order;
- then the data, SQL and trigger operations in their original order. A trigger added
  and later removed with only passable steps (below) between is left out; one with only
  passable steps since its table's CreateModel goes into that CreateModel's options
  (pgtrigger's schema editor installs it with the table);
- AddIndexConcurrently becomes AddIndex: a new database's tables are empty, and the
  squash stays in one transaction.

``--elide`` drops the named RunPython steps: backfills of rows that a database this squash
applies to cannot have (its tables are new and empty), as Django's ``elidable`` would.
``--passable`` names RunPython steps (and ``sql`` for every RunSQL in the range) that
write no rows of a table with triggers, so a trigger may move across them.

``--keep-order`` only concatenates and optimizes (frontdoor: there, whether a model
exists when a step creates permissions decides the permission rows' ids).

RunPython steps call the replaced modules' functions, so both paths run the same code.
Prove a squash with the comparison in the ADR before committing it.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings.test")

import django

django.setup()

from django.contrib.postgres.operations import (  # noqa: E402
    AddIndexConcurrently,
    CreateExtension,
)
from django.db import migrations  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402
from django.db.migrations.migration import SwappableTuple  # noqa: E402
from django.db.migrations.optimizer import MigrationOptimizer  # noqa: E402
from django.db.migrations.writer import MigrationWriter  # noqa: E402
from pgtrigger.migrations import AddTrigger, RemoveTrigger  # noqa: E402

SCHEMA = (
    migrations.CreateModel,
    migrations.AddField,
    migrations.AlterField,
    migrations.RemoveField,
    migrations.AlterModelOptions,
    migrations.AddIndex,
    migrations.RemoveIndex,
    migrations.AddConstraint,
    migrations.RemoveConstraint,
    CreateExtension,
)
INDEXISH = (
    migrations.AddIndex,
    migrations.RemoveIndex,
    migrations.AddConstraint,
    migrations.RemoveConstraint,
)
STEPS = (migrations.RunPython, migrations.RunSQL)


def _plain(op):
    if isinstance(op, AddIndexConcurrently):
        return migrations.AddIndex(model_name=op.model_name, index=op.index)
    return op


def _grants_permissions(op) -> bool:
    return isinstance(op, migrations.RunPython) and "create_permissions(" in inspect.getsource(
        inspect.getmodule(op.code)
    )


def _schema_folded(schema: list, app: str) -> list:
    fields = [op for op in schema if not isinstance(op, INDEXISH)]
    indexish = [op for op in schema if isinstance(op, INDEXISH)]
    ops = MigrationOptimizer().optimize(fields + indexish, app)
    created = {op.name_lower: op for op in ops if isinstance(op, migrations.CreateModel)}
    # A model that still gains a field later (a relation to a model created after it)
    # keeps its indexes and constraints as operations after that field.
    for op in ops:
        if isinstance(op, migrations.AddField):
            created.pop(op.model_name_lower, None)
    folded = []
    for op in ops:
        model = getattr(op, "model_name_lower", None)
        if not isinstance(op, INDEXISH) or model not in created:
            folded.append(op)
            continue
        options = created[model].options
        if isinstance(op, migrations.AddIndex):
            options["indexes"] = [*options.get("indexes", []), op.index]
        elif isinstance(op, migrations.RemoveIndex):
            options["indexes"] = [i for i in options["indexes"] if i.name != op.name]
        elif isinstance(op, migrations.AddConstraint):
            options["constraints"] = [*options.get("constraints", []), op.constraint]
        else:
            options["constraints"] = [c for c in options["constraints"] if c.name != op.name]
    return folded


def _passes(op, passable: set[str]) -> bool:
    """A step that writes no rows of a table with triggers, named by the caller after
    reading it, or any schema or trigger operation."""
    if isinstance(op, migrations.RunSQL):
        return "sql" in passable
    if isinstance(op, migrations.RunPython):
        return op.code.__name__ in passable
    return True


def _triggers_cancelled(ops: list, passable: set[str]) -> list:
    """Leave out a trigger added and later removed with only passable steps between."""
    ops = list(ops)
    changed = True
    while changed:
        changed = False
        for i, op in enumerate(ops):
            if not isinstance(op, AddTrigger):
                continue
            for j in range(i + 1, len(ops)):
                other = ops[j]
                if not _passes(other, passable):
                    break
                if (
                    isinstance(other, RemoveTrigger)
                    and other.model_name.lower() == op.model_name.lower()
                    and other.name == op.trigger.name
                ):
                    del ops[j], ops[i]
                    changed = True
                    break
            if changed:
                break
    return ops


def _triggers_with_tables(ops: list, passable: set[str]) -> list:
    """A trigger with only passable steps since its table's CreateModel goes into that
    CreateModel's options: pgtrigger's schema editor installs a model's triggers with its
    table, by the same function AddTrigger uses, and the state holds them where AddTrigger
    puts them. Not for a model that gains a field later (its triggers name the columns)."""
    created = {}
    for position, op in enumerate(ops):
        if isinstance(op, migrations.CreateModel):
            created[op.name_lower] = position
    for op in ops:
        if isinstance(op, (migrations.AddField, migrations.AlterField)):
            created.pop(op.model_name_lower, None)
    kept = []
    for position, op in enumerate(ops):
        model = op.model_name.lower() if isinstance(op, AddTrigger) else None
        if model in created and all(_passes(o, passable) for o in ops[created[model] : position]):
            options = ops[created[model]].options
            options["triggers"] = [*options.get("triggers", []), op.trigger]
        else:
            kept.append(op)
    return kept


def _reordered(operations: list, app: str, passable: set[str]) -> list:
    """Schema first and folded; CreateModels stay in their segment, which ends at a step
    creating permissions, so the same models exist at that step (fields, indexes,
    constraints and triggers do not change which permissions it creates)."""
    if any(isinstance(op, migrations.AlterModelOptions) for op in operations):
        sys.exit("AlterModelOptions can change permissions: use --keep-order")
    schema = _schema_folded([op for op in operations if isinstance(op, SCHEMA)], app)
    models = {op.name_lower: op for op in schema if isinstance(op, migrations.CreateModel)}
    loose = [op for op in schema if not isinstance(op, (migrations.CreateModel, CreateExtension))]
    segments, current = [], []
    for op in operations:
        current.append(op)
        if _grants_permissions(op):
            segments.append(current)
            current = []
    segments.append(current)
    reordered = [op for op in schema if isinstance(op, CreateExtension)]
    for number, segment in enumerate(segments, start=1):
        reordered += [
            models[op.name_lower] for op in segment if isinstance(op, migrations.CreateModel)
        ]
        if number == len(segments):
            reordered += loose
        reordered += [op for op in segment if not isinstance(op, SCHEMA)]
    return _triggers_with_tables(_triggers_cancelled(reordered, passable), passable)


def _functions_imported(source: str) -> str:
    """Point RunPython at the replaced modules' functions (MigrationWriter can only name
    them by a dotted path, and these module names start with digits)."""
    head, body = source.split("\nclass Migration", 1)
    pattern = re.compile(r"\b(\w+)\.migrations\.(\d{4}_\w+)\.(\w+)")
    modules = sorted({(m.group(1), m.group(2)) for m in pattern.finditer(body)})
    body = pattern.sub(lambda m: f"_{m.group(2)[:4]}.{m.group(3)}", body)
    head = re.sub(
        r"\n# Functions from the following migrations need manual copying\.\n(#.*\n)+", "\n", head
    )
    if modules:
        head = head.replace(
            "from django.db import",
            "from importlib import import_module\n\nfrom django.db import",
            1,
        )
        head = (
            head.rstrip("\n")
            + "\n\n"
            + "".join(
                f'_{name[:4]} = import_module("{label}.migrations.{name}")\n'
                for label, name in modules
            )
        )
    return head.rstrip("\n") + "\n\n\nclass Migration" + body


def main(
    app: str,
    start: str,
    end: str,
    *,
    keep_order: bool = False,
    elide: set[str] = frozenset(),
    passable: set[str] = frozenset(),
) -> Path:
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    names = sorted(
        name
        for label, name in loader.disk_migrations
        if label == app and "_squashed_" not in name and start <= name[:4] <= end
    )
    replaced = [loader.disk_migrations[app, name] for name in names]
    operations, dependencies = [], set()
    for position, migration in enumerate(replaced):
        operations += [
            _plain(op)
            for op in migration.operations
            if not (isinstance(op, migrations.RunPython) and op.code.__name__ in elide)
        ]
        for dependency in migration.dependencies:
            if isinstance(dependency, SwappableTuple):
                dependencies.add(("__setting__", "AUTH_USER_MODEL"))
            elif dependency[0] != app or position == 0:
                dependencies.add(dependency)
    new_operations = (
        MigrationOptimizer().optimize(operations, app)
        if keep_order
        else _reordered(operations, app, passable)
    )
    print(f"{app} {start}..{end}: {len(operations)} operations -> {len(new_operations)}")
    attrs = {
        "dependencies": sorted(dependencies),
        "operations": new_operations,
        "replaces": [(m.app_label, m.name) for m in replaced],
    }
    squash = type("Migration", (migrations.Migration,), attrs)(f"{start}_squashed_{end}", app)
    squash.initial = start == "0001"
    writer = MigrationWriter(squash, include_header=False)
    flags = ["--keep-order"] if keep_order else []
    flags += [f"--elide={','.join(sorted(elide))}"] if elide else []
    flags += [f"--passable={','.join(sorted(passable))}"] if passable else []
    command = " ".join(["scripts/squash_migrations.py", app, start, end, *flags])
    source = (
        f'"""{app} {names[0]} .. {names[-1]} for a new database, written by\n{command}\n'
        '(docs/adr/0026-squashed-migrations.md): regenerate, do not edit."""\n\n'
        + writer.as_string()
    )
    path = Path(writer.path)
    path.write_text(_functions_imported(source))
    return path


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(arguments) != 3:
        sys.exit(__doc__)
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if "=" in a)
    print(
        main(
            *arguments,
            keep_order="--keep-order" in sys.argv,
            elide=set(filter(None, options.get("elide", "").split(","))),
            passable=set(filter(None, options.get("passable", "").split(","))),
        )
    )
