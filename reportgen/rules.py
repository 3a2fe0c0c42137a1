"""Cross-field rules: each one prevents a defect found in real 范文 (genre analysis §6.3).

They run on a Report that pydantic already accepted and return (path, message, severity) triples, so
the reader can point at the exact line or cell.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Iterator

from . import dates, recurrence
from .model import CLOSED_PERIODS, REQUEST_VERBS, Metric, Report
from .zh import cn_date, plain_number

Rule = tuple[tuple, str, str]

#: Units that count the same thing, so one may be the base of a share of the other.
_SAME_COUNT = [{"人", "名", "位"}, {"户", "家"}]


def _comparable(unit: str, base_unit: str) -> bool:
    return unit == base_unit or any(unit in group and base_unit in group for group in _SAME_COUNT)


def check(report: Report) -> list[Rule]:
    return (
        list(_metrics(report)) + list(_period(report)) + list(_dates(report)) + list(_counts(report)) + list(_one_day_totals(report))
        + list(_quantities(report)) + list(_organisation(report))
        + list(_plans(report)) + list(_requests(report)) + list(_problem_themes(report))
        + list(_duplicates(report)) + list(_signature(report))
    )


def _metrics(report: Report) -> Iterator[Rule]:
    metrics = report.metric_by_key()
    keys = Counter(m.key for m in report.metrics if m.key)
    for i, metric in enumerate(report.metrics):
        where = ("metrics", i)
        if metric.key and keys[metric.key] > 1:
            yield where + ("key",), f"标识“{metric.key}”被多个指标使用：每个指标的 key 应不同", "error"
        yield from _shape(metric, where)
        if metric.parts and metric.value is not None:
            total = sum((p.value for p in metric.parts), Decimal(0))
            if metric.parts_partial:
                # only some parts are listed: they may fall short of the total, never exceed it
                wrong = total > metric.value and metric.approx in ("exact", "近")
            else:
                wrong = (
                    total != metric.value if metric.approx == "exact"
                    else total < metric.value if metric.approx in ("余", "多", "超过", "以上")
                    else False
                )
            if wrong and metric.parts_partial:
                yield where + ("parts",), (
                    f"列出的分项合计 {plain_number(total)}{metric.unit}，超过了完成值 {plain_number(metric.value)}{metric.unit}："
                    "分项只是总数的一部分时，合计不能大于总数，请核对分项或完成值"
                ), "error"
            elif wrong:
                yield where + ("parts",), (
                    f"各分项合计 {plain_number(total)}{metric.unit}，与完成值 {plain_number(metric.value)}{metric.unit}"
                    "对不上：请核对分项或完成值" + (
                        "；如果只列出了总数中的一部分，请把 parts_partial 设为 true（表格中“其中只列部分”选“是”）"
                        if total < metric.value else "")
                ), "error"
        if metric.profile and (metric.target is not None or metric.parts):
            yield where + ("profile",), (
                f"“{metric.label}”标为基本情况数字（profile: true），不是工作成效，不应有目标值或分项："
                "请删去 profile，或删去 target 和 parts"
            ), "error"
        if metric.base:
            base = metrics.get(metric.base)
            if base is None:
                yield where + ("base",), f"找不到 key 为“{metric.base}”的指标：占比的分母须是另一项指标的 key", "error"
            elif base is metric:
                yield where + ("base",), "指标不能以自己为占比基数", "error"
            elif base.value is None:
                yield where + ("base",), (
                    f"占比的分母“{base.label}”还没有完成值，算不出占比：请补填它的完成值，或删去 base"
                ), "error"
            elif not _comparable(metric.unit, base.unit):
                yield where + ("base",), (
                    f"“{metric.label}”以“{metric.unit}”计，“{base.label}”以“{base.unit}”计，"
                    "不能相除求占比：请选择同一计量单位的指标作分母"
                ), "error"
            elif metric.value is not None and base.value is not None and metric.value > base.value:
                yield where + ("base",), (
                    f"“{metric.label}”（{plain_number(metric.value)}）大于分母“{base.label}”"
                    f"（{plain_number(base.value)}），占比会超过 100%：请核对数字或换一个分母"
                ), "error"


def _shape(metric: Metric, where: tuple) -> Iterator[Rule]:
    """The figure shapes a metric may take: a goal with no value yet, before → after, standard vs actual."""
    if metric.value is None:
        if metric.target is None:
            yield where + ("value",), (
                f"“{metric.label}”既没有完成值也没有目标值：请填写完成值 value；还没有完成数的，请至少填写目标值 target"
            ), "error"
        extra = [name for name in ("previous", "before", "standard", "base") if getattr(metric, name) is not None]
        extra += ["parts"] if metric.parts else []
        extra += ["profile"] if metric.profile else []
        if extra:
            yield where + (extra[0],), (
                f"“{metric.label}”没有完成值，却填了 {'、'.join(extra)}：这些都要和完成值对照着写，"
                "请补填完成值 value，或删去这些项"
            ), "error"
    if metric.before is None and (metric.before_unit or metric.before_when or metric.before_approx != "exact"):
        yield where + ("before",), (
            f"“{metric.label}”填了原有数的单位、时间或约数说法，却没有原有数 before：请补填原有数，或删去这些项"
        ), "error"
    if metric.standard is None and metric.standard_source:
        yield where + ("standard_source",), (
            f"“{metric.label}”填了标准出处，却没有标准值 standard：请补填标准值，或删去标准出处"
        ), "error"
    if metric.standard is not None and metric.before is not None:
        yield where + ("standard",), (
            f"“{metric.label}”同时填了标准值和原有数，一句话里只能写一种对照：请把其中一项拆成另一个指标"
        ), "error"
    if metric.standard is not None and metric.target is not None and metric.standard == metric.target:
        yield where + ("target",), (
            f"“{metric.label}”的目标值与标准值相同：标准是必须达到的条件，不是要完成的目标，"
            "请只填标准值 standard，删去目标值 target"
        ), "warning"
    if (metric.before is not None and metric.value is not None and metric.before == metric.value
            and (metric.before_unit or metric.unit) == metric.unit):
        yield where + ("before",), (
            f"“{metric.label}”的原有数与完成值相同（{plain_number(metric.value)}{metric.unit}）：请核对，"
            "没有变化的指标不必填原有数"
        ), "warning"
    if metric.parts_partial and not metric.parts:
        yield where + ("parts_partial",), (
            f"“{metric.label}”选了“其中只列部分”，却没有填写分项：请在指标下一行填写“其中：……”分项，或删去这一项"
        ), "error"


def _dates(report: Report) -> Iterator[Rule]:
    period = report.period
    start, end = period.start_date, period.end_date
    span = f"{cn_date(start)}至{cn_date(end)}"
    if start > end:
        if period.start:  # a first year after the report's year is reported on since itself
            yield ("period", "end"), "截止日期早于起始日期：请核对", "error"
        return
    if period.as_of and not start <= period.as_of <= end:
        yield ("period", "as_of"), f"数据截至日期不在本期（{span}）内：请核对", "error"
    for i, activity in enumerate(report.activities):
        # A month or a year stands for its whole range: it lies in the period if the ranges overlap.
        first = dates.first_day(activity.date) if activity.date else None
        last = dates.last_day(activity.end or activity.date) if activity.date or activity.end else None
        if activity.date and not (first <= end and dates.last_day(activity.date) >= start):
            yield ("activities", i, "date"), f"活动日期 {dates.iso(activity.date)} 不在本期（{span}）内：请核对日期或删去这项活动", "error"
        if first and activity.end and last < first:
            yield ("activities", i, "end"), "结束日期早于开始日期：请核对", "error"
        elif activity.end and not (dates.first_day(activity.end) <= end and last >= start):
            yield ("activities", i, "end"), f"结束日期不在本期（{span}）内：请核对", "error"
    for i, result in enumerate(report.results):
        if result.date and not (dates.first_day(result.date) <= end and dates.last_day(result.date) >= start):
            yield ("results", i, "date"), f"节点日期 {dates.iso(result.date)} 不在本期（{span}）内：请核对日期，或不填日期", "error"
    signed = report.signature.date
    for i, document in enumerate(report.basis.documents):
        if document.date and signed and dates.first_day(document.date) > signed:
            yield ("basis", "documents", i, "date"), (
                f"文件《{document.title}》的印发日期 {dates.iso(document.date)} 晚于成文日期：请核对日期，"
                "或把这份文件从本期的依据中删去"
            ), "error"
    if signed and signed < start:
        yield ("signature", "date"), "成文日期早于本期开始：请核对", "error"
    elif signed and period.as_of and signed < period.as_of:
        yield ("signature", "date"), (
            f"成文日期{cn_date(signed)}早于数据截至日期{cn_date(period.as_of)}：请核对两个日期"
        ), "error"
    elif signed and _known_end(period) and signed < end.replace(day=1):
        # Units do sign a 年度总结 in late December, but one signed months before the end is a 阶段 report.
        yield ("signature", "date"), (
            f"成文日期{cn_date(signed)}早于本期的最后一个月（{end.year}年{end.month}月）：{period.type}的{report.kind}"
            "应在期末成文；写到目前为止的情况，请把期间类型改为“阶段”并填写起始日期 start，否则请核对成文日期"
        ), "error"


def _known_end(period) -> bool:
    """A closed period whose end the data fixes: a 季度 without its quarter has none to check against."""
    return period.type in CLOSED_PERIODS and not (
        (period.type == "季度" and period.quarter is None) or (period.type == "月度" and period.month is None))


def _period(report: Report) -> Iterator[Rule]:
    """Each period kind has the fields it is named by: a 季度 its quarter, a 专项 its name and dates,
    a span of years its first year; a field the kind does not use would be dropped without a word."""
    period = report.period
    kind = period.type
    if kind == "季度" and period.quarter is None:
        yield ("period", "quarter"), "期间类型为季度：请填写 quarter（1–4），如第三季度填 3", "error"
    if kind == "月度" and period.month is None:
        yield ("period", "month"), "期间类型为月度：请填写 month（1–12）", "error"
    if kind == "阶段" and period.start is None:
        yield ("period", "start"), (
            f"阶段汇报没有起始日期：正文只能写“{period.year}年以来”；请填写这一阶段的起始日期 start"
            f"（如 {period.year}-03-01，写作“{period.year}年3月以来”）"
        ), "warning"
    if kind == "专项":
        if not (period.name or period.label):
            yield ("period", "name"), "专项期间没有名称：请填写 name，如“春节、元宵节期间”", "error"
        for name, word in (("start", "起始日期"), ("end", "截止日期")):
            if getattr(period, name) is None:
                yield ("period", name), f"专项期间没有{word}：请填写 {name}（如 {period.year}-02-01）", "error"
    elif period.name:
        yield ("period", "name"), (
            f"期间名称“{period.name}”只用于专项期间：节日、专项行动的报告请把期间类型改为“专项”，否则删去 name"
        ), "error"
    if kind in ("近年来", "多年"):
        if period.since is None and period.start is None:
            yield ("period", "since"), (
                f"期间类型为{kind}：请填写起始年份 since（如 {period.year - 3}，正文写作“{period.year - 3}年以来”）"
            ), "error"
        elif period.since and period.since > period.year:
            yield ("period", "since"), f"起始年份 {period.since} 晚于年度 {period.year}：请核对", "error"
        elif period.since and period.start and period.start.year != period.since:
            yield ("period", "since"), (
                f"起始年份 {period.since} 与起始日期 {cn_date(period.start)} 不一致：两者留一个即可"
            ), "error"
    elif period.since is not None:
        yield ("period", "since"), (
            "起始年份只用于近年来或多年的汇报：写几年来的工作请把期间类型改为“近年来”，否则删去 since"
        ), "error"


def _counts(report: Report) -> Iterator[Rule]:
    """A stated count must fit its dates: one day is one occurrence, a frequency allows so many slots."""
    period = report.period
    for i, activity in enumerate(report.activities):
        times = activity.times
        if not times or times < 2:
            continue
        where = ("activities", i, "times")
        frequency = recurrence.parse(activity.recurrence)
        one_day = dates.is_day(activity.date) and (activity.end is None or activity.end == activity.date)
        if activity.recurrence is None and one_day:
            yield where, (
                f"只有一个日期（{cn_date(activity.date, False)}），却写开展了{times}次：一天的活动请把次数改为1"
                "，或删去 times；分几次开展的，请填写结束日期 end 或频次 recurrence"
            ), "error"
            continue
        if frequency is None:
            continue
        # A month-only date stands for its whole month (自8月份起 counts from 8月1日, 至10月份 up to
        # 10月31日): no day is assumed, so no true count is refused.
        start = max(dates.first_day(activity.date), period.start_date) if activity.date else period.start_date
        end = dates.last_day(activity.end) if activity.end else period.as_of or period.end_date
        if end < start:  # the date rules already say which date is wrong
            continue
        most = frequency.most(start, end)
        if times > most:
            yield where, (
                f"“{activity.recurrence}”从{cn_date(start, False)}到{cn_date(end, False)}最多{most}次，"
                f"写的是{times}次：请核对次数、频次或起止日期"
            ), "error"


def _quantities(report: Report) -> Iterator[Rule]:
    """Per-recipient amounts, spreads and money carried by a count: each says one thing only."""
    for i, activity in enumerate(report.activities):
        for j, q in enumerate(activity.quantities):
            where = ("activities", i, "quantities", j)
            if q.per and q.agg != "none":
                yield where + ("agg",), (
                    f"“每{q.per}”的数额不是合计，不能再写“{q.agg}”：请删去口径 agg，或删去 per 改填合计数"
                ), "error"
            if q.others and q.approx != "exact":
                yield where + ("approx",), (
                    "数额不等（others）时约数说法只会落在第一个数上：请删去 approx，把每个数按实际填写"
                ), "error"
            if q.value in q.others:
                yield where + ("others",), (
                    f"其他数值中又写了 {plain_number(q.value)}：数额不等时这里只填与数值不同的数"
                ), "error"
            if q.money is not None and q.unit.endswith("元"):
                yield where + ("money",), (
                    f"计量单位“{q.unit}”已是金额，不能再填金额 money：请把 money 写成另一项数量，或删去"
                ), "error"
            if q.money_label and q.money is None:
                yield where + ("money_label",), (
                    f"填了金额名称“{q.money_label}”却没有金额：请填写金额 money（元），或删去 money_label"
                ), "error"


def _organisation(report: Report) -> Iterator[Rule]:
    """The leading group's other posts need their name of post; an office head said twice must agree."""
    group = report.leadership
    if group is None:
        return
    for i, person in enumerate(group.others):
        if not person.post:
            yield ("leadership", "others", i, "post"), (
                f"“{person.role}{person.name or ''}”列在其他职务中，却没有写在领导小组中担任什么：请填写 post，"
                "如“政委”“顾问”；副组长请填在 deputies 中"
            ), "error"
    head = group.office_head
    if head and head.post and group.office_head_from and head.post != group.office_head_from:
        yield ("leadership", "office_head_from"), (
            f"办公室主任由“{group.office_head_from}”兼任，可办公室主任的小组职务写的是“{head.post}”：请改成一致，或删去其中一个"
        ), "error"


def _one_day_totals(report: Report) -> Iterator[Rule]:
    """A one-day activity carrying the period's own indicator (5月31日…劝阻吸烟1240人次, when 1240人次 is the
    year's figure compared with last year) credits a whole year's work to one day."""
    periodic = {(m.label, m.value, m.unit) for m in report.metrics
                if m.value is not None and (m.previous is not None or m.target is not None)}
    for i, activity in enumerate(report.activities):
        if not dates.is_day(activity.date) or activity.recurrence or (activity.end and activity.end != activity.date):
            continue
        for j, q in enumerate(activity.quantities):
            if (q.label, q.value, q.unit) in periodic:
                yield ("activities", i, "quantities", j), (
                    f"“{q.label}{plain_number(q.value)}{q.unit}”与全期指标相同，却记在{cn_date(activity.date, False)}"
                    "这一天的活动上：若是全期累计，只写在指标中，把这一项从活动中删去"
                ), "warning"


def _signature(report: Report) -> Iterator[Rule]:
    """No 成文日期 is made up: without one the document leaves the date line blank, and says so here."""
    if report.signature.date is None:
        yield ("signature", "date"), (
            "没有填写成文日期：生成的文件中落款日期留空，请补填成文日期"
            "（格式如 2024-06-05），或打印后手写"
        ), "warning"


def _plans(report: Report) -> Iterator[Rule]:
    ids = report.problem_ids()
    year = report.period.year
    allowed = {year + 1} if report.period.type == "全年" else {year, year + 1}
    for i, plan in enumerate(report.plans):
        if plan.year is not None and plan.year not in allowed:
            expected = "、".join(f"{y}" for y in sorted(allowed))
            yield ("plans", i, "year"), f"计划年度 {plan.year} 不对：本期是{year}年，下一步打算应写 {expected} 年", "error"
        for j, ref in enumerate(plan.addresses):
            if ref not in ids:
                yield ("plans", i, "addresses", j), f"找不到 id 为“{ref}”的问题：可用的有 {'、'.join(dict.fromkeys(ids)) or '（尚未填写问题）'}", "error"
    addressed = {ref for plan in report.plans for ref in plan.addresses}
    if any(plan.addresses for plan in report.plans):
        for i, problem_id in enumerate(ids):
            if problem_id not in addressed:
                yield ("problems", i), f"问题“{report.problems[i].label}”没有对应的下一步措施", "warning"


def _requests(report: Report) -> Iterator[Rule]:
    """Requests to superiors belong to a 汇报 (genre analysis §5: oral-report markers such as
    “望各位领导协助解决” occur only there); a 总结 looks back on the unit's own work."""
    if report.requests and report.kind == "总结":
        yield ("requests", 0, "label"), (  # the first item: a line in YAML, a cell in the workbook
            "“意见和建议”（requests）只写在汇报里，总结是回顾本单位的工作，不向上级提要求："
            "请把文种（kind）改为“汇报”或“情况汇报”，或删去 requests"
        ), "error"
    for i, request in enumerate(report.requests):
        if request.addressee and request.label.startswith(REQUEST_VERBS):
            yield ("requests", i, "label"), (
                f"事项“{request.label}”已用“{request.label[:2]}”开头，又填了提出对象“{request.addressee}”，两者接不上："
                f"请删去事项开头的“{request.label[:2]}”，程序会写成“恳请{request.addressee}……”"
            ), "error"


def _problem_themes(report: Report) -> Iterator[Rule]:
    """A problem's 工作方面 places it only in the 专题 layout; under 常规 say so rather than ignore it."""
    if report.layout == "专题":
        return
    for i, problem in enumerate(report.problems):
        if problem.theme:
            yield ("problems", i, "theme"), (
                f"问题“{problem.label}”填了所属工作方面“{problem.theme}”，但版式（layout）是常规：所有问题都写在“存在的问题”部分。"
                "要写进该方面，请把版式改为“专题”；否则可删去这一项"
            ), "warning"


def _duplicates(report: Report) -> Iterator[Rule]:
    seen: set[tuple] = set()
    for i, honour in enumerate(report.honours):
        key = (honour.title.strip("“”\""), honour.level, honour.recipient)
        if key in seen:
            yield ("honours", i), f"荣誉“{key[0]}”重复填写：请删去重复的一项", "error"
        seen.add(key)
    ids = report.problem_ids()
    for i, problem in enumerate(report.problems):
        if problem.id and ids.count(problem.id) > 1:
            yield ("problems", i, "id"), f"问题 id“{problem.id}”重复：每个问题的 id 应不同", "error"
