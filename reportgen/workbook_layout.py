"""The workbook's columns, derived from the pydantic models: one spec shared by writer and reader.

Which sheets exist, which model field each column holds, the kind of value (number, date, choice…),
the dropdown choices (from the ``Literal`` types) and the input hints (from ``Field`` descriptions) all
come from ``model.py``. The only things kept here are the Chinese names: a header per field, the
aliases real ledgers use for it, and the order in which columns are laid out. A model field with no
header here still gets a column (headed by its description) and is listed in ``PROBLEMS_FOUND``,
which a test keeps empty, so a field added to the model cannot silently miss the workbook.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from . import dates
from . import model as m

# ---------------------------------------------------------------- value kinds


@dataclass(frozen=True)
class Kind:
    """How one field's value is written to and read from a cell."""

    name: str  # text, int, decimal, date, bool, choice, list, keylist, choicelist, numberlist
    choices: tuple[str, ...] = ()
    optional: bool = True
    #: A date that may be a month or a year only (dates.When): typed as text such as 2024年8月.
    partial: bool = False

    @property
    def is_list(self) -> bool:
        return self.name in ("list", "keylist", "choicelist", "numberlist")


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Strip ``Annotated`` and ``| None``; return (bare type, optional)."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, optional


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, itself or as the items of a list (``Unit``, ``list[Activity]`` →
    ``Activity``); None for a plain value. How the starter file, the form and the YAML editor walk the model."""
    bare, _ = _unwrap(annotation)
    if typing.get_origin(bare) is list:
        bare, _ = _unwrap(typing.get_args(bare)[0])
    return bare if isinstance(bare, type) and issubclass(bare, BaseModel) else None


def model_holding(path: typing.Sequence[str | int]) -> type[BaseModel] | None:
    """The model whose field is the last key of a Report ``path`` (``activities.0.attendance`` →
    ``Activity``; list indices are skipped); None when a step is not a model field. How the form finds
    a field's description and the unknown-key hint the fields it may point to."""
    model: type[BaseModel] | None = m.Report
    for part in path[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if model else None
        model = nested_model(field.annotation) if field else None
        if model is None:
            return None
    return model


def kind_of(annotation: Any) -> Kind:
    bare, optional = _unwrap(annotation)
    origin = typing.get_origin(bare)
    if origin is Literal:
        return Kind("choice", tuple(str(a) for a in typing.get_args(bare)), optional)
    if origin is list:
        inner, _ = _unwrap(typing.get_args(bare)[0])
        if typing.get_origin(inner) is Literal:
            return Kind("choicelist", tuple(typing.get_args(inner)), optional)
        if inner is str and _is_key(typing.get_args(bare)[0]):
            return Kind("keylist", (), optional)
        if inner is str:
            return Kind("list", (), optional)
        if inner is Decimal:  # 300、200 (amounts that differ): one cell, numbers side by side
            return Kind("numberlist", (), optional)
        raise TypeError(f"list of {inner!r} has no flat cell form")
    if bare is bool:
        return Kind("bool", ("是", "否"), optional)
    if bare is int:
        return Kind("int", (), optional)
    if bare is Decimal:
        return Kind("decimal", (), optional)
    if bare is dt.date:
        return Kind("date", (), optional, partial=dates.PARTIAL in _annotated_metadata(annotation))
    if bare is str:
        return Kind("text", (), optional)
    raise TypeError(f"no cell form for {annotation!r}")


def _annotated_metadata(annotation: Any) -> list[Any]:
    """The ``Annotated`` metadata anywhere in ``annotation`` (through ``| None``)."""
    found: list[Any] = []
    if typing.get_origin(annotation) is typing.Annotated:
        found += typing.get_args(annotation)[1:]
        found += _annotated_metadata(typing.get_args(annotation)[0])
    elif typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found += _annotated_metadata(arg)
    return found


def _is_key(annotation: Any) -> bool:
    return any(getattr(meta, "pattern", None) for meta in typing.get_args(annotation)[1:]) or annotation is m.Key


#: Values shown in Chinese in cells and dropdowns instead of the model's English literals.
DISPLAY: dict[str, str] = {"exact": "精确值", "none": "无", "auto": "自动"}  # errors._SHOWN says the same
UNDISPLAY: dict[str, str] = {v: k for k, v in DISPLAY.items()}

#: Figure cells whose typed approximation (100多人, 40多万元) has a home in the model: field → the
#: fields that take the approximation word, the 共/累计/达 lead and the typed measure word.
@dataclass(frozen=True)
class Companions:
    approx: str
    agg: str | None = None
    unit: str | None = None
    units: tuple[str, ...] = ()  # the measure words the cell may carry; () = any (a free unit column)


APPROXIMABLE: dict[tuple[type[BaseModel], str], Companions] = {
    (m.Activity, "attendance"): Companions("attendance_approx", None, "attendance_unit", ("人", "人次", "名")),
    (m.Activity, "spend"): Companions("spend_approx", None, None, ("元",)),
    (m.Quantity, "value"): Companions("approx", "agg", "unit"),
    (m.Figure, "value"): Companions("approx", "agg", "unit"),
    (m.Metric, "value"): Companions("approx", "agg", "unit"),
    (m.Metric, "before"): Companions("before_approx", None, "before_unit"),
}

#: Common 量词/计量单位, offered (not enforced) as a dropdown for the free-text unit columns.
MEASURE_WORDS: tuple[str, ...] = (
    "人", "人次", "名", "户", "家", "次", "场", "期", "篇", "份", "面", "处", "个", "支", "块", "幅", "条", "件",
    "项", "辆", "所", "座", "本", "册", "张", "小时", "天", "%", "元", "万元", "平方米", "米", "公里", "吨",
)

# ---------------------------------------------------------------- columns of list sheets


@dataclass(frozen=True)
class Column:
    """One column of a list sheet. ``field`` is the model field; "" marks a computed, output-only column."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: Kind = Kind("text")
    hint: str = ""
    required: bool = False
    printed: bool = True
    suggest: tuple[str, ...] = ()  # non-binding dropdown (measure words)

    @property
    def is_field(self) -> bool:
        return not self.key.startswith("@")

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(DISPLAY.get(c, c) for c in self.kind.choices)

    @property
    def computed(self) -> bool:
        """完成率, 同比, 状态: written by the program, never read; the form says so and refuses typing."""
        return self.key in (COMPLETION, CHANGE, STATUS)

    @property
    def title(self) -> str:
        """The header as the sheet shows it: a required column is marked with *, as Chinese forms do."""
        return f"*{self.header}" if self.required else self.header


@dataclass(frozen=True)
class TableSheet:
    """A sheet with one row per list item (activities, metrics, …)."""

    name: str
    path: tuple[str, ...]
    model: type[BaseModel]
    columns: tuple[Column, ...]
    title: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None  # for 数量明细: the list its rows belong to (by 序号)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def printed(self) -> int:
        """How many leading columns are printed (the rest are supplementary, for the round trip)."""
        return sum(1 for c in self.columns if c.printed)


SEQ = "@seq"
PARENT = "@parent"
COMPLETION = "@completion"
CHANGE = "@change"
STATUS = "@status"

_SEQ_ALIASES = ("序号", "编号", "No", "No.", "序")

#: key → (header, aliases, printed). Order here is column order; "@…" keys are not model fields.
_Spec = dict[str, tuple[str, tuple[str, ...], bool]]

_ACTIVITY: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "date": ("日期", ("活动日期", "开展日期", "时间", "活动时间", "开始日期", "日期（开始）"), True),
    "theme": ("类别", ("所属类别", "工作方面", "所属工作方面", "测评项目", "所属测评项目", "项目类别"), True),
    "title": ("活动名称", ("活动主题", "名称", "主题", "活动名称（主题）", "活动项目"), True),
    "location": ("地点", ("活动地点", "地址", "开展地点"), True),
    "attendance": ("参与人数/人次", ("参与人数", "参与人次", "人数", "人次", "参加人数", "参加人次", "参与人数（人次）"), True),
    "content": ("主要内容", ("活动内容", "内容", "活动内容摘要", "活动情况", "活动详情", "内容摘要"), True),
    "evidence": ("佐证材料", ("佐证", "佐证资料", "见证材料", "佐证材料（签到表/照片张数/文件名）", "图片资料"), True),
    "kind": ("活动形式", ("活动类型", "活动类别", "形式"), True),
    "end": ("结束日期", ("截止日期", "日期（结束）"), True),
    "recurrence": ("频次", ("开展频次",), True),
    "times": ("开展次数", ("次数", "期数", "场次"), True),
    "festival": ("结合节日", ("节日",), True),
    "organizer": ("组织单位", ("组织者", "主办单位", "组织单位（负责人）", "负责单位"), True),
    "partners": ("协办单位", ("共建单位", "协办或共建单位", "参与单位"), True),
    "participants": ("参与群体", ("参与对象", "服务对象"), True),
    "attendance_unit": ("人数单位", ("参与人数单位",), True),
    "spend": ("投入经费（元）", ("投入经费", "经费", "经费（元）", "投入资金"), True),
    "outcome": ("取得效果", ("效果", "成效", "活动成效"), True),
    "attendance_approx": ("人数约数说法", ("参与人数约数",), False),
    "spend_approx": ("经费约数说法", ("投入经费约数",), False),
}

_QUANTITY: _Spec = {
    PARENT: ("活动序号", ("所属活动序号", "活动编号"), True),
    "verb": ("动作", ("动词",), True),
    "label": ("计量对象", ("对象", "名称"), True),
    "value": ("数值", ("数量",), True),
    "unit": ("计量单位", ("单位",), True),
    "per": ("按每…计", ("每户/每人", "按户/人计"), True),
    "others": ("其他数值（不等）", ("其他数值", "不等"), True),
    "approx": ("近似写法", ("近似",), True),
    "agg": ("口径", (), True),
    "money": ("金额（元）", ("金额", "涉及金额"), True),
    "money_label": ("金额名称", ("资金名称",), True),
}

_METRIC: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "theme": ("类别", ("测评项目", "所属类别", "工作方面", "所属工作方面", "项目类别"), True),
    "label": ("指标名称", ("指标", "名称", "考核内容", "指标项目"), True),
    "unit": ("计量单位", ("单位",), True),
    "target": ("目标值", ("目标", "目标值（标准）", "任务目标"), True),
    "value": ("完成值", ("指标值", "完成情况", "实际完成", "完成数"), True),
    COMPLETION: ("完成率", (), True),
    "previous": ("上期值", ("上年同期", "上年同期值", "上年值", "去年同期"), True),
    CHANGE: ("同比", ("同比增减",), True),
    STATUS: ("状态", ("完成状态", "是否达标"), True),
    "owner": ("责任人", ("责任科室", "责任单位", "负责部门", "责任科室（责任人）"), True),
    "evidence": ("佐证材料", ("佐证", "佐证资料", "见证材料"), True),
    "note": ("备注", ("说明",), True),
    "target_source": ("目标来源", (), True),
    "before": ("原有数", ("原有", "原来", "创建前"), True),
    "before_unit": ("原有数单位", ("原有单位",), True),
    "before_when": ("原有数时间", ("原有时间",), True),
    "standard": ("标准值", ("应达标准", "标准要求"), True),
    "standard_source": ("标准出处", ("标准来源", "标准依据"), True),
    "parts_partial": ("其中只列部分", ("分项不全",), True),
    "lower_is_better": ("越低越好", ("数值越低越好",), True),
    "base": ("占比基数", ("分母指标",), True),
    "profile": ("基本情况数字", ("概况数字",), True),
    "approx": ("近似写法", ("近似", "约数说法"), False),
    "agg": ("口径", (), False),
    "before_approx": ("原有数约数说法", ("原有数近似写法",), False),
    "key": ("指标代号", ("标识", "key", "指标标识"), False),
}

_MECHANISM: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "name": ("制度名称", ("名称", "机制名称"), True),
    "kind": ("类型", ("制度类型",), True),
    "theme": ("所属方面", ("类别", "工作方面"), True),
    "frequency": ("频次", (), True),
    "parties": ("份数/覆盖单位数", ("份数", "覆盖单位数"), True),
    "detail": ("具体做法", ("做法", "内容"), True),
}

_HONOUR: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "title": ("荣誉称号", ("荣誉", "称号", "荣誉名称"), True),
    "level": ("级别", ("荣誉级别",), True),
    "awarder": ("授予机关", ("授予单位", "颁发单位"), True),
    "date": ("获得日期", ("日期", "授予日期"), True),
    "recipient": ("获得者", ("获得人", "获奖者"), True),
}

_RESULT: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "text": ("成效或节点", ("成效", "节点", "工作节点", "定性成效"), True),
    "date": ("日期", ("节点日期", "完成日期"), True),
    "theme": ("所属方面", ("类别", "工作方面"), True),
}

_PROBLEM: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "label": ("问题概括", ("问题", "存在问题"), True),
    "detail": ("具体表现", ("表现", "问题描述"), True),
    "theme": ("所属方面", ("类别", "工作方面"), True),
    "id": ("问题代号", ("标识", "问题标识", "id"), False),
}

_REQUEST: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "label": ("建议事项", ("事项", "请求事项", "建议", "意见和建议"), True),
    "addressee": ("提出对象", ("对象", "向谁提出"), True),
    "detail": ("理由或说明", ("理由", "说明", "具体说明"), True),
}

_PLAN: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "label": ("措施概括", ("措施", "打算"), True),
    "detail": ("具体做法", ("做法", "内容"), True),
    "theme": ("所属方面", ("类别", "工作方面"), True),
    "addresses": ("针对问题", ("针对问题标识", "针对问题代号"), True),
    "year": ("计划年度", ("年度",), True),
}

_SUPERIOR: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "name": ("上级机关", ("名称",), True),
    "relation": ("关系", (), True),
}

_DOCUMENT: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "title": ("文件标题", ("标题", "文件名称"), True),
    "doc_no": ("文号", ("发文字号",), True),
    "issuer": ("发文机关", ("发文单位",), True),
    "date": ("印发日期", ("日期", "发文日期"), True),
    "own": ("本单位制定", ("本单位文件", "自行制定"), True),
}

_MEETING: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "name": ("会议名称", ("名称",), True),
    "date": ("日期", ("会议日期",), True),
    "participants": ("参会人数", ("人数",), True),
}

_PERSON: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "role": ("职务", (), True),
    "name": ("姓名", (), True),
    "post": ("小组职务", ("领导小组职务", "指挥部职务"), True),
}

_PROFILE_FIGURE: _Spec = {
    SEQ: ("序号", _SEQ_ALIASES, True),
    "label": ("名称", ("概况项目", "项目"), True),
    "value": ("数值", ("数量",), True),
    "unit": ("计量单位", ("单位",), True),
    "approx": ("近似写法", ("近似",), True),
    "agg": ("口径", (), False),
}

_HEADING: _Spec = {
    "theme": ("工作方面", ("类别", "部分"), True),
    "title": ("标题", ("自定义标题",), True),
}


class _HeadingRow(BaseModel):
    """One entry of ``Report.headings`` (a dict), laid out as a row."""

    theme: m.Theme
    title: m.Text


#: Hints of the columns that are not model fields.
_OWN_HINTS = {
    SEQ: "填 1、2、3……（“数量明细”表按这个序号找到所属活动）",
    PARENT: "这项数量属于哪项活动：从下拉列表中选该活动在“活动台账”中的序号",
    COMPLETION: "由程序按完成值和目标值计算，不用填写",
    CHANGE: "由程序按完成值和上期值计算，不用填写",
    STATUS: "由程序判断是否达标，不用填写",
}

#: Fields a sheet does not hold as a column, and where they go instead.
_ELSEWHERE = {(m.Activity, "quantities"): "数量明细", (m.Metric, "parts"): "其中行"}


#: Layout problems found while deriving the sheets (a model field with no Chinese header yet, a
#: field with no flat cell form). The workbook still works — a new field gets a column headed by its
#: description — and ``tests/test_xlsx_layout.py`` fails until the header is added here.
PROBLEMS_FOUND: list[str] = []


def _fallback_header(info: Any, name: str) -> str:
    text = re.split(r"[，,；;：:（(。]", info.description or "")[0].strip()
    return text[:12] or name


def _columns(model: type[BaseModel], spec: _Spec, measure: tuple[str, ...] = ()) -> tuple[Column, ...]:
    fields = model.model_fields
    spec = dict(spec)
    for key in [k for k in spec if not k.startswith("@") and k not in fields]:
        PROBLEMS_FOUND.append(f"{model.__name__}.{key}: header for a field the model no longer has")
        del spec[key]
    for name, info in fields.items():
        if name not in spec and (model, name) not in _ELSEWHERE:
            PROBLEMS_FOUND.append(f"{model.__name__}.{name}: no Chinese header in workbook_layout")
            spec[name] = (_fallback_header(info, name), (name,), False)
    columns = []
    for key, (header, aliases, printed) in spec.items():
        if key.startswith("@"):
            kind = Kind("int") if key in (SEQ, PARENT) else Kind("text") if key == STATUS else Kind("decimal")
            columns.append(Column(key, header, aliases, kind, _OWN_HINTS[key], printed=printed))
            continue
        info = fields[key]
        try:
            kind = kind_of(info.annotation)
        except TypeError as exc:
            PROBLEMS_FOUND.append(f"{model.__name__}.{key}: {exc}")
            continue
        columns.append(Column(
            key, header, aliases, kind, info.description or "",
            info.is_required(), printed, MEASURE_WORDS if key in measure else (),
        ))
    return tuple(columns)


ACTIVITIES = TableSheet("活动台账", ("activities",), m.Activity, _columns(m.Activity, _ACTIVITY), "工作活动台账",
                        ("活动记录", "台账", "活动", "活动登记表", "创文台账"))
QUANTITIES = TableSheet("数量明细", ("quantities",), m.Quantity, _columns(m.Quantity, _QUANTITY, ("unit",)),
                        "活动数量明细", ("数量",), parent="活动台账")
METRICS = TableSheet("指标完成情况表", ("metrics",), m.Metric, _columns(m.Metric, _METRIC, ("unit",)),
                     "工作指标完成情况表", ("指标", "指标完成情况", "指标表", "指标完成表"))
MECHANISMS = TableSheet("制度机制", ("mechanisms",), m.Mechanism, _columns(m.Mechanism, _MECHANISM), "制度机制清单",
                        ("制度",))
RESULTS = TableSheet("成效与节点", ("results",), m.Result, _columns(m.Result, _RESULT), "没有数字的成效和工作节点",
                     ("成效节点", "工作节点", "定性成效"))
HONOURS = TableSheet("荣誉称号", ("honours",), m.Honour, _columns(m.Honour, _HONOUR), "所获荣誉", ("荣誉",))
PROBLEMS = TableSheet("存在问题", ("problems",), m.Problem, _columns(m.Problem, _PROBLEM), "存在问题", ("问题",))
PLANS = TableSheet("下一步打算", ("plans",), m.Plan, _columns(m.Plan, _PLAN), "下一步工作打算",
                   ("工作打算", "打算", "下步打算"))
REQUESTS = TableSheet("意见和建议", ("requests",), m.Request, _columns(m.Request, _REQUEST), "意见和建议（汇报用）",
                      ("请求事项", "建议"))
SUPERIORS = TableSheet("上级机关", ("basis", "superiors"), m.Superior, _columns(m.Superior, _SUPERIOR), "上级机关")
DOCUMENTS = TableSheet("依据文件", ("basis", "documents"), m.DocRef, _columns(m.DocRef, _DOCUMENT), "依据文件")
MEETINGS = TableSheet("依据会议", ("basis", "meetings"), m.Meeting, _columns(m.Meeting, _MEETING), "依据会议")
DEPUTIES = TableSheet("副组长", ("leadership", "deputies"), m.Person, _columns(m.Person, _PERSON), "领导小组副组长",
                      ("领导小组副组长",))
POSTS = TableSheet("其他职务", ("leadership", "others"), m.Person, _columns(m.Person, _PERSON), "领导小组其他职务",
                   ("领导小组其他职务", "政委", "顾问"))
PROFILE_FIGURES = TableSheet("概况数字", ("unit", "profile", "figures"), m.Figure,
                             _columns(m.Figure, _PROFILE_FIGURE, ("unit",)), "单位概况数字", ("概况",))
HEADINGS = TableSheet("部分标题", ("headings",), _HeadingRow, _columns(_HeadingRow, _HEADING), "自定义部分标题",
                      ("自定义标题",))

#: List sheets in workbook order (after 汇总 and 单位信息 … see SHEET_ORDER).
TABLES: tuple[TableSheet, ...] = (
    METRICS, ACTIVITIES, QUANTITIES, MECHANISMS, RESULTS, HONOURS, PROBLEMS, PLANS, REQUESTS, SUPERIORS, DOCUMENTS,
    MEETINGS, DEPUTIES, POSTS, PROFILE_FIGURES, HEADINGS,
)

_EXAMPLE_YEAR = 2024
#: The one 示例 row of each list sheet of the blank form. Rows still marked 示例 are not read; one
#: the clerk typed over (its content differs from these) is read, with a notice.
EXAMPLES: dict[str, list[Any]] = {
    "活动台账": [m.Activity(
        theme="志愿服务", title="“学雷锋”志愿服务活动", kind="志愿服务", date=dt.date(_EXAMPLE_YEAR, 3, 5),
        location="社区广场", attendance=45, attendance_unit="人次", content="组织党员志愿者清理楼道小广告、为独居老人打扫卫生",
        evidence="签到表1份、照片6张", partners=["区城管局", "辖区物业公司"], participants=["党员", "志愿者"],
        festival="学雷锋月", outcome="清理小广告300余处", spend=Decimal("800"),
    )],
    "数量明细": [m.Quantity(label="宣传单", value=Decimal(2000), unit="份", approx="余", agg="共")],
    "指标完成情况表": [m.Metric(
        label="注册志愿者人数", theme="志愿服务", value=Decimal(320), unit="人",
        target=Decimal(300), previous=Decimal(280), owner="社区办公室", evidence="志愿汇平台截图",
        parts=[m.Part(label="党员志愿者", value=Decimal(120)), m.Part(label="群众志愿者", value=Decimal(200))],
    )],
    "制度机制": [m.Mechanism(name="每周例会制度", kind="例会", frequency="每周一次", theme="制度责任",
                        detail="每周一召开创建工作例会，通报问题、部署任务")],
    "成效与节点": [m.Result(text="通过市级文明社区复检", date=dt.date(_EXAMPLE_YEAR, 11, 8))],
    "荣誉称号": [m.Honour(title="文明单位", level="市级", awarder="市委、市政府", date=dt.date(_EXAMPLE_YEAR, 1, 20))],
    "存在问题": [m.Problem(label="宣传阵地不足", detail="部分小区公益广告数量偏少、更新不及时", theme="宣传发动")],
    "下一步打算": [m.Plan(label="加大宣传投入", detail="在各小区出入口增设公益广告", theme="宣传发动",
                      year=_EXAMPLE_YEAR + 1)],
    "意见和建议": [m.Request(label="协调解决社区活动用房", addressee="街道办事处",
                        detail="现有活动室面积较小，难以满足居民开展文体活动的需要")],
    "上级机关": [m.Superior(name="街道党工委", relation="领导")],
    "依据文件": [m.DocRef(title="关于深入推进创建全国文明城市工作的实施方案", doc_no="区文明办〔2024〕3号", issuer="区文明办")],
    "依据会议": [m.Meeting(name="创建全国文明城市工作推进会", participants=60)],
    "副组长": [m.Person(role="社区主任", name="王芳")],
    "其他职务": [m.Person(role="社区党委书记", name="张华", post="第一组长")],
    "概况数字": [m.Figure(label="社区工作人员", value=Decimal(11), unit="名")],
}

#: Columns whose dropdown lists what another sheet holds: (sheet, column) → (sheet, column). The clerk
#: picks a 问题概括 or 指标名称 and the reader turns it into the code the model links by.
LINKS: dict[tuple[str, str], tuple[str, str]] = {
    (QUANTITIES.name, PARENT): (ACTIVITIES.name, SEQ),
    (PLANS.name, "addresses"): (PROBLEMS.name, "label"),
    (METRICS.name, "base"): (METRICS.name, "label"),
}

NOTES_SHEET = "填写说明"

#: Empty ruled rows under the 示例 row of the blank form, tall enough to write in by hand: clerks often
#: fill a printout first and type it in later.
BLANK_ROWS = 20
BLANK_ROW_HEIGHT = 30

#: What each sheet is for, said once on the 填写说明 sheet of the blank form (pop-up hints only show
#: one cell at a time, and a clerk filling a printout sees none of them).
FORM_NOTE: dict[str, str] = {
    "": "每张表第3行是列名，从第4行起每行填一条；列名前带“*”的必须填写，其余有就填、没有就空着。"
        "序号写着“示例”的行是填写样例，不会被读取，可以照着改（改写后请把序号改成数字）或删除。"
        "合计行不用填，程序会自动计算。数字可以照平时的写法填，如“1,200”“100多人”“近百名”“40多万元”；"
        "一格只填一个数，两个数请分成两行。表名请不要改动。",
    "单位信息": "本单位的基本情况、总结的期间、创建活动、领导小组和结尾落款，每项填在“内容”一栏。",
    METRICS.name: "每行一项工作指标。分项数请在指标下一行填写，指标名称写成“其中：党员志愿者”，序号空着；"
                  "分项只列了总数的一部分时，“其中只列部分”选“是”。还没有完成数的指标，只填目标值，完成值空着。"
                  "要写“由2处增加到23盏”的，把原来的数填在“原有数”（单位不同时填“原有数单位”）；"
                  "要写“标准60平方米、实际300平方米”的，把标准填在“标准值”，实际数填在“完成值”，不要填成目标值。"
                  "完成率、同比和状态由程序计算，不用填写。",
    RESULTS.name: "没有数字的成效（如“县文明程度指数排位提升”）和工作节点（如“通过省级测评验收”），每项一行；"
                  "节点有日期的填日期；“所属方面”不填则写在成效部分。",
    ACTIVITIES.name: "每行一项活动或工作。参与人数可直接写“100多人”“近百名”；投入经费可写“40多万元”。"
                     "一项活动的其他数量（发放宣传单、悬挂道旗等）填在“数量明细”表。",
    QUANTITIES.name: "活动中的其他数量，每个数量一行；“活动序号”填该活动在“活动台账”中的序号。",
    MECHANISMS.name: "建立或落实的制度、例会、巡查、考核、责任书等，每项一行。",
    HONOURS.name: "本期获得的荣誉称号，每项一行；本单位获得的，“获得者”空着。",
    PROBLEMS.name: "存在的问题，每个问题一行。版式选“专题”时，填了“所属方面”的问题写进该方面的“存在问题”。",
    PLANS.name: "下一步的打算，每条一行；“针对问题”从下拉列表中选“存在问题”表里的问题概括。",
    REQUESTS.name: "只用于汇报（文种为“汇报”“情况汇报”等）：向上级提出的意见建议或需要帮助解决的事项，每条一行，"
                   "写在汇报末尾单列的“意见和建议”部分。总结不要填写。",
    SUPERIORS.name: "开头“在……的领导和指导下”要写的上级机关，每个一行（本单位的隶属关系填在“单位信息”的“上级单位”）。",
    DOCUMENTS.name: "开头“按照……的要求”要写的上级文件，每份一行；本单位自己制定的方案、制度也填在这里，“本单位制定”选“是”。",
    MEETINGS.name: "开头“贯彻落实……精神”要写的上级会议，每个一行；本单位自己召开的会议请填在“活动台账”，活动形式选“会议”。",
    DEPUTIES.name: "领导小组的副组长，每人一行（组长填在“单位信息”）。",
    POSTS.name: "组长、副组长以外的职务（政委、顾问等），每人一行，“小组职务”一栏必填。",
    PROFILE_FIGURES.name: "开头介绍本单位时要写的其他数字，名称和量词照平时的说法填，如“社区工作人员 11 名”。",
    HEADINGS.name: "想自己拟定某一部分的小标题时填写，不填则由程序拟定。",
}

#: Extra words for 单位信息 items that have a near twin elsewhere, so one fact has one home.
INFO_HINTS: dict[str, str] = {
    "unit.parent": "（只用于介绍本单位；开头“在……领导下”的上级机关请填“上级机关”表）",
    "unit.city": "（本单位所在的城市；创建的是哪个城市请填“创建城市”）",
    "campaign.city": "（创建的是哪个城市；不填则用“所在城市”）",
    "period.type": "（节日、专项行动的总结选“专项”，并填专项名称、起始日期和截止日期；到目前为止的阶段汇报选“阶段”，"
                   "填起始日期；写几年来的工作选“近年来”，填起始年份）",
    "period.year": "（写四位数，如 2025）",
}

SUMMARY = "汇总"
INFO = "单位信息"
CHOICES = "选项"  # hidden sheet holding dropdown lists
EVIDENCE = "文字依据"  # the unit workbook's sentence-by-sentence sources: written, never read
INFO_ALIASES = ("基本信息", "单位基本信息", "单位情况")

# ---------------------------------------------------------------- the 单位信息 key–value sheet


@dataclass(frozen=True)
class InfoRow:
    path: tuple[str, ...]
    group: str
    label: str
    kind: Kind
    hint: str
    required: bool

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


#: Chinese label of every scalar path of Report that is not in a list sheet. Paths come from the
#: models (see ``_info_rows``); a path without a label here is an import-time error.
_INFO_LABELS: dict[str, tuple[str, str]] = {
    "kind": ("文稿", "文种"),
    "title": ("文稿", "自定义标题"),
    "unit.name": ("单位", "单位全称"),
    "unit.type": ("单位", "单位类型"),
    "unit.short_name": ("单位", "单位简称"),
    "unit.parent": ("单位", "上级单位"),
    "unit.city": ("单位", "所在城市"),
    "unit.profile.area": ("单位概况", "面积"),
    "unit.profile.households": ("单位概况", "户数"),
    "unit.profile.population": ("单位概况", "人口数"),
    "unit.profile.subdivisions": ("单位概况", "下辖单元"),
    "unit.profile.staff": ("单位概况", "职工人数"),
    "unit.profile.description": ("单位概况", "其他概况"),
    "period.year": ("期间", "年度"),
    "period.type": ("期间", "期间类型"),
    "period.quarter": ("期间", "季度"),
    "period.month": ("期间", "月份"),
    "period.start": ("期间", "起始日期"),
    "period.end": ("期间", "截止日期"),
    "period.as_of": ("期间", "数据截至日期"),
    "period.name": ("期间", "专项名称"),
    "period.since": ("期间", "起始年份"),
    "period.label": ("期间", "期间说法"),
    "campaign.level": ("创建活动", "创建级别"),
    "campaign.kind": ("创建活动", "创建类型"),
    "campaign.region": ("创建活动", "命名地区"),
    "campaign.edition": ("创建活动", "届次"),
    "campaign.also": ("创建活动", "同时创建的称号"),
    "campaign.verb": ("创建活动", "创建说法"),
    "campaign.alias": ("创建活动", "本地简称"),
    "campaign.city": ("创建活动", "创建城市"),
    "basis.ideology": ("依据", "指导思想"),
    "basis.standard": ("依据", "对照标准"),
    "basis.goals": ("依据", "目标愿景"),
    "basis.occasion": ("依据", "契机"),
    "leadership.name": ("领导小组", "领导小组名称"),
    "leadership.leader.role": ("领导小组", "组长职务"),
    "leadership.leader.name": ("领导小组", "组长姓名"),
    "leadership.leader.post": ("领导小组", "组长的小组职务"),
    "leadership.office_head_from": ("领导小组", "办公室主任由谁兼任"),
    "leadership.office_head.post": ("领导小组", "办公室主任的小组职务"),
    "leadership.members": ("领导小组", "成员构成"),
    "leadership.office": ("领导小组", "办公室所在部门"),
    "leadership.office_head.role": ("领导小组", "办公室主任职务"),
    "leadership.office_head.name": ("领导小组", "办公室主任姓名"),
    "leadership.established": ("领导小组", "成立日期"),
    "leadership.meetings": ("领导小组", "领导小组会议次数"),
    "closing.style": ("结尾与落款", "结尾写法"),
    "closing.goal": ("结尾与落款", "结尾目标"),
    "signature.unit": ("结尾与落款", "落款单位"),
    "signature.date": ("结尾与落款", "成文日期"),
    "themes": ("版式", "各部分顺序"),
    "list_style": ("版式", "条目写法"),
    "layout": ("版式", "正文结构"),
    "attach_indicators": ("版式", "附指标完成情况表"),
}

#: Other names offices give the same 单位信息 items.
INFO_LABEL_ALIASES: dict[str, tuple[str, ...]] = {
    "unit.name": ("单位名称", "填报单位", "单位"),
    "unit.type": ("类型", "单位性质"),
    "unit.short_name": ("简称",),
    "period.year": ("年份", "统计年度", "总结年度"),
    "period.type": ("总结期间", "期间"),
    "signature.date": ("落款日期", "填报日期"),
    "signature.unit": ("落款",),
}

_TABLE_PATHS = {t.path for t in TABLES if not t.parent}


def _info_rows(model: type[BaseModel], prefix: tuple[str, ...], required: bool) -> list[InfoRow]:
    rows = []
    for name, info in model.model_fields.items():
        path = prefix + (name,)
        if path in _TABLE_PATHS:
            continue
        bare, _ = _unwrap(info.annotation)
        if isinstance(bare, type) and issubclass(bare, BaseModel):
            rows += _info_rows(bare, path, required and info.is_required())
            continue
        dotted = ".".join(path)
        if dotted in _INFO_LABELS:
            group, label = _INFO_LABELS[dotted]
        else:
            PROBLEMS_FOUND.append(f"{dotted}: no 单位信息 label in workbook_layout")
            group = _INFO_LABELS.get(path[0], (path[0], ""))[0] if len(path) == 1 else next(
                (g for d, (g, _) in _INFO_LABELS.items() if d.startswith(".".join(prefix) + ".")), prefix[0])
            label = _fallback_header(info, dotted)
        try:
            kind = kind_of(info.annotation)
        except TypeError as exc:
            PROBLEMS_FOUND.append(f"{dotted}: {exc}")
            continue
        hint = (info.description or "") + INFO_HINTS.get(dotted, "")
        rows.append(InfoRow(path, group, label, kind, hint, required and info.is_required()))
    return rows


INFO_ROWS: tuple[InfoRow, ...] = tuple(_info_rows(m.Report, (), True))
PROBLEMS_FOUND.extend(f"{d}: 单位信息 label for a path the model no longer has"
                      for d in sorted(set(_INFO_LABELS) - {r.dotted for r in INFO_ROWS}))
PROBLEMS_FOUND.extend(f"{d}: alias for an unknown 单位信息 item" for d in sorted(set(INFO_LABEL_ALIASES) - set(_INFO_LABELS)))

#: Nested optional models that exist only when one of their cells is filled.
OPTIONAL_GROUPS: tuple[tuple[str, ...], ...] = (("unit", "profile"), ("leadership",), ("leadership", "office_head"))

# ---------------------------------------------------------------- headers


def normalize_header(text: Any) -> str:
    """Header text as compared: no spaces, line breaks, required marks or full-width parentheses."""
    text = str(text or "")
    text = re.sub(r"[\s\u3000*＊:：]", "", text)
    return text.replace("(", "（").replace(")", "）").lower()


def header_names(column: Column) -> set[str]:
    names = {normalize_header(column.header), *(normalize_header(a) for a in column.aliases)}
    bare = re.sub(r"（[^）]*）$", "", normalize_header(column.header))
    names.add(bare)
    return {n for n in names if n}


__all__ = [
    "ACTIVITIES", "CHANGE", "CHOICES", "COMPLETION", "Column", "DISPLAY", "INFO", "INFO_ROWS", "InfoRow", "Kind",
    "MEASURE_WORDS", "METRICS", "OPTIONAL_GROUPS", "PARENT", "QUANTITIES", "SEQ", "STATUS", "SUMMARY", "TABLES",
    "TableSheet", "UNDISPLAY", "header_names", "kind_of", "normalize_header",
]
