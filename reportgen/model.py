"""Pydantic models of one 工作总结: the single source of truth for the input.

The JSON Schema in ``schemas/``, the Excel import columns and the field reference in the docs are all
generated from these classes, so a field is added here and nowhere else. Field descriptions are
Chinese because they reach users (editor tooltips, workbook hints).

Rules that relate several fields (parts adding up, a plan's year, dates inside the period) live in
``rules.py``: they need the whole report and report the exact path of the offending value.
"""


import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
    computed_field,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from . import zh
from .dates import Day, When
from .xmlchars import INVISIBLE

# ---------------------------------------------------------------- vocabularies

UnitType = Literal[
    "社区", "居委会", "村", "街道", "乡", "镇", "区", "县", "开发区",
    "局", "分局", "机关", "办",
    "医院", "卫生院", "卫生服务中心", "疾控中心",
    "学校", "幼儿园",
    "银行", "信用社", "客运站", "企业", "其他",
]

#: How a unit of each type refers to itself and to all its members. Derived, never string-replaced:
#: copying a 区 text and replacing 区→镇 is how 范文 end up saying 社镇.
SELF_REFERENCE: dict[str, tuple[str, str]] = {
    "社区": ("我社区", "全社区"), "居委会": ("我居委会", "全居委会"), "村": ("我村", "全村"),
    "街道": ("我街道", "全街道"), "乡": ("我乡", "全乡"), "镇": ("我镇", "全镇"),
    "区": ("我区", "全区"), "县": ("我县", "全县"), "开发区": ("我区", "全区"),
    "局": ("我局", "全局"), "分局": ("我局", "全局"), "机关": ("我单位", "全单位"),
    "办": ("我办", "全办"),
    "医院": ("我院", "全院"), "卫生院": ("我院", "全院"),
    "卫生服务中心": ("我中心", "全中心"), "疾控中心": ("我中心", "全中心"),
    "学校": ("我校", "全校"), "幼儿园": ("我园", "全园"),
    "银行": ("我行", "全行"), "信用社": ("我社", "全社"), "客运站": ("我站", "全站"),
    "企业": ("我公司", "全公司"), "其他": ("我单位", "全单位"),
}

#: Unit types grouped by the profile of themes they show by default (see the template manifest).
UNIT_GROUP: dict[str, str] = {
    "社区": "社区", "居委会": "社区", "村": "村",
    "街道": "乡镇", "乡": "乡镇", "镇": "乡镇", "区": "乡镇", "县": "乡镇", "开发区": "乡镇",
    "局": "机关", "分局": "机关", "机关": "机关", "办": "机关",
    "医院": "医疗", "卫生院": "医疗", "卫生服务中心": "医疗", "疾控中心": "医疗",
    "学校": "教育", "幼儿园": "教育",
    "银行": "窗口", "信用社": "窗口", "客运站": "窗口", "企业": "窗口", "其他": "机关",
}

PeriodType = Literal["上半年", "下半年", "全年", "季度", "月度", "阶段", "专项", "近年来", "多年"]
#: Kinds whose report is written after the period is over (成文日期 not before the end); a 阶段, 专项 or
#: span of years is reported on while it is still running.
CLOSED_PERIODS = ("上半年", "下半年", "全年", "季度", "月度")
CampaignLevel = Literal["全国", "全国县级", "国家", "省级", "市级", "县级"]
CampaignKind = Literal[
    "文明城市", "文明城区", "文明县城", "文明村镇", "文明村", "文明乡镇", "文明社区", "文明单位", "文明校园",
    "文明家庭", "卫生城市", "卫生县城", "卫生乡镇", "卫生村",
]
CampaignVerb = Literal["创建", "巩固", "深化创建", "争创"]
ReportKind = Literal["总结", "汇报", "情况汇报", "进展情况汇报"]

Theme = Literal[
    "组织领导", "制度责任", "宣传发动", "理论学习", "环境卫生", "市容秩序", "道德建设", "未成年人",
    "志愿服务", "文体节日", "控烟", "窗口服务", "诚信建设", "基础设施", "民生服务", "共驻共建",
    "网格化", "文明细胞", "爱卫除四害", "治安安全", "党建", "测评迎检", "业务成效", "法治宣传",
]
THEMES: tuple[str, ...] = Theme.__args__  # type: ignore[attr-defined]

ActivityKind = Literal[
    "会议", "宣传", "整治", "评选", "讲堂", "志愿服务", "文体", "培训", "检查督查", "建设", "慰问", "其他",
]
MechanismKind = Literal[
    "制度", "例会", "巡查", "督查通报", "考核", "责任书", "网格化", "包保", "台账", "奖惩", "公开",
]
Festival = Literal[
    "元旦", "春节", "元宵节", "学雷锋月", "三八妇女节", "植树节", "清明节", "劳动节", "青年节", "端午节",
    "六一儿童节", "七一", "建军节", "中秋节", "国庆节", "重阳节", "世界环境日", "寒假", "暑假",
]
Approx = Literal["exact", "余", "多", "近", "约", "超过", "以上"]
Aggregation = Literal["none", "共", "累计", "达"]
SuperiorRelation = Literal["领导", "指导", "支持", "部署"]
ClosingStyle = Literal["auto", "总之", "差距与决心", "展望"]
ListStyle = Literal["一是", "数字"]
#: 常规: each 工作方面 is one part telling what was done (layout ①); 专题: each 工作方面 is one part split
#: into 基本情况 / 主要做法 / 存在问题 (layout ⑤, the 汇报 of 003-9 in the genre analysis).
Layout = Literal["常规", "专题"]
#: Words a request to superiors may already begin with: written as typed, and then it takes no addressee.
REQUEST_VERBS = ("建议", "恳请", "请求", "希望", "恳望", "提请")

# ---------------------------------------------------------------- checked text

#: Tokens that 范文 use where a fact should have been. Data containing them would leak into the
#: document, so they are refused where they are typed.
PLACEHOLDER = re.compile(
    r"20[xX×*＊_＿?？]{2}|(?<![A-Za-z])[xX]{2,}(?![A-Za-z])|[×Ｘ]{2,}|[*＊]{2,}|某某|[_＿]{2,}|○○|\{\{|\}\}|\{%|%\}"
    r"|(?<![A-Za-z])(?:None|nan|NaN|null|undefined|Undefined)(?![A-Za-z])"  # what the linter refuses in output
)


class _Before(BeforeValidator):
    """A BeforeValidator whose function takes the value alone, and says so: pydantic would otherwise
    read the function's signature each time the type is used (Text alone by about a hundred fields)."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source_type: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self.func, handler(source_type))


class _After(AfterValidator):
    """An AfterValidator whose function takes the value alone (see _Before)."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source_type: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.func, handler(source_type))


def _checked_text(value: str) -> str:
    if INVISIBLE.search(value):
        raise PydanticCustomError("invisible_char", "含有不可见的控制字符或方向标记：请删除后重新输入")
    found = PLACEHOLDER.search(value)
    if found:
        raise PydanticCustomError(
            "placeholder",
            "含有占位符“{token}”：请填写真实内容，或删除这一项",
            {"token": found.group(0)},
        )
    return value


def _date_as_typed(value: object) -> object:
    """An unquoted 2024-06-05 in a text field is text to the editor's schema (YAML 1.2), so it is here too."""
    return value.isoformat() if isinstance(value, dt.date) else value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    _Before(_date_as_typed),
    _After(_checked_text),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    _Before(_date_as_typed),
    _After(_checked_text),
]
Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")]


def _typed(whole: bool):
    """A number in quotes ("1200") is text to the editor's schema; refusing it here too keeps the two in
    step. The error types are pydantic's own, so the messages stay those of any other unreadable number."""
    kind = "int_parsing" if whole else "decimal_parsing"

    def typed_number(value: object) -> object:
        if isinstance(value, (str, bool)):
            raise PydanticCustomError(kind, "应填写数字")
        return value

    return typed_number


def _number(low: int, high: int, whole: bool = True) -> Any:
    """A number type whose JSON Schema says exactly what ``validate`` accepts."""
    schema = {"type": "integer" if whole else "number", "minimum": low, "maximum": high}
    return Annotated[int if whole else Decimal, _Before(_typed(whole)), Field(ge=low, le=high),
                     WithJsonSchema(schema)]


Amount = Annotated[_number(0, 10**12, whole=False), Field(allow_inf_nan=False)]
Count = _number(0, 10**9)
Year = _number(1990, 2100)
Quarter = _number(1, 4)
MonthNumber = _number(1, 12)
Edition = _number(1, 50)
#: A yes/no field takes true or false only: pydantic would also take 1, "yes" or "on", which the schema cannot.
Flag = Annotated[bool, Strict()]


def _title_text(value: str) -> str:
    """Users paste titles with or without 《》; store them bare so writers add exactly one pair."""
    value = value.strip()
    if value.startswith("《") and value.endswith("》"):
        value = value[1:-1]
    return value.replace("《", "〈").replace("》", "〉").replace("<", "〈").replace(">", "〉")


def _doc_number(value: str) -> str:
    """文号 years belong in 〔〕 (GB/T 9704 §7.2.4); users type [], 【】 or （）."""
    return re.sub(r"[\[【(（](\d{4})[\]】)）]", r"〔\1〕", value.strip())


DocTitle = Annotated[Text, _After(_title_text)]
DocNumber = Annotated[Text, _After(_doc_number)]


def _empty_list() -> list:
    """Default of the list fields. Not ``list`` itself: for a built-in pydantic reads the signature
    from its text form, each time (23 fields), to learn whether it takes the other fields' data."""
    return []


def _empty_dict() -> dict:
    return {}


class Model(BaseModel):
    """Base for every input model: unknown keys are errors, because a typo would silently drop data."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


# ---------------------------------------------------------------- small parts


class Figure(Model):
    """一个数字，按总结中的写法：名称、数值、量词和约数说法，如“社区工作人员11名”。"""

    label: Text | None = Field(None, description="计量对象，如“道旗”“宣传单”")
    value: Amount = Field(description="数值（阿拉伯数字）")
    unit: Annotated[Text, StringConstraints(max_length=8)] = Field(description="计量单位，如 人、人次、面、份、万元")
    approx: Approx = Field("exact", description="约数说法：余、多、近、约、超过、以上；确切的数不用填")
    agg: Aggregation = Field("none", description="口径：共、累计、达；没有就不填")


class Quantity(Figure):
    """活动中的一个数量：如“道旗120余面”“共发放宣传单2000余份”；还可按户按人计（每户1000元）、数额不等
    （300元、200元不等）、带动作（慰问困难群众11人）和所涉金额（慰问金共13200元）。概况数字用 Figure：这些写法对它没有意义。"""

    verb: Annotated[Text, StringConstraints(max_length=6)] | None = Field(
        None, description="动作，写在计量对象前，如“慰问”“发放”：慰问困难群众11人")
    per: Annotated[Text, StringConstraints(max_length=6)] | None = Field(
        None, description="按每户、每人计的数额填“户”“人”，写作“每户1000元”；这样的数不与其他数相加")
    others: list[Amount] = Field(
        default_factory=_empty_list, max_length=10,
        description="数额不等时的其他数值：“300元、200元不等”数值填 300，这里填 200")
    money: Amount | None = Field(
        None, description="这些对象共计的金额（元），如慰问困难群众11人、慰问金共13200元：填 13200")
    money_label: Annotated[Text, StringConstraints(max_length=12)] | None = Field(
        None, description="金额的名称，如“慰问金”“补助资金”")


class Person(Model):
    role: Text = Field(description="职务，如“党委书记”“社区主任”")
    name: Text | None = Field(None, description="姓名；不填则只写职务")
    post: Annotated[Text, StringConstraints(max_length=10)] | None = Field(
        None, description="在领导小组（指挥部）中担任的职务，如“总指挥”“政委”“第一组长”；不填则按位置写作组长、副组长")


class Superior(Model):
    name: Text = Field(description="上级机关，如“区文明办”“街道党工委”")
    relation: SuperiorRelation = Field("指导", description="领导、指导、支持或部署")


class DocRef(Model):
    title: DocTitle = Field(description="文件标题（书名号可加可不加）")
    doc_no: DocNumber | None = Field(None, description="文号，如 区文明办〔2024〕3号")
    issuer: Text | None = Field(None, description="发文机关")
    date: When | None = Field(None, description="印发日期；只知道月份写 2024-08，只知道年份写 2023")
    own: Flag = Field(False, description="本单位自己制定的文件（如实施方案）选“是”：写作“制定《…》”，不写成依据")


class Meeting(Model):
    name: Text = Field(description="会议名称，如“创建全国文明城市工作推进会”")
    date: When | None = Field(None, description="会议日期；只知道月份写 2024-08")
    participants: Count | None = Field(None, description="参会人数")


class Basis(Model):
    """开头部分的依据：上级指导、指导思想、依据文件与会议、测评标准、目标愿景。"""

    superiors: list[Superior] = Field(default_factory=_empty_list, max_length=10)
    ideology: list[Text] = Field(default_factory=_empty_list, max_length=5, description="指导思想")
    documents: list[DocRef] = Field(default_factory=_empty_list, max_length=20,
                                    description="依据文件，以及本单位制定的方案、制度（own 选“是”）")
    meetings: list[Meeting] = Field(default_factory=_empty_list, max_length=20, description="依据会议")
    standard: DocTitle | None = Field(None, description="对照的标准，如“全国文明城市测评体系”")
    goals: list[Text] = Field(default_factory=_empty_list, max_length=12, description="目标愿景，如“环境优美”")
    occasion: Text | None = Field(None, description="契机，如“以迎接年度测评为契机”")


class Profile(Model):
    """单位基本情况（可选）。"""

    area: Text | None = Field(None, description="面积，如“1.8平方公里”")
    households: Count | None = Field(None, description="户数")
    population: Count | None = Field(None, description="人口数")
    subdivisions: Text | None = Field(None, description="下辖单元，如“8个居民小组”")
    staff: Count | None = Field(None, description="在编/在岗职工人数（写作“有工作人员N人”；要用别的说法，填在“其他概况数字”中）")
    figures: list[Figure] = Field(
        default_factory=_empty_list, max_length=10,
        description="其他概况数字，名称和量词照填照写，如 {label: 社区工作人员, value: 11, unit: 名}",
    )
    description: LongText | None = Field(None, description="其他概况（一两句话）")


# ---------------------------------------------------------------- main entities


class Unit(Model):
    name: Text = Field(description="单位全称，如“清河街道五塔北街社区”")
    type: UnitType = Field(description="单位类型：社区、村、街道、乡、镇、局、医院、学校、幼儿园……")
    short_name: Text | None = Field(None, description="简称，用于标题以外的正文")
    parent: Text | None = Field(None, description="上级单位，如“清河街道办事处”")
    city: Text | None = Field(None, description="所在城市，如“铜陵市”")
    profile: Profile | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def self_ref(self) -> str:
        return SELF_REFERENCE[self.type][0]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def collective(self) -> str:
        return SELF_REFERENCE[self.type][1]

    @property
    def group(self) -> str:
        return UNIT_GROUP[self.type]

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Period(Model):
    year: Year = Field(description="年度，如 2024")
    type: PeriodType = Field("全年", description=(
        "上半年、下半年、全年、季度、月度、阶段（填起始日期）、专项（填名称和起止日期，如春节、元宵节期间）、"
        "近年来或多年（填起始年份，写作“2021年以来”）"))
    quarter: Quarter | None = Field(None, description="季度（期间类型为“季度”时填 1–4）")
    month: MonthNumber | None = Field(None, description="月份（期间类型为“月度”时填 1–12）")
    start: Day | None = Field(None, description="起始日期；不填则由年度和类型推出")
    end: Day | None = Field(None, description="截止日期；不填则由年度和类型推出")
    as_of: Day | None = Field(None, description="数据截至日期")
    name: Text | None = Field(None, description="专项期间的名称，如“春节、元宵节期间”（期间类型为“专项”时填写）")
    since: Year | None = Field(None, description="起始年份（期间类型为“近年来”或“多年”时填写），如 2021 写作“2021年以来”")
    label: Text | None = Field(None, description="自定义期间说法，连同年份写，如“2025年春节、元宵节期间”；"
                                                 "一般不必填，期间类型和上面各项已能写出")

    @property
    def start_date(self) -> dt.date:
        if self.start:
            return self.start
        if self.since and self.type in ("近年来", "多年"):
            return dt.date(self.since, 1, 1)
        month = {"下半年": 7, "季度": 3 * ((self.quarter or 1) - 1) + 1, "月度": self.month or 1}.get(self.type, 1)
        return dt.date(self.year, month, 1)

    @property
    def end_date(self) -> dt.date:
        if self.end:
            return self.end
        last_month = {
            "上半年": 6, "季度": 3 * (self.quarter or 4), "月度": self.month or 12,
        }.get(self.type, 12)
        following = dt.date(self.year + (last_month == 12), last_month % 12 + 1, 1)
        return following - dt.timedelta(days=1)


class Campaign(Model):
    level: CampaignLevel = Field("全国", description="全国、全国县级、国家（国家卫生城市等）、省级、市级、县级")
    kind: CampaignKind = Field("文明城市", description="文明城市、文明县城、文明村、文明单位、卫生城市……")
    region: Text | None = Field(None, description="命名地区，如“陕西省”；填写后名称写作“陕西省文明城市”，代替级别")
    edition: Edition | None = Field(None, description="届次，如 4 写作“第四届”")
    verb: CampaignVerb = Field("创建", description="创建、巩固、深化创建、争创")
    also: list[Text] = Field(default_factory=_empty_list, max_length=3,
                             description="同时创建的其他称号，如“国家卫生县城”，写在名称后用“和”连接")
    alias: Text | None = Field(None, description="本地简称，如“创城”“创文”")
    city: Text | None = Field(None, description="创建主体城市，如“铜陵市”")

    @property
    def full_name(self) -> str:
        """“全国文明城市”, “第四届陕西省文明城市”: a named region stands for the level."""
        edition = f"第{zh.cn_int(self.edition)}届" if self.edition else ""
        return f"{edition}{self.region or self.level}{self.kind}"

    @property
    def phrase(self) -> str:
        """“创建全国文明城市”: the campaign as it stands in titles and first mentions, with any second
        title the unit works for at the same time (创建全国文明县城和国家卫生县城)."""
        return f"{self.verb}{'和'.join([self.full_name, *self.also])}"


class LeadershipGroup(Model):
    name: Text | None = Field(None, description="领导小组名称；不填则按创建活动生成")
    leader: Person | None = Field(None, description="组长；没有明确组长的不填")
    deputies: list[Person] = Field(default_factory=_empty_list, max_length=10, description="副组长")
    others: list[Person] = Field(
        default_factory=_empty_list, max_length=10,
        description="组长、副组长以外的职务，如政委、顾问：每人填职务、姓名和在领导小组中的职务 post")
    members: Text | None = Field(None, description="成员构成，如“各科室负责人”")
    office: Text | None = Field(None, description="下设办公室所在部门")
    office_head: Person | None = Field(None, description="办公室主任")
    office_head_from: Annotated[Text, StringConstraints(max_length=10)] | None = Field(
        None, description="办公室主任由领导小组中哪一职务兼任，如“副组长”：写作“办公室主任由副组长兼任”")
    established: When | None = Field(None, description="成立日期；只知道年份写 2023，只知道月份写 2023-03")
    meetings: Count | None = Field(None, description="本期召开领导小组会议次数")

    @model_validator(mode="after")
    def _says_something(self) -> "LeadershipGroup":
        """The 组长 may be unnamed, but a group with nothing at all in it would vanish from the text silently."""
        if not any(getattr(self, name) for name in type(self).model_fields):
            raise PydanticCustomError(
                "empty_group", "领导小组什么也没有填写：请至少填写名称、组长、副组长或成员，或删去 leadership")
        return self


class Mechanism(Model):
    name: Text = Field(description="制度或机制名称，如“每周例会制度”")
    kind: MechanismKind = Field("制度", description="制度、例会、巡查、督查通报、考核、责任书……")
    detail: LongText | None = Field(None, description="具体做法")
    frequency: Text | None = Field(None, description="频次，如“每周一次”")
    parties: Count | None = Field(None, description="签订责任书的份数或覆盖单位数")
    theme: Theme = Field("制度责任", description="归入哪一部分")


class Activity(Model):
    theme: Theme = Field(description="所属工作方面，如“环境卫生”“志愿服务”")
    title: Text = Field(description="活动名称")
    kind: ActivityKind = Field("其他", description="活动类别")
    date: When | None = Field(None, description="日期，写成 2024-06-05；只知道月份写 2024-08（写作“8月份”）")
    end: When | None = Field(None, description="结束日期（跨天活动）；只知道月份写 2024-10")
    recurrence: Text | None = Field(None, description="频次，如“每月一期”")
    times: Count | None = Field(None, description="本期共开展的次数/期数")
    festival: Festival | None = Field(None, description="结合的节日")
    location: Text | None = Field(None, description="地点")
    organizer: Text | None = Field(None, description="组织者（本单位以外时填写）")
    partners: list[Text] = Field(default_factory=_empty_list, max_length=20, description="协办或共建单位")
    participants: list[Text] = Field(default_factory=_empty_list, max_length=20, description="参与群体，如“党员”“志愿者”")
    attendance: Count | None = Field(None, description="参与人数或人次；可写约数，如“100多人”“近百名”")
    attendance_approx: Approx = Field("exact", description="参与人数的约数说法：多、余、近、约、超过、以上；确切的数不用填")
    attendance_unit: Literal["人", "人次", "名"] = Field("人次", description="参与人数的单位")
    quantities: list[Quantity] = Field(default_factory=_empty_list, max_length=20, description="其他数量")
    spend: Amount | None = Field(None, description="投入经费（元）；可写约数，如“40多万元”“近60万元”")
    spend_approx: Approx = Field("exact", description="投入经费的约数说法：多、余、近、约、超过、以上；确切的数不用填")
    content: LongText | None = Field(None, description="主要内容")
    outcome: LongText | None = Field(None, description="取得的效果（一句话）")
    evidence: Text | None = Field(None, description="佐证材料")


class Part(Model):
    label: Text = Field(description="分项名称")
    value: Amount = Field(description="分项数值")


class Metric(Model):
    key: Key | None = Field(None, description="指标代号，供其他指标引用作占比基数；表格中可不填，程序自动编号")
    label: Text = Field(description="指标名称，如“注册志愿者人数”")
    theme: Theme = Field(description="所属工作方面")
    value: Amount | None = Field(
        None, description="完成值；只有目标、还没有完成数时不填，该指标写作目标，表中完成值为“—”，不参与合计和完成率",
    )
    unit: Annotated[Text, StringConstraints(max_length=8)] = Field(description="计量单位")
    approx: Approx = Field("exact", description="约数说法：余、多、近、约、超过、以上；确切的数不用填")
    agg: Aggregation = Field("none", description="口径：共、累计、达；没有就不填")
    target: Amount | None = Field(None, description="目标值")
    target_source: Text | None = Field(None, description="目标来源，如“测评体系要求”")
    previous: Amount | None = Field(None, description="上期（上年同期）值")
    before: Amount | None = Field(
        None, description="原有数（创建前或某个时间的数，不是上期值），写作“由2处增加到23盏”",
    )
    before_unit: Annotated[Text, StringConstraints(max_length=8)] | None = Field(
        None, description="原有数的计量单位；与计量单位不同时填写，如原有“2处”、现有“23盏”",
    )
    before_approx: Approx = Field("exact", description="原有数的约数说法：余、多、近、约、超过、以上；确切的数不用填")
    before_when: Text | None = Field(None, description="原有数是什么时候的，如“创建前”“2021年”；不填则只写“由…增加到…”")
    standard: Amount | None = Field(
        None, description="应达到的标准（如标准60平方米），与完成值（实际数）对照写出；不算目标，不计完成率和达标",
    )
    standard_source: Text | None = Field(None, description="标准出处，如“省级卫生乡镇标准”")
    parts_partial: Flag = Field(
        False, description="“其中”各分项只是总数的一部分（不必加起来等于完成值）时选“是”",
    )
    lower_is_better: Flag = Field(False, description="数值越低越好（如投诉件数）时选“是”")
    profile: Flag = Field(
        False,
        description="基本情况数字（如常住人口、在岗职工、在校学生）选“是”：只作概况或占比的分母，不列入指标表，也不算作成效",
    )
    parts: list[Part] = Field(
        default_factory=_empty_list, max_length=30,
        description="其中各分项，合计应等于完成值；只列出一部分时把“其中只列部分”选为“是”",
    )
    base: Key | None = Field(None, description="计算占比时作分母的指标：从下拉列表中选指标名称")
    owner: Text | None = Field(None, description="责任人或责任科室")
    evidence: Text | None = Field(None, description="佐证材料")
    note: Text | None = Field(None, description="备注")

    def quantity(self) -> Quantity:
        return Quantity(label=self.label, value=self.value, unit=self.unit, approx=self.approx, agg=self.agg)

    @property
    def completion(self) -> Decimal | None:
        """完成率 in percent. One computation shared by the document and the workbook."""
        if self.value is None or self.target is None or self.target == 0:
            return None
        if self.lower_is_better:
            return Decimal(100) if self.value <= self.target else self.target / self.value * 100
        return self.value / self.target * 100

    @property
    def met(self) -> bool | None:
        """Against the target only: a ``standard`` is a condition to meet, never a goal counted as 达标."""
        if self.value is None or self.target is None:
            return None
        return self.value <= self.target if self.lower_is_better else self.value >= self.target

    @property
    def in_points(self) -> bool:
        """A rate's change is told in 个百分点, not as a percentage of a percentage."""
        return self.unit in ("%", "％")

    @property
    def change(self) -> Decimal | None:
        """同比: percentage points for rates, percent of ``previous`` otherwise; None if not comparable."""
        if self.previous is None or self.value is None:
            return None
        if self.in_points:
            return self.value - self.previous
        if self.previous == 0:
            return None
        return (self.value - self.previous) / self.previous * 100


class Result(Model):
    """一项没有数字的成效或工作节点，如“县文明程度指数排位提升”“通过省级测评验收”。"""

    text: Text = Field(description="成效或节点，照原意写成一句短语，如“通过省级文明县城测评验收”")
    date: When | None = Field(None, description="日期（节点填写，如 2024-10-15；只知道月份写 2024-10）；没有就不填")
    theme: Theme | None = Field(None, description="所属工作方面；不填则写在成效部分")


class Honour(Model):
    title: Text = Field(description="荣誉称号（引号可加可不加）")
    level: Text | None = Field(None, description="级别或授予地域，如“省级”“安徽省”，写在引号外")
    awarder: Text | None = Field(None, description="授予机关")
    date: When | None = Field(None, description="获得日期；只知道月份写 2024-08，只知道年份写 2023")
    recipient: Text | None = Field(None, description="获得者；本单位获得则不填")


class Problem(Model):
    id: Key | None = Field(None, description="问题代号，供“下一步打算”引用；表格中可不填，程序按序号自动编号")
    label: Text = Field(description="问题概括（4–12字），如“宣传阵地不足”")
    detail: LongText | None = Field(None, description="具体表现")
    theme: Theme | None = Field(
        None, description="所属工作方面；版式为“专题”时写进该方面的“存在问题”，不填则写在全文的“存在的问题”部分",
    )


class Request(Model):
    """向上级提出的一条意见建议或请求事项（只写进汇报：总结是对本单位工作的回顾，不向上级提要求）。"""

    label: Text = Field(description="建议或请求的事项，写成动宾短语，如“协调解决发热门诊改造资金”")
    detail: LongText | None = Field(None, description="理由或具体说明")
    addressee: Text | None = Field(None, description="向谁提出，如“县卫生健康局”；不填则不写对象")


class Plan(Model):
    label: Text = Field(description="措施概括，如“加大宣传投入”")
    detail: LongText | None = Field(None, description="具体做法")
    addresses: list[Key] = Field(default_factory=_empty_list, max_length=10, description="针对哪个问题：从下拉列表中选问题概括，或填问题的序号")
    theme: Theme | None = Field(None, description="所属工作方面")
    year: Year | None = Field(None, description="计划年度（全年总结应为下一年）")


class Closing(Model):
    style: ClosingStyle = Field("auto", description="结尾写法：自动、总之、差距与决心、展望")
    goal: Text | None = Field(None, description="结尾要表达的目标，如“确保顺利通过年度测评”")


class Signature(Model):
    unit: Text | None = Field(None, description="落款单位；不填则用单位全称")
    date: Day | None = Field(None, description="成文日期；不填则落款日期留空（不会自动代填）")


class Report(Model):
    """一份创建文明城市工作总结所需的全部事实。"""

    kind: ReportKind = Field("总结", description="总结、汇报、情况汇报或进展情况汇报")
    title: Text | None = Field(None, description="自定义标题；不填则自动生成")
    unit: Unit
    period: Period
    campaign: Campaign = Field(default_factory=Campaign)
    basis: Basis = Field(default_factory=Basis)
    leadership: LeadershipGroup | None = None
    mechanisms: list[Mechanism] = Field(default_factory=_empty_list, max_length=200)
    activities: list[Activity] = Field(default_factory=_empty_list, max_length=20000)
    metrics: list[Metric] = Field(default_factory=_empty_list, max_length=2000)
    honours: list[Honour] = Field(default_factory=_empty_list, max_length=200)
    results: list[Result] = Field(
        default_factory=_empty_list, max_length=100, description="没有数字的成效和工作节点（如通过测评验收、排位提升）",
    )
    problems: list[Problem] = Field(default_factory=_empty_list, max_length=50)
    plans: list[Plan] = Field(default_factory=_empty_list, max_length=50)
    requests: list[Request] = Field(
        default_factory=_empty_list, max_length=20,
        description="意见和建议（请求上级帮助解决的事项），在汇报末尾单列一部分；总结不写",
    )
    closing: Closing = Field(default_factory=Closing)
    signature: Signature = Field(default_factory=Signature)
    themes: list[Theme] | None = Field(None, description="正文各部分的顺序；不填则按单位类型的默认顺序")
    headings: dict[Theme, Text] = Field(default_factory=_empty_dict, description="自定义某一部分的标题")
    list_style: ListStyle | None = Field(
        None, description="条目写法：“一是”或“数字”；不填则按模板默认（专题版式的（一）（二）之内写“1.”）",
    )
    layout: Layout = Field(
        "常规",
        description="正文结构：常规（每个工作方面写一部分做法）或专题（每个工作方面分基本情况、主要做法、存在问题，多用于汇报）",
    )
    attach_indicators: Flag = Field(True, description="是否附上指标完成情况表（附件）")

    @property
    def signature_unit(self) -> str:
        return self.signature.unit or self.unit.name

    @property
    def signature_date(self) -> dt.date | None:
        """The 成文日期 the data gives; never a stand-in such as the period's last day, which nobody chose."""
        return self.signature.date

    def problem_ids(self) -> list[str]:
        """Every problem's id; unnamed ones get p1, p2… by position so plans can cite them."""
        return [p.id or f"p{i}" for i, p in enumerate(self.problems, 1)]

    def metric_by_key(self) -> dict[str, Metric]:
        return {m.key: m for m in self.metrics if m.key}
