"""A hand-made .docx read into paragraphs and tables with their *effective* formatting.

Word shows a paragraph in the formatting that wins down the chain run → character style →
paragraph style (and its basedOn ancestors) → document defaults; a checker that looked only at
direct formatting would call a document right whose 正文 style says 宋体. So every property is
resolved through that chain here, once, and the other modules see plain values.

The file is user input and may be hostile: only regular files, bounded in size, zip entries and
inflated size before python-docx opens it (whose XML parser does not resolve entities, so no XXE),
and Word's automatic numbering is recomputed so the numbers the reader sees are the ones printed.
"""

from __future__ import annotations

import io
import re
import stat
import subprocess
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Finding, InputError, Location
from ..writers.reference import MAX_BYTES, MAX_ENTRIES, MAX_UNCOMPRESSED  # any .docx is bounded alike
from ..writers import pdf
from .. import zh

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: More paragraphs than any summary has; beyond it the file is not a summary and reading stops.
MAX_PARAGRAPHS = 20_000
#: What a run's font is called when Word takes it from the theme (等线 or 宋体 in a Chinese Word).
THEME = "主题字体（文件未指定中文字体）"
#: Old binary formats LibreOffice can turn into .docx.
CONVERTIBLE = {".doc", ".wps", ".rtf", ".odt"}


@dataclass
class Run:
    text: str
    font: str          # effective East Asian font ("" when unknown, "主题字体" for a theme font)
    size: float | None  # points
    bold: bool
    color: str = ""


@dataclass
class Para:
    """One paragraph as Word draws it. ``number`` counts paragraphs with text (第N段)."""

    number: int
    text: str
    runs: list[Run]
    align: str = "left"          # left / center / right / both / distribute
    first_line: int = 0          # twips (a hanging indent is negative)
    first_line_chars: float | None = None
    left: int = 0
    right: int = 0
    line: int | None = None      # twips when line_rule is exact/atLeast, 240ths of a line when auto
    line_rule: str = "auto"
    before: int = 0
    after: int = 0
    auto_number: str = ""        # the number Word's list numbering prints before the text
    page_break_before: bool = False
    blank_before: int = 0        # empty paragraphs right before this one

    @property
    def full_text(self) -> str:
        """The text as printed, Word's automatic number included."""
        return self.auto_number + self.text

    @property
    def font(self) -> str:
        return self._dominant(lambda r: r.font)

    @property
    def size(self) -> float | None:
        return self._dominant(lambda r: r.size)

    def fonts(self) -> set[str]:
        """East Asian fonts of runs that hold 汉字 (a Latin run may rightly use another font)."""
        return {r.font for r in self.runs if re.search(r"[\u3400-\u9fff]", r.text)}

    def _dominant(self, key):  # noqa: ANN001, ANN202 — the value that covers most characters
        weights: Counter = Counter()
        for run in self.runs:
            weights[key(run)] += len(run.text.strip())
        return weights.most_common(1)[0][0] if weights else None


@dataclass
class TableBlock:
    number: int                  # 第N个表格
    rows: list[list[str]]
    after_paragraph: int         # the 第N段 it follows (0 = before any text)


@dataclass
class Footer:
    kind: str                    # default (odd pages when odd/even differ) / even
    text: str
    has_page_field: bool
    align: str


@dataclass
class Section:
    width: int
    height: int
    top: int
    bottom: int
    left: int
    right: int
    footers: list[Footer]


@dataclass
class Docx:
    path: Path
    blocks: list[Para | TableBlock] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    odd_even: bool = False

    @property
    def paragraphs(self) -> list[Para]:
        return [b for b in self.blocks if isinstance(b, Para)]

    @property
    def tables(self) -> list[TableBlock]:
        return [b for b in self.blocks if isinstance(b, TableBlock)]


def _fail(path: Path, message: str) -> InputError:
    return InputError([Finding(Location(str(path)), "", message)])


# ---------------------------------------------------------------- opening safely


def read_bytes(path: Path) -> bytes:
    """The file's bytes if it is a regular file of sane size; a FIFO or device would block or never end."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _fail(path, "文件不存在：请检查文件名和路径") from None
    except OSError as exc:
        raise _fail(path, f"无法读取文件：{exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise _fail(path, "不是普通文件（可能是文件夹或设备）：请指定一个 .docx 文件")
    if info.st_size > MAX_BYTES:
        raise _fail(path, f"文件太大：不能超过 {MAX_BYTES // 1024 // 1024} MB，请删除其中的大图片后再检查")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"无法读取文件：{exc.strerror or exc}") from None


def converted(path: Path, work: Path) -> Path:
    """A .doc/.wps file converted to .docx by LibreOffice in ``work``; a clear message without it."""
    program = pdf.soffice()
    if program is None:
        raise _fail(path, "检查 .doc/.wps 文件需要 LibreOffice（soffice 命令）把它转成 .docx，但本机未安装："
                          "请安装 LibreOffice，或在 Word/WPS 中另存为 .docx 后再检查")
    read_bytes(path)
    command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(path.resolve())]
    try:
        subprocess.run(command, env=pdf.render_environment(work), capture_output=True,
                       timeout=pdf.TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise _fail(path, "LibreOffice 转换超时：请在 Word/WPS 中另存为 .docx 后再检查") from None
    produced = work / "out" / f"{path.stem}.docx"
    if not produced.is_file():
        raise _fail(path, "LibreOffice 未能把文件转成 .docx（文件可能已损坏或有密码）：请在 Word/WPS 中另存为 .docx 后再检查")
    return produced


def open_docx(path: Path):  # noqa: ANN201 — a python-docx Document
    data = read_bytes(path)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _fail(path, "这是旧版 .doc/.wps 文件或设置了打开密码的文件：请把扩展名改对（.doc）后再检查，或在 Word/WPS 中另存为 .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _fail(path, "不是有效的 .docx 文件（文件可能已损坏，或只是改了扩展名）：请在 Word/WPS 中另存为 .docx 后再检查") from None
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED:
        raise _fail(path, "文件解压后过大或内部文件过多：可能是异常文件，请在 Word 中另存一份精简的 .docx 后再检查")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, AttributeError):
        raise _fail(path, "不是有效的 Word 文档（.docx）：可能是启用宏的文档或已损坏，请在 Word/WPS 中另存为 .docx 后再检查") from None


def read(path: Path) -> Docx:
    """Read ``path`` (.docx, or .doc/.wps through LibreOffice); raises InputError with a Chinese message."""
    if path.suffix.lower() in CONVERTIBLE:
        with tempfile.TemporaryDirectory(prefix="reportgen-check-") as temp:
            document = open_docx(converted(path, Path(temp)))
    else:
        document = open_docx(path)
    try:
        return _Reader(document, path).read()
    except InputError:
        raise
    except (ValueError, KeyError, AttributeError, TypeError, RecursionError):
        raise _fail(path, "文档结构异常，无法读取：请在 Word/WPS 中另存为 .docx 后再检查") from None


# ---------------------------------------------------------------- effective formatting


def _on(element) -> bool:  # noqa: ANN001 — a toggle property such as w:b
    return element is not None and element.get(W + "val", "true").lower() not in ("0", "false", "off", "none")


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


class _Styles:
    """Style id → properties, following basedOn to the root (cycles cut)."""

    def __init__(self, document) -> None:  # noqa: ANN001
        root = document.styles.element
        self.by_id = {s.get(W + "styleId"): s for s in root.iter(W + "style")}
        self.default_para = next((s.get(W + "styleId") for s in root.iter(W + "style")
                                  if s.get(W + "type") == "paragraph" and _on_attr(s.get(W + "default"))), None)
        defaults = root.find(f"{W}docDefaults")
        self.rpr_default = defaults.find(f"{W}rPrDefault/{W}rPr") if defaults is not None else None
        self.ppr_default = defaults.find(f"{W}pPrDefault/{W}pPr") if defaults is not None else None

    def chain(self, style_id: str | None) -> list:
        found, seen = [], set()
        while style_id and style_id in self.by_id and style_id not in seen and len(found) < 20:
            seen.add(style_id)
            style = self.by_id[style_id]
            found.append(style)
            based = style.find(f"{W}basedOn")
            style_id = based.get(W + "val") if based is not None else None
        return found

    def rprs(self, style_id: str | None) -> list:
        return [s.find(f"{W}rPr") for s in self.chain(style_id)]

    def pprs(self, style_id: str | None) -> list:
        return [s.find(f"{W}pPr") for s in self.chain(style_id)]


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


def _first(elements: list, path: str, attr: str | None = None):  # noqa: ANN202
    """The first element of ``path`` (with ``attr`` set, when given) down a property chain."""
    for element in elements:
        if element is None:
            continue
        found = element.find(path)
        if found is not None and (attr is None or found.get(W + attr) is not None):
            return found
    return None


_CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "ideographDigital", "japaneseCounting",
                    "chineseLegalSimplified", "taiwaneseCounting", "taiwaneseCountingThousand"}


class _Numbering:
    """Word's automatic list numbers, recomputed in document order (the text python-docx gives lacks them)."""

    def __init__(self, document) -> None:  # noqa: ANN001
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {a.get(W + "abstractNumId"): a for a in root.iter(W + "abstractNum")}
        for num in root.iter(W + "num"):
            ref = num.find(f"{W}abstractNumId")
            definition = abstract.get(ref.get(W + "val")) if ref is not None else None
            if definition is None:
                continue
            for lvl in definition.iter(W + "lvl"):
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                self.levels[(num.get(W + "numId"), _int(lvl.get(W + "ilvl")) or 0)] = (
                    fmt.get(W + "val", "decimal") if fmt is not None else "decimal",
                    text.get(W + "val", "") if text is not None else "",
                    _int(start.get(W + "val")) if start is not None else 1,
                )

    def label(self, num_id: str, level: int) -> str:
        """The printed number for the next paragraph of list ``num_id`` at ``level``."""
        counters = self.counters.setdefault(num_id, [0] * 9)
        level = max(0, min(level, 8))
        starts = [self.levels.get((num_id, i), ("decimal", "", 1))[2] or 1 for i in range(9)]
        counters[level] = counters[level] + 1 if counters[level] else starts[level]
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        fmt, text, _ = self.levels.get((num_id, level), ("decimal", f"%{level + 1}.", 1))
        if fmt in ("bullet", "none"):
            return ""

        def value(match: re.Match) -> str:
            i = int(match.group(1)) - 1
            n = counters[i] if 0 <= i < 9 and counters[i] else (starts[i] if 0 <= i < 9 else 1)
            kind = self.levels.get((num_id, i), (fmt,))[0]
            return zh.cn_int(n) if kind in _CHINESE_FORMATS else str(n)

        return re.sub(r"%([1-9])", value, text)


class _Reader:
    def __init__(self, document, path: Path) -> None:  # noqa: ANN001
        self.document = document
        self.path = path
        self.styles = _Styles(document)
        self.numbering = _Numbering(document)
        self.result = Docx(path)
        self.count = 0
        self.blank = 0

    def read(self) -> Docx:
        body = self.document.element.body
        self.walk(body)
        settings = self.document.settings.element
        self.result.odd_even = _on(settings.find(f"{W}evenAndOddHeaders"))
        for section in self.document.sections:
            self.result.sections.append(self.section(section))
        return self.result

    def walk(self, parent) -> None:  # noqa: ANN001
        for child in parent.iterchildren():
            if child.tag == W + "p":
                self.paragraph(child)
            elif child.tag == W + "tbl":
                self.table(child)
            elif child.tag in (W + "sdt", W + "customXml"):
                content = child.find(f"{W}sdtContent")
                self.walk(content if content is not None else child)
            if len(self.result.blocks) > MAX_PARAGRAPHS:
                raise _fail(self.path, f"段落过多（超过 {MAX_PARAGRAPHS} 段）：这不像一篇工作总结，已停止检查")

    def paragraph(self, p) -> None:  # noqa: ANN001
        ppr = p.find(f"{W}pPr")
        style = ppr.find(f"{W}pStyle") if ppr is not None else None
        style_id = style.get(W + "val") if style is not None else self.styles.default_para
        chain = [ppr] + self.styles.pprs(style_id) + [self.styles.ppr_default]
        text = _text(p)
        auto = self.auto_number(chain)
        if not text.strip() and not auto:
            self.blank += 1
            return
        self.count += 1
        para = Para(self.count, text.strip(), self.runs(p, style_id), blank_before=self.blank, auto_number=auto)
        self.blank = 0
        jc = _first(chain, f"{W}jc", "val")
        para.align = jc.get(W + "val") if jc is not None else "left"
        para.align = {"start": "left", "end": "right", "justify": "both"}.get(para.align, para.align)
        for attr in ("firstLine", "hanging", "left", "right", "start", "end", "firstLineChars", "hangingChars"):
            found = _first(chain, f"{W}ind", attr)
            if found is None:
                continue
            value = _int(found.get(W + attr)) or 0
            if attr == "firstLine":
                para.first_line = value
            elif attr == "hanging" and para.first_line == 0:
                para.first_line = -value
            elif attr in ("left", "start"):
                para.left = value
            elif attr in ("right", "end"):
                para.right = value
            elif attr == "firstLineChars":
                para.first_line_chars = value / 100
            elif attr == "hangingChars" and para.first_line_chars is None and value:
                para.first_line_chars = -value / 100
        line = _first(chain, f"{W}spacing", "line")
        if line is not None:
            para.line = _int(line.get(W + "line"))
            para.line_rule = line.get(W + "lineRule", "auto")
        for attr in ("before", "after"):
            found = _first(chain, f"{W}spacing", attr)
            setattr(para, attr, (_int(found.get(W + attr)) or 0) if found is not None else 0)
        para.page_break_before = _on(_first(chain, f"{W}pageBreakBefore"))
        self.result.blocks.append(para)

    def auto_number(self, chain: list) -> str:
        num_pr = _first(chain, f"{W}numPr")
        if num_pr is None:
            return ""
        num_id = num_pr.find(f"{W}numId")
        level = num_pr.find(f"{W}ilvl")
        if num_id is None or num_id.get(W + "val") in (None, "0"):
            return ""
        return self.numbering.label(num_id.get(W + "val"), _int(level.get(W + "val")) if level is not None else 0) or "•"

    def runs(self, p, style_id: str | None) -> list[Run]:  # noqa: ANN001
        para_rprs = self.styles.rprs(style_id) + [self.styles.rpr_default]
        found = []
        for r in p.iter(W + "r"):
            text = "".join(t.text or "" for t in r.iter(W + "t"))
            if not text:
                continue
            rpr = r.find(f"{W}rPr")
            rstyle = rpr.find(f"{W}rStyle") if rpr is not None else None
            chain = [rpr] + (self.styles.rprs(rstyle.get(W + "val")) if rstyle is not None else []) + para_rprs
            fonts = next((f for f in (_first(chain, f"{W}rFonts", a) for a in ("eastAsia", "eastAsiaTheme")) if f is not None), None)
            if fonts is None:
                font = ""
            elif fonts.get(W + "eastAsia") is not None:
                font = fonts.get(W + "eastAsia")
            else:
                font = THEME
            size = _first(chain, f"{W}sz", "val")
            color = _first(chain, f"{W}color", "val")
            found.append(Run(
                text, font,
                (_int(size.get(W + "val")) or 0) / 2 if size is not None else None,
                _on(_first(chain, f"{W}b")),
                color.get(W + "val") if color is not None else "",
            ))
        return found

    def table(self, tbl) -> None:  # noqa: ANN001
        rows = []
        for tr in tbl.iter(W + "tr"):
            cells = []
            for tc in tr.findall(f"{W}tc"):
                merge = tc.find(f"{W}tcPr/{W}vMerge")
                # line breaks in a cell only wrap it (the writer sets them to fit the column)
                text = "".join(_text(p) for p in tc.findall(f"{W}p")).replace("\n", "").strip()
                cells.append("" if merge is not None and merge.get(W + "val") != "restart" else text)
            rows.append(cells)
        number = len(self.result.tables) + 1
        self.result.blocks.append(TableBlock(number, rows, self.count))
        self.blank = 0

    def section(self, section) -> Section:  # noqa: ANN001
        footers = []
        for kind, footer in (("default", section.footer), ("even", section.even_page_footer)):
            if footer.is_linked_to_previous and kind == "even" and not self.result.odd_even:
                continue
            try:
                element = footer._element
            except Exception:  # noqa: BLE001 — python-docx raises on an absent footer part
                continue
            paragraphs = element.findall(f"{W}p")
            text = "".join(_text(p) for p in paragraphs)
            instr = "".join(e.text or "" for e in element.iter(W + "instrText")) + "".join(
                e.get(W + "instr", "") for e in element.iter(W + "fldSimple"))
            align = next((jc.get(W + "val") for p in paragraphs for jc in p.iter(W + "jc")), "")
            style_align = self._footer_style_align(paragraphs)
            footers.append(Footer(kind, text, "PAGE" in instr.upper(), align or style_align))
        size = section._sectPr.find(f"{W}pgSz")
        width, height = ((_int(size.get(W + "w")) or 0, _int(size.get(W + "h")) or 0) if size is not None else (0, 0))
        margins = (_twips(getattr(section, name)) for name in ("top_margin", "bottom_margin", "left_margin", "right_margin"))
        return Section(width, height, *margins, footers)

    def _footer_style_align(self, paragraphs: list) -> str:
        for p in paragraphs:
            style = p.find(f"{W}pPr/{W}pStyle")
            jc = _first(self.styles.pprs(style.get(W + "val") if style is not None else self.styles.default_para), f"{W}jc", "val")
            if jc is not None:
                return jc.get(W + "val")
        return "left"


def _text(p) -> str:  # noqa: ANN001 — a w:p element
    from docx.text.paragraph import Paragraph

    return Paragraph(p, None).text


def _twips(length) -> int:  # noqa: ANN001 — a python-docx Length or None
    return int(length.twips) if length is not None else 0
