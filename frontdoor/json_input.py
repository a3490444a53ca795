"""JSON from outside, parsed with a limit on nesting.

Python's parser recurses once per level: a body nested 100,000 deep raised
``RecursionError``, which nothing caught (a 500). No request Front Door takes is nested
more than a few levels, so anything deeper than ``MAX_DEPTH`` is refused as bad input.
"""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20


class JsonRefused(ValueError):
    """Not JSON, or nested deeper than anyone sends."""


def _depth(value: object) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def loads(text: str | bytes) -> object:
    """``json.loads`` that raises ``JsonRefused`` (a ValueError) for bad or too deep JSON."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonRefused(f"JSON may be nested at most {MAX_DEPTH} levels deep.") from None
    except ValueError as error:
        raise JsonRefused(f"That is not valid JSON: {error}") from None
    if _depth(value) > MAX_DEPTH:
        raise JsonRefused(f"JSON may be nested at most {MAX_DEPTH} levels deep.")
    return value


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser with the nesting limit above; every API view uses it."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return loads(stream.read().decode(encoding))
        except (JsonRefused, UnicodeDecodeError) as error:
            raise ParseError(str(error)) from None
