"""Tables of policy intelligence as CSV and XLSX (openpyxl) for readers to take away."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

#: Spreadsheet apps run a cell starting with one of these as a formula; such text gets a leading quote.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    """A cell value that no spreadsheet runs as a formula.

    >>> _safe("=HYPERLINK(1)"), _safe(3.0)
    ("'=HYPERLINK(1)", 3.0)
    """
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA) else value


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """CSV in UTF-8 with a byte-order mark (Excel opens it as Chinese text).

    >>> to_csv(["目标"], [["=1"]]).decode("utf-8-sig").splitlines()
    ['目标', "'=1"]
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_safe(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """One sheet with a bold header row.

    >>> to_xlsx("目标", ["a"], [[1]])[:2]
    b'PK'
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None, "a new workbook has a sheet"
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
