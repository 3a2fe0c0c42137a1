"""The words a workbook uses to mark rows and split lists, which its writer and its reader must agree on.

``unit_book`` writes them and ``loaders.xlsx_loader`` reads them back; each is defined here once so a
change on one side cannot leave the other reading a workbook it wrote as something else. The reader also
accepts the variants clerks type by hand (例, 小计, 其中: with a half-width colon…).
"""

from __future__ import annotations

from .lazy_pattern import LazyPattern

#: 序号 of a row the blank form shows as a sample: such rows are not read.
EXAMPLE = "示例"
EXAMPLE_SEQS = frozenset({EXAMPLE, "例", "例如", "样例"})

#: The label of a row the program totals; rows starting with any of these words are never data.
TOTAL = "合计"
TOTAL_ROW = LazyPattern(r"^(合计|总计|小计|共计)\s*([:：（(].*)?$")

#: Prefix of a metric's sub-row (分项), under the metric it belongs to.
PART = "其中："
PART_PREFIX = LazyPattern(r"^[\s\u3000]*其中[:：]\s*")

#: What separates the items of a list written in one cell; a line break, when there is one, wins.
LIST_SEPARATORS = "、，,；;"
LIST_SPLIT = LazyPattern(f"[{LIST_SEPARATORS}]")
#: Codes (keys) never hold spaces, so a space separates them too.
KEY_LIST_SPLIT = LazyPattern(rf"[{LIST_SEPARATORS}\s]+")
#: The separator the writer puts between items.
LIST_JOINER = "、"
