"""A unit's ``--reference-docx``, read as the hostile input it may be.

Only the page setup, footers and styles of a reference file are wanted. Anything in it that points
outside the file — an attached template on a web server or a UNC share, a hyperlink, a linked
(not embedded) picture, an INCLUDEPICTURE or LINK field — would travel into every report built with
it, and Word or LibreOffice would fetch it when the report is opened or converted (which also tells
the other end who opened it, and on Windows sends the user's credentials to a UNC host). Every
external relationship is removed here, with whatever points at it, and the build says so.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import Finding, InputError, Location
from ..inputfile import read_bytes
from .deterministic_zip import write_parts

#: A reference Word file is user input too: bounded before it is inflated (a 1.5 MB file whose
#: styles.xml inflates to 1.5 GB took 3 GB of memory and ended in an internal error).
MAX_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ENTRIES = 2000

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: Elements that mean nothing once their relationship is gone (the rest only lose the attribute).
_DROP_WHOLE = {f"{{{_W}}}attachedTemplate", f"{{{_W}}}subDoc", f"{{{_W}}}altChunk", f"{{{_W}}}dataSource",
               f"{{{_W}}}headerSource", f"{{{_W}}}src", f"{{{_W}}}recipientData"}
#: Field instructions that fetch something from outside the file when fields are updated.
_FETCHING_FIELD = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|HYPERLINK|IMPORT|RD)\b", re.I)
_O_HREF = "{urn:schemas-microsoft-com:office:office}href"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)

_KINDS = {
    "attachedTemplate": "附加模板", "hyperlink": "超链接", "image": "链接的图片", "oleObject": "链接的对象",
    "subDocument": "子文档", "frame": "框架", "mailMergeSource": "邮件合并数据源",
}


@dataclass(frozen=True)
class Reference:
    """The reference file's bytes with nothing external left, and what was removed (for the warning)."""

    data: bytes
    removed: tuple[str, ...] = ()

    def warnings(self, path: Path) -> list[Finding]:
        if not self.removed:
            return []
        shown = "；".join(self.removed[:3]) + ("……" if len(self.removed) > 3 else "")
        return [Finding(Location(str(path)), "", f"参考 Word 文件中有 {len(self.removed)} 处指向外部的链接（{shown}），"
                        "已从输出中删除，生成的文件不会访问外部地址", "warning")]


def _fail(path: Path, message: str) -> InputError:
    return InputError([Finding(Location(str(path)), "", message)])


_cache: dict[tuple, Reference] = {}


def load(path: Path) -> Reference:
    """Read, bound and clean ``path``; the last result is kept (a batch asks once per unit)."""
    data = read_bytes(path, "参考 Word 文件", MAX_BYTES)
    key = (str(path), len(data), hash(data))
    if key not in _cache:
        _cache.clear()
        _cache[key] = _clean(path, data)
    return _cache[key]


def _clean(path: Path, data: bytes) -> Reference:
    invalid = "不是有效的 Word 文件（.docx 或 .dotx）：请在 Word 中另存为 .docx 后再指定"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED:
                raise _fail(path, "参考 Word 文件解压后过大或内部文件过多：可能是异常文件，请在 Word 中另存一份精简的 .docx 后再指定")
            parts = {e.filename: archive.read(e) for e in entries}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, EOFError, OSError, NotImplementedError):
        raise _fail(path, invalid) from None
    removed: list[str] = []
    try:
        for name in [n for n in parts if n.endswith(".rels")]:
            gone = _drop_external(parts, name, removed)
            source = _source_part(name)
            if gone and source in parts:
                parts[source] = _drop_references(parts[source], gone)
        for name in [n for n in parts if n.startswith("word/") and n.endswith(".xml") and "/_rels/" not in n]:
            if any(marker in parts[name] for marker in (b"instrText", b"fldSimple", b"href")):
                parts[name] = _drop_inline_links(parts[name], name, removed)
    except etree.LxmlError:
        raise _fail(path, "参考 Word 文件内部的 XML 已损坏：请在 Word 中打开后另存为 .docx 再指定") from None
    if not removed:
        return Reference(data)
    return Reference(write_parts(parts), tuple(removed))


def _source_part(rels_name: str) -> str:
    """``word/_rels/settings.xml.rels`` → ``word/settings.xml`` (the part whose links it lists)."""
    folder, file = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), file[: -len(".rels")])


def _drop_external(parts: dict[str, bytes], name: str, removed: list[str]) -> set[str]:
    root = etree.fromstring(parts[name], _PARSER)
    gone: set[str] = set()
    for rel in list(root):
        if rel.get("TargetMode") == "External":
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            removed.append(f"{_KINDS.get(kind, kind or '链接')} {rel.get('Target', '')[:80]}")
            gone.add(rel.get("Id", ""))
            root.remove(rel)
    if gone:
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return gone


def _drop_references(content: bytes, gone: set[str]) -> bytes:
    """Remove what points at a removed relationship: the element when it means nothing without it
    (an attached template), else only the attribute (a hyperlink keeps its text)."""
    root = etree.fromstring(content, _PARSER)
    for element in list(root.iter()):
        for attribute, value in list(element.attrib.items()):
            if attribute.startswith(f"{{{_R}}}") and value in gone:
                parent = element.getparent()
                if element.tag in _DROP_WHOLE and parent is not None:
                    parent.remove(element)
                    break
                del element.attrib[attribute]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_inline_links(content: bytes, name: str, removed: list[str]) -> bytes:
    """Blank the instructions of fields that fetch from outside (the field's shown result stays) and
    drop VML pictures' ``o:href`` source addresses. A field's instruction may be split over several
    runs, so the pieces between its begin and separate marks are read together."""
    root = etree.fromstring(content, _PARSER)
    changed = False
    groups: list[list] = []
    for element in root.iter(f"{{{_W}}}fldChar", f"{{{_W}}}instrText"):
        if element.tag.endswith("}fldChar"):
            kind = element.get(f"{{{_W}}}fldCharType")
            if kind == "begin":
                groups.append([])
            elif groups and kind in ("separate", "end"):
                groups.append([])  # later instrText belongs to no open field until the next begin
        elif groups:
            groups[-1].append(element)
    for group in groups:
        instruction = "".join(e.text or "" for e in group)
        if _FETCHING_FIELD.match(instruction):
            removed.append(f"域代码 {instruction.strip()[:80]}（{name}）")
            for element in group:
                element.text = ""
            changed = True
    for element in root.iter(f"{{{_W}}}fldSimple"):
        instr = element.get(f"{{{_W}}}instr", "")
        if _FETCHING_FIELD.match(instr):
            removed.append(f"域代码 {instr.strip()[:80]}（{name}）")
            element.set(f"{{{_W}}}instr", "")
            changed = True
    for element in root.iter():
        address = element.get(_O_HREF)
        if address:
            removed.append(f"链接的图片 {address[:80]}")
            del element.attrib[_O_HREF]
            changed = True
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if changed else content
