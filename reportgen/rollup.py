"""Roll-up for the superior office: many units' reports → 汇总.xlsx and a 汇总 summary document.

Each unit is reduced to a small, picklable :class:`UnitSummary` (computed in the batch worker that
already holds the Report, so the parent never re-reads 1,000 files). The summary document is
composed like a unit's report: the template pack's ``rollup.j2`` writes the connective prose in the
same markup (``# `` starts a numbered level-1 part, ``## `` a level-2 heading, ``#-`` the unnumbered
closing), compose turns it into a Document, the linter checks it, and the same writers render it.
Figures come from reportgen.figures (indicator_rows), the one computation of indicator values.

Library use::

    from reportgen.rollup import summarise, write_rollup
    summaries = [summarise(load_report(p)[0], p) for p in paths]
    write_rollup(summaries, Path("out"))
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from . import zh
from .document import Attachment, Column, Document, Paragraph, Run, Signature, Table

#: Names of the roll-up outputs; an input with this stem would be overwritten by them.
ROLLUP_STEM = "汇总"
#: Units shown one by one in the summary's 各单位工作亮点; the rest are in the workbook.
MAX_UNITS_IN_TEXT = 20
HIGHLIGHTS_PER_UNIT = 3


@dataclass(frozen=True)
class TopActivity:
    """One of a unit's most attended activities, as the roll-up names it (not the whole Activity: a
    summary crosses to the parent process and becomes template data for every unit)."""

    title: str
    theme: str
    date: dt.date | None
    attendance: int
    attendance_unit: str
    attendance_approx: str


@dataclass
class UnitSummary:
    """What the roll-up needs of one unit; plain data so it crosses process boundaries cheaply."""

    file: str
    name: str
    display_name: str
    type: str
    parent: str
    self_ref: str
    year: int
    period_type: str
    period_label: str
    period_end: dt.date | None
    campaign: str
    alias: str
    activities: int
    attendance: int  # 人次 only, for the tables' 参与（人次） column
    spend: Decimal
    #: What the text may say of attendance: (人次 sum or None, activities in 人次, activities with attendance).
    visits: tuple[tuple[Decimal, str] | None, int, int]
    attendance_said: str  # said_attendance of this unit alone
    #: The honest sum of spend (zh.sum_quantities), None when a 近/约 figure makes it unstateable.
    spend_sum: tuple[Decimal, str] | None
    mechanisms: int
    theme_activities: dict[str, int]
    indicators: list  # figures.IndicatorRow
    target_count: int
    met_count: int
    highlights: list[TopActivity]  # the largest by attendance
    honours: list[str]
    problems: list[str]
    #: Requests to superiors (汇报 only), each as the unit would put it: 建议县城管局支持增配……
    requests: list[str]

    @property
    def met_rate(self) -> Decimal | None:
        """达标率 in percent: indicators at or over target among those with a target."""
        if not self.target_count:
            return None
        return Decimal(self.met_count) / Decimal(self.target_count) * 100

    @property
    def mean_completion(self) -> Decimal | None:
        """Mean 完成率 of the targeted indicators (a lower-is-better indicator counts at most 100%)."""
        rates = [r.completion for r in self.indicators if not r.depth and r.completion is not None]
        if not rates:
            return None
        return sum(rates, Decimal(0)) / len(rates)


def said_attendance(parts: Sequence[tuple[tuple[Decimal, str] | None, int, int]]) -> str:
    """``参与2499人次`` or ``其中10项参与2499人次``: person-times over the activities of one or more units.

    Each part is one unit's (人次 sum or None when a 近/约 figure makes it unstateable, activities
    counted in 人次, activities with any attendance). Only 人次 add up (people at different activities
    overlap), a total covers two or more activities, and when some activities count people the text
    says how many the total covers — so no total is read as everyone's or contradicts the activities
    listed beside it."""
    members = sum(n for _, n, _ in parts)
    counted = sum(c for _, _, c in parts)
    if members < 2 or any(n and summed is None for summed, n, _ in parts):
        return ""
    summed = zh.sum_quantities(summed for summed, n, _ in parts if n)
    if summed is None:
        return ""
    said = "参与" + zh.qty(summed[0], "人次", summed[1])
    return said if members == counted else f"其中{members}项{said}"


def said_spend(sums: Sequence[tuple[Decimal, str] | None]) -> str:
    """投入经费 over units: ``40万元以上``; empty when a unit's sum cannot be stated."""
    if not sums or not all(sums):
        return ""
    summed = zh.sum_quantities(sums)
    return zh.qty(summed[0], "元", summed[1]) if summed else ""


def _request(label: str, addressee: str | None) -> str:
    """A request as its unit worded it: kept when it starts with its own verb (恳请, 建议…), else 建议 + 对象."""
    from .model import REQUEST_VERBS

    label = zh.clause(label)
    return label if label.startswith(REQUEST_VERBS) else f"建议{addressee or ''}{label}"


def summarise(report, path: Path | None = None) -> UnitSummary:  # noqa: ANN001 — model.Report
    from .figures import indicator_rows, period_label

    activities = report.activities
    themes: Counter[str] = Counter(a.theme for a in activities)
    ranked = sorted(
        (a for a in activities if a.attendance),
        key=lambda a: (-(a.attendance or 0), a.date or dt.date.max, a.title),
    )
    honours = [zh.honour(h.title, h.level) for h in report.honours if not h.recipient]
    in_visits = [(a.attendance, a.attendance_approx) for a in activities if a.attendance and a.attendance_unit == "人次"]
    visits = (zh.sum_quantities(in_visits) if in_visits else None, len(in_visits),
              sum(1 for a in activities if a.attendance))
    return UnitSummary(
        file=path.stem if path else report.unit.name,
        name=report.unit.name,
        display_name=report.unit.display_name,
        type=report.unit.type,
        parent=report.unit.parent or "",
        self_ref=report.unit.self_ref,
        year=report.period.year,
        period_type=report.period.type,
        period_label=period_label(report),
        period_end=report.signature_date,
        campaign=report.campaign.phrase,
        alias=report.campaign.alias or "",
        activities=len(activities),
        attendance=sum(a.attendance or 0 for a in activities if a.attendance_unit == "人次"),  # 人 and 人次 don't add
        spend=sum((a.spend or Decimal(0) for a in activities), Decimal(0)),
        visits=visits,
        attendance_said=said_attendance([visits]),
        spend_sum=zh.sum_quantities((a.spend, a.spend_approx) for a in activities if a.spend),
        mechanisms=len(report.mechanisms),
        theme_activities=dict(themes),
        indicators=indicator_rows(report, reported_only=True),  # a profile figure (常住人口) is no indicator
        target_count=sum(1 for m in report.metrics if m.met is not None),  # a goal with no value yet is not scored
        met_count=sum(1 for m in report.metrics if m.met),
        highlights=[TopActivity(a.title, a.theme, a.date, a.attendance or 0, a.attendance_unit, a.attendance_approx)
                    for a in ranked[:HIGHLIGHTS_PER_UNIT]],
        honours=honours,
        problems=[p.label for p in report.problems],
        requests=[_request(r.label, r.addressee) for r in report.requests],
    )


# ---------------------------------------------------------------- ranking and totals


def period_groups(summaries: Sequence[UnitSummary]) -> list[list[UnitSummary]]:
    """Units by 总结期 (2024年上半年, 2024年度 …), the largest group first: only like periods compare."""
    groups: dict[str, list[UnitSummary]] = {}
    for s in summaries:
        groups.setdefault(s.period_label, []).append(s)
    return sorted(groups.values(), key=len, reverse=True)


def ranked(summaries: Sequence[UnitSummary]) -> list[tuple[int | None, UnitSummary]]:
    """Completion ranking within each 总结期 (a half year is not ranked against a whole year)."""
    return [pair for group in period_groups(summaries) for pair in _ranked(group)]


def _ranked(summaries: Sequence[UnitSummary]) -> list[tuple[int | None, UnitSummary]]:
    """Completion ranking: 达标率, then mean 完成率 (ties share a rank). Units without targets are unranked."""

    def key(s: UnitSummary) -> tuple:
        return (-(s.met_rate or 0), -(s.mean_completion or 0), -s.activities, -s.attendance, s.name, s.file)

    with_targets = sorted((s for s in summaries if s.target_count), key=key)
    without = sorted((s for s in summaries if not s.target_count), key=key)
    out: list[tuple[int | None, UnitSummary]] = []
    previous: tuple | None = None
    rank = 0
    for position, s in enumerate(with_targets, 1):
        score = (s.met_rate, s.mean_completion)
        if score != previous:  # equal scores share a rank (1, 2, 2, 4)
            rank, previous = position, score
        out.append((rank, s))
    out.extend((None, s) for s in without)
    return out


@dataclass
class IndicatorTotal:
    theme: str
    label: str
    unit: str
    units: int = 0
    value: Decimal = Decimal(0)
    target: Decimal = Decimal(0)
    targeted: int = 0
    met: int = 0
    additive: bool = True
    #: How the sum may be said (zh.sum_quantities): exact, 以上 over lower bounds, None when a part is 近/约.
    approx: str | None = "exact"

    @property
    def shown_value(self) -> Decimal:
        """Sum across units; for rates (%), the mean — a sum of percentages means nothing."""
        return self.value if self.additive else self.value / max(self.units, 1)

    @property
    def completion(self) -> Decimal | None:
        if not self.additive or not self.targeted or not self.target:
            return None
        return self.value / self.target * 100


def indicator_identity(summaries: Sequence[UnitSummary]) -> dict[str, str]:
    """Indicator name → the key units gave it, so 注册志愿者 and 实名注册志愿者 (both ``volunteers``)
    are one indicator, and a unit that wrote the same name without a key joins them."""
    named: dict[str, str] = {}
    for s in summaries:
        for row in s.indicators:
            if row.key and not row.depth:
                named.setdefault(row.label, row.key)
    return named


def indicator_totals(summaries: Sequence[UnitSummary]) -> list[IndicatorTotal]:
    """One line per indicator and unit of measure across all units, in first-seen order.

    An indicator is its key when units gave one (or its name maps to one), else its theme and name.
    Figures in different measure words (人 and 人次) or of different 总结期 are never added: they
    stay separate lines (named with their period when periods differ).
    """
    named = indicator_identity(summaries)
    mixed = len(period_groups(summaries)) > 1
    totals: dict[tuple[str, ...], IndicatorTotal] = {}
    parts: dict[tuple[str, ...], list[tuple[Decimal, str]]] = {}
    for s in summaries:
        for row in s.indicators:
            if row.depth or row.value is None:  # a goal with no actual yet adds nothing to a sum
                continue
            identity = row.key or named.get(row.label)
            key = ("key", identity, row.unit) if identity else ("name", row.theme, row.label, row.unit)
            key += (s.period_label,)  # figures of different periods are not added
            total = totals.get(key)
            if total is None:
                label = f"{s.period_label}{row.label}" if mixed else row.label
                total = totals[key] = IndicatorTotal(row.theme, label, row.unit, additive=row.unit not in ("%", "％"))
            total.units += 1
            total.value += row.value
            parts.setdefault(key, []).append((row.value, row.approx))
            if row.target is not None:
                total.targeted += 1
                total.target += row.target
            if row.met:
                total.met += 1
    for key, total in totals.items():
        summed = zh.sum_quantities(parts[key])
        total.approx = summed[1] if summed else None
    return list(totals.values())


def _most_common(values: Sequence[Any], default: Any = "") -> Any:
    return Counter(values).most_common(1)[0][0] if values else default


def office_name(summaries: Sequence[UnitSummary], name: str | None = None) -> str:
    """Who writes the roll-up: given, or the units' common 上级单位."""
    if name:
        return name
    parents = {s.parent for s in summaries}
    return parents.pop() if len(parents) == 1 and "" not in parents else ""


def warnings(summaries: Sequence[UnitSummary], name: str | None = None) -> list[str]:
    """What the person running the roll-up has to decide: who signs it, and periods that differ."""
    found = []
    if not office_name(summaries, name):
        parents = sorted({s.parent for s in summaries if s.parent})
        why = f"各单位的上级单位不一致（{'、'.join(parents)}）" if len(parents) > 1 else "各单位没有填写上级单位"
        found.append(f"汇总报告没有落款，标题也不含发文单位：{why}。请用 --name 指定汇总单位（如 --name 东湖区文明办）后重新生成")
    periods = Counter(s.period_label for s in summaries)
    if len(periods) > 1:
        listed = "、".join(f"{label} {count} 个" for label, count in periods.items())
        found.append(f"参加汇总的单位总结期不同（{listed}）：排名表按总结期分组排名，合计只把同一总结期的数字相加；如需一个总结期的汇总，请只选该期的文件")
    return found


def context(summaries: Sequence[UnitSummary], name: str | None = None) -> dict[str, Any]:
    order = ranked(summaries)
    types = Counter(s.type for s in summaries)
    kind = types.most_common(1)[0][0] if len(types) == 1 else "单位"
    problems: Counter[str] = Counter(p for s in summaries for p in dict.fromkeys(s.problems))
    themes: Counter[str] = Counter()
    for s in summaries:
        themes.update(s.theme_activities)
    honours = [(s, h) for s in summaries for h in s.honours]
    shown = [s for _, s in order[:MAX_UNITS_IN_TEXT]]
    ranked_only = [(rank, s) for rank, s in order if rank is not None]
    target_count = sum(s.target_count for s in summaries)
    met_count = sum(s.met_count for s in summaries)
    return {
        "office": office_name(summaries, name),
        "kind": kind,
        "unit_count": len(summaries),
        "period_label": _most_common([s.period_label for s in summaries]),
        "campaign": _most_common([s.campaign for s in summaries]),
        "alias": _most_common([s.alias for s in summaries if s.alias], ""),
        "activity_count": sum(s.activities for s in summaries),
        "attendance_said": said_attendance([s.visits for s in summaries]),
        "spend_said": said_spend([s.spend_sum for s in summaries if s.spend_sum or s.spend]),
        "mechanism_count": sum(s.mechanisms for s in summaries),
        "target_count": target_count,
        "met_count": met_count,
        "met_rate": (Decimal(met_count) / target_count * 100) if target_count else None,
        "top_themes": [t for t, _ in themes.most_common(5)],
        "theme_counts": dict(themes.most_common(5)),
        "order": order,
        "ranked": ranked_only,
        "shown": shown,
        "more": max(0, len(summaries) - len(shown)),
        "honours": honours,
        "honour_units": len({s.file for s, _ in honours}),
        "honoured": [s for _, s in order if s.honours],
        "common_problems": [(p, n) for p, n in problems.most_common(6) if n > 1],
        "asking": [s for _, s in order if s.requests],
        "all_met": [s for _, s in ranked_only if s.met_count == s.target_count],
        "lagging": [s for _, s in ranked_only if s.met_rate is not None and s.met_rate < 60],
        "indicator_totals": indicator_totals(summaries),
        "year": _most_common([s.year for s in summaries], dt.date.today().year),
    }


# ---------------------------------------------------------------- the summary document


def _split_parts(text: str) -> tuple[str, list[tuple[str, str]], str]:
    """Rendered markup → (opening, [(heading, body)], closing) at ``# `` and ``#-`` lines."""
    opening: list[str] = []
    parts: list[tuple[str, list[str]]] = []
    closing: list[str] = []
    current = opening
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#-"):
            current = closing
        elif stripped.startswith("# "):
            parts.append((stripped[2:].strip(), []))
            current = parts[-1][1]
        else:
            current.append(line)
    return "\n".join(opening), [(h, "\n".join(b)) for h, b in parts], "\n".join(closing)


def ranking_table(summaries: Sequence[UnitSummary], title: str) -> Table:
    """排名表; when periods differ a 总结期 column shows which group each rank belongs to."""
    mixed = len(period_groups(summaries)) > 1
    columns = (
        Column("排名"), Column("单位"), *((Column("总结期"),) if mixed else ()), Column("活动（项）", True),
        Column("参与（人次）", True), Column("目标指标（项）", True), Column("达标（项）", True), Column("达标率", True),
        Column("平均完成率", True),
    )
    rows = []
    for rank, s in ranked(summaries):
        rows.append((
            str(rank) if rank is not None else "—", s.display_name, *((s.period_label,) if mixed else ()),
            str(s.activities), str(s.attendance),
            str(s.target_count), str(s.met_count),
            zh.percent(s.met_rate) if s.met_rate is not None else "—",
            zh.percent(s.mean_completion) if s.mean_completion is not None else "—",
        ))
    return Table(title, columns, tuple(rows))


def compose_rollup(summaries: Sequence[UnitSummary], pack=None, name: str | None = None, templates: Path | None = None) -> Document:  # noqa: ANN001
    """Summaries → the 汇总 Document, through the pack's ``rollup.j2``; linted like any report."""
    from . import lint
    from .compose import Section, chooser, load_pack, number_sections, parse_markup, render_templates, to_blocks

    if not summaries:
        raise ValueError("no units to roll up")
    pack = pack or load_pack(templates)
    ctx = context(summaries, name)
    pick = chooser(f"rollup|{ctx['office']}|{ctx['period_label']}|{ctx['unit_count']}")
    list_style = pack.manifest.get("list_style", "一是")
    ctx.update(pick=pick, list_style=list_style)
    text, title = render_templates(pack, ("rollup.j2", "rollup_title.j2"), ctx)
    opening, parts, closing = _split_parts(text)
    sections = [Section(f"part{i}", heading, to_blocks(body, list_style)) for i, (heading, body) in enumerate(parts)]
    sections = [s for s in sections if s.blocks]
    blocks: list = [Paragraph((Run(b),)) for _, _, b in parse_markup(opening)]
    blocks.extend(number_sections(sections))
    blocks.extend(Paragraph((Run(b),)) for _, _, b in parse_markup(closing))

    title_segments = [s for s in title.strip().split("|") if s]
    table_title = f"{ctx['office']}{ctx['period_label']}各{ctx['kind']}创建工作完成情况排名表"
    attachments = [Attachment(1, table_title, (ranking_table(summaries, table_title),))]
    dates = [s.period_end for s in summaries if s.period_end]
    end = max(dates) if dates else None
    document = Document(
        title="".join(title_segments),
        title_segments=tuple(title_segments),
        blocks=blocks,
        attachment_note=(table_title,),
        signature=Signature(ctx["office"], zh.cn_date(end)) if ctx["office"] else None,
        attachments=attachments,
        author=ctx["office"],
        year=ctx["year"],
    )
    lint.ensure_clean(document)
    return document


# ---------------------------------------------------------------- the workbook


def _sheet(book, title: str, period: str, office: str, headers: Sequence[str], rows: list[list],  # noqa: ANN001
           widths: Sequence[float]):  # noqa: ANN202
    """One roll-up table: the unit workbook's frame (title, 汇总单位, header) and print set-up."""
    from . import workbook as W
    from .sheet_frame import FIRST_ROW, HEADER_ROW, frame, row_heights

    ws = book.sheets[-1]
    widths = [max(width, min(max((W.text_width(v) + 2 for v, _ in (r[i] for r in rows[:400]) if isinstance(v, str)),
                                 default=0), 30))
              for i, width in enumerate(widths)]
    frame(ws, title, widths, office, "")
    ws.put(2, 1, f"汇总单位：{office or '—'}    统计期间：{period}", W.META)
    for i, header in enumerate(headers, 1):
        ws.put(HEADER_ROW, i, header, W.HEADER)
    ws.heights[HEADER_ROW] = 30
    for r, cells in enumerate(rows, FIRST_ROW):
        for c, (value, style) in enumerate(cells, 1):
            ws.put(r, c, value, style)
    last = FIRST_ROW + len(rows) - 1
    for i, width in enumerate(widths, 1):
        ws.widths[i] = width
    row_heights(ws, widths, FIRST_ROW, last, [i for i, (v, _) in enumerate(rows[0], 1) if isinstance(v, str)] if rows else [])
    ws.freeze = (FIRST_ROW, 1)
    ws.autofilter = (HEADER_ROW, 1, max(last, HEADER_ROW), len(headers))
    ws.print = W.Print((1, 1, max(last, HEADER_ROW), len(headers)), (HEADER_ROW, HEADER_ROW))
    return ws


def workbook_book(summaries: Sequence[UnitSummary], name: str | None = None):  # noqa: ANN201 — workbook.Book
    """汇总.xlsx as a Book: 单位汇总 (ranking, totals, chart), 指标明细 (a row per unit per indicator), 指标合计.

    The same frame, styles, number formats and print set-up as a unit's workbook.
    """
    from . import workbook as W
    from .unit_book import FIRST_ROW, number_cell, rounded_percent

    office = office_name(summaries, name)
    period = "、".join(dict.fromkeys(s.period_label for s in sum(period_groups(summaries), [])))
    dates = [s.period_end for s in summaries if s.period_end]
    end = max(dates) if dates else dt.date(2000, 1, 1)  # file metadata only, never printed
    book = W.Book(title=f"{office}{period}创建工作汇总", author=office or "reportgen",
                  created=dt.datetime(end.year, end.month, end.day))

    def text(value: str) -> tuple:
        return (value or None, W.TEXT)

    def percent(value: Decimal | None) -> tuple:
        return (rounded_percent(value), W.PERCENT)

    # 1. one row per unit, ranked, with totals and a chart of 达标率
    ws = book.add("单位汇总")
    order = ranked(summaries)
    mixed = len(period_groups(summaries)) > 1  # ranks are per 总结期: the column says which
    when = (lambda s: [(s.period_label, W.CENTER)]) if mixed else (lambda s: [])
    rows = []
    for rank, s in order:
        rows.append([(rank, W.CENTER), text(s.name), (s.type, W.CENTER), *when(s), (s.activities, W.INT), (s.attendance, W.INT),
                     number_cell(s.spend), (s.mechanisms, W.INT), (s.target_count, W.INT), (s.met_count, W.INT),
                     percent(s.met_rate), percent(s.mean_completion), (len(s.problems), W.INT),
                     text("、".join(s.honours))])
    targets = sum(s.target_count for s in summaries)
    met = sum(s.met_count for s in summaries)
    rows.append([("合计", W.BOLD), (f"{len(summaries)}个单位", W.BOLD), (None, W.BOLD), *([(None, W.BOLD)] if mixed else []),
                 (sum(s.activities for s in summaries), W.INT), (sum(s.attendance for s in summaries), W.INT),
                 number_cell(sum((s.spend for s in summaries), Decimal(0))), (sum(s.mechanisms for s in summaries), W.INT),
                 (targets, W.INT), (met, W.INT), percent(Decimal(met) / targets * 100 if targets else None),
                 (None, W.BOLD), (sum(len(s.problems) for s in summaries), W.INT), (None, W.BOLD)])
    headers = ["排名", "单位", "类型", *(["总结期"] if mixed else []), "活动（项）", "参与（人次）", "经费（元）", "制度机制（项）",
               "目标指标（项）", "达标（项）", "达标率", "平均完成率", "问题（项）", "荣誉"]
    widths = [6, 24, 8, *([12] if mixed else []), 9, 11, 12, 10, 12, 8, 9, 11, 9, 24]
    ws = _sheet(book, f"{office}{period}各单位创建工作汇总表（按指标完成情况排名）", period, office, headers, rows, widths)
    # the chart shows the ranked units of the first (largest) 总结期, at most 30
    first_period = order[0][1].period_label if order else ""
    charted = min(sum(1 for rank, s in order if rank is not None and s.period_label == first_period), 30)
    if charted:
        from .sheet_frame import chart_width

        top = FIRST_ROW + len(rows) + 1
        height = max(220, 90 + 36 * charted)
        first, last = FIRST_ROW, FIRST_ROW + charted - 1
        widths = [ws.widths[i] for i in sorted(ws.widths)]
        most = max([1.0] + [float(s.mean_completion / 100) for _, s in order[:charted] if s.mean_completion])
        ws.charts.append(W.Chart(
            "bar", (first_period if mixed else "") + (f"各单位达标率与平均完成率（前{charted}名）" if charted < len(order)
                                                      else "各单位达标率与平均完成率"),
            (W.Series("达标率", (2, first, last), (headers.index("达标率") + 1, first, last)),
             W.Series("平均完成率", (2, first, last), (headers.index("平均完成率") + 1, first, last), color="ED7D31")),
            (top, 1), (chart_width(widths), height), "", "0%", 0, math.ceil(most * 10) / 10, reverse_categories=True))
        ws.print = W.Print((1, 1, top + height // 20 + 1, len(widths)), (3, 3))
    ws.selected = True

    # 2. one row per unit per indicator
    book.add("指标明细")
    rows = []
    for s in summaries:
        for row in s.indicators:
            points = row.in_points and row.change is not None
            change = (float(Decimal(zh.plain_number(row.change, 1))), W.POINTS) if points else \
                (rounded_percent(row.change), W.CHANGE)
            rows.append([text(s.name), (int(row.number) if row.number else None, W.CENTER),
                         text(row.theme if not row.depth else ""),
                         (("其中：" if row.depth else "") + row.label, W.CHILD if row.depth else W.TEXT),
                         (row.unit, W.CENTER), number_cell(row.target), number_cell(row.value),
                         percent(row.completion), number_cell(row.previous), change, (row.status or None, W.CENTER),
                         text(row.owner)])
    _sheet(book, f"{office}{period}各单位指标完成情况明细表", period, office,
           ["单位", "序号", "类别", "指标名称", "计量单位", "目标值", "完成值", "完成率", "上期值", "同比", "是否达标", "责任人"],
           rows, [22, 6, 10, 28, 8, 10, 10, 9, 10, 12, 9, 12])
    book.sheets[-1].highlights.append(W.Highlight((FIRST_ROW, 11, FIRST_ROW + len(rows), 11), "未达标", W.UNMET))
    book.sheets[-1].selected = True

    # 3. totals per indicator across units
    book.add("指标合计")
    rows = []
    for t in indicator_totals(summaries):
        rows.append([text(t.theme), text(t.label), (t.unit, W.CENTER), (t.units, W.INT),
                     number_cell(t.shown_value.quantize(Decimal("0.01"))), (("合计" + {"exact": "", "以上": "（下限）"}.get(t.approx or "", "（含约数）")) if t.additive else "平均", W.CENTER),
                     number_cell(t.target if t.additive and t.targeted else None), percent(t.completion),
                     (t.targeted, W.INT), (t.met, W.INT)])
    _sheet(book, f"{office}{period}指标合计表", period, office,
           ["类别", "指标名称", "计量单位", "填报单位数", "完成值", "口径", "目标值合计", "完成率", "有目标单位数", "达标单位数"],
           rows, [10, 28, 8, 10, 12, 6, 12, 9, 12, 10])
    book.sheets[-1].selected = True
    from . import lint

    lint.ensure_clean_texts(book.texts())
    return book


def workbook(summaries: Sequence[UnitSummary], name: str | None = None) -> bytes:
    """汇总.xlsx bytes (see ``workbook_book``)."""
    from .writers.xlsx import render_book

    return render_book(workbook_book(summaries, name))


# ---------------------------------------------------------------- outputs


def render_rollup(summaries: Sequence[UnitSummary], options=None, name: str | None = None, pack=None) -> dict[str, bytes]:  # noqa: ANN001
    """Every roll-up output as bytes, keyed by suffix (xlsx always; docx/md as the options ask)."""
    from .pipeline import Options

    options = options or Options()
    formats = tuple(options.formats) or ("docx", "md")
    outputs: dict[str, bytes] = {"xlsx": workbook(summaries, name)}
    if "docx" in formats or "md" in formats:
        document = compose_rollup(summaries, pack, name, options.templates)
        if "docx" in formats:
            from .loaders.style_loader import load as load_style
            from .writers import docx as docx_writer

            outputs["docx"] = docx_writer.render(document, style=load_style(options.style), reference=options.reference_docx)
        if "md" in formats:
            from .writers import markdown

            outputs["md"] = markdown.render(document).encode("utf-8")
    return outputs


def write_rollup(summaries: Sequence[UnitSummary], outdir: Path, options=None, name: str | None = None, pack=None) -> list[Path]:  # noqa: ANN001
    """Render everything first, then write all files in one atomic step: OUTDIR/汇总.docx, 汇总.xlsx, 汇总.md."""
    from .pipeline import write_outputs

    rendered = render_rollup(summaries, options, name, pack)
    files = {outdir / f"{ROLLUP_STEM}.{suffix}": rendered[suffix] for suffix in ("docx", "xlsx", "md") if suffix in rendered}
    write_outputs(outdir, files)
    return list(files)
