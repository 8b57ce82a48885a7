"""The drawn tables of filed versions, kept per app: a filing never changes, so its three
tables (the most costly part of a report page) are drawn once per language, not per request."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any

from flask import current_app

SIZE = 256  # filings × languages; a drawn report is ~45 kB


class Drawn:
    """A small LRU of what was drawn for a filing, keyed by (filing id, language)."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.items: OrderedDict[tuple[int, str], Any] = OrderedDict()
        self.lock = Lock()

    def get_or_draw(self, key: tuple[int, str], draw: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        drawn = draw()  # outside the lock: two requests may draw the same filing once each
        with self.lock:
            self.items[key] = drawn
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return drawn


def drawn_filings() -> Drawn:
    return current_app.extensions.setdefault("gongkai.web.drawn_filings", Drawn())
