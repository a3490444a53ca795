"""Text to and from spreadsheets, one definition each: what a spreadsheet would run as
a formula (OWASP "CSV injection"), a value made safe to write, a CSV download's bytes,
and an uploaded CSV file's bytes as text. Used by the downloads (which neutralise a
formula) and the imports (which refuse one)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence

# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet could run ``value`` as a formula: it starts with one of
    ``FORMULA_PREFIXES``, spaces and line breaks before it aside (" =1+1" too)."""
    return value.startswith(FORMULA_PREFIXES) or value.strip().startswith(FORMULA_PREFIXES)


def spreadsheet_safe(value):
    """``value`` as a spreadsheet will keep it as text: one that could run as a formula
    gets a leading apostrophe (Excel, LibreOffice and Sheets then show it as typed).
    Anything but text is returned as it is, so numbers stay numbers."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A CSV download: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), every
    value made safe by ``spreadsheet_safe``, None as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(h) for h in header])
    for values in rows:
        writer.writerow(["" if v is None else spreadsheet_safe(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


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
