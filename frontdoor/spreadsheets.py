"""Text to and from spreadsheets, one definition each: what a spreadsheet would run as
a formula (OWASP "CSV injection"), and an uploaded CSV file's bytes as text. Used by
the downloads (which neutralise a formula) and the imports (which refuse one)."""

from __future__ import annotations

import codecs

# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet could run ``value`` as a formula: it starts with one of
    ``FORMULA_PREFIXES``, spaces and line breaks before it aside (" =1+1" too)."""
    return value.startswith(FORMULA_PREFIXES) or value.strip().startswith(FORMULA_PREFIXES)


def csv_text(data: bytes) -> str | None:
    """An uploaded CSV file as text: UTF-8 (with or without its byte-order mark), else
    Windows-1252, as Excel on Windows and the DfE's GIAS extract save it. None if it is
    neither (or is UTF-16, which Windows-1252 would misread as text with null bytes)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None
