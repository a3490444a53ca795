"""The partner API's documentation as a GOV.UK page, made from the OpenAPI schema.

drf-spectacular's Swagger UI failed axe on six rules and needed inline styles through
the CSP; this page is plain HTML from the same schema (docs/adr/0018-api-docs-page.md).
The schema itself is still served for programs at api-schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class TypeText:
    """A schema's type in words, and the data structure it names (for a link), if any."""

    text: str
    ref: str = ""


@dataclass(frozen=True)
class Field:
    name: str
    type: TypeText
    required: bool
    description: SafeString
    notes: str = ""


@dataclass(frozen=True)
class Response:
    status: str
    description: SafeString
    body: TypeText | None


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: SafeString
    parameters: list[Field]
    body: TypeText | None
    body_required: bool
    responses: list[Response]

    @property
    def path_breakable(self) -> SafeString:
        """The path with a line-break opportunity after each slash: a long one (the
        documents upload) is wider than a 320 px screen in one piece."""
        return mark_safe(escape(self.path).replace("/", "/<wbr>"))  # noqa: S308 - escaped


@dataclass(frozen=True)
class Structure:
    name: str
    description: SafeString
    fields: list[Field] = field(default_factory=list)
    values: list[str] = field(default_factory=list)


def inline_code(text: str) -> SafeString:
    """The schema's descriptions mark code with backticks; everything else is text."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text or "")))  # noqa: S308


def type_text(schema: dict) -> TypeText:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return TypeText(name, name)
    for combiner in ("allOf", "oneOf", "anyOf"):
        if combiner in schema:
            parts = [type_text(part) for part in schema[combiner]]
            if len(parts) == 1:
                return parts[0]
            return TypeText(" or ".join(part.text for part in parts))
    kind = schema.get("type", "any")
    if kind == "array":
        inner = type_text(schema.get("items", {}))
        return TypeText(f"list of {inner.text}", inner.ref)
    text = kind
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += ": one of " + ", ".join(str(value) for value in schema["enum"] if value)
    if schema.get("nullable"):
        text += ", or null"
    return TypeText(text)


def _notes(schema: dict) -> str:
    notes = []
    if schema.get("readOnly"):
        notes.append("read only")
    if "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']} characters")
    if "maxItems" in schema:
        notes.append(f"at most {schema['maxItems']}")
    return "; ".join(notes)


def _body(content: dict) -> TypeText | None:
    media = content.get("application/json") or next(iter(content.values()), None)
    return type_text(media["schema"]) if media and "schema" in media else None


def _operations(schema: dict) -> list[Operation]:
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            spec = item[method]
            parameters = [
                Field(
                    name=f"{parameter['name']} ({parameter['in']})",
                    type=type_text(parameter.get("schema", {})),
                    required=parameter.get("required", False),
                    description=inline_code(parameter.get("description", "")),
                )
                for parameter in spec.get("parameters", [])
            ]
            body = spec.get("requestBody", {})
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=spec.get("operationId", f"{method}-{path}"),
                    summary=spec.get("summary", ""),
                    description=inline_code(spec.get("description", "")),
                    parameters=parameters,
                    body=_body(body.get("content", {})) if body else None,
                    body_required=body.get("required", False),
                    responses=[
                        Response(
                            status=status,
                            description=inline_code(answer.get("description", "")),
                            body=_body(answer.get("content", {})),
                        )
                        for status, answer in sorted(spec.get("responses", {}).items())
                    ],
                )
            )
    return operations


def _structures(schema: dict) -> list[Structure]:
    structures = []
    for name, component in schema.get("components", {}).get("schemas", {}).items():
        required = set(component.get("required", []))
        structures.append(
            Structure(
                name=name,
                description=inline_code(component.get("description", "")),
                fields=[
                    Field(
                        name=prop,
                        type=type_text(spec),
                        required=prop in required,
                        description=inline_code(spec.get("description", "")),
                        notes=_notes(spec),
                    )
                    for prop, spec in component.get("properties", {}).items()
                ],
                values=[str(value) for value in component.get("enum", []) if value],
            )
        )
    return structures


@cache
def _documentation() -> dict:
    # The schema depends on the code only, so it is made once per process.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    info = schema.get("info", {})
    return {
        "title": info.get("title", "API"),
        "version": info.get("version", ""),
        "description": inline_code(info.get("description", "")),
        "operations": _operations(schema),
        "structures": _structures(schema),
    }


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api_docs.html", _documentation())
