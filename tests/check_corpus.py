"""A corpus of hand-made summaries for `reportgen check`, each wrong in a known way, built with python-docx.

Every case starts from one correctly typeset document (GB/T 9704 by direct formatting, the way a
careful clerk does it in Word) and changes one thing; ``expected`` says which findings that must
produce and at which paragraph (第N段, counting paragraphs with text). The text is invented for the
tests. Run as a script to write the corpus to a folder and print what the checker says::

    python tests/check_corpus.py /tmp/corpus
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

BODY, TITLE, H1, H2 = ("仿宋_GB2312", 16), ("方正小标宋简体", 22), ("黑体", 16), ("楷体_GB2312", 16)

TITLE_LINES = ["石桥社区2025年上半年", "创建文明城市工作总结"]
#: (role, text) in order; roles: body, h1, h2, h3 (a numbered item typed into a body paragraph).
TEXT = [
    ("body", "今年以来，石桥社区围绕创建全国文明城市目标，把环境整治和志愿服务作为两项抓手，居民的获得感明显增强。现将上半年工作总结如下："),
    ("h1", "一、主要做法"),
    ("h2", "（一）加强组织领导"),
    ("body", "社区成立创建工作领导小组，由党委书记任组长，每月召开一次推进会，逐项对账销号。"),
    ("h2", "（二）开展志愿服务"),
    ("body", "注册志愿者达到320人，上半年开展志愿服务活动45场，服务时长累计2600小时。"),
    ("h3", "1.环境整治。组织志愿者清理楼道杂物，清运垃圾12车。"),
    ("h3", "2.文明劝导。在路口开展文明交通劝导，劝导行人860人次。"),
    ("h1", "二、存在的问题"),
    ("body", "部分居民参与意识不强，年轻人参加志愿服务的时间不够稳定。"),
    ("h1", "三、下一步打算"),
    ("body", "下半年将继续完善志愿服务积分制度，扩大居民参与面，巩固环境整治成果。"),
]
UNIT, DATE = "石桥社区居民委员会", "2025年6月28日"
#: Sentences without figures, to fill pages for the render checks.
PLACES = ["东片", "西片", "南片", "北片", "老街", "新村", "河滨", "学府", "枫林", "桂园", "松涛", "竹溪", "梅岭", "兰亭", "荷塘", "柳岸"]


@dataclass
class Spec:
    """What to build; each field is one thing a clerk may get wrong."""

    title: list[str] = field(default_factory=lambda: list(TITLE_LINES))
    text: list[tuple[str, str]] = field(default_factory=lambda: list(TEXT))
    unit: str = UNIT
    date: str = DATE
    body_font: tuple[str, float] = BODY
    title_font: tuple[str, float] = TITLE
    h1_font: tuple[str, float] = H1
    h2_font: tuple[str, float] = H2
    title_center: bool = True
    margins_mm: tuple[float, float, float, float] = (37, 35, 28, 26)
    paper_mm: tuple[float, float] = (210, 297)
    line: Callable | None = None          # fn(paragraph_format) overriding the exact 579 tw
    indent: bool = True
    after_pt: float = 0
    page_numbers: str = "odd-even"        # odd-even / none / hyphen / centre
    blank_before_signature: bool = True
    signature_indent: tuple[float, float] | None = None  # (署名, 日期) in 字, default per GB/T 9704
    recipient: str = ""
    auto_number_h1: bool = False
    body_color: str = ""
    no_fonts: bool = False
    table: list[list[str]] | None = None  # a table after the 3rd body paragraph, with a centred title
    attachment: bool = False
    note_blank: bool = True               # 附件说明前空一行
    extra_pages: int = 0                  # filler paragraphs for render checks


def _fonts(run, font: tuple[str, float], bold: bool = False, color: str = "", no_fonts: bool = False) -> None:
    if not no_fonts:
        rfonts = run._r.get_or_add_rPr().get_or_add_rFonts()
        rfonts.set(qn("w:eastAsia"), font[0])
        rfonts.set(qn("w:ascii"), "Times New Roman")
        rfonts.set(qn("w:hAnsi"), "Times New Roman")
        run.font.size = Pt(font[1])
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _paragraph(document, spec: Spec, text: str, font, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True,
               bold_head: str = "", right_chars: float | None = None):
    p = document.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(579)
    if spec.line:
        spec.line(fmt)
    fmt.space_before, fmt.space_after = Pt(0), Pt(spec.after_pt)
    if indent and spec.indent:
        fmt.first_line_indent = Twips(640)
    if right_chars is not None:
        fmt.right_indent = Twips(round(right_chars * 315))
    if bold_head:
        _fonts(p.add_run(bold_head), font, bold=True, color=spec.body_color, no_fonts=spec.no_fonts)
        text = text[len(bold_head):]
    if text:
        _fonts(p.add_run(text), font, color=spec.body_color, no_fonts=spec.no_fonts)
    return p


def _blank(document, spec: Spec) -> None:
    _paragraph(document, spec, "", BODY, indent=False)


def _page_field(paragraph, dash: str) -> None:
    paragraph.add_run(f"{dash} ")
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)
    paragraph.add_run(f" {dash}")


def _page_numbers(document, spec: Spec) -> None:
    section = document.sections[0]
    if spec.page_numbers == "none":
        return
    dash = "-" if spec.page_numbers == "hyphen" else "—"
    if spec.page_numbers == "centre":
        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(p, dash)
        return
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        p.alignment = align
        _page_field(p, dash)


def _auto_numbering(document) -> str:
    """A Word list whose level 1 prints 一、二、三、 (chineseCounting), as Word's 编号 button makes."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    lvl = OxmlElement("w:lvl")
    lvl.set(qn("w:ilvl"), "0")
    for tag, value in (("w:start", "1"), ("w:numFmt", "chineseCounting"), ("w:lvlText", "%1、")):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        lvl.append(child)
    abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    return "90"


def _number(p, num_id: str) -> None:
    ppr = p._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", "0"), ("w:numId", num_id)):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        num_pr.append(child)
    ppr.insert(0, num_pr)


def _table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text


def build(spec: Spec) -> docx.Document:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(spec.paper_mm[0]), Mm(spec.paper_mm[1])
    top, bottom, left, right = spec.margins_mm
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(top), Mm(bottom), Mm(left), Mm(right)
    section.footer_distance = Mm(24.5)
    _page_numbers(document, spec)
    num_id = _auto_numbering(document) if spec.auto_number_h1 else ""
    center = WD_ALIGN_PARAGRAPH.CENTER if spec.title_center else WD_ALIGN_PARAGRAPH.LEFT
    for line in spec.title:
        _paragraph(document, spec, line, spec.title_font, align=center, indent=False)
    if spec.title:
        _blank(document, spec)
    if spec.recipient:
        _paragraph(document, spec, spec.recipient, spec.body_font, indent=False)
    bodies = 0
    for role, text in spec.text:
        font = {"h1": spec.h1_font, "h2": spec.h2_font}.get(role, spec.body_font)
        if role == "h1" and spec.auto_number_h1:
            p = _paragraph(document, spec, text.split("、", 1)[1], font)
            _number(p, num_id)
            continue
        head = text[: text.index("。") + 1] if role == "h3" else ""
        _paragraph(document, spec, text, font, bold_head=head)
        if role == "body":
            bodies += 1
            if bodies == 3 and spec.table:
                _paragraph(document, spec, "志愿服务情况统计表", H1, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
                _table(document, spec.table)
            if bodies == 1:
                for i in range(spec.extra_pages * 12):
                    place = PLACES[i % len(PLACES)] + ("" if i < len(PLACES) else f"第{'二三四五六七八九'[i // len(PLACES) - 1]}轮")
                    _paragraph(document, spec, f"{place}网格的居民议事会按时召开，议题由楼栋长收集后交社区党委研究，"
                                               f"议定事项在公告栏公开，居民对{place}网格的环境和秩序更加满意，"
                                               "参与公共事务的热情也比过去高了不少。", spec.body_font)
    if spec.attachment:
        if spec.note_blank:
            _blank(document, spec)
        _paragraph(document, spec, "附件：石桥社区上半年志愿服务活动一览表", spec.body_font, indent=True)
    if spec.unit or spec.date:
        if spec.blank_before_signature:
            _blank(document, spec)
        from reportgen.writers.docx import signature_indents

        unit_right, date_right = spec.signature_indent or signature_indents(spec.unit, spec.date)
        right = WD_ALIGN_PARAGRAPH.RIGHT
        if spec.unit:
            _paragraph(document, spec, spec.unit, spec.body_font, align=right, indent=False, right_chars=unit_right)
        if spec.date:
            _paragraph(document, spec, spec.date, spec.body_font, align=right, indent=False, right_chars=date_right)
    if spec.attachment:
        label = _paragraph(document, spec, "附件", H1, align=WD_ALIGN_PARAGRAPH.LEFT, indent=False)
        label.paragraph_format.page_break_before = True
        _blank(document, spec)
        _paragraph(document, spec, "石桥社区上半年志愿服务活动一览表", spec.title_font, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        _blank(document, spec)
        _table(document, [["序号", "活动", "场次", "参加人次"], ["1", "环境整治", "20", "600"], ["2", "文明劝导", "25", "860"]])
    return document


def _text(replacements: dict[str, str], drop: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    out = []
    for role, text in TEXT:
        if text in drop:
            continue
        out.append((role, replacements.get(text, text)))
    return out


def _exact(points: float):  # noqa: ANN202
    def set_line(fmt) -> None:  # noqa: ANN001
        fmt.line_spacing = Pt(points)
    return set_line


def _multiple(fmt) -> None:  # noqa: ANN001
    fmt.line_spacing_rule = WD_LINE_SPACING.ONE_POINT_FIVE


@dataclass
class Case:
    """One document and what the checker must say about it.

    Paragraph numbers (with text, from 1) of the base document: title 1–2, 导语 3, 一、4, （一）5, 6,
    （二）7, 8, 1. 9, 2. 10, 二、11, 12, 三、13, 14, 署名 15, 日期 16.
    """

    name: str
    spec: Spec
    #: (category, 第N段 or None, words the message contains); an empty list means the file is clean.
    expected: list[tuple[str, int | None, str]]


def cases() -> list[Case]:
    body = TEXT[3][1]
    return [
        Case("clean", Spec(), []),
        Case("clean-recipient", Spec(recipient="区文明办："), []),
        Case("clean-attachment", Spec(attachment=True), []),
        Case("clean-table", Spec(table=[["月份", "活动场次", "参加人次"], ["1月", "6", "180"], ["2月", "8", "240"]]), []),
        Case("body-font-songti", Spec(body_font=("宋体", 16)), [("字体", 3, "正文应为仿宋_GB2312，实为宋体")]),
        Case("body-size-sihao", Spec(body_font=("仿宋_GB2312", 14)), [("字号", 3, "正文应为三号（16 磅），实为四号（14 磅）")]),
        Case("title-songti-left", Spec(title_font=("宋体", 18), title_center=False),
             [("字体", 1, "标题应为方正小标宋简体"), ("字号", 1, "标题应为二号"), ("段落", 1, "标题应居中")]),
        Case("heading1-songti", Spec(h1_font=("宋体", 16)), [("字体", 4, "一级标题应为黑体")]),
        Case("heading2-fangsong", Spec(h2_font=("仿宋_GB2312", 16)), [("字体", 5, "二级标题应为楷体_GB2312")]),
        Case("margins-word-default", Spec(margins_mm=(25.4, 25.4, 31.8, 31.8)),
             [("页面", None, "上边距（天头）应为 37 毫米"), ("页面", None, "左边距（订口）应为 28 毫米")]),
        Case("paper-letter", Spec(paper_mm=(215.9, 279.4)), [("页面", None, "纸张应为 A4")]),
        Case("line-one-and-half", Spec(line=_multiple), [("行距", 3, "1.5 倍行距")]),
        Case("line-exact-30", Spec(line=_exact(30)), [("行距", 3, "固定值 30 磅")]),
        Case("space-after", Spec(after_pt=10), [("行距", 3, "段前或段后间距")]),
        Case("no-indent", Spec(indent=False), [("段落", 3, "首行应缩进2字")]),
        Case("numbering-gap", Spec(text=_text({"三、下一步打算": "四、下一步打算"})), [("结构", 13, "应为“三、”，实为“四、”")]),
        Case("numbering-repeat", Spec(text=_text({"（二）开展志愿服务": "（一）开展志愿服务"})), [("结构", 7, "编号重复")]),
        Case("level-jump", Spec(text=_text({}, drop=("（一）加强组织领导", "（二）开展志愿服务"))), [("结构", 7, "层次越级：一、之下直接用了1.")]),
        Case("word-auto-numbering", Spec(auto_number_h1=True), [("结构", 4, "自动编号“一、”"), ("结构", 11, "自动编号“二、”")]),
        Case("placeholders", Spec(text=_text({TEXT[0][1]: TEXT[0][1].replace("石桥社区", "××社区"), body: body.replace("党委书记", "党委书记某某")})),
             [("占位符", 3, "“××”"), ("占位符", 6, "“某某”")]),
        Case("placeholder-year", Spec(title=["石桥社区20xx年上半年", "创建文明城市工作总结"]), [("占位符", 1, "“20xx”")]),
        Case("two-figures", Spec(text=_text({TEXT[9][1]: "注册志愿者350人，但部分居民参与意识不强。"})),
             [("数字", 12, "“注册志愿者”在第8段是320人，这里是350人")]),
        Case("half-width-punct", Spec(text=_text({body: "社区成立创建工作领导小组,由党委书记任组长(兼),每月召开一次推进会."})),
             [("标点", 6, "全角逗号"), ("标点", 6, "全角括号"), ("标点", 6, "全角句号")]),
        Case("straight-quotes", Spec(text=_text({body: '社区开展"文明家庭"评选，每月召开一次推进会。'})), [("标点", 6, "全角引号")]),
        Case("book-title-dunhao", Spec(text=_text({body: "社区组织学习《文明行为促进条例》、《居民公约》，每月召开一次推进会。"})),
             [("标点", 6, "相连的书名号之间不用顿号")]),
        Case("level3-dunhao", Spec(text=_text({TEXT[6][1]: "1、环境整治。组织志愿者清理楼道杂物，清运垃圾12车。"})),
             [("标点", 9, "三级标题序号后应为半角点")]),
        Case("level2-half-brackets", Spec(text=_text({"（一）加强组织领导": "(一)加强组织领导"})), [("标点", 5, "全角括号")]),
        Case("full-width-digits", Spec(text=_text({TEXT[7][1]: "2.文明劝导。在路口开展文明交通劝导，劝导行人８６０人次。"})),
             [("标点", 10, "数字应使用半角")]),
        Case("repeated-sentence", Spec(text=_text({TEXT[11][1]: "下半年将继续完善志愿服务积分制度，扩大居民参与面。社区成立创建工作领导小组，由党委书记任组长，每月召开一次推进会，逐项对账销号。"})),
             [("重复", 14, "与第6段重复")]),
        Case("double-punct", Spec(text=_text({body: "社区成立创建工作领导小组，，由党委书记任组长，每月召开一次推进会。"})),
             [("重复", 6, "标点重复“，，”")]),
        Case("note-no-blank", Spec(attachment=True, note_blank=False), [("段落", 15, "附件说明前应空一行")]),
        Case("no-title", Spec(title=[]), [("标题", 1, "没有标题")]),
        Case("no-page-numbers", Spec(page_numbers="none"), [("页码", None, "没有页码")]),
        Case("page-number-hyphens", Spec(page_numbers="hyphen"), [("页码", None, "一字线")]),
        Case("page-number-centred", Spec(page_numbers="centre"), [("页码", None, "单页居右、双页居左")]),
        Case("signature-right-four", Spec(signature_indent=(4, 4)), [("段落", 15, "署名应右对齐并右空2.75字"), ("段落", 16, "成文日期应右对齐并右空2字")]),
        Case("signature-no-blank", Spec(blank_before_signature=False), [("段落", 15, "署名前应空一行")]),
        Case("date-wrong-year", Spec(date="2024年3月1日"), [("日期", 16, "对不上")]),
        Case("date-early", Spec(date="2025年2月1日"), [("日期", 16, "离总结期（2025年上半年）末较远")]),
        Case("no-date", Spec(date=""), [("日期", 15, "没有成文日期")]),
        Case("date-padded", Spec(date="2025年06月28日"), [("日期", 16, "不编虚位")]),
        Case("date-chinese-digits", Spec(date="二〇二五年六月二十八日"), [("日期", 16, "阿拉伯数字")]),
        Case("no-fonts-word-default", Spec(no_fonts=True), [("字体", 3, "正文应为仿宋_GB2312，实为主题字体"), ("字号", 3, "实为11 磅")]),
        Case("red-text", Spec(body_color="FF0000"), [("字体", 3, "颜色应为黑色")]),
        Case("table-placeholder", Spec(table=[["月份", "活动场次"], ["1月", "××"]]), [("占位符", 9, "“××”")]),
    ]


def write(case: Case, folder: Path) -> Path:
    path = folder / f"{case.name}.docx"
    build(copy.deepcopy(case.spec)).save(path)
    return path


def main(folder: str) -> int:
    from reportgen.check import check

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for case in cases():
        path = write(case, out)
        issues = check(path)
        print(f"== {case.name}: {len(issues)} 处")
        for issue in issues:
            print(f"   {issue.finding(path.name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "check-corpus"))
