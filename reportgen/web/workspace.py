"""The working folder: which input files it holds, what each one is, and where its outputs go.

File names arriving from the browser are names, never paths: ``resolve`` refuses anything that is
not a plain file name in the folder itself (no separators, no ``..``, no hidden files, no link that
leads outside), so no page can read or write beyond the folder the user chose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .. import periods
from ..errors import InputError
from ..loaders import load, read_data
from ..loaders.xlsx_loader import MAX_FILE_BYTES
from ..loaders.yaml_loader import MAX_BYTES
from ..model import Period

INPUT_SUFFIXES = (".yaml", ".yml", ".xlsx")
OUTPUT_FOLDER = "生成结果"
#: Upload limits: the same sizes the readers accept from the command line.
UPLOAD_LIMITS = {".yaml": MAX_BYTES, ".yml": MAX_BYTES, ".xlsx": MAX_FILE_BYTES}
DOWNLOADS = {"docx": "Word 文档", "pdf": "PDF", "xlsx": "指标工作簿（Excel）", "md": "文本预览（Markdown）"}


class BadName(ValueError):
    """A file name from the browser that does not name an input file in the folder."""


def resolve(folder: Path, name: str, must_exist: bool = True) -> Path:
    """``name`` as a path in ``folder``; raises BadName (with a Chinese reason) for anything else."""
    if not name or name != Path(name).name or "/" in name or "\\" in name or "\x00" in name:
        raise BadName("文件名不能包含路径")
    if name.startswith((".", "~$")) or name in (".", ".."):
        raise BadName("文件名不能以“.”或“~$”开头")
    if Path(name).suffix.lower() not in INPUT_SUFFIXES:
        raise BadName("只能是 .yaml、.yml 或 .xlsx 文件")
    if len(name.encode("utf-8")) > 200:
        raise BadName("文件名太长")
    path = folder / name
    if path.is_symlink() or (path.exists() and path.resolve().parent != folder.resolve()):
        raise BadName("这个文件指向文件夹以外的位置，不能打开")
    if must_exist and not path.is_file():
        raise BadName(f"文件夹中没有“{name}”")
    return path


def output_folder(folder: Path) -> Path:
    return folder / OUTPUT_FOLDER


def output_file(folder: Path, name: str, suffix: str) -> Path | None:
    """A built output of input ``name`` (already resolved) if it exists; None otherwise."""
    if suffix not in DOWNLOADS:
        return None
    path = output_folder(folder) / f"{Path(name).stem}.{suffix}"
    return path if path.is_file() else None


@dataclass
class Entry:
    """One input file as the 单位列表 shows it."""

    name: str
    unit: str
    period: str
    problems: int
    built: dt.datetime | None
    stale: bool

    @property
    def is_yaml(self) -> bool:
        return Path(self.name).suffix.lower() in (".yaml", ".yml")

    @property
    def status(self) -> str:
        if self.problems:
            return f"{self.problems} 个问题"
        if self.built and not self.stale:
            return "已生成"
        return "通过"


def period_text(period: dict | object) -> str:
    """``2024年上半年``, from validated or raw period data; a valid period is named as the report names it."""
    try:
        return periods.words(period if isinstance(period, Period) else Period.model_validate(period)).name
    except (ValidationError, TypeError, ValueError):
        pass  # a half-typed form: name what there is
    get = period.get if isinstance(period, dict) else lambda key: getattr(period, key, None)
    year, kind = get("year"), get("type") or "全年"
    if year is None:
        return ""
    if kind == "季度" and get("quarter"):
        return f"{year}年第{get('quarter')}季度"
    if kind == "月度" and get("month"):
        return f"{year}年{get('month')}月"
    return f"{year}年{kind}"


def inputs(folder: Path) -> list[Path]:
    """The input files directly in the folder, by name (outputs live in a subfolder, never here)."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.is_symlink() and p.suffix.lower() in INPUT_SUFFIXES
                  and not p.name.startswith((".", "~$")))


def entry(folder: Path, path: Path) -> Entry:
    docx = output_folder(folder) / f"{path.stem}.docx"
    built = dt.datetime.fromtimestamp(docx.stat().st_mtime) if docx.is_file() else None
    stale = bool(built) and docx.stat().st_mtime < path.stat().st_mtime
    try:
        loaded = load(path)
    except InputError as exc:
        unit, period = _raw_names(path)
        return Entry(path.name, unit, period, max(1, len(exc.findings)), built, stale)
    report = loaded.report
    return Entry(path.name, report.unit.name, period_text(report.period), 0, built, stale)


def _raw_names(path: Path) -> tuple[str, str]:
    """Unit and period of a file that does not validate, as far as it can be read."""
    try:
        data, _ = read_data(path)
    except InputError:
        return "", ""
    unit = data.get("unit") if isinstance(data, dict) else None
    period = data.get("period") if isinstance(data, dict) else None
    name = unit.get("name") if isinstance(unit, dict) else None
    return (str(name) if name else ""), (period_text(period) if isinstance(period, dict) else "")


def entries(folder: Path) -> list[Entry]:
    return [entry(folder, path) for path in inputs(folder)]
