"""The labelled row: what every source kind is turned into before its figures are mapped.

A source (layout text, flat text, an HTML or Word table, a worksheet) yields, per printed
table, a `Section`: its rows, each with the label text printed on that row, the text lines
printed just before and after it (wrapped labels in PDF text spill onto those), and its
value cells in printed order. The table readers (proactive, applications, reviews) map
rows to items and fields by their labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.importers.labels import best_score, clean

CONTEXT_WEIGHT = 0.9


@dataclass
class Row:
    label: str  # the label text on the row itself ("" when the row has only numbers)
    values: list[str]  # value cells in printed order ("" = blank cell)
    chunks: list[str] = field(default_factory=list)  # label parts (cells, or runs of text)
    before: list[str] = field(default_factory=list)  # text lines just above (nearest last)
    after: list[str] = field(default_factory=list)  # text lines just below (nearest first)
    where: str = ""  # "第 12 行", for notes
    where_en: str = ""  # "line 12", the same in English
    blanks_visible: bool = True  # False for text, where an empty cell leaves no trace
    cells: list[tuple[str, str]] = field(default_factory=list)  # where each value is (zh, en)

    def texts(self) -> list[str]:
        """Label variants to score: the row's own text, its parts, and with its neighbours."""
        own = self.label
        before = " ".join(self.before[-2:])
        nearest_before = self.before[-1] if self.before else ""
        after = " ".join(self.after[:2])
        nearest_after = self.after[0] if self.after else ""
        variants = [own, *self.chunks]
        if own:
            last = self.chunks[-1] if self.chunks else own
            variants += [f"{nearest_before}{last}", f"{last}{nearest_after}"]
            variants += [f"{nearest_before}{last}{nearest_after}"]
        else:
            variants += [nearest_before, before, nearest_after]
            variants += [f"{nearest_before}{nearest_after}", f"{before}{after}"]
        return [v for v in variants if v]

    def score(self, target_key: str) -> float:
        """Similarity to a label; a match through neighbouring lines counts a little less than
        one printed on the row itself."""
        if self.label:
            return best_score(target_key, self.texts())
        return CONTEXT_WEIGHT * best_score(target_key, self.texts())

    def shown(self) -> str:
        return clean(self.label) or clean(" ".join(self.before[-1:] + self.after[:1]))


@dataclass
class Section:
    """One printed table as rows, plus its whole text (for header cues such as units)."""

    table: str  # proactive, applications or reviews
    rows: list[Row]
    text: str = ""
    headers: list[str] | None = None  # header label per value column (grids)
