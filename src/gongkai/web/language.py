"""Which language a page speaks: `?lang=en` switches and is remembered in a cookie; Chinese
is the default (the people who file read Chinese)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, g, request

from gongkai.web.catalogue import STRINGS

LANGUAGES = ("zh", "en")
COOKIE = "gongkai_lang"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
ONE_YEAR = 365 * 24 * 3600


def current_lang() -> str:
    if "lang" not in g:
        asked = request.args.get("lang")
        kept = request.cookies.get(COOKIE)
        g.lang = next((lang for lang in (asked, kept) if lang in LANGUAGES), "zh")
    return str(g.lang)


def text(key: str, **values: object) -> str:
    """The page string `key` in the current language (placeholders filled from `values`)."""
    zh, en = STRINGS[key]
    chosen = en if current_lang() == "en" else zh
    return chosen.format(**values) if values else chosen


def remember_choice(response: Response) -> Response:
    """Keep an explicit `?lang=` choice for the next pages."""
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE, asked, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure
        )
    return response


def switch_url(lang: str) -> str:
    """This page in `lang` (the query kept)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return f"{request.path}?{urlencode(args, doseq=True)}"
