"""XML-level checks of the Word writer: GB/T 9704 geometry, fonts per level, footers, reproducibility.

These read the .docx parts directly (no LibreOffice), so they always run.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.shared import Mm
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from reportgen.document import Document, Heading, Paragraph, Run, Signature
from reportgen.errors import InputError
from reportgen.writers import docx as writer
from reportgen.loaders import style_loader as style
from reportgen.writers import deterministic_zip, oxml, pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def w(name: str) -> str:
    return W + name


class Parts:
    """The XML parts of a rendered .docx, parsed."""

    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.document = self.xml("word/document.xml")
        self.styles = self.xml("word/styles.xml")
        self.settings = self.xml("word/settings.xml")

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    def style(self, style_id: str):
        found = self.styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        assert found is not None, style_id
        return found

    def paragraphs(self, style_id: str):
        return [p for p in self.document.iter(w("p")) if p.find(f"w:pPr/w:pStyle[@w:val='{style_id}']", NS) is not None]

    def footers(self):
        return [self.xml(n) for n in self.zip.namelist() if re.match(r"word/footer\d*\.xml", n)]


def text(element) -> str:
    return "".join(t.text or "" for t in element.iter(w("t")))


def attr(element, path: str, name: str):
    found = element.find(path, NS)
    return None if found is None else found.get(w(name))


@pytest.fixture(scope="module")
def docx_parts() -> Parts:
    from conftest import docx_sample_document

    return Parts(writer.render(docx_sample_document()))


# -- page -------------------------------------------------------------------------------------------


def test_page_is_a4_with_gbt9704_margins(docx_parts):
    sect = docx_parts.document.find("w:body/w:sectPr", NS)
    assert attr(sect, "w:pgSz", "w") == "11906" and attr(sect, "w:pgSz", "h") == "16838"
    margins = {k: int(attr(sect, "w:pgMar", k)) for k in ("top", "left", "bottom", "right")}
    assert margins == {"top": 2098, "left": 1587, "bottom": 1984, "right": 1474}
    assert attr(sect, "w:pgMar", "gutter") == "0"


def test_line_grid_is_22_lines_of_579_twips(docx_parts):
    sect = docx_parts.document.find("w:body/w:sectPr", NS)
    grid = sect.find("w:docGrid", NS)
    assert grid.get(w("type")) == "lines"
    pitch = int(grid.get(w("linePitch")))
    # the text block this file sets up holds exactly 22 lines at its pitch (580, 固定值 29 磅, gives 21)
    height = int(attr(sect, "w:pgSz", "h")) - int(attr(sect, "w:pgMar", "top")) - int(attr(sect, "w:pgMar", "bottom"))
    assert pitch == 579 and height // pitch == 22


def test_body_pitch_and_character_spacing_give_28_characters(docx_parts):
    body = docx_parts.style("GwBody")
    assert attr(body, "w:pPr/w:spacing", "line") == "579"
    assert attr(body, "w:pPr/w:spacing", "lineRule") == "exact"
    assert attr(body, "w:pPr/w:spacing", "before") == "0" and attr(body, "w:pPr/w:spacing", "after") == "0"
    assert attr(body, "w:rPr/w:spacing", "val") == "-5"  # −0.25 pt
    # a 汉字 is the font size plus the spacing; the text width this file sets up holds exactly 28 of them
    sect = docx_parts.document.find("w:body/w:sectPr", NS)
    width = int(attr(sect, "w:pgSz", "w")) - int(attr(sect, "w:pgMar", "left")) - int(attr(sect, "w:pgMar", "right"))
    char = int(attr(body, "w:rPr/w:sz", "val")) * 10 + int(attr(body, "w:rPr/w:spacing", "val"))  # twips
    assert width // char == 28
    assert attr(body, "w:pPr/w:jc", "val") == "both"


def test_opens_in_current_word_layout_not_compatibility_mode(docx_parts):
    modes = [s.get(w("val")) for s in docx_parts.settings.iter(w("compatSetting")) if s.get(w("name")) == "compatibilityMode"]
    assert modes == ["15"]


def test_widow_control_is_off_so_full_pages_hold_22_lines(docx_parts):
    for style_id in ("GwBody", "GwHeading1", "GwHeading2", "GwTitle", "GwSignature"):
        assert attr(docx_parts.style(style_id), "w:pPr/w:widowControl", "val") == "0"


# -- fonts and indents ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "style_id, east_asia, size, bold",
    [
        ("GwTitle", "方正小标宋简体", "44", False),
        ("GwBody", "仿宋_GB2312", "32", False),
        ("GwHeading1", "黑体", "32", False),
        ("GwHeading2", "楷体_GB2312", "32", False),
        ("GwRunIn", "仿宋_GB2312", None, True),
        ("GwAttachLabel", "黑体", "32", False),
    ],
)
def test_fonts_per_level_are_written_in_east_asia(docx_parts, style_id, east_asia, size, bold):
    element = docx_parts.style(style_id)
    fonts = element.find("w:rPr/w:rFonts", NS)
    assert fonts.get(w("eastAsia")) == east_asia
    assert fonts.get(w("ascii")) == fonts.get(w("hAnsi")) == "Times New Roman"
    assert not [a for a in fonts.attrib if "Theme" in a or "theme" in a]
    if size:
        assert attr(element, "w:rPr/w:sz", "val") == size
    b = element.find("w:rPr/w:b", NS)
    assert (b is not None and b.get(w("val")) in (None, "1", "true")) == bold


def test_no_theme_fonts_in_defaults_normal_or_our_styles(docx_parts):
    defaults = docx_parts.styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    ours = [docx_parts.style(i).find("w:rPr/w:rFonts", NS) for i in ("Normal", "GwBody", "GwTitle", "GwHeading1", "GwHeading2", "GwRunIn")]
    for fonts in (defaults, *ours):
        assert not [a for a in fonts.attrib if a.lower().endswith("theme")], fonts.attrib
    assert defaults.get(w("eastAsia")) == "仿宋_GB2312"
    assert attr(docx_parts.styles, "w:docDefaults/w:rPrDefault/w:rPr/w:lang", "eastAsia") == "zh-CN"


@pytest.mark.parametrize("style_id", ["GwBody", "GwHeading1", "GwHeading2"])
def test_two_character_first_line_indent_in_chars_and_twips(docx_parts, style_id):
    ind = docx_parts.style(style_id).find("w:pPr/w:ind", NS)
    assert ind.get(w("firstLineChars")) == "200"
    assert ind.get(w("firstLine")) == "630"  # 2 × (16 pt − 0.25 pt)


def test_title_lines_are_centred_paragraphs_never_one_character(docx_parts):
    titles = docx_parts.paragraphs("GwTitle")
    main = [text(p) for p in titles[:2]]
    assert main == ["幸福里社区2024年上半年", "创建全国文明城市工作总结"]
    assert attr(docx_parts.style("GwTitle"), "w:pPr/w:jc", "val") == "center"
    assert all(len(text(p)) > 1 for p in titles)
    # the attachment title is broken after the period, not inside a word
    assert [text(p) for p in titles[2:]] == ["幸福里社区2024年上半年", "创建工作指标完成情况表"]


def test_run_in_heading_is_a_bold_character_style_followed_by_plain_text(docx_parts):
    runs = [p.findall("w:r", NS) for p in docx_parts.paragraphs("GwBody") if p.find("w:r/w:rPr/w:rStyle", NS) is not None]
    assert runs, "no run-in items"
    first, rest = runs[0][0], runs[0][1]
    assert attr(first, "w:rPr/w:rStyle", "val") == "GwRunIn"
    assert text(first) == "1.细化责任分工。"
    assert rest.find("w:rPr", NS) is None


def test_headings_keep_with_next_and_carry_outline_levels(docx_parts):
    for style_id, level in (("GwHeading1", "0"), ("GwHeading2", "1")):
        element = docx_parts.style(style_id)
        assert element.find("w:pPr/w:keepNext", NS) is not None
        assert attr(element, "w:pPr/w:outlineLvl", "val") == level
    assert [text(p) for p in docx_parts.paragraphs("GwHeading1")][0] == "一、强化组织领导，压实创建责任"


# -- page numbers -----------------------------------------------------------------------------------


def test_odd_and_even_footers_with_page_field_and_dashes(docx_parts):
    assert docx_parts.settings.find("w:evenAndOddHeaders", NS) is not None
    sect = docx_parts.document.find("w:body/w:sectPr", NS)
    kinds = {ref.get(w("type")) for ref in sect.findall("w:footerReference", NS)}
    assert kinds == {"default", "even"}
    footers = docx_parts.footers()
    assert len(footers) == 2
    for footer in footers:
        assert "PAGE" in "".join(t.text for t in footer.iter(w("instrText")))
        shown = text(footer)
        assert re.fullmatch(r"— 1 —", shown), shown
        begin = footer.find(".//w:fldChar[@w:fldCharType='begin']", NS)
        assert begin is not None and begin.find(w("t")) is None
    styles = {attr(f, "w:p/w:pPr/w:pStyle", "val") for f in footers}
    assert styles == {"GwPageOdd", "GwPageEven"}
    odd, even = docx_parts.style("GwPageOdd"), docx_parts.style("GwPageEven")
    assert attr(odd, "w:pPr/w:jc", "val") == "right" and attr(odd, "w:pPr/w:ind", "right") == "280"
    assert attr(even, "w:pPr/w:jc", "val") == "left" and attr(even, "w:pPr/w:ind", "left") == "280"
    for page_style in (odd, even):
        fonts = page_style.find("w:rPr/w:rFonts", NS)
        assert fonts.get(w("eastAsia")) == fonts.get(w("ascii")) == "宋体"
        assert attr(page_style, "w:rPr/w:sz", "val") == "28"


# -- 落款, 附件说明, 附件 ------------------------------------------------------------------------------


def test_signature_follows_gbt9704_right_indents_and_is_chained_to_the_body(docx_parts):
    body = docx_parts.document.find("w:body", NS)
    paragraphs = body.findall("w:p", NS)
    signature = docx_parts.paragraphs("GwSignature")
    assert [text(p) for p in signature] == ["幸福里社区居民委员会", "2024年6月30日"]
    # 署名 10 字, 日期 7.75 字 as set: 署名 右空二字, date starts 2 字 right of the 署名 → 2.25 字
    assert [attr(p, "w:pPr/w:ind", "right") for p in signature] == ["630", str(round(2.25 * 315))]
    start = paragraphs.index(signature[0])
    note = docx_parts.paragraphs("GwAttachNote")[0]
    assert paragraphs.index(note) < start
    assert text(note).startswith("附件：")
    chain = paragraphs[paragraphs.index(note) - 2 : start + 1]
    assert text(chain[0]).startswith("下半年")  # the last body paragraph heads the chain
    assert all(p.find("w:pPr/w:keepNext", NS) is not None for p in chain)
    assert signature[1].find("w:pPr/w:keepNext", NS) is None


@pytest.mark.parametrize(
    "unit, date, expected",
    [
        ("幸福里社区居民委员会", "2024年6月30日", (2, 2.25)),
        ("某某局", "2024年6月30日", (2 + 7.75 - 3 + 2, 2)),
        ("某某镇人民政府办公室", "2024年1月5日", (2, 2.75)),
    ],
)
def test_signature_indent_rule(unit, date, expected):
    assert writer.signature_indents(unit, date) == expected


def test_attachment_note_wraps_under_the_name(docx_parts):
    ind = docx_parts.style("GwAttachNote").find("w:pPr/w:ind", NS)
    assert ind.get(w("left")) == str(5 * 315) and ind.get(w("hanging")) == str(3 * 315)


def test_attachment_page_label_title_and_table(docx_parts):
    label = docx_parts.paragraphs("GwAttachLabel")
    assert [text(p) for p in label] == ["附件"]
    assert docx_parts.style("GwAttachLabel").find("w:pPr/w:pageBreakBefore", NS) is not None
    assert attr(docx_parts.style("GwAttachLabel"), "w:pPr/w:ind", "firstLine") in (None, "0")
    tables = docx_parts.document.findall("w:body/w:tbl", NS)
    assert len(tables) == 1
    rows = tables[0].findall("w:tr", NS)
    assert len(rows) == 31
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
    assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
    header = [text(c) for c in rows[0].findall("w:tc", NS)]
    assert header[:3] == ["序号", "类别", "指标名称"]
    cells = rows[1].findall("w:tc", NS)
    assert [attr(c, "w:p/w:pPr/w:pStyle", "val") for c in cells][4:] == ["GwTableNumber"] * 4
    assert attr(docx_parts.style("GwTableNumber"), "w:pPr/w:jc", "val") == "right"
    sub_row = rows[6].findall("w:tc", NS)  # Table.indent holds row 5 (0-based) → table row 6
    assert text(sub_row[2]).startswith("其中：")
    assert attr(sub_row[2], "w:p/w:pPr/w:ind", "left") == "240"
    assert attr(rows[1].findall("w:tc", NS)[2], "w:p/w:pPr/w:ind", "left") is None
    grid = [int(c.get(w("w"))) for c in tables[0].findall("w:tblGrid/w:gridCol", NS)]
    assert sum(grid) == 8844
    assert attr(tables[0], "w:tblPr/w:tblLayout", "type") == "fixed"


# -- reproducibility and package hygiene ------------------------------------------------------------


def test_same_input_gives_identical_bytes(docx_sample):
    first = writer.render(docx_sample)
    time.sleep(1.1)
    assert writer.render(docx_sample) == first


def test_same_bytes_across_processes_with_different_hash_seeds():
    script = (
        "import sys, hashlib; sys.path.insert(0, 'tests'); from conftest import docx_sample_document;"
        "from reportgen.writers.docx import render; print(hashlib.sha256(render(docx_sample_document())).hexdigest())"
    )
    root = Path(__file__).parent.parent
    digests = {
        subprocess.run([sys.executable, "-c", script], cwd=root, env={**os.environ, "PYTHONHASHSEED": seed},
                       capture_output=True, text=True, check=True).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


def test_zip_times_and_core_properties_are_fixed(docx_parts):
    infos = docx_parts.zip.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {deterministic_zip.ZIP_TIME}
    assert "docProps/thumbnail.jpeg" not in docx_parts.zip.namelist()
    core = docx.Document(io.BytesIO(docx_parts.data)).core_properties
    assert (core.created.year, core.created.month, core.created.day) == (2024, 6, 30)  # the 成文日期
    assert core.modified == core.created
    assert core.author == "幸福里社区居民委员会"
    assert core.title == "幸福里社区2024年上半年创建全国文明城市工作总结"


def test_file_names_reportgen_as_its_program_and_no_word_version():
    app = zipfile.ZipFile(io.BytesIO(writer.render(Document("标题", ("标题",), year=2024)))).read("docProps/app.xml")
    assert b"<Application>reportgen</Application>" in app
    assert b"Macintosh" not in app and b"AppVersion" not in app


def test_without_a_date_the_file_is_dated_1_january_of_the_year():
    core = docx.Document(io.BytesIO(writer.render(Document("标题", ("标题",), year=2023)))).core_properties
    assert (core.created.year, core.created.month, core.created.day) == (2023, 1, 1)


@pytest.mark.parametrize("style_id, east_asia, level", [
    ("Heading1", "黑体", 0), ("Heading2", "楷体_GB2312", 1), ("Heading3", "仿宋_GB2312", 2), ("Heading9", "仿宋_GB2312", 8),
])
def test_words_built_in_headings_have_the_gongwen_look_and_outline_levels(docx_parts, style_id, east_asia, level):
    style = docx_parts.style(style_id)
    fonts = style.find("w:rPr/w:rFonts", NS)
    assert fonts.get(w("eastAsia")) == east_asia and fonts.get(w("ascii")) == "Times New Roman"
    assert not any(k.endswith("Theme") or k.endswith("theme") for k in fonts.attrib)
    assert style.find("w:rPr/w:color", NS) is None
    assert attr(style, "w:rPr/w:sz", "val") == "32"
    assert attr(style, "w:pPr/w:outlineLvl", "val") == str(level)
    assert attr(style, "w:pPr/w:spacing", "line") == "579"
    char = docx_parts.style(style_id + "Char")
    assert char.find("w:rPr/w:color", NS) is None and attr(char, "w:rPr/w:rFonts", "eastAsia") == east_asia
    title = docx_parts.style("Title")
    assert title.find("w:rPr/w:color", NS) is None and title.find("w:pPr/w:pBdr", NS) is None
    assert attr(title, "w:rPr/w:rFonts", "eastAsia") == "方正小标宋简体"


def test_control_characters_are_dropped(docx_sample):
    dirty = replace(docx_sample, blocks=[Paragraph((Run("复制\x0b粘贴\x00的文字\r\n第二行"),))])
    parts = Parts(writer.render(dirty))
    body = [text(p) for p in parts.paragraphs("GwBody") if text(p)]
    assert body[0] == "复制粘贴的文字第二行"
    assert len(parts.paragraphs("GwBody")[1].findall(".//w:br", NS)) == 1


#: ECMA-376 child order of the property elements the writer touches; Word "repairs" other orders.
PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
    "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]
RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
    "em", "lang", "eastAsianLayout", "specVanish", "oMath",
]
TRPR_ORDER = ["cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight",
              "tblHeader", "tblCellSpacing", "jc", "hidden"]
TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
               "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"]


def _in_order(element, order: list[str]) -> bool:
    names = [etree.QName(c).localname for c in element if etree.QName(c).namespace == NS["w"]]
    positions = [order.index(n) for n in names if n in order]
    return positions == sorted(positions) and len(set(names)) == len(names)


def test_property_children_follow_the_schema_order(docx_parts):
    roots = [docx_parts.document, docx_parts.styles, *docx_parts.footers()]
    for root in roots:
        for tag, order in (("pPr", PPR_ORDER), ("rPr", RPR_ORDER), ("trPr", TRPR_ORDER), ("tblPr", TBLPR_ORDER)):
            for element in root.iter(w(tag)):
                if tag == "pPr" and element.getparent().tag == w("pPrDefault"):
                    continue
                assert _in_order(element, order), etree.tostring(element, encoding="unicode")


def test_python_docx_reopens_the_file(docx_parts):
    reopened = docx.Document(io.BytesIO(docx_parts.data))
    section = reopened.sections[0]
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert reopened.settings.odd_and_even_pages_header_footer


# -- speed ------------------------------------------------------------------------------------------


def test_ten_thousand_paragraphs_build_fast():
    item = Paragraph((Run("1.集中学习。", bold=True), Run("组织党员干部集中学习创建测评体系，逐项对照抓落实。" * 3)))
    blocks = [Heading(1, "一、", "工作开展情况")] + [item] * 10_000
    big = Document("标题", ("标题",), blocks, signature=Signature("某某社区居民委员会", "2024年6月30日"), year=2024)
    started = time.perf_counter()
    data = writer.render(big)
    elapsed = time.perf_counter() - started
    assert len(Parts(data).paragraphs("GwBody")) >= 10_000
    assert elapsed < 5, f"{elapsed:.2f} s"


# -- style profile ----------------------------------------------------------------------------------


def test_default_profile_is_gbt9704():
    profile = style.load()
    assert profile.line_pitch == 579 and profile.char_spacing == -5 and profile.char_width == 315
    assert profile.fonts.title.size == 22 and profile.fonts.body.size == 16 and profile.fonts.page_number.size == 14
    assert profile.text_width == 8844


def test_partial_profile_overrides_only_what_it_names(tmp_path, docx_sample):
    custom = tmp_path / "house.yaml"
    custom.write_text("fonts:\n  body: {font: 仿宋, size: 三号}\npage:\n  line_pitch: 28\nlatin_font: 仿宋\n", encoding="utf-8")
    profile = style.load(custom)
    assert profile.fonts.body.font == "仿宋" and profile.line_pitch == 560
    assert profile.fonts.heading1.font == "黑体" and profile.page.top == 37
    parts = Parts(writer.render(docx_sample, style=style.load(custom)))
    fonts = parts.style("GwBody").find("w:rPr/w:rFonts", NS)
    assert fonts.get(w("eastAsia")) == "仿宋" and fonts.get(w("ascii")) == "仿宋"
    assert attr(parts.style("GwBody"), "w:pPr/w:spacing", "line") == "560"
    assert attr(parts.document, "w:body/w:sectPr/w:docGrid", "linePitch") == "560"


def test_chinese_size_names_and_points_are_both_accepted(tmp_path):
    custom = tmp_path / "sizes.yaml"
    custom.write_text("fonts:\n  title: {font: 方正小标宋简体, size: 小二}\n  table: {font: 仿宋, size: 10.5}\n", encoding="utf-8")
    profile = style.load(custom)
    assert profile.fonts.title.size == 18 and profile.fonts.table.size == 10.5


@pytest.mark.parametrize(
    "content, expected",
    [
        ("page:\n  top: 三十七\n", "应填写数字"),
        ("fonts:\n  body: {font: 仿宋, size: 大三}\n", "字号应为磅值"),
        ("page:\n  topp: 37\n", "不认识的字段"),
        ("page:\n  left: 200\n", "不能大于 100"),
    ],
)
def test_bad_profile_values_give_located_chinese_errors(tmp_path, content, expected):
    custom = tmp_path / "bad.yaml"
    custom.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        style.load(custom)
    message = str(caught.value)
    assert expected in message and str(custom) in message and ":2:" in message, message


# -- reference document -----------------------------------------------------------------------------


def _reference(tmp_path: Path, suffix: str = ".docx") -> Path:
    base = docx.Document()
    section = base.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(30)
    section.footer.paragraphs[0].text = "本单位页脚"
    body = base.styles.add_style("公文正文", 1)
    body.font.name = "宋体"
    base.add_paragraph("模板里原有的示例文字")
    path = tmp_path / f"unit{suffix}"
    base.save(path)
    return path


def test_reference_docx_gives_page_setup_and_styles(tmp_path, docx_sample):
    parts = Parts(writer.render(docx_sample, reference=_reference(tmp_path)))
    sect = parts.document.find("w:body/w:sectPr", NS)
    assert int(attr(sect, "w:pgMar", "left")) == int(attr(sect, "w:pgMar", "right")) == round(30 * 1440 / 25.4)
    assert "模板里原有的示例文字" not in text(parts.document)
    body_style = parts.styles.xpath("w:style[w:name/@w:val='公文正文']", namespaces=NS)[0]
    assert attr(body_style, "w:rPr/w:rFonts", "ascii") == "宋体"  # the unit's own style wins
    assert parts.style("GwHeading1") is not None  # styles the template lacks are still defined
    assert any("本单位页脚" in text(f) for f in parts.footers())  # the unit's footer is kept
    assert "幸福里社区居民委员会" in text(parts.document)


def test_reference_template_dotx_is_accepted(tmp_path, docx_sample):
    source = _reference(tmp_path)
    with zipfile.ZipFile(source) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"document.main+xml", b"template.main+xml"
    )
    dotx = tmp_path / "unit.dotx"
    with zipfile.ZipFile(dotx, "w") as z:
        for name, content in entries.items():
            z.writestr(name, content)
    assert "幸福里社区" in text(Parts(writer.render(docx_sample, reference=dotx)).document)


def test_bad_reference_is_a_chinese_input_error(tmp_path, docx_sample):
    bad = tmp_path / "not-word.docx"
    bad.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="不是有效的 Word 文件"):
        writer.render(docx_sample, reference=bad)
    with pytest.raises(InputError, match="参考 Word 文件不存在"):
        writer.render(docx_sample, reference=tmp_path / "missing.docx")


# -- PDF without LibreOffice ------------------------------------------------------------------------


def test_pdf_without_libreoffice_explains_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    target = tmp_path / "a.docx"
    target.write_bytes(b"")
    with pytest.raises(InputError) as caught:
        pdf.convert(target)
    message = str(caught.value)
    assert "LibreOffice" in message and "apt-get install" in message and str(target) in message


def test_libreoffice_copy_inverts_overflow_punct_and_breaks_before_digits(docx_sample):
    """The copy LibreOffice converts differs only where LibreOffice reads Word's markup otherwise;
    the user's .docx keeps overflowPunct off (Word: no mark past the margin) and its text as is."""
    closing = Paragraph((Run("办公室设在德育处。2024年开展活动12次，其中：3次，共5人。"),))
    data = writer.render(replace(docx_sample, blocks=[*docx_sample.blocks, closing]))
    original, copy = Parts(data), Parts(oxml.for_libreoffice(data))
    body = original.style("GwBody").find("w:pPr/w:overflowPunct", NS).get(w("val"))
    assert body == "0"
    assert copy.style("GwBody").find("w:pPr/w:overflowPunct", NS).get(w("val")) == "1"
    assert "\u200b" not in text(original.document)
    assert text(copy.document).count("\u200b") == 2
    assert "德育处。\u200b2024年" in text(copy.document)
    assert text(copy.document).replace("\u200b", "") == text(original.document)


def test_fonts_conf_is_valid_fontconfig_xml():
    conf = etree.parse(str(pdf.fonts_conf()))
    families = {f.text for f in conf.iter("family")}
    assert {"仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体", "宋体"} <= families
    # the README's promise: 楷体 → LXGW WenKai first, Times New Roman → the same-metric Liberation Serif
    first = {a.findtext("family"): a.find("accept").findtext("family") for a in conf.iter("alias")}
    assert first["楷体_GB2312"] == first["楷体"] == "LXGW WenKai"
    assert first["Times New Roman"] == "Liberation Serif"
    assert first["仿宋_GB2312"] == "Noto Serif CJK SC" and first["黑体"] == "Noto Sans CJK SC"
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert all(package in ci for package in ("fonts-noto-cjk", "fonts-lxgw-wenkai", "fonts-liberation"))


# -- properties -------------------------------------------------------------------------------------

HAN = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF) | st.sampled_from("0123456789年（）、"), min_size=1, max_size=60)


@given(HAN)
def test_title_lines_fit_and_never_leave_one_character(title):
    lines = writer.balanced_lines(title, 20)
    assert "".join(lines) == title
    if writer.set_width(title) > 20 and len(title) > 3:
        assert all(len(line) >= 2 and writer.set_width(line) <= 20 for line in lines), lines


@given(st.lists(HAN, min_size=1, max_size=5))
def test_titles_in_segments_fit_and_never_leave_one_character(segments):
    title = "".join(segments)
    lines = writer.title_lines(title, tuple(segments), 20)
    assert "".join(lines) == title
    if writer.set_width(title) > 20 and len(title) > 3:
        assert all(len(line) >= 2 and writer.set_width(line) <= 20 for line in lines), lines


def test_a_title_that_fits_stays_on_one_line():
    segments = ("竹园社区", "2024年", "工作总结")
    title = "".join(segments)
    assert writer.set_width(title) <= 20  # the premise: this title does fit
    assert writer.title_lines(title, segments, 20) == [title]


def test_a_long_title_breaks_where_its_segments_meet():
    segments = ("青枫市东湖区柳荫街道槐树里社区", "2024年上半年", "巩固全国文明城市工作总结")
    title = "".join(segments)
    assert writer.set_width(title) > 20  # the premise: it cannot stay on one line
    lines = writer.title_lines(title, segments, 20)
    ends = {len("".join(segments[:i])) for i in range(1, len(segments))}
    assert len(lines) > 1 and all(len("".join(lines[:i])) in ends for i in range(1, len(lines))), lines


def test_one_overlong_segment_is_cut_evenly():
    lines = writer.title_lines("青" * 41, ("青" * 41,), 20)
    assert "".join(lines) == "青" * 41 and len(lines) == 3
    assert max(map(len, lines)) - min(map(len, lines)) <= 1


def test_a_title_of_many_segments_is_broken_quickly():
    """A title.j2 may produce dozens of | segments: breaking them must stay linear, not explode."""
    started = time.monotonic()
    lines = writer.title_lines("标题段落" * 60, ("标题段落",) * 60, 20)
    assert time.monotonic() - started < 1
    assert "".join(lines) == "标题段落" * 60 and all(writer.set_width(line) <= 20 for line in lines)


@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_signature_lines_keep_the_two_character_offset(unit, date):
    unit_indent, date_indent = writer.signature_indents(unit, date)
    assert min(unit_indent, date_indent) >= 2
    # the date starts two 字 right of the 署名's first character
    start_unit = unit_indent + writer.set_width(unit)
    start_date = date_indent + writer.set_width(date)
    assert start_unit - start_date == pytest.approx(2)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=5))
def test_any_text_renders_to_a_readable_file(texts):
    document = Document("标题", ("标题",), [Paragraph((Run(t, bold=i == 0),)) for i, t in enumerate(texts)], year=2024)
    reopened = docx.Document(io.BytesIO(writer.render(document)))
    assert len(reopened.paragraphs) >= len(texts)


def test_body_table_gets_a_title_and_several_attachments_are_numbered(docx_sample):
    table = docx_sample.attachments[0].blocks[0]
    small = replace(table, title="重点任务完成情况", rows=table.rows[:3], indent=())
    document = replace(
        docx_sample,
        blocks=[*docx_sample.blocks[:3], small, *docx_sample.blocks[3:]],
        attachments=[replace(docx_sample.attachments[0], number=1), replace(docx_sample.attachments[0], number=2, title="第二个附件")],
        attachment_note=(f"1.{table.title}", "2.第二个附件"),
    )
    parts = Parts(writer.render(document))
    assert [text(p) for p in parts.paragraphs("GwTableTitle")] == ["重点任务完成情况", table.title]
    assert [text(p) for p in parts.paragraphs("GwAttachLabel")] == ["附件1", "附件2"]
    # 附件说明 is one paragraph, an entry a line: the hanging indent aligns the second under the first
    note = parts.paragraphs("GwAttachNote")
    assert len(note) == 1 and text(note[0]).startswith("附件：") and len(note[0].findall(".//w:br", NS)) == 1
    assert len(parts.document.findall("w:body/w:tbl", NS)) == 3


def _fresh_process_bases(monkeypatch) -> None:  # noqa: ANN001
    """Forget the bases prepared in this process, as a new ``reportgen build`` would start."""
    monkeypatch.setattr(writer, "_BASES", type(writer._BASES)())


def test_styled_package_kept_between_runs_gives_the_same_bytes(tmp_path, monkeypatch):
    """The prepared styles/settings/footers are cached on disk for the next run (benchmarks/README.md):
    a run from the cache, and one after the cache entry was damaged, write the very bytes of a run
    without any cache."""
    from conftest import docx_sample_document

    sample = docx_sample_document()
    monkeypatch.setenv("REPORTGEN_NO_CACHE", "1")
    _fresh_process_bases(monkeypatch)
    uncached = writer.render(sample)
    assert not list(tmp_path.rglob("*.bin"))

    monkeypatch.delenv("REPORTGEN_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _fresh_process_bases(monkeypatch)
    assert writer.render(sample) == uncached
    [entry] = tmp_path.rglob("docx-base/*.bin")
    _fresh_process_bases(monkeypatch)
    assert writer.render(sample) == uncached  # from the cache entry

    for damaged in (b"", b"not marshal data", entry.read_bytes()[:100]):
        entry.write_bytes(damaged)
        _fresh_process_bases(monkeypatch)
        assert writer.render(sample) == uncached
    assert len(entry.read_bytes()) > 100  # made again, whole


def test_a_reference_document_is_never_cached_on_disk(tmp_path, monkeypatch):
    from conftest import docx_sample_document

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _fresh_process_bases(monkeypatch)
    reference = tmp_path / "单位模板.docx"
    docx.Document().save(reference)
    writer.render(docx_sample_document(), reference=reference)
    assert not list((tmp_path / "cache").rglob("*.bin"))


def test_the_writer_loads_no_network_modules():
    """The body is written as XML text; its escaping must not come from xml.sax.saxutils, whose import
    loads urllib.request, http.client and ssl (~50 ms of every build's start-up)."""
    code = "import sys, reportgen.writers.docx; print(sorted(m for m in ('urllib.request', 'http.client', 'ssl') if m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert found.stdout.strip() == "[]"
