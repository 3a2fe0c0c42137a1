"""Report → Document: render the template pack and parse its text markup into the document tree.

Templates write connective prose in a tiny markup, so they never see python-docx:

* blank line                 → new paragraph (lines in between are joined: Chinese has no spaces)
* ``## 小标题``               → level-2 heading （一）…
* ``- 条目``                 → list item; a run of items becomes 一是…二是… or 1. 2. per the list style
* ``**引语。**正文``          → paragraph or item with a lead-in phrase

Level-1 sections come from the manifest's order; a section whose template renders nothing is left
out and the numbering closes up. Headings are numbered here, from structure, never in templates.
"""

from __future__ import annotations

import hashlib
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from . import figures, zh
from .document import Attachment, Document, Heading, Paragraph, Run, Signature, Table
from .model import THEMES, Report

STANDARD_PACK = "standard"
MAX_OUTPUT_CHARS = 2_000_000


class TemplateError(Exception):
    """A template failed to load or render; the message names the template file and line."""


def templates_root() -> Path:
    """The standard packs: inside the installed package, or at the top of a source checkout."""
    installed = Path(__file__).parent / "_data" / "templates"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "templates"


# ---------------------------------------------------------------- template pack


@dataclass
class Pack:
    """A template folder plus its manifest; ``override`` folders shadow single files of it."""

    root: Path
    manifest: dict[str, Any]
    env: SandboxedEnvironment

    def theme_template(self, theme: str) -> str:
        slug = self.manifest["theme_templates"].get(theme)
        name = f"themes/{slug}.j2" if slug else None
        if name and self.exists(name):
            return name
        return "themes/generic.j2"

    def exists(self, name: str) -> bool:
        try:
            self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return False
        return True

    def names(self) -> list[str]:
        return sorted(self.env.loader.list_templates())  # type: ignore[union-attr]


class _BoundedSandbox(SandboxedEnvironment):
    """A sandbox for user templates: no attribute tricks (Jinja's sandbox) and bounded ranges."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and right > 64:
            raise jinja2.exceptions.SecurityError("幂运算的指数过大")
        if operator == "*" and isinstance(left, (str, list)) and isinstance(right, int) and right * len(left) > 100_000:
            raise jinja2.exceptions.SecurityError("重复生成的文本过长")
        return super().call_binop(context, operator, left, right)


def load_pack(override: Path | None = None, name: str = STANDARD_PACK) -> Pack:
    root = templates_root() / name
    folders = [str(override)] if override else []
    env = _BoundedSandbox(
        loader=jinja2.FileSystemLoader(folders + [str(root)], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.do"],
    )
    env.filters.update(
        qty=zh.qty, pct=zh.percent, change=zh.change, cn=zh.cn_int, count=zh.cn_count, ordinal=zh.ordinal,
        date=zh.cn_date, span=zh.date_span, series=zh.join, quoted=zh.quoted, book=zh.book,
        honour=zh.honour, sentence=zh.sentence, clause=zh.clause, num=zh.plain_number,
    )
    manifest_path = (override / "manifest.yaml") if override and (override / "manifest.yaml").is_file() else root / "manifest.yaml"
    try:
        manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"模板清单 {manifest_path} 无法读取：{exc}") from None
    return Pack(root, manifest, env)


# ---------------------------------------------------------------- variety


def chooser(seed: str) -> Callable[..., Any]:
    """``pick(key, a, b, c)``: a stable choice from the data, so units differ but reruns do not."""

    def pick(key: str, *options: Any) -> Any:
        if not options:
            return ""
        digest = hashlib.blake2b(f"{seed}|{key}".encode(), digest_size=8).digest()
        return options[int.from_bytes(digest, "big") % len(options)]

    return pick


# ---------------------------------------------------------------- markup → blocks

_LEAD = re.compile(r"^\*\*(.+?)\*\*(.*)$", re.S)


def _runs(text: str) -> tuple[str, str]:
    found = _LEAD.match(text)
    return (found.group(1), found.group(2)) if found else ("", text)


def parse_markup(text: str) -> list[tuple[str, str, str]]:
    """Markup → [(kind, lead, body)], kind ∈ para | sub | item; lines of one element are joined."""
    elements: list[list[str]] = []
    kinds: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if kinds and kinds[-1] != "gap":
                kinds.append("gap")
                elements.append([])
            continue
        if line.startswith("## "):
            kinds.append("sub")
            elements.append([line[3:]])
        elif line.startswith("- "):
            kinds.append("item")
            elements.append([line[2:]])
        elif kinds and kinds[-1] in ("para", "item"):
            elements[-1].append(line)
        else:
            kinds.append("para")
            elements.append([line])
    result = []
    for kind, lines in zip(kinds, elements):
        if kind == "gap":
            continue
        lead, body = _runs("".join(lines))
        lead, body = zh.fullwidth(lead), zh.fullwidth(body)
        if (lead + body).strip():
            result.append((kind, lead, body))
    return result


def _item_paragraph(style: str, index: int, lead: str, body: str) -> Paragraph:
    if style == "数字":
        number = f"{index}."
        if lead:
            return Paragraph((Run(number + lead, bold=True), Run(body)))
        return Paragraph((Run(number + body),))
    return Paragraph((Run(zh.ordinal(index) + lead + body),))


def to_blocks(text: str, list_style: str, heading_level: int = 2) -> list:
    """Markup → document blocks, numbering sub-headings and items from structure."""
    blocks: list = []
    sub_index = 0
    items: list[tuple[str, str]] = []

    def flush() -> None:
        if len(items) == 1:  # a single point reads as a paragraph, not “一是…” with no 二是
            lead, body = items[0]
            blocks.append(Paragraph((Run(lead, bold=True), Run(body)) if lead else (Run(body),)))
        else:
            blocks.extend(_item_paragraph(list_style, i, lead, body) for i, (lead, body) in enumerate(items, 1))
        items.clear()

    for kind, lead, body in parse_markup(text):
        if kind == "item":
            items.append((lead, body))
            continue
        if items:
            flush()
        if kind == "sub":
            sub_index += 1
            blocks.append(Heading(heading_level, f"（{zh.cn_int(sub_index)}）", body.rstrip("。：:")))
        else:
            blocks.append(Paragraph((Run(lead, bold=True), Run(body)) if lead else (Run(body),)))
    if items:
        flush()
    return blocks


# ---------------------------------------------------------------- title


def break_title(segments: list[str], width: int = 20) -> tuple[str, ...]:
    """Break a title only between meaningful segments (unit | period | campaign), ≤ ``width`` a line.

    Picks the split with the shortest longest line, so lines come out balanced (梯形/菱形), and never
    leaves a lone character on a line.
    """
    segments = [s for s in segments if s]
    if len("".join(segments)) <= width:
        return ("".join(segments),)
    best: tuple[int, tuple[str, ...]] | None = None
    for mask in range(1, 2 ** (len(segments) - 1)):
        lines, current = [], segments[0]
        for i, segment in enumerate(segments[1:]):
            if mask >> i & 1:
                lines.append(current)
                current = segment
            else:
                current += segment
        lines.append(current)
        if any(len(line) > width or len(line) < 2 for line in lines):
            continue
        score = (len(lines), max(len(line) for line in lines))
        if best is None or score < best[0]:  # type: ignore[operator]
            best = (score, tuple(lines))  # type: ignore[assignment]
    if best:
        return best[1]
    text = "".join(segments)  # a segment longer than a line: cut evenly, never leave one character
    count = -(-len(text) // width)
    size = -(-len(text) // count)
    return tuple(text[i : i + size] for i in range(0, len(text), size))


# ---------------------------------------------------------------- compose


@dataclass
class Section:
    key: str
    heading: str
    blocks: list
    children: list["Section"] | None = None


def _wants_groups(sections: list[Section], pack: Pack) -> bool:
    """Real summaries have 4–9 top-level parts; with many themes, gather them under one part."""
    layout = pack.manifest.get("layout", "auto")
    themes = sum(1 for s in sections if s.key in THEMES)
    return layout == "grouped" or (layout == "auto" and themes + len(sections) - themes > pack.manifest.get("max_sections", 7))


def _grouped(sections: list[Section], report: Report, pack: Pack, pick: Callable[..., Any]) -> list[Section]:
    themes = [s for s in sections if s.key in THEMES]
    rest = [s for s in sections if s.key not in THEMES]
    if not themes:
        return rest
    return [Section("work", _heading(pack, report, "work", pick), [], themes)] + rest


def _number(sections: list[Section]) -> list:
    """Number level-1 parts 一、二、 and grouped themes （一）（二） from their order alone."""
    blocks: list = []
    for index, section in enumerate(sections, 1):
        blocks.append(Heading(1, f"{zh.cn_int(index)}、", section.heading))
        blocks.extend(section.blocks)
        for sub, child in enumerate(section.children or [], 1):
            blocks.append(Heading(2, f"（{zh.cn_int(sub)}）", child.heading))
            blocks.extend(child.blocks)
    return blocks


def _render(pack: Pack, name: str, context: dict[str, Any]) -> str:
    try:
        text = pack.env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板 {exc.filename or exc.name or name} 第 {exc.lineno} 行语法错误：{exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"找不到模板 {exc.name}：请检查模板文件夹") from None
    except RecursionError:
        raise TemplateError(f"模板 {name} 递归过深：请检查宏的调用") from None
    except Exception as exc:  # noqa: BLE001 — any failure inside a template becomes a located message
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".j2", ".jinja"))]
        where = f"{Path(frames[-1].filename).name} 第 {frames[-1].lineno} 行" if frames else name
        raise TemplateError(f"模板 {where} 出错：{_explain(exc)}") from None
    if len(text) > MAX_OUTPUT_CHARS:
        raise TemplateError(f"模板 {name} 生成的文字过长（超过 {MAX_OUTPUT_CHARS} 字）：请检查循环")
    return text


def _explain(exc: Exception) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return f"使用了不存在的变量（{exc.message}）"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"模板试图执行不允许的操作（{exc}）"
    return f"{type(exc).__name__}: {exc}"


def _heading(pack: Pack, report: Report, key: str, pick: Callable[..., Any]) -> str:
    if key in report.headings:
        return report.headings[key]  # type: ignore[index]
    by_group = pack.manifest.get("headings_by_group", {}).get(report.unit.group, {})
    options = by_group.get(key) or pack.manifest["headings"].get(key) or [key]
    return pick(f"heading:{key}", *options) if isinstance(options, list) else options


def theme_order(report: Report, pack: Pack) -> list[str]:
    """Explicit order if given, else the unit type's profile, then any other theme that has data."""
    if report.themes:
        return list(dict.fromkeys(report.themes))
    profile = pack.manifest["profiles"].get(report.unit.group, [])
    rest = [t for t in pack.manifest.get("theme_order", THEMES) if t not in profile]
    return list(dict.fromkeys(list(profile) + rest))


def compose(report: Report, templates: Path | None = None, pack: Pack | None = None) -> Document:
    pack = pack or load_pack(templates)
    seed = f"{report.unit.name}|{report.period.year}|{report.period.type}|{report.kind}"
    pick = chooser(seed)
    list_style = report.list_style or pack.manifest.get("list_style", "一是")
    context = figures.context(report)
    context.update(pick=pick, list_style=list_style)

    title_segments = _render(pack, "title.j2", context).strip().split("|")
    title = report.title or "".join(title_segments)
    title_lines = break_title([report.title] if report.title else title_segments)

    blocks: list = [Paragraph((Run(b),)) for _, _, b in parse_markup(_render(pack, "opening.j2", context))]
    sections: list[Section] = []
    for key in pack.manifest["order"]:
        if key == "themes":
            for theme in theme_order(report, pack):
                ctx = dict(context, theme=theme, **figures.theme_data(report, theme))
                body = to_blocks(_render(pack, pack.theme_template(theme), ctx), list_style)
                if body:
                    sections.append(Section(theme, _heading(pack, report, theme, pick), body))
        elif key not in ("opening", "closing"):
            body = to_blocks(_render(pack, f"{key}.j2", context), list_style)
            if body:
                sections.append(Section(key, _heading(pack, report, key, pick), body))
    blocks.extend(_number(_grouped(sections, report, pack, pick) if _wants_groups(sections, pack) else sections))
    blocks.extend(Paragraph((Run(b),)) for _, _, b in parse_markup(_render(pack, "closing.j2", context)))

    attachments = []
    if report.attach_indicators and report.metrics:
        table = figures.indicator_table(report)
        attachments.append(Attachment(1, table.title, (table,)))
    note = tuple(
        ("附件：" if i == 0 else "　　　") + (f"{a.number}.{a.title}" if len(attachments) > 1 else a.title)
        for i, a in enumerate(attachments)
    )
    return Document(
        title=title,
        title_lines=title_lines,
        blocks=blocks,
        attachment_note=note,
        signature=Signature(report.signature_unit, zh.cn_date(report.signature_date)),
        attachments=attachments,
        author=report.unit.name,
        year=report.period.year,
    )
