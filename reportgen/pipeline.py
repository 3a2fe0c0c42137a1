"""The library API: input file → validated Report → Document → output files.

Everything is rendered in memory first and only then written, each file atomically, so a failed run
touches no output file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import lint
from .atomic import write_bytes
from .compose import Pack, compose, load_pack
from .document import Document
from .errors import Finding, InputError, Location
from .loaders import load_report
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


def build_document(report: Report, templates: Path | None = None, pack: Pack | None = None) -> Document:
    """Compose and lint; raises lint.LintError when the text would not pass a reviewer."""
    document = compose(report, templates, pack)
    lint.ensure_clean(document)
    return document


def render_outputs(report: Report, document: Document, options: Options) -> dict[str, bytes]:
    """Every requested format as bytes, keyed by suffix. Writers are imported only when used."""
    outputs: dict[str, bytes] = {}
    if "md" in options.formats:
        from .writers import markdown

        outputs["md"] = markdown.render(document).encode("utf-8")
    if "docx" in options.formats:
        from .writers import docx as docx_writer

        outputs["docx"] = docx_writer.render(document, style=options.style, reference=options.reference_docx)
    if "xlsx" in options.formats:
        from .writers import xlsx as xlsx_writer

        outputs["xlsx"] = xlsx_writer.render(report)
    return outputs


def output_paths(source: Path, outdir: Path, formats: tuple[str, ...]) -> dict[str, Path]:
    return {suffix: outdir / f"{source.stem}.{suffix}" for suffix in formats}


def build(source: Path, outdir: Path, options: Options | None = None, pack: Pack | None = None) -> Result:
    """Build one input file into ``outdir``; raises InputError, TemplateError or LintError."""
    options = options or Options()
    report, warnings = load_report(source)
    targets = output_paths(source, outdir, options.formats)
    for target in targets.values():
        if target.resolve() == source.resolve():
            raise InputError([Finding(Location(str(source)), "", f"输出文件 {target} 会覆盖输入文件：请换一个输出文件夹（-o）")])
    if options.pdf:  # say LibreOffice is missing before any file is written, not after
        from .writers import pdf

        pdf.require(source)
    document = build_document(report, options.templates, pack or load_pack(options.templates))
    rendered = render_outputs(report, document, options)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError([Finding(Location(str(outdir)), "", f"无法创建输出文件夹：{exc.strerror or exc}")]) from None
    result = Result(warnings=warnings)
    for suffix, data in rendered.items():
        target = targets[suffix]
        try:
            write_bytes(target, data)
        except OSError as exc:
            raise InputError([Finding(Location(str(target)), "", f"无法写入：{exc.strerror or exc}（请检查文件夹权限、磁盘空间，或关闭正在打开它的 Word/Excel）")]) from None
        result.outputs.append(target)
    if options.pdf and "docx" in rendered:
        result.outputs.append(pdf.convert(targets["docx"]))
    return result
