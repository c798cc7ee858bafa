"""Nothing is cut off: a long table is spread over several slides, the text after a chart goes to the next.

The budget is in estimated lines of text on a 1280x720 slide; tests/test_slides_overflow.py checks in a
browser that every slide of every deck fits.
"""

from __future__ import annotations

import copy

from ..render import Markup, render
from .base import texts

TABLE_LINES = 9  # lines of table rows per slide
TABLE_SPLIT = 12  # a table longer than this is split
CHARS_PER_LINE = 75


def _row_lines(row) -> int:
    cells = row.find_all(["td", "th"], recursive=False)
    widest = max((len(c.get_text(" ", strip=True)) for c in cells), default=0)
    breaks = max((len(c.find_all("br")) for c in cells), default=0)
    return max(1, -(-widest // CHARS_PER_LINE), breaks + 1)


def _is_group_header(row) -> bool:
    """A row that heads a group of rows (a week in the diary): a single header cell across the table."""
    cells = row.find_all(["td", "th"], recursive=False)
    return len(cells) == 1 and cells[0].name == "th" and cells[0].has_attr("colspan")


def _chunks(groups: list) -> list:
    """[[rows]] of the table's row groups (tbody), in chunks of at most TABLE_LINES lines, evened out
    (12 rows make two slides of 6, not 9 and 3). A group's header row never ends a chunk; a chunk that
    starts inside a group begins with a copy of the group's header row."""
    total = sum(_row_lines(r) for rows in groups for r in rows)
    budget = -(-total // -(-total // TABLE_LINES))
    chunks, current, used = [], [], 0
    for rows in groups:
        header = rows[0] if rows and _is_group_header(rows[0]) else None
        for k, row in enumerate(rows):
            lines = _row_lines(row)
            if row is header and k + 1 < len(rows):
                lines += _row_lines(rows[k + 1])  # the header and the group's first row go together
            if current and used + lines > budget:
                chunks.append(current)
                current, used = [], 0
                if header is not None and row is not header:
                    current.append(copy.copy(header))
                    used += 1
            current.append(row)
            used += _row_lines(row)
    if current:
        chunks.append(current)
    return chunks


def _attributes(table) -> list:
    return [(k, " ".join(v) if isinstance(v, list) else str(v)) for k, v in table.attrs.items()]


def split_tables(html: str, lang: str, heading: str = "") -> tuple:
    """(html with long tables cut after their first part, [slide html of each further part])."""
    if "<table" not in html:
        return html, []
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    t = texts(lang)
    extra = []
    for table in soup.find_all("table"):
        if table.find_parent("table") or table.find("table"):
            continue
        bodies = table.find_all("tbody", recursive=False) or [table]
        groups = [[r for r in body.find_all("tr", recursive=False)] for body in bodies]
        groups = [[r for r in g if r.parent.name != "thead"] for g in groups]
        if sum(_row_lines(r) for g in groups for r in g) <= TABLE_SPLIT:
            continue
        chunks = _chunks(groups)
        if len(chunks) < 2:
            continue
        caption = table.find("caption")
        caption_text = caption.get_text(" ", strip=True) if caption else ""
        head = "".join(str(x) for x in table.find_all(["colgroup", "thead"], recursive=False))
        for n, chunk in enumerate(chunks[1:], 2):
            # a row group's header row (a week in the diary) goes with its first rows; later rows of the same
            # group keep the group's header only through the repeated caption
            extra.append(
                render(
                    "trainer/continued_table.html.j2",
                    t=t,
                    part=f"{n}/{len(chunks)}",
                    heading=heading,
                    attributes=_attributes(table),
                    label=t["continued"].format(title=caption_text or heading),
                    head=Markup(head),
                    rows=Markup("".join(str(r) for r in chunk)),
                )
            )
        keep = set(map(id, chunks[0]))
        for group in groups:
            for row in group:
                if id(row) not in keep:
                    row.decompose()
        for body in table.find_all("tbody", recursive=False):
            if not body.find("tr"):
                body.decompose()
    return (str(soup) if extra else html), extra


def split_after_chart(html: str) -> tuple:
    """(html up to and including its chart, what follows the chart): a chart keeps its slide; the text
    after it goes on the next one."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    figure = soup.find("figure", class_="course-chart")
    if figure is None:
        return html, ""
    moved, node = [], figure
    while node is not None and node is not soup:
        moved += list(node.next_siblings)
        node = node.parent
    if not "".join(m.get_text(strip=True) if hasattr(m, "get_text") else str(m).strip() for m in moved):
        return html, ""
    rest = "".join(str(m) for m in moved)
    for m in moved:
        m.extract()
    return str(soup), rest
