"""Derived figures, computed once and shared by the prose, the attachment table and the workbook.

If the Word document and the Excel sheet each computed a completion rate, they could disagree; here
there is one function per figure and both writers call it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import zh
from .document import Column, Table
from .model import Activity, Metric, Report


@dataclass(frozen=True)
class IndicatorRow:
    """One row of the 指标完成情况表; ``depth`` 1 marks a 其中 sub-row."""

    number: str
    theme: str
    label: str
    unit: str
    value: Decimal
    target: Decimal | None
    completion: Decimal | None
    previous: Decimal | None
    change: Decimal | None
    met: bool | None
    owner: str
    evidence: str
    note: str
    depth: int = 0

    in_points: bool = False

    @property
    def change_text(self) -> str:
        """“+12.5%” or “+3.5个百分点”, the same wording the prose uses."""
        if self.change is None:
            return ""
        sign = "+" if self.change > 0 else ""
        return f"{sign}{zh.plain_number(self.change, 1)}" + ("个百分点" if self.in_points else "%")

    @property
    def status(self) -> str:
        return "" if self.met is None else ("达标" if self.met else "未达标")


def indicator_rows(report: Report) -> list[IndicatorRow]:
    rows = []
    for i, metric in enumerate(report.metrics, 1):
        rows.append(
            IndicatorRow(
                str(i), metric.theme, metric.label, metric.unit, metric.value, metric.target,
                metric.completion, metric.previous, metric.change, metric.met,
                metric.owner or "", metric.evidence or "", metric.note or "", in_points=metric.in_points,
            )
        )
        for part in metric.parts:
            rows.append(
                IndicatorRow("", metric.theme, part.label, metric.unit, part.value, None, None, None, None, None,
                             "", "", "", depth=1)
            )
    return rows


def indicator_table(report: Report) -> Table:
    columns = (
        Column("序号"), Column("类别"), Column("指标名称"), Column("单位"),
        Column("目标值", True), Column("完成值", True), Column("完成率", True), Column("同比", True),
    )
    rows = []
    indicators = indicator_rows(report)
    for row in indicators:
        rows.append((
            row.number, row.theme if not row.depth else "", ("其中：" if row.depth else "") + row.label, row.unit,
            zh.plain_number(row.target) if row.target is not None else "—",
            zh.plain_number(row.value),
            zh.percent(row.completion) if row.completion is not None else "—",
            row.change_text or "—",
        ))
    indent = tuple(i for i, row in enumerate(indicators) if row.depth)
    return Table(f"{report.unit.name}{period_label(report)}创建工作指标完成情况表", columns, tuple(rows), indent)


def period_label(report: Report) -> str:
    """2024年上半年 / 2024年度 / 2024年第三季度 / 2024年6月 / the user's own label."""
    period = report.period
    if period.label:
        return period.label
    year = f"{period.year}年"
    if period.type == "全年":
        return year + "度"
    if period.type == "季度" and period.quarter:
        return f"{year}第{zh.cn_int(period.quarter)}季度"
    if period.type == "月度" and period.month:
        return f"{year}{period.month}月"
    if period.type in ("上半年", "下半年"):
        return year + period.type
    return year


def _by_date(activity: Activity) -> tuple[int, dt.date]:
    return (activity.date is None, activity.date or dt.date.max)


def theme_data(report: Report, theme: str) -> dict[str, Any]:
    activities = sorted((a for a in report.activities if a.theme == theme), key=_by_date)
    bases = {m.base for m in report.metrics if m.base}
    return {
        "activities": activities,
        "mechanisms": [m for m in report.mechanisms if m.theme == theme],
        # A metric kept only as the denominator of a share (常住人口) is not an achievement to report.
        "metrics": [
            m for m in report.metrics
            if m.theme == theme and not (m.key in bases and m.target is None and m.previous is None)
        ],
        "leadership": report.leadership if theme == "组织领导" else None,
        "attendance": sum(a.attendance or 0 for a in activities),
        "spend": sum((a.spend or Decimal(0) for a in activities), Decimal(0)),
    }


def share(metric: Metric, report: Report) -> Decimal | None:
    """占比 in percent against the metric named by ``base`` (validated to be comparable)."""
    base = report.metric_by_key().get(metric.base or "")
    if base is None or base.value == 0:
        return None
    return metric.value / base.value * 100


def context(report: Report) -> dict[str, Any]:
    """Everything a template may use besides filters: the report and figures derived from it."""
    activities = report.activities
    return {
        "r": report,
        "unit": report.unit,
        "period": report.period,
        "campaign": report.campaign,
        "basis": report.basis,
        "me": report.unit.self_ref,
        "everyone": report.unit.collective,
        "period_label": period_label(report),
        "activity_count": len(activities),
        "total_attendance": sum(a.attendance or 0 for a in activities),
        "total_spend": sum((a.spend or Decimal(0) for a in activities), Decimal(0)),
        "met_count": sum(1 for m in report.metrics if m.met),
        "target_count": sum(1 for m in report.metrics if m.target is not None),
        "problem_ids": report.problem_ids(),
        "metric_by_key": report.metric_by_key(),
        "share": lambda metric: share(metric, report),
        "next_year": report.period.year + 1,
    }
