"""Page geometry, fonts, sizes, indents and line spacing by role, against the project's style profile.

The expected values are not restated here: they come from the same profile the Word writer uses
(reportgen/styles/gbt9704.yaml, or a unit's --style file), so a document the project builds and a
document a clerk fixed by hand are held to one standard. Tolerances follow GB/T 9704 (±1 mm for the
margins) or common Word practice (固定值 28 磅 still gives 22 lines; 29 磅 gives only 21).
"""

from __future__ import annotations

from ..writers.docx import signature_indents
from ..writers.style import SIZES, Font, StyleProfile
from .findings import Issue
from .reader import Docx, Para
from .roles import Block

MM_TOLERANCE = 1.0
#: Line pitches (twips) that still put 22 lines on a GB/T 9704 page: 28 磅 … 28.95 磅.
PITCH_RANGE = (560, 579)
ROLE_NAMES = {
    "title": "标题", "recipient": "主送机关", "body": "正文", "note": "附件说明", "signature": "署名",
    "date": "成文日期", "label": "附件标识", "attachment_title": "附件标题",
}
LEVEL_NAMES = {1: "一级标题", 2: "二级标题", 3: "三级标题", 4: "四级标题"}
#: Roles whose lines sit on the body's line grid.
ON_GRID = {"body", "heading", "recipient", "note", "signature", "date", "label"}
INDENTED = {"body", "heading"}


def role_name(block: Block) -> str:
    return LEVEL_NAMES[block.level] if block.role == "heading" else ROLE_NAMES.get(block.role, "段落")


def family(name: str) -> str:
    """A font's family as a reader sees it: 仿宋_GB2312, 仿宋 and FangSong look the same on paper."""
    lowered = name.lower()
    for key, names in (("仿宋", ("仿宋", "fangsong")), ("楷体", ("楷", "kaiti")), ("黑体", ("黑体", "simhei", "heiti")),
                       ("小标宋", ("小标宋", "xiaobiaosong")), ("宋体", ("宋体", "simsun", "songti"))):
        if any(n in lowered for n in names):
            return key
    return name


def size_name(points: float) -> str:
    names = [name for name, value in SIZES.items() if abs(value - points) < 0.01]
    return f"{names[0]}（{points:g} 磅）" if names else f"{points:g} 磅"


def expected_font(block: Block, profile: StyleProfile) -> Font | None:
    fonts = profile.fonts
    if block.role in ("title", "attachment_title"):
        return fonts.title
    if block.role == "heading":
        return {1: fonts.heading1, 2: fonts.heading2}.get(block.level, fonts.body)
    if block.role == "label":
        return fonts.attachment_label
    if block.role in ("body", "recipient", "note", "signature", "date"):
        return fonts.body
    return None


def check_page(document: Docx, profile: StyleProfile) -> list[Issue]:
    issues = []
    page, mm = profile.page, 1440 / 25.4
    for index, section in enumerate(document.sections, 1):
        where = f"第{index}节：" if len(document.sections) > 1 else ""
        landscape = section.width > section.height
        width, height = (section.height, section.width) if landscape else (section.width, section.height)
        if abs(width / mm - page.width) > MM_TOLERANCE or abs(height / mm - page.height) > MM_TOLERANCE:
            issues.append(Issue("页面", f"{where}纸张应为 A4（{page.width:g}×{page.height:g} 毫米），实为 {width / mm:.0f}×{height / mm:.0f} 毫米"))
        if landscape:
            continue  # a landscape table page keeps its own margins (GB/T 9704 §8)
        for name, actual, wanted in (("上边距（天头）", section.top, page.top), ("下边距", section.bottom, page.bottom),
                                     ("左边距（订口）", section.left, page.left), ("右边距", section.right, page.right)):
            if abs(actual / mm - wanted) > MM_TOLERANCE:
                issues.append(Issue("页面", f"{where}{name}应为 {wanted:g} 毫米，实为 {actual / mm:.1f} 毫米"))
    issues.extend(_page_numbers(document))
    return issues


def _page_numbers(document: Docx) -> list[Issue]:
    if not document.sections:
        return []
    footers = document.sections[0].footers
    numbered = [f for f in footers if f.has_page_field]
    if not numbered:
        return [Issue("页码", "没有页码：应在版心下方加页码“— 1 —”（四号半角阿拉伯数字，两侧各一条一字线）")]
    issues = []
    if any("-" in f.text.replace("—", "") or "—" not in f.text for f in numbered):
        issues.append(Issue("页码", "页码两侧应各有一条一字线“—”，如“— 1 —”（不是连字符“-”，也不能没有）"))
    sides = {f.kind: f.align for f in numbered}
    if not document.odd_even or "even" not in sides:
        issues.append(Issue("页码", "页码应单页居右、双页居左：请在页面设置中勾选“奇偶页不同”，分别设置单双页页脚"))
    elif sides.get("default") not in ("right", "end") or sides.get("even") not in ("left", "start"):
        issues.append(Issue("页码", "页码位置不对：单页应居右空一字，双页应居左空一字"))
    return issues


def check_paragraphs(blocks: list[Block], profile: StyleProfile) -> list[Issue]:
    issues: list[Issue] = []
    for block in blocks:
        if not isinstance(block.item, Para):
            continue
        para, name = block.item, role_name(block)
        font = expected_font(block, profile)
        if font is not None:
            # a 1. item's run-in title takes the heading3 font, its text the body font
            run_in = profile.fonts.heading3 if block.role == "heading" and block.level >= 3 else None
            issues.extend(_font(para, name, font, run_in))
        issues.extend(_spacing(block, para, name, profile))
        issues.extend(_placement(block, para, name, profile))
        if any(r.color.lower() not in ("", "auto", "000000") for r in para.runs if r.text.strip()):
            issues.append(Issue("字体", f"{name}的文字颜色应为黑色", para.number, para.full_text))
    issues.extend(_closing(blocks, profile))
    return issues


def _font(para: Para, name: str, font: Font, run_in: Font | None = None) -> list[Issue]:
    issues = []
    wanted = {family(font.font)} | ({family(run_in.font)} if run_in else set())
    found = sorted({family(f) or "未指定（Word 默认宋体或等线）" for f in para.fonts()} - wanted)
    if found:
        issues.append(Issue("字体", f"{name}应为{font.font}，实为{'、'.join(found)}", para.number, para.full_text))
    size = para.size
    if size is None:
        issues.append(Issue("字号", f"{name}应为{size_name(font.size)}，实为未指定（Word 默认五号）", para.number, para.full_text))
    elif abs(size - font.size) > 0.25:
        issues.append(Issue("字号", f"{name}应为{size_name(font.size)}，实为{size_name(size)}", para.number, para.full_text))
    return issues


def _spacing(block: Block, para: Para, name: str, profile: StyleProfile) -> list[Issue]:
    issues = []
    low, high = PITCH_RANGE[0], max(PITCH_RANGE[1], profile.line_pitch)
    if block.role in ON_GRID | {"title", "attachment_title"}:
        high = high if block.role in ON_GRID else 700  # a title line may take up to 35 磅
        pitch = f"固定值 {profile.line_pitch / 20:g} 磅（每页 {profile.page.lines} 行）"
        if para.line_rule != "exact" or para.line is None:
            times = f"{(para.line or 240) / 240:g} 倍行距" if para.line_rule == "auto" else f"最小值 {(para.line or 0) / 20:g} 磅"
            issues.append(Issue("行距", f"{name}的行距为{times}，应为{pitch}", para.number, para.full_text))
        elif not low <= para.line <= high:
            issues.append(Issue("行距", f"{name}的行距为固定值 {para.line / 20:g} 磅，应为{pitch}", para.number, para.full_text))
        if para.before or para.after:
            issues.append(Issue("行距", f"{name}有段前或段后间距（{para.before / 20:g} 磅／{para.after / 20:g} 磅）：应为 0，否则每页排不满 {profile.page.lines} 行",
                                para.number, para.full_text))
    return issues


def _indent_chars(para: Para, profile: StyleProfile) -> float:
    if para.first_line_chars is not None:
        return para.first_line_chars
    return para.first_line / (profile.fonts.body.size * 20)


def _placement(block: Block, para: Para, name: str, profile: StyleProfile) -> list[Issue]:
    issues = []
    role = block.role
    if role in ("title", "attachment_title") and para.align != "center":
        issues.append(Issue("段落", f"{name}应居中", para.number, para.full_text))
    if role in INDENTED:
        if para.align in ("center", "right", "distribute"):
            issues.append(Issue("段落", f"{name}应两端对齐，不应居中或右对齐", para.number, para.full_text))
        chars = _indent_chars(para, profile)
        if abs(chars - profile.indent_chars) > 0.3:
            issues.append(Issue("段落", f"{name}首行应缩进{profile.indent_chars:g}字，实为{max(chars, 0):.1f}字", para.number, para.full_text))
        if para.left > 20:
            issues.append(Issue("段落", f"{name}有整段左缩进：换行后应顶格", para.number, para.full_text))
    if role in ("recipient", "label") and (abs(_indent_chars(para, profile)) > 0.3 or para.left > 20):
        issues.append(Issue("段落", f"{name}应顶格", para.number, para.full_text))
    return issues


def _closing(blocks: list[Block], profile: StyleProfile) -> list[Issue]:
    """署名 and 成文日期: 空一行, right-aligned with GB/T 9704 §7.3.5.2's offsets; 附件说明 空一行."""
    issues = []
    paras = {b.role: b.item for b in blocks if isinstance(b.item, Para) and b.part == 0}
    signature, date = paras.get("signature"), paras.get("date")
    first_note = next((b.item for b in blocks if b.role == "note"), None)
    if first_note is not None and first_note.blank_before < 1:
        issues.append(Issue("段落", "附件说明前应空一行", first_note.number, first_note.full_text))
    if signature is not None and date is None:
        issues.append(Issue("日期", "没有成文日期：请在署名下一行写上，如“2024年6月30日”", signature.number,
                            signature.full_text, fixable=False, severity="warning"))
    if signature is not None:
        if signature.blank_before < 1:
            issues.append(Issue("段落", "署名前应空一行", signature.number, signature.full_text))
        lines = (("signature", signature), ("date", date)) if date is not None else (("signature", signature),)
        wanted = dict(zip(("signature", "date"), signature_indents(signature.text, date.text if date else "")))
        for role, para in lines:
            indent = para.right / profile.char_width
            if para.align not in ("right", "end") or abs(indent - wanted[role]) > 0.6:
                issues.append(Issue("段落", f"{ROLE_NAMES[role]}应右对齐并右空{wanted[role]:g}字（不加盖印章时，署名右空二字，日期首字比署名首字右移二字）",
                                    para.number, para.full_text))
    return issues
