"""Located, Chinese error messages for user input.

Every reader produces plain data plus a map from field path to source location (YAML line and
column, or workbook sheet and cell). Pydantic's errors and the report rules both name a field path;
this module turns them into ``文件:行:列 字段路径：说明`` lines an office worker can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from pydantic import ValidationError

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Location:
    """Where a value came from: ``line``/``column`` for text files, ``cell`` (``表名!B7``) for workbooks."""

    file: str
    line: int | None = None
    column: int | None = None
    cell: str | None = None

    def __str__(self) -> str:
        if self.cell:
            return f"{self.file} {self.cell}"
        if self.line is not None:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return self.file


@dataclass(frozen=True)
class Finding:
    location: Location
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.location} {self.path}" if self.path else str(self.location)
        prefix = "提示：" if self.severity == "warning" else ""
        return f"{where}：{prefix}{self.message}"


class InputError(Exception):
    """Raised when input cannot be turned into a valid report; carries every finding at once."""

    def __init__(self, findings: Iterable[Finding]):
        self.findings = list(findings)
        super().__init__("\n".join(str(f) for f in self.findings))


@dataclass
class SourceMap:
    """Field path → location, filled by a reader while it parses."""

    file: str
    locations: dict[Path, Location] = field(default_factory=dict)
    #: What the reader itself found while reading: cells it could not read (errors, listed together
    #: with the validation errors) and what it left out on purpose (warnings: a sheet it did not
    #: recognise, a 合计 row), so nothing is left out in silence.
    found: list[Finding] = field(default_factory=list)

    def locate(self, path: Path) -> Location:
        """The location of ``path``, or of its nearest recorded ancestor (a missing field has none)."""
        for end in range(len(path), -1, -1):
            found = self.recorded(tuple(path[:end]))
            if found:
                return found
        return Location(self.file)

    def recorded(self, path: Path) -> Location | None:
        """The location recorded for exactly ``path``; a reader that records lazily makes it here."""
        return self.locations.get(path)

    def states(self, path: Path) -> bool:
        """Whether the file itself gives this field (a default it leaves out is not located)."""
        return tuple(path) in self.locations

    def finding(self, path: Path, message: str, severity: str = "error") -> Finding:
        return Finding(self.locate(path), format_path(path), message, severity)


def format_path(path: Path) -> str:
    """``('activities', 3, 'date')`` → ``activities[3].date`` (zero-based, like the YAML list)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


_EXPECTED = {
    "string_type": "应填写文字",
    "string_unicode": "含有无法识别的字符：请删除后重新输入",
    "int_type": "应填写整数",
    "int_parsing": "应填写整数，如 12",
    "int_from_float": "应填写整数，不能带小数",
    "float_type": "应填写数字",
    "float_parsing": "应填写数字，如 12 或 3.5",
    "decimal_type": "应填写数字，如 12 或 3.5",
    "decimal_parsing": "应填写数字，如 12 或 3.5",
    "finite_number": "应填写一个有限的数字",
    "bool_type": "应填写 true 或 false",
    "bool_parsing": "应填写 true 或 false",
    "date_type": "日期应写成 2024-06-05",
    "date_parsing": "日期应写成 2024-06-05",
    "date_from_datetime_parsing": "日期应写成 2024-06-05",
    "date_from_datetime_inexact": "日期应写成 2024-06-05，不带时间",
    "partial_date_parsing": "日期应写成 2024-06-05；只知道月份写 2024-08，只知道年份写 2023",  # dates.When
    "list_type": "应填写一个列表（每项以“- ”开头）",
    "dict_type": "应填写若干“字段: 值”",
    "model_type": "应填写若干“字段: 值”",
    "model_attributes_type": "应填写若干“字段: 值”",
    "missing": "缺少必填项：请补上",
    "extra_forbidden": "不认识的字段：请检查拼写，或删除这一行",
}


#: The model's few English vocabulary words as every message shows them (the workbook's dropdowns
#: show the same words, see ``workbook_layout.DISPLAY``).
_SHOWN = {"exact": "精确值", "none": "无", "auto": "自动"}


def summary(findings: Iterable[Finding]) -> str:
    """The closing line every command prints after a list of findings: errors counted, notices apart."""
    findings = list(findings)
    errors = sum(1 for f in findings if f.severity == "error")
    notes = len(findings) - errors
    extra = f"（另有 {notes} 条提示）" if notes else ""
    return f"共 {errors} 处问题{extra}，请修改后重试。"


def _bound(value: Any) -> str:
    """A limit as users write numbers: 1000000000000, not 1E+12."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        text = format(Decimal(str(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in ("placeholder", "invisible_char", "report_rule", "empty_group"):
        return error["msg"]
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", "、").replace(", ", "、")
        shown = "、".join(_SHOWN.get(word, word) for word in expected.split("、"))
        return f"取值应为以下之一：{shown}"
    if kind == "string_too_short":
        return "不能为空：请填写内容，或删除这一项"
    if kind == "string_too_long":
        return f"太长了：最多 {ctx.get('max_length')} 个字"
    if kind == "string_pattern_mismatch":
        return "代号只能以字母开头，由字母、数字、下划线组成（如 p1）；表格中可以不填，程序会自动编号"
    if kind == "too_long":
        if isinstance(error.get("input"), str):  # a second length limit on text (e.g. a unit of measure)
            return f"太长了：最多 {ctx.get('max_length')} 个字"
        return f"条目太多：最多 {ctx.get('max_length')} 项"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {_bound(ctx.get('ge', ctx.get('gt')))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {_bound(ctx.get('le', ctx.get('lt')))}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return _EXPECTED.get(kind, f"填写有误（{error['msg']}）")


def findings_from_validation(exc: ValidationError, source: SourceMap) -> list[Finding]:
    findings = []
    for error in exc.errors(include_url=False):
        path = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
        message = _message(error)
        if error["type"] == "extra_forbidden":
            from .field_hint import suggestion  # only on this error: it walks the model

            hint = suggestion(path)
            if hint:
                message = f"不认识的字段：{hint}请改正字段名，或删除这一行"
        elif error["type"] in ("int_parsing", "decimal_parsing", "float_parsing") and not source.file.endswith(".xlsx"):
            # a workbook cell takes 100多人 whole (loaders.amounts); the hint names YAML keys
            from .field_hint import figure_hint

            hint = figure_hint(path, error.get("input"))
            if hint:
                message = f"{message}；{hint}"
        findings.append(source.finding(path, message))
    return findings
