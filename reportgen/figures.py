"""Derived figures, computed once and shared by the prose, the attachment table and the workbook.

If the Word document and the Excel sheet each computed a completion rate, they could disagree; here
there is one function per figure and both writers call it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import periods, zh
from .document import Column, Table
from .model import REQUEST_VERBS, Activity, Metric, Report


@dataclass(frozen=True)
class IndicatorRow:
    """One row of the 指标完成情况表; ``depth`` 1 marks a 其中 sub-row."""

    number: str
    theme: str
    label: str
    unit: str
    #: None for a target with no actual value yet (shown as —, never summed).
    value: Decimal | None
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
    #: The metric's own key, when the unit gave one: the same indicator across units (roll-up).
    key: str = ""
    approx: str = "exact"
    #: The metric's key (the catalogue's identity of the indicator), "" when the unit gave none.
    key: str = ""
    #: 原有数 with its own measure word (路灯2处 → 23盏) and the standard to meet: shown beside the
    #: name, never used for 完成率 or 达标.
    before: Decimal | None = None
    before_unit: str = ""
    before_approx: str = "exact"
    standard: Decimal | None = None

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


def indicator_rows(report: Report, reported_only: bool = False) -> list[IndicatorRow]:
    """One row per metric (and 其中 sub-row); ``reported_only`` leaves out denominators such as 在岗职工,
    which are profile figures, not results (the attachment table), while the workbook keeps them all."""
    rows = []
    chosen = reported_metrics(report) if reported_only else range(len(report.metrics))
    for i, metric in enumerate((report.metrics[j] for j in chosen), 1):
        rows.append(
            IndicatorRow(
                str(i), metric.theme, metric.label, metric.unit, metric.value, metric.target,
                metric.completion, metric.previous, metric.change, metric.met,
                metric.owner or "", metric.evidence or "", metric.note or "", in_points=metric.in_points,
                approx=metric.approx, key=metric.key or "",
                before=metric.before, before_unit=metric.before_unit or "", before_approx=metric.before_approx,
                standard=metric.standard,
            )
        )
        for part in metric.parts:
            rows.append(
                IndicatorRow("", metric.theme, part.label, metric.unit, part.value, None, None, None, None, None,
                             "", "", "", depth=1)
            )
    return rows


def indicator_table(report: Report) -> Table:
    """The attachment table. A 原有数 or 标准值 is written after the indicator's name (路灯（原有2处）,
    绿地面积（标准9平方米）) rather than in a column of its own: nine columns do not fit an A4 page, and a
    standard must never stand in 目标值 or give a 完成率."""
    columns = (
        Column("序号"), Column("类别"), Column("指标名称"), Column("单位"),
        Column("目标值", True), Column("完成值", True), Column("完成率", True), Column("同比", True),
    )
    rows = []
    indicators = indicator_rows(report, reported_only=True)
    for row in indicators:
        rows.append((
            row.number, row.theme if not row.depth else "",
            ("其中：" if row.depth else "") + row.label + _compared(row), row.unit,
            zh.table_number(row.target),
            zh.table_number(row.value, row.approx),
            zh.percent(row.completion) if row.completion is not None else "—",
            row.change_text or "—",
        ))
    indent = tuple(i for i, row in enumerate(indicators) if row.depth)
    return Table(f"{report.unit.name}{period_label(report)}{report.campaign.phrase}工作指标完成情况表", columns, tuple(rows), indent)


def _compared(row: IndicatorRow) -> str:
    """“（原有2处）” or “（标准9平方米）”, with the measure word each figure was given in."""
    if row.before is not None:
        return f"（原有{zh.qty(row.before, row.before_unit or row.unit, row.before_approx)}）"
    if row.standard is not None:
        return f"（标准{zh.qty(row.standard, row.unit)}）"
    return ""


def period_label(report: Report) -> str:
    """2024年上半年 / 2024年度 / 2024年第三季度 / 2025年3月至6月 / the user's own label (see ``periods``)."""
    return periods.words(report.period).name


def _by_date(activity: Activity) -> tuple[int, dt.date]:
    return (activity.date is None, activity.date or dt.date.max)


def theme_data(report: Report, theme: str) -> dict[str, Any]:
    activities = sorted((a for a in report.activities if a.theme == theme), key=_by_date)
    return {
        "activities": activities,
        "mechanisms": [m for m in report.mechanisms if m.theme == theme],
        # A profile figure (常住人口) is not an achievement to report.
        "metrics": [report.metrics[i] for i in reported_metrics(report, theme)],
        "leadership": report.leadership if theme == "组织领导" else None,
        "attendance": attendance_by_unit(activities),
        "spend": sum((a.spend or Decimal(0) for a in activities), Decimal(0)),
    }


def attendance_by_unit(activities: list[Activity]) -> dict[str, int]:
    """Attendance totals kept apart by measure word: 人次 counts visits, 人 and 名 count people, and the
    two are never added together."""
    totals: dict[str, int] = {}
    for activity in activities:
        if activity.attendance:
            totals[activity.attendance_unit] = totals.get(activity.attendance_unit, 0) + activity.attendance
    return {unit: totals[unit] for unit in ("人次", "人", "名") if unit in totals}


def attendance_text(totals: dict[str, int]) -> str:
    """``1245人次、60人``: the totals of ``attendance_by_unit`` side by side, for a table cell."""
    return "、".join(f"{zh.plain_number(total)}{unit}" for unit, total in totals.items())


def share(metric: Metric, report: Report) -> Decimal | None:
    """占比 in percent against the metric named by ``base`` (validated to be comparable)."""
    base = report.metric_by_key().get(metric.base or "")
    if base is None or not base.value or metric.value is None:
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
        "period_label": period_label(report),
        "activity_count": len(activities),
        "attendance_by_unit": attendance_by_unit(activities),
        "total_spend": sum((a.spend or Decimal(0) for a in activities), Decimal(0)),
        "met_count": sum(1 for i in reported_metrics(report) if report.metrics[i].met),
        "target_count": sum(1 for i in reported_metrics(report) if report.metrics[i].met is not None),
        "problem_ids": report.problem_ids(),
        "metric_by_key": report.metric_by_key(),
        "share": lambda metric: share(metric, report),
        "next_year": report.period.year + 1,
    }


# ---------------------------------------------------------------- figures the prose cites


@dataclass(frozen=True)
class Figure:
    """A derived figure and the fields it is computed from (the prose cites them as its evidence)."""

    value: Any
    paths: tuple[tuple, ...]


#: Activity kinds that are not "activities" in the sense of 开展活动N项: each is counted under its own noun.
KIND_NOUNS = {"会议": ("召开会议", "次"), "建设": ("实施建设项目", "个"), "检查督查": ("开展检查督查", "次")}
#: Measure words under which quantities of different activities may be added (宣传品, 设施).
ADDABLE = ("份", "张", "块", "面", "条", "幅", "副", "册", "本", "篇", "个", "处", "套", "盏", "座", "台", "件", "米", "平方米")
def by_date(activities: list[Activity]) -> list[int]:
    """Activity indices in date order (undated last), stable for equal dates."""
    return sorted(range(len(activities)), key=lambda i: _by_date(activities[i]))


def is_profile(metric: Metric, bases: set[str]) -> bool:
    """A figure about the unit (常住人口, 在岗职工, 在校学生), not a result of the work: marked ``profile``,
    or kept only as the denominator of a share (its key among ``bases``) with neither target nor
    previous value."""
    if metric.profile:
        return True
    return metric.key in bases and metric.target is None and metric.previous is None


def share_bases(report: Report) -> set[str]:
    """The keys other metrics take their share of (``base``), gathered once for a whole list rather than once per metric."""
    return {m.base for m in report.metrics if m.base}


def results_in(report: Report, theme: str | None) -> list[int]:
    """Indices of the qualitative results of one theme (``None``: those with no theme, which the
    achievements section tells), milestones in date order, undated last."""
    chosen = [i for i, r in enumerate(report.results) if r.theme == theme]
    return sorted(chosen, key=lambda i: (report.results[i].date is None, report.results[i].date or dt.date.max))


def reported_metrics(report: Report, theme: str | None = None) -> list[int]:
    """Indices of metrics that are results of the work: never a profile figure (see ``is_profile``)."""
    bases = share_bases(report)
    return [
        i for i, m in enumerate(report.metrics)
        if (theme is None or m.theme == theme) and not is_profile(m, bases)
    ]


def wording(report: Report) -> dict[str, str]:
    """How the text names the unit and the people it serves: ways of speaking, not facts."""
    group = report.unit.group
    return {
        "我": report.unit.self_ref,
        "全": report.unit.collective,
        "对象": {"社区": "居民", "村": "村民", "乡镇": "群众", "机关": "干部职工", "医疗": "患者", "教育": "师生", "窗口": "群众"}.get(group, "群众"),
        "人员": {"社区": "社区工作者", "村": "村干部", "乡镇": "干部", "机关": "干部职工", "医疗": "医务人员", "教育": "教职工", "窗口": "员工"}.get(group, "干部职工"),
        "期间": periods.words(report.period).during,
    }


def _count_by_kind(report: Report, indices: list[int]) -> list[dict[str, Any]]:
    """Counts per noun: activities, meetings, projects, inspections — each counted as what it is."""
    groups: dict[str, list[int]] = {}
    for i in indices:
        groups.setdefault(report.activities[i].kind if report.activities[i].kind in KIND_NOUNS else "活动", []).append(i)
    result = []
    for kind, members in groups.items():
        verb, measure = KIND_NOUNS.get(kind, ("开展各类活动", "项"))
        result.append({
            "verb": verb, "measure": measure,
            "count": Figure(len(members), tuple(("activities", i, "kind") for i in members)),
        })
    order = ["开展各类活动", "召开会议", "开展检查督查", "实施建设项目"]
    return sorted(result, key=lambda r: order.index(r["verb"]))


def _attendance(report: Report, indices: list[int]) -> list[dict[str, Any]]:
    """Person-times (人次) over two or more activities, or nothing.

    Only 人次 add up: the people (人, 名) of different activities overlap (a school's 1960 pupils at
    three events are not 5880 people), so their sum would be a headcount nobody took. When some of the
    activities count people, ``of`` says how many activities the total covers, so it is never read as
    everyone's. A list, so a template can loop over it whether or not there is a total."""
    counted = [i for i in indices if report.activities[i].attendance]
    members = [i for i in counted if report.activities[i].attendance_unit == "人次"]
    if len(members) < 2:
        return []
    summed = zh.sum_quantities([(report.activities[i].attendance or 0, report.activities[i].attendance_approx)
                                for i in members])
    if summed is None:  # a 近/约 figure among them: the sum cannot be stated
        return []
    paths = tuple(("activities", i, "attendance") for i in members)
    return [{"unit": "人次", "approx": summed[1], "total": Figure(int(summed[0]), paths),
             "of": Figure(len(members), paths) if len(members) < len(counted) else None}]


def _spend(report: Report, indices: list[int]) -> tuple[Figure, str] | None:
    """Money spent over two or more activities, with the marker an honest sum of typed 约数 carries."""
    members = [i for i in indices if report.activities[i].spend]
    if len(members) < 2:
        return None
    summed = zh.sum_quantities([(report.activities[i].spend or Decimal(0), report.activities[i].spend_approx) for i in members])
    if summed is None:
        return None
    return Figure(summed[0], tuple(("activities", i, "spend") for i in members)), summed[1]


def _quantity_totals(report: Report, indices: list[int]) -> list[dict[str, Any]]:
    """Quantities of the same measure word across activities (宣传品 by 份, 面…), honestly summed."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for i in indices:
        for j, q in enumerate(report.activities[i].quantities):
            # 每户2份 or 2份、3份不等 is not a count of things: adding it to others would invent a total.
            if q.unit in ADDABLE and q.label and not q.per and not q.others:
                groups.setdefault(q.unit, []).append((i, j))
    result = []
    for unit, members in sorted(groups.items()):
        if len({i for i, _ in members}) < 2:  # one activity's own figures are already in its item
            continue
        quantities = [report.activities[i].quantities[j] for i, j in members]
        summed = zh.sum_quantities((q.value, q.approx) for q in quantities)
        if summed is None:
            continue
        paths = tuple(("activities", i, "quantities", j, "value") for i, j in members)
        result.append({
            "unit": unit, "approx": summed[1], "total": Figure(summed[0], paths),
            "labels": Figure(zh.join(list(dict.fromkeys(q.label for q in quantities if q.label)), "和"),
                             tuple(("activities", i, "quantities", j, "label") for i, j in members)),
        })
    return result


def tally(report: Report, indices: list[int]) -> dict[str, Any]:
    """What a group of activities adds up to, for a closing sentence: counts, attendance, money, quantities."""
    spend = _spend(report, indices) or (None, "exact")
    return {
        "count": Figure(len(indices), tuple(("activities", i, "title") for i in indices)),
        "kinds": _count_by_kind(report, indices),
        "attendance": _attendance(report, indices),
        "spend": spend[0],
        "spend_approx": spend[1],
        "quantities": _quantity_totals(report, indices),
    }


def report_figures(report: Report) -> dict[str, Any]:
    """Figures of the whole report: what the opening and the achievements section say in sum."""
    metrics = reported_metrics(report)
    # A goal with no actual value yet is not counted among the targets met or missed.
    targeted = [i for i in metrics if report.metrics[i].met is not None]
    met = [i for i in targeted if report.metrics[i].met]
    unmet = [i for i in targeted if report.metrics[i].met is False]
    improved = [
        i for i in metrics
        if report.metrics[i].change is not None and (report.metrics[i].change > 0) != report.metrics[i].lower_is_better
    ]
    said = periods.words(report.period)
    named = Figure(said.name, said.paths)
    target_paths = tuple(("metrics", i, "target") for i in targeted)
    value_paths = tuple(p for i in targeted for p in (("metrics", i, "value"), ("metrics", i, "target")))
    return {
        "activities": tally(report, by_date(report.activities)),
        "targets": Figure(len(targeted), target_paths) if targeted else None,
        "met": Figure(len(met), value_paths) if targeted else None,
        "all_met": bool(targeted) and not unmet,
        "none_met": bool(targeted) and not met,
        "unmet": tuple(Figure(report.metrics[i].label, (("metrics", i, "label"), ("metrics", i, "value"), ("metrics", i, "target"))) for i in unmet),
        "improved": tuple(improved),
        "period_label": named,
        "title_period": Figure(said.title, said.paths),
        "stage": Figure(said.stage, said.paths) if said.stage else "",
        "lead": named,  # the opening's time adverbial is the period's name
        "again": Figure(said.again, said.paths),
        "intro": Figure(said.intro, said.paths) if said.intro else "",
        "next_year": Figure(report.period.year + 1, (("period", "year"),)),
        "annual": report.period.type == "全年",
        # A period over several years (近年来, a 阶段 across a new year) names the year of every date.
        "dated_with_year": report.period.start_date.year != report.period.end_date.year,
        "problem_ids": tuple(report.problem_ids()),
        "results": tuple(results_in(report, None)),
        "request_verbs": REQUEST_VERBS,
        "compare": Figure("比上年" if report.period.type in ("全年", "近年来", "多年") else "比上年同期", (("period", "type"),)),
        "outlook": Figure(said.outlook, said.paths),
    }
