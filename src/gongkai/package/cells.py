"""Text cells a spreadsheet would run as a formula, made inert (OWASP, CSV injection).

Excel, WPS and LibreOffice evaluate a cell that starts with = + - @ (and, after a tab or a
carriage return, what follows); `=HYPERLINK(…)` or a DDE command in an agency's name would
run on the computer of whoever opens the download. Such a text cell is written with a
leading apostrophe, which spreadsheets show as text. Numbers are not text: a negative figure
(the 2019 format's 本年增/减) is written as it is.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d[\d,]*(\.\d+)?")


def spreadsheet_text(text: str) -> str:
    """`text` as a CSV or workbook cell that no spreadsheet runs."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
