"""What the checker found, located the way a clerk finds it: 第N页 (when rendered) or 第N段, with a quote.

Each issue becomes the project's own :class:`reportgen.errors.Finding`, so the command prints it
like every other located message (``文件 第3段 字体：……``); the category goes where a data file's
field path would, and ``fixable`` says whether ``--fix`` repairs it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ..errors import Finding, Location

#: How much of a paragraph a message quotes.
QUOTE_CHARS = 24


@dataclass
class Issue:
    category: str                 # 页面 / 字体 / 段落 / 页码 / 结构 / 占位符 / 标点 / 数字 / 重复 / 日期 / 标题 …
    message: str
    paragraph: int | None = None  # 第N段 (paragraphs with text, from 1); None for the whole document
    quote: str = ""
    fixable: bool = True
    page: int | None = None
    table: int | None = None      # 第N个表格
    #: "warning" for what GB/T 9704 allows but reviewers often query (提示, not counted in the exit code).
    severity: str = "error"

    @property
    def where(self) -> str:
        parts = []
        if self.page:
            parts.append(f"第{self.page}页")
        if self.table:
            parts.append(f"第{self.table}个表格")
        elif self.paragraph:
            parts.append(f"第{self.paragraph}段")
        return "".join(parts)

    def finding(self, file: str) -> Finding:
        quote = f"：“{quote_of(self.quote)}”" if self.quote else ""
        return Finding(Location(file, cell=self.where or None), self.category, self.message + quote, self.severity)


def quote_of(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "……"


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "error"]


def as_json(results: dict[str, list[Issue]]) -> str:
    files = [
        {"file": file, "clean": not errors(issues), "findings": [dict(asdict(i), where=i.where) for i in issues]}
        for file, issues in results.items()
    ]
    found = sum(len(errors(i)) for i in results.values())
    hints = sum(len(i) for i in results.values()) - found
    return json.dumps({"files": files, "errors": found, "hints": hints}, ensure_ascii=False, indent=2) + "\n"
