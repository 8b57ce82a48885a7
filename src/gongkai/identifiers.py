"""Identifiers of STANDARD.md §5: 统一社会信用代码 (GB 32100-2015), region codes (GB/T 2260)."""

from __future__ import annotations

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, ...


def uscc_check_char(first17: str) -> str | None:
    """The check character for the first 17 characters, or None if one is outside the alphabet."""
    total = 0
    for char, weight in zip(first17, USCC_WEIGHTS, strict=True):
        value = USCC_ALPHABET.find(char)
        if value < 0:
            return None
        total += value * weight
    check = (31 - total % 31) % 31
    return USCC_ALPHABET[check]


def uscc_correction(code: str) -> str | None:
    """The code with the right check character when `code` is a USCC whose check character is
    wrong; None when it is right, or when `code` is no USCC (a provisional RRRRRR-slug id may be
    18 long too, but a USCC never has a hyphen)."""
    if len(code) != 18 or "-" in code:
        return None
    check = uscc_check_char(code[:17])
    if check == code[17]:
        return None
    return code[:17] + (check or "?")


def region_level_prefix(region_code: str) -> str:
    """The prefix every code inside this region starts with: 320000 → '32', 320800 → '3208'."""
    if region_code.endswith("0000"):
        return region_code[:2]
    if region_code.endswith("00"):
        return region_code[:4]
    return region_code


def region_contains(outer: str, inner: str) -> bool:
    """Whether region `inner` lies inside region `outer` (or is it). 100000 (national) holds all."""
    if outer == "100000":
        return True
    return inner.startswith(region_level_prefix(outer))
