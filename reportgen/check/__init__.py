"""`reportgen check`: GB/T 9704 format and consistency check of any .docx, and `--fix` to re-typeset it.

Most summaries are still typed by hand from a copied 范文. The checker reads the file (reader),
decides what each paragraph is (roles), and collects located issues from four small rule sets:
layout (page, fonts, spacing), structure (heading numbers), text (placeholders, punctuation,
figures, repeats, the date) — the expected values come from the project's style profile and
output linter. ``fix`` writes a re-typeset copy through the project's own Word writer.
"""

from __future__ import annotations

from pathlib import Path

from ..loaders import style_loader
from . import layout, reader, roles, structure, text
from .findings import Issue

#: Many paragraphs wrong in one way are one finding with their places listed, not a wall of lines.
LISTED = 6


def check_docx(document: reader.Docx, style: Path | None = None) -> list[Issue]:
    profile = style_loader.load(style)
    blocks = roles.classify(document)
    issues = layout.check_page(document, profile)
    if not any(b.role == "title" for b in blocks):
        first = next((b.item for b in blocks if isinstance(b.item, reader.Para)), None)
        issues.append(Issue("标题", "没有标题：第一行应是居中的标题（如“××单位2024年上半年创建文明城市工作总结”）",
                            first.number if first else None, first.full_text if first else "", fixable=False))
    issues += layout.check_paragraphs(blocks, profile)
    issues += structure.check(blocks)
    issues += text.check(blocks)
    return merge(issues)


def check(path: Path, style: Path | None = None) -> list[Issue]:
    """Every issue of the file at ``path``; raises InputError when it cannot be read."""
    return check_docx(reader.read(path), style)


def merge(issues: list[Issue]) -> list[Issue]:
    """One issue per (category, message): the first place, the others counted after it."""
    merged: dict[tuple[str, str, int | None], Issue] = {}
    others: dict[tuple, list[int]] = {}
    for issue in issues:
        key = (issue.category, issue.message, issue.table)
        if key in merged and issue.paragraph is not None and issue.category not in ("占位符", "标点", "数字", "重复"):
            others[key].append(issue.paragraph)
            continue
        key = key if key not in merged else (*key, id(issue))
        merged[key], others[key] = issue, []
    result = []
    for key, issue in merged.items():
        places = sorted(set(others[key]) - {issue.paragraph})
        if places:
            shown = "、".join(f"第{n}段" for n in places[:LISTED]) + (f"等共 {len(places) + 1} 段" if len(places) > LISTED else "")
            issue.message += f"（{shown}同样）"
        result.append(issue)
    return sorted(result, key=lambda i: (i.paragraph or 0, i.table or 0))
