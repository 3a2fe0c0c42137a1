"""Readers: input files → a validated Report, or an InputError listing every located problem."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError

from .. import rules
from ..errors import Finding, InputError, Location, SourceMap, findings_from_validation
from ..inputfile import check
from ..model import Report

YAML_SUFFIXES = (".yaml", ".yml")
XLSX_SUFFIXES = (".xlsx",)


def read_data(path: Path) -> tuple[dict, SourceMap]:
    """Plain data and its source map, by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        from .yaml_loader import load_yaml

        return load_yaml(path)
    if suffix in XLSX_SUFFIXES:
        from .xlsx_loader import load_xlsx

        return load_xlsx(path)
    if suffix in (".xlsm", ".xls", ".xltm"):
        raise InputError([Finding(Location(str(path)), "", f"不支持 {suffix} 文件（可能含宏或为旧格式）：请在 Excel 中另存为 .xlsx 后再试")])
    raise InputError([Finding(Location(str(path)), "", "只能读取 .yaml/.yml 或 .xlsx 文件：请检查文件名")])


def validate_data(data: dict, source: SourceMap) -> tuple[Report, list[Finding]]:
    """Data → Report. Raises InputError with all errors; returns warnings alongside the report."""
    read_errors = [f for f in source.found if f.severity == "error"]
    notices = [f for f in source.found if f.severity != "error"]
    try:
        report = Report.model_validate(data)
    except ValidationError as exc:
        seen = {f.location for f in read_errors}  # a cell the reader already explained is not reported twice
        found = [f for f in findings_from_validation(exc, source) if f.location not in seen]
        raise InputError(read_errors + found + notices) from None
    if read_errors:
        raise InputError(read_errors + notices)
    found = [source.finding(path, message, severity) for path, message, severity in rules.check(report)]
    errors = [f for f in found if f.severity == "error"]
    if errors:
        raise InputError(errors + notices)
    return report, notices + found


class Loaded(NamedTuple):
    """A validated report with its warnings and the source map that lets the text cite its lines."""

    report: Report
    warnings: list[Finding]
    source: SourceMap


def load_report(path: Path) -> tuple[Report, list[Finding]]:
    """Read and validate one input file. Raises InputError; returns (report, warnings)."""
    loaded = load(path)
    return loaded.report, loaded.warnings


def load(path: Path) -> Loaded:
    """Read and validate one input file, keeping its source map. Raises InputError."""
    check(path, "数据文件")
    data, source = read_data(path)
    report, warnings = validate_data(data, source)
    return Loaded(report, warnings, source)
