"""Files to download: CSV and XLSX writers, and the response that sends one.

Used by the scorecard and the statutory returns alike. Text that a spreadsheet would
read as a formula (it starts with = + - @ or a tab or carriage return) is written with
a leading apostrophe, so an agency or child named "=HYPERLINK(…)" stays text in Excel,
LibreOffice and Google Sheets (OWASP, "CSV injection"). Numbers are written as numbers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import xlsxwriter
from django.http import HttpResponse

# One definition of each, shared with the pages outside outcomes that offer a CSV.
from frontdoor.spreadsheets import csv_bytes, spreadsheet_safe  # noqa: F401

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    buffer = io.BytesIO()
    # strings_to_formulas=False: text is never evaluated, whatever the escaping.
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = workbook.add_format({"bold": True})
    for name, header, rows in sheets:
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, header, bold)
        widths = [len(h) for h in header]
        for number, values in enumerate(rows, start=1):
            for column, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(number, column, spreadsheet_safe(value))
                    widths[column] = max(widths[column], min(len(value), 60))
                else:
                    sheet.write_number(number, column, value)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width + 2)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
