"""A tiny PDF writer for tests: lines of text (Chinese included) set in a monospaced grid, with
the predefined CJK font STSong-Light (no embedded font file), so PDF reading can be tested
without system tools."""

from __future__ import annotations

FONT_SIZE = 5
LEADING = 9
LINES_PER_PAGE = 80
MARGIN = 20


def _page_stream(lines: list[str], height: int) -> bytes:
    parts = [f"BT /F1 {FONT_SIZE} Tf".encode()]
    for n, line in enumerate(lines):
        y = height - MARGIN - n * LEADING
        hex_text = line.encode("utf-16-be").hex().upper()
        parts.append(f"1 0 0 1 {MARGIN} {y} Tm <{hex_text}> Tj".encode())
    parts.append(b"ET")
    return b"\n".join(parts)


def make_pdf(text: str) -> bytes:
    """A PDF whose pages show `text`, one line per text line, every character one em wide."""
    lines = text.split("\n")
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    width = MARGIN * 2 + FONT_SIZE * max((len(line) for line in lines), default=10)
    height = MARGIN * 2 + LEADING * LINES_PER_PAGE
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H "
        b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >> >>] >>"
    )
    pages_id = len(objects) + 1 + 2 * len(pages) + 1  # after the page and content objects
    page_ids = []
    for page in pages:
        stream = _page_stream(page, height)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>"
                % (pages_id, width, height, content, font)
            )
        )
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))) == pages_id
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)
