"""The library API: input file → validated Report → Document → output files.

Everything is rendered in memory first and only then written, each file atomically, so a failed run
touches no output file.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import lint
from .atomic import write_all
from .compose import Pack, compose, load_pack
from .document import Document
from .errors import Finding, InputError, Location, SourceMap
from .loaders import load
from .model import Report


@dataclass
class Options:
    """How to build: template overrides, Word style settings, which extra outputs."""

    templates: Path | None = None
    reference_docx: Path | None = None
    style: Path | None = None
    formats: tuple[str, ...] = ("docx", "xlsx", "md")
    pdf: bool = False


@dataclass
class Result:
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)


def build_document(report: Report, templates: Path | None = None, pack: Pack | None = None, source: SourceMap | None = None) -> Document:
    """Compose and lint; raises lint.LintError when the text would not pass a reviewer.

    ``source`` (the loader's source map) lets every sentence cite its file and line.
    """
    document = compose(report, templates, pack, source)
    lint.ensure_clean(document)
    return document


def render_outputs(report: Report, document: Document, options: Options) -> dict[str, bytes]:
    """Every requested format as bytes, keyed by suffix. Writers are imported only when used."""
    outputs: dict[str, bytes] = {}
    if "md" in options.formats:
        from .writers import markdown

        outputs["md"] = markdown.render(document).encode("utf-8")
    if "docx" in options.formats:
        from .loaders.style_loader import load as load_style
        from .writers import docx as docx_writer

        outputs["docx"] = docx_writer.render(document, style=load_style(options.style), reference=options.reference_docx)
    if "xlsx" in options.formats:
        outputs["xlsx"] = render_workbook(report, document)
    return outputs


def render_workbook(report: Report, document: Document | None = None) -> bytes:
    """The unit workbook (with the 文字依据 sheet when the composed document is given)."""
    from .unit_book import build as describe
    from .writers.xlsx import render_book

    return render_book(describe(report, document))


def fill_in_workbook(unit_type: str = "社区") -> bytes:
    """The blank form of ``reportgen init --xlsx``."""
    from .unit_book import form
    from .writers.xlsx import render_book

    return render_book(form(unit_type))


def reference_warnings(options: Options) -> list[Finding]:
    """What was removed from the reference Word file (external links), for the user to know."""
    if options.reference_docx is None or "docx" not in options.formats:
        return []
    from .writers.reference import load as load_reference

    return load_reference(options.reference_docx).warnings(options.reference_docx)


_OS_REASONS = {
    errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "磁盘配额已用完", errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限", errno.EROFS: "文件夹所在的磁盘是只读的", errno.EISDIR: "同名的文件夹已存在",
    errno.ENOTDIR: "路径中有一部分是文件而不是文件夹", errno.ENOENT: "文件夹不存在", errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用", errno.ENAMETOOLONG: "文件名太长",
    errno.EEXIST: "同名的文件或失效的快捷方式已存在", errno.ELOOP: "路径中的快捷方式（符号链接）形成了循环",
    errno.EIO: "磁盘读写出错", errno.EMLINK: "文件夹中的文件太多",
}


def os_reason(exc: OSError) -> str:
    """A Chinese reason for a failed write, with the system's own words as a fallback."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def check_targets(source: Path, targets: Iterable[Path]) -> None:
    """Refuse an output that would overwrite the input (through any link). ``realpath`` rather than
    ``Path.resolve``, which raises on a looping link: such an output path is the user's to fix."""
    real = os.path.realpath(source)
    for target in targets:
        if os.path.realpath(target) == real:
            raise InputError([Finding(Location(str(source)), "", f"输出文件 {target} 会覆盖输入文件：请换一个输出文件夹（-o）")])


def make_outdir(outdir: Path) -> None:
    """Create the output folder (and its parents); a located message when that cannot be done."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError([Finding(Location(str(outdir)), "", "这里已有同名的文件（或失效的快捷方式），不是文件夹：请给 -o 指定一个文件夹")]) from None
    except OSError as exc:
        raise InputError([Finding(Location(str(outdir)), "", f"无法创建输出文件夹：{os_reason(exc)}")]) from None


def output_paths(source: Path, outdir: Path, formats: tuple[str, ...]) -> dict[str, Path]:
    return {suffix: outdir / f"{source.stem}.{suffix}" for suffix in formats}


def write_outputs(outdir: Path, files: dict[Path, bytes]) -> None:
    """Create ``outdir`` and write all ``files`` in one atomic step; a located message when that fails."""
    make_outdir(outdir)
    try:
        write_all(files)
    except OSError as exc:
        where = exc.filename if isinstance(exc.filename, str) and not Path(exc.filename).name.startswith(".") else str(outdir)
        raise InputError([Finding(Location(where), "", f"无法写入：{os_reason(exc)}（请检查文件夹权限、磁盘空间，或关闭正在打开它的 Word/Excel）")]) from None


def build(source: Path, outdir: Path, options: Options | None = None, pack: Pack | None = None,
          loaded: tuple[Report, list[Finding], SourceMap] | None = None) -> Result:
    """Build one input file into ``outdir``; raises InputError, TemplateError or LintError.

    The one way to build a file: the CLI, batch and the web page all call it. ``loaded`` is
    ``loaders.load(source)`` when the caller has already loaded it (batch summarises the unit first).
    """
    options = options or Options()
    report, warnings, source_map = loaded or load(source)
    targets = output_paths(source, outdir, options.formats)
    check_targets(source, targets.values())
    if options.pdf:  # say LibreOffice is missing before any file is written, not after
        from .writers import pdf

        pdf.require(source)
    document = build_document(report, options.templates, pack or load_pack(options.templates), source_map)
    rendered = render_outputs(report, document, options)
    result = Result(warnings=warnings + reference_warnings(options))
    write_outputs(outdir, {targets[suffix]: data for suffix, data in rendered.items()})
    result.outputs.extend(targets[suffix] for suffix in rendered)
    if options.pdf and "docx" in rendered:
        result.outputs.append(pdf.convert(targets["docx"]))
    return result
