"""Decide how a CSV file people really send is encoded, and turn it into UTF-8.

Excel and WPS on Chinese Windows save CSV as GB18030 (GBK); "CSV UTF-8" has a BOM;
"Unicode text" is UTF-16 with a BOM. Guessing from a sample (as chardet does) can be
wrong on short files, so the rules are fixed: BOM first, then strict UTF-8, then GB18030.
"""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_csv(data: bytes, declared: str | None = None) -> tuple[str, str] | None:
    """(text, encoding name) for the bytes, or None when no supported encoding fits."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                return None
    # Strict UTF-8 first even when something else is declared: GB18030 decodes almost any
    # bytes (into nonsense), while UTF-8 text that is really GB18030 fails at once.
    candidates = ["utf-8", "gb18030"]
    if declared and declared.lower().replace("_", "-") not in ("utf-8", "utf8", "gb18030"):
        candidates.insert(1, declared)
    for name in candidates:
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return None
