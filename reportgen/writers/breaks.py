"""Where a table may not break across pages: which rows are kept with the row after them.

A 其中 row means nothing away from the row it belongs to, and a page that holds a single row (under
the repeated header) reads as a stray; both were seen in the rendered examples. The rules only name
rows; oxml.append_table turns them into keep-with-next on the row's paragraphs.
"""

from __future__ import annotations

from ..document import Table


def keep_with_next(table: Table) -> set[int]:
    """Indexes of ``table.rows`` that must stay on the page of the row after them.

    A row is kept with a following 其中 row (so a parent and all its sub-rows move together), and
    the last row is never alone: the row before it is kept with it.
    """
    subrows = set(table.indent)
    keep = {i for i in range(len(table.rows) - 1) if i + 1 in subrows}
    if len(table.rows) >= 2:
        keep.add(len(table.rows) - 2)
    return keep
