"""The commented starter YAML that ``reportgen init [--type 社区]`` writes.

One text per unit type: every commonly used field with a Chinese comment, and example values that
fit the type (a 医院 gets 门诊 and 窗口服务, a 学校 gets 文明班级). The text is valid as-is, so a user
can run ``reportgen validate`` and ``reportgen build`` on it before changing anything; the tests load
it for every type in ``model.SELF_REFERENCE``.

Example names are fictional (青枫市 and its districts do not exist).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pydantic import BaseModel

from . import textwidth
from .model import SELF_REFERENCE, UNIT_GROUP, Report
from .workbook_layout import nested_model



def schema_line() -> str:
    """The editor hint: the schema file that ships with this installation, else the published id."""
    from importlib import resources
    from pathlib import Path

    from .schema import SCHEMA_ID

    candidates = [Path(__file__).resolve().parent.parent / "schemas" / "report.schema.json"]
    try:
        candidates.insert(0, Path(str(resources.files("reportgen") / "_data" / "schemas" / "report.schema.json")))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover — unusual packaging
        pass
    for candidate in candidates:
        if candidate.is_file():
            return f"# yaml-language-server: $schema={candidate.as_uri()}"
    return f"# yaml-language-server: $schema={SCHEMA_ID}"


@dataclass(frozen=True)
class _Unit:
    name: str
    short: str
    parent: str
    leader: str
    deputy: str
    office: str
    superior: str


_UNITS: dict[str, _Unit] = {
    "社区": _Unit("青枫市东湖区柳荫街道桂花巷社区", "桂花巷社区", "柳荫街道办事处", "社区党委书记、居委会主任", "社区党委副书记", "社区综合办公室", "柳荫街道党工委、办事处"),
    "居委会": _Unit("青枫市东湖区柳荫街道桂花巷居民委员会", "桂花巷居委会", "柳荫街道办事处", "居委会主任", "居委会副主任", "居委会办公室", "柳荫街道党工委、办事处"),
    "村": _Unit("青枫市西岭县石桥镇柳湾村", "柳湾村", "石桥镇人民政府", "村党支部书记、村委会主任", "村委会副主任", "村委会办公室", "石桥镇党委、政府"),
    "街道": _Unit("青枫市东湖区柳荫街道办事处", "柳荫街道", "东湖区人民政府", "街道党工委书记", "街道办事处主任", "街道党政办公室", "区委、区政府"),
    "乡": _Unit("青枫市西岭县枫林乡人民政府", "枫林乡", "西岭县人民政府", "乡党委书记", "乡长", "乡党政办公室", "县委、县政府"),
    "镇": _Unit("青枫市西岭县石桥镇人民政府", "石桥镇", "西岭县人民政府", "镇党委书记", "镇长", "镇党政办公室", "县委、县政府"),
    "区": _Unit("青枫市东湖区", "东湖区", "青枫市人民政府", "区委书记", "区长", "区文明办", "市委、市政府"),
    "县": _Unit("青枫市西岭县", "西岭县", "青枫市人民政府", "县委书记", "县长", "县文明办", "市委、市政府"),
    "开发区": _Unit("青枫经济技术开发区管理委员会", "青枫经开区", "青枫市人民政府", "党工委书记", "管委会主任", "党政办公室", "市委、市政府"),
    "局": _Unit("青枫市东湖区市场监督管理局", "区市场监管局", "东湖区人民政府", "局党组书记、局长", "局党组成员、副局长", "局办公室", "区委、区政府"),
    "分局": _Unit("青枫市市场监督管理局东湖分局", "东湖分局", "青枫市市场监督管理局", "分局党组书记、局长", "分局副局长", "分局办公室", "市市场监管局"),
    "机关": _Unit("青枫市东湖区机关事务服务中心", "区机关事务服务中心", "东湖区人民政府", "中心党支部书记、主任", "中心副主任", "中心综合科", "区委、区政府"),
    "办": _Unit("青枫市东湖区人民政府办公室", "区政府办", "东湖区人民政府", "办党组书记、主任", "办党组成员、副主任", "秘书科", "区委、区政府"),
    "医院": _Unit("青枫市东湖区人民医院", "区人民医院", "东湖区卫生健康委员会", "院党委书记", "院长", "党委办公室", "区卫生健康委"),
    "卫生院": _Unit("青枫市西岭县石桥镇中心卫生院", "石桥中心卫生院", "西岭县卫生健康委员会", "院长", "副院长", "院办公室", "县卫生健康委"),
    "卫生服务中心": _Unit("青枫市东湖区柳荫街道社区卫生服务中心", "柳荫社区卫生服务中心", "东湖区卫生健康委员会", "中心主任", "中心副主任", "中心办公室", "区卫生健康委"),
    "疾控中心": _Unit("青枫市东湖区疾病预防控制中心", "区疾控中心", "东湖区卫生健康委员会", "中心党支部书记、主任", "中心副主任", "中心办公室", "区卫生健康委"),
    "学校": _Unit("青枫市东湖区柳荫小学", "柳荫小学", "东湖区教育体育局", "校长", "党支部书记", "德育处", "区教育体育局"),
    "幼儿园": _Unit("青枫市东湖区柳荫幼儿园", "柳荫幼儿园", "东湖区教育体育局", "园长", "副园长", "园办公室", "区教育体育局"),
    "银行": _Unit("青枫农村商业银行东湖支行", "东湖支行", "青枫农村商业银行", "支行行长", "支行副行长", "综合办公室", "总行党委"),
    "信用社": _Unit("西岭县农村信用合作联社石桥信用社", "石桥信用社", "西岭县农村信用合作联社", "信用社主任", "信用社副主任", "综合柜组", "县联社党委"),
    "客运站": _Unit("青枫市长途汽车客运总站", "客运总站", "青枫市交通运输集团有限公司", "站党支部书记、站长", "副站长", "站务办公室", "市交通运输集团党委"),
    "企业": _Unit("青枫水务集团有限公司", "青枫水务", "青枫市国有资产监督管理委员会", "公司党委书记、董事长", "公司总经理", "党群工作部", "市国资委"),
    "其他": _Unit("青枫市东湖区图书馆", "区图书馆", "东湖区文化和旅游局", "馆长", "副馆长", "馆办公室", "区文化和旅游局"),
}

#: Where the public meets each kind of window unit; the 窗口服务 example names it.
_WINDOW_PLACE = {
    "医院": "门诊大厅", "卫生院": "门诊大厅", "卫生服务中心": "门诊和预防接种门诊", "疾控中心": "预防接种门诊",
    "银行": "营业厅", "信用社": "营业网点", "客运站": "售票厅和候车室", "企业": "客户服务大厅",
    "局": "政务服务窗口", "分局": "政务服务窗口", "机关": "服务窗口", "办": "政务服务窗口", "其他": "服务大厅",
}

_PERSON_NAMES = ("王建平", "李秀梅", "陈晓东")

_HEADER = """\
{schema}
# ============================================================================
# {name}创建文明城市工作总结：数据文件（由 reportgen init 生成）
#
# 怎么用：
#   1. 把下面的示例内容改成本单位的真实情况；用不到的部分整段删除即可。
#   2. 运行 reportgen validate 本文件名，按提示逐条修改，直到“检查通过”。
#   3. 运行 reportgen build 本文件名 -o 输出文件夹，得到 Word 总结和 Excel 指标表。
#
# 书写规则：
#   * 冒号后面要有一个空格；缩进用空格，不要用 Tab。
#   * 日期写成 {year}-06-05 这样的格式；数字只写阿拉伯数字，不带单位。
#   * 文中不要留“20xx”“某某”“****”等占位符，程序会拒绝。
#   * 正文里本单位自称“{self_ref}”、全体称“{collective}”，由 type 自动推出，
#     文字中不必也不要写“我单位”之类的替换词。
# ============================================================================
"""

_BODY = """\
kind: 总结                  # =
# layout: 专题              # 正文结构：不填为常规；汇报可用“专题”，每个工作方面分基本情况、主要做法、存在问题

unit:
  name: {name}              # 单位全称（用于标题和落款）
  type: {type}                      # 单位类型，决定自称“{self_ref}”和正文的默认部分
  short_name: {short}           # =
  parent: {parent}          # =
  city: 青枫市                      # =
{profile}
period:
  year: {year}                      # =
  type: 全年                        # =
  # as_of: {year}-12-20            # 数据截至日期（可选，须在本期之内）
  # 其他期间：把上面的 type 换成下面的一组，并去掉这几行行首的“# ”
  # 【季度】标题写“{year}年第三季度”，下一步打算写“第四季度”：
  # type: 季度
  # quarter: 3
  # 【阶段】写到目前为止的情况，标题写“阶段性汇报”，开头写“{year}年3月以来”，下一步写“下一阶段”：
  # type: 阶段
  # start: {year}-03-01
  # 【专项】节日或专项行动，开头写“{year}年春节、元宵节期间”：
  # type: 专项
  # name: 春节、元宵节期间
  # start: {year}-02-01
  # end: {year}-02-24
  # 【近年来】几年来的工作，开头写“{since}年以来”，不写“近年来以来”（几十年的可选“多年”）：
  # type: 近年来
  # since: {since}

campaign:
  level: 全国                       # =
  kind: 文明城市                    # =
  # region: 陕西省                  # 命名地区：填写后写作“陕西省文明城市”，代替上面的级别
  # edition: 4                      # 届次：写作“第四届”
  # also: [国家卫生城市]            # 同时创建的其他称号，写作“创建全国文明城市和国家卫生城市”
  verb: 创建                        # =
  alias: 创城                       # 本地简称，可删
  city: 青枫市                      # =

# 开头部分的依据：上级、指导思想、文件、会议、测评标准和目标
basis:
  superiors:
    - name: {superior}
      relation: 领导                # =
    - name: {city_office}
      relation: 指导
  ideology:                         # =
    - 习近平新时代中国特色社会主义思想
    - 党的二十大精神
  documents:                        # 依据文件：标题可带可不带书名号，文号年份用〔〕
    - title: {doc_title}
      doc_no: {doc_no}
      issuer: {doc_issuer}
      date: {year}-02-20            # 只知道月份写 {year}-02，只知道年份写 {year}
    # - title: 本单位创建工作实施方案  # 本单位自己制定的文件：own: true，写作“制定《…》”
    #   own: true
  meetings:                         # =
    - name: {meeting}
      date: {year}-03-05
  standard: 全国文明城市测评体系    # =
  goals: [{goals}]

# 创建工作领导小组
leadership:
  leader: {{role: {leader}, name: {p0}}}          # 组长：职务和姓名
  deputies:                                       # 副组长，可有多名
    - {{role: {deputy}, name: {p1}}}
  members: {members}                              # =
  office: {office}                                # 领导小组办公室设在哪里
  office_head: {{role: {office}负责人, name: {p2}}}
  # office_head_from: 副组长                      # 办公室主任由副组长兼任时填写
  # others: [{{role: 派出所所长, post: 政委}}]     # 组长、副组长以外的职务（政委、顾问）；没有组长可删去 leader
  established: {year}-02-25                       # 成立日期；只知道年份写 {year}
  meetings: 4                                     # =

# 制度和工作机制（kind 可选：制度、例会、巡查、督查通报、考核、责任书、网格化、包保、台账、奖惩、公开）
mechanisms:
{mechanisms}
# 本期开展的活动。theme 决定写进哪一部分，date 须在本期之内；
# attendance 是参与人数，单位由 attendance_unit 指定（人、人次、名）；spend 是经费，单位为元。
activities:
{activities}
# 指标：value 是完成值，target 是目标值，previous 是上期值（用于同比）。
# parts 为“其中”各分项，合计必须等于 value；base 填另一项指标的 key，程序自动计算占比
# （分子分母计量单位要一致，不能用“人次”除以“人”）。
# 其他写法：before 原有数（写作“由4处增加到58盏”，单位不同时填 before_unit）；
# standard 标准值（写作“标准为60平方米，实际为……”，不算目标、不计完成率）；
# 还没有完成数的指标不填 value、只填 target；“其中”只列一部分时加 parts_partial: true。例如：
#   - {{label: 太阳能路灯, theme: 基础设施, value: 58, unit: 盏, before: 4, before_unit: 处}}
#   - {{label: 健康教育基地, theme: 宣传发动, unit: 个, target: 3}}
metrics:
{metrics}
# 没有数字的成效和工作节点（有日期的填 date；不填 theme 则写在成效部分），例如：
#   - {{text: 通过市级复检, date: {year}-11-20}}
results: []
# 获得的荣誉（不要重复填写）
honours:
{honours}
# 存在问题：id 用英文字母和数字，供下面的“下一步打算”引用；
# 版式为“专题”时可加 theme（工作方面），问题就写进该方面的“存在问题”
problems:
{problems}
# 下一步工作打算：addresses 填所针对问题的 id；全年总结的计划年度应为下一年
plans:
{plans}
# 意见和建议：只用于汇报（kind 改为汇报后去掉下面几行开头的 #），在汇报末尾单列一部分
# requests:
#   - label: 协调解决创建工作经费不足的问题     # 事项，写成动宾短语
#     addressee: {superior}                    # 向谁提出，写成“恳请……”；可删，删后写成“建议……”
#     detail: 本期宣传阵地更新和设施维护的支出超出预算，自筹有困难。

closing:
  style: auto                       # =
  goal: {closing_goal}

signature:                          # 落款
  unit: {name}                      # =
  date: {year}-12-28                # 成文日期：改为实际成文的日期；删去则落款日期留空，打印后手写
"""


def _profile(unit_type: str, group: str) -> str:
    if group in ("社区", "村", "乡镇"):
        lines = {
            "社区": ("0.9平方公里", 3200, 8600, "6个居民小区、12个网格"),
            "村": ("6.5平方公里", 820, 2960, "9个村民小组"),
            "乡镇": ("68平方公里", 15600, 48200, "4个社区、15个行政村"),
        }[group]
        if unit_type in ("区", "县"):
            lines = ("420平方公里", 168000, 512000, "8个镇、6个街道")
        area, households, population, subdivisions = lines
        return (
            "  profile:                        # 基本情况，可删\n"
            f"    area: {area}\n"
            f"    households: {households}             # =\n"
            f"    population: {population}             # 常住人口\n"
            f"    subdivisions: {subdivisions}\n"
        )
    staff = {"医疗": 860, "教育": 96, "窗口": 140, "机关": 120}[group]
    return (
        "  profile:                        # 基本情况，可删\n"
        f"    staff: {staff}                      # 在职职工人数\n"
    )


def _item(fields: list[tuple[str, str]], comments: dict[str, str] | None = None) -> str:
    """One list item in block style, ``- key: value`` then indented keys; optional end-of-line comments."""
    comments = comments or {}
    lines = []
    for i, (key, value) in enumerate(fields):
        prefix = "  - " if i == 0 else "    "
        text = f"{prefix}{key}: {value}"
        if key in comments:
            text = f"{text:<40}# {comments[key]}"
        lines.append(text)
    return "\n".join(lines)


def _items(items: list[str]) -> str:
    return "\n".join(items) + "\n"


# ---------------------------------------------------------------- group-specific content
#
# Each builder returns the mechanisms, activities, metrics, problems and plans for one group of unit
# types, with dates in ``year``. Values are deliberately ordinary: they are meant to be overwritten.


def _common_mechanisms(group: str) -> list[str]:
    weekly = {
        "社区": "每周一上午召开创建例会，通报上周检查情况，交办本周任务。",
        "村": "村两委每周碰头一次，研究环境整治和村务公开事项。",
        "乡镇": "每周召开创建调度会，听取各村（社区）进展，协调解决难点问题。",
        "机关": "每月召开一次创建工作例会，通报各科室任务落实情况。",
        "医疗": "每周办公会通报创建检查情况，发现的问题交办到科室。",
        "教育": "每周行政会安排创建工作，班主任例会通报班级评比结果。",
        "窗口": "每周晨会通报服务检查情况，点评典型案例。",
    }[group]
    return [
        _item([("name", "创建工作例会制度"), ("kind", "例会"), ("frequency", "每周一次"), ("detail", weekly)],
              {"name": "制度名称", "kind": "类别", "frequency": "频次"}),
        _item([("name", "目标责任书"), ("kind", "责任书"), ("parties", "12"),
               ("detail", "与各责任部门签订目标责任书，明确任务、标准和完成时限。")],
              {"parties": "签订份数"}),
        _item([("name", "督查通报制度"), ("kind", "督查通报"), ("frequency", "每月一次"),
               ("detail", "对照测评标准逐项检查，检查结果书面通报并限期整改。")]),
        _item([("name", "创建工作台账"), ("kind", "台账"),
               ("detail", "活动方案、签到表、图片和整改记录按月归档，做到有据可查。")]),
    ]


def _activity(theme: str, title: str, kind: str, date: str, *, location: str | None = None,
              participants: str | None = None, attendance: int | None = None, unit: str | None = None,
              quantities: list[tuple[str, int, str]] | None = None, spend: int | None = None,
              festival: str | None = None, recurrence: str | None = None, times: int | None = None,
              outcome: str | None = None, comment: bool = False) -> str:
    fields: list[tuple[str, str]] = [("theme", theme), ("title", title), ("kind", kind), ("date", date)]
    if festival:
        fields.append(("festival", festival))
    if recurrence:
        fields.append(("recurrence", recurrence))
    if times is not None:
        fields.append(("times", str(times)))
    if location:
        fields.append(("location", location))
    if participants:
        fields.append(("participants", f"[{participants}]"))
    if attendance is not None:
        fields.append(("attendance", str(attendance)))
    if unit:
        fields.append(("attendance_unit", unit))
    text = _item(fields, {
        "theme": "所属方面，如 宣传发动、环境卫生、志愿服务",
        "title": "活动名称",
        "kind": "会议、宣传、整治、评选、讲堂、志愿服务、文体、培训……",
        "date": "开始日期；跨天活动可再写 end",
        "festival": "结合的节日，可删",
        "recurrence": "频次，可删",
        "times": "本期共开展的次数",
        "location": "地点",
        "participants": "参与群体",
        "attendance": "参与人数或人次",
        "attendance_unit": "人、人次或名",
    } if comment else None)
    if quantities:
        text += "\n    quantities:" + ("                          # 其他数量：名称、数值、单位" if comment else "")
        for label, value, qty_unit in quantities:
            text += f"\n      - {{label: {label}, value: {value}, unit: {qty_unit}}}"
    if spend is not None:
        text += f"\n    spend: {spend}" + ("                           # 经费（元），可删" if comment else "")
    if outcome:
        text += f"\n    outcome: {outcome}" + ("  # 效果，一句话" if comment else "")
    return text


def _activities(unit_type: str, group: str, y: int) -> list[str]:
    d = lambda md: f"{y}-{md}"  # noqa: E731 — short date helper
    first = _activity("组织领导", "创建工作动员部署会", "会议", d("02-28"), location="会议室",
                      participants="领导班子成员, 各部门负责人", attendance=60, unit="人",
                      outcome="分解年度任务，明确责任分工。", comment=True)
    place = _WINDOW_PLACE.get(unit_type, "服务窗口")
    by_group = {
        "社区": [
            _activity("宣传发动", "公益广告和楼道宣传更新", "宣传", d("03-20"), location="各居民小区",
                      quantities=[("公益广告", 80, "块"), ("宣传单", 2000, "份")], spend=12000),
            _activity("环境卫生", "春季环境卫生集中整治", "整治", d("03-16"), location="小区楼道和背街小巷",
                      participants="社区工作者, 物业保洁人员, 居民志愿者", attendance=160,
                      quantities=[("清理卫生死角", 45, "处")], outcome="楼道堆物基本清零。"),
            _activity("志愿服务", "学雷锋志愿服务月", "志愿服务", d("03-05"), festival="学雷锋月",
                      participants="党员志愿者, 青年志愿者", attendance=300),
            _activity("道德建设", "社区道德讲堂", "讲堂", d("01-18"), recurrence="每月一期", times=12,
                      location="新时代文明实践站", attendance=600),
            _activity("网格化", "网格员入户走访", "检查督查", d("05-10"), location="各网格",
                      quantities=[("走访住户", 2800, "户")]),
            _activity("文体节日", "中秋邻里联欢会", "文体", d("09-14"), festival="中秋节",
                      location="社区文化广场", attendance=400),
        ],
        "村": [
            _activity("环境卫生", "村庄人居环境集中整治", "整治", d("04-12"), location="各村民小组",
                      participants="党员, 村民, 保洁员", attendance=420,
                      quantities=[("清理沟渠", 12, "公里"), ("清运垃圾", 160, "吨")], spend=68000),
            _activity("基础设施", "村内道路亮化", "建设", d("06-10"), location="主干道和村民小组道路",
                      quantities=[("新装路灯", 86, "盏")], spend=215000, outcome="夜间出行更加安全方便。"),
            _activity("道德建设", "村规民约修订和星级文明户评选", "评选", d("08-20"), location="村委会",
                      attendance=260, unit="人", outcome="评出星级文明户120户。"),
            _activity("民生服务", "困难群众走访慰问", "慰问", d("01-30"), festival="春节",
                      quantities=[("慰问困难家庭", 36, "户")], spend=18000),
            _activity("文体节日", "重阳节敬老宴", "文体", d("10-11"), festival="重阳节",
                      location="村文化礼堂", attendance=150, unit="人"),
        ],
        "乡镇": [
            _activity("宣传发动", "主干道公益宣传提升", "宣传", d("04-10"), location="主要道路和公共场所",
                      quantities=[("公益广告牌", 120, "块"), ("灯杆道旗", 300, "面")], spend=150000),
            _activity("市容秩序", "占道经营和乱停乱放专项整治", "整治", d("05-06"),
                      participants="执法队员, 网格员, 志愿者", attendance=520,
                      quantities=[("规范流动摊点", 96, "个"), ("施划停车泊位", 400, "个")]),
            _activity("环境卫生", "城乡环境卫生集中整治", "整治", d("06-15"),
                      participants="机关干部, 村（社区）干部, 群众", attendance=3600,
                      quantities=[("清运垃圾", 820, "吨")], spend=360000),
            _activity("道德建设", "道德讲堂和好人评选", "讲堂", d("01-26"), recurrence="每月一期", times=12,
                      location="新时代文明实践所", attendance=1200, outcome="评选身边好人8名。"),
            _activity("志愿服务", "新时代文明实践志愿服务", "志愿服务", d("03-05"), recurrence="每月两次",
                      times=20, participants="志愿服务队", attendance=2400),
            _activity("文明细胞", "文明家庭评选", "评选", d("11-20"), outcome="评出文明家庭300户。"),
        ],
        "机关": [
            _activity("理论学习", "理论学习中心组专题学习", "培训", d("01-26"), recurrence="每月一次", times=12,
                      participants="领导班子成员, 科室负责人", attendance=180, unit="人次"),
            _activity("道德建设", "机关道德讲堂", "讲堂", d("03-22"), recurrence="每季度一期", times=4,
                      attendance=400, unit="人次"),
            _activity("共驻共建", "包保小区环境整治志愿服务", "志愿服务", d("03-08"), recurrence="每周五下午",
                      times=40, location="包保小区", participants="机关党员, 青年干部", attendance=960,
                      quantities=[("清理小广告", 1500, "处")]),
            _activity("窗口服务", "窗口文明服务规范培训", "培训", d("04-16"), location=place,
                      participants="窗口工作人员", attendance=40, unit="人", outcome="考核合格率100%。"),
            _activity("党建", "七一主题党日", "其他", d("07-01"), festival="七一",
                      participants="全体党员", attendance=85, unit="人"),
        ],
        "医疗": [
            _activity("宣传发动", "院区公益宣传阵地更新", "宣传", d("03-15"), location=f"{place}、住院区和主要通道",
                      quantities=[("电子屏", 12, "块"), ("公益广告", 60, "块")], spend=36000),
            _activity("窗口服务", "窗口服务礼仪和应知应会培训", "培训", d("04-16"), location=place,
                      participants="挂号收费员, 药房人员, 导诊护士", attendance=120, unit="人",
                      outcome="考核合格率100%。"),
            _activity("窗口服务", "门诊一站式服务和分时段预约", "其他", d("05-20"), location=place,
                      outcome="门诊患者平均排队时长缩短到12分钟。"),
            _activity("环境卫生", "院容院貌集中整治", "整治", d("03-25"), location="院区道路和后勤区域",
                      quantities=[("清理卫生死角", 38, "处")], spend=80000),
            _activity("控烟", "世界无烟日禁烟标识更新", "整治", d("05-31"), location=SELF_REFERENCE[unit_type][1],
                      quantities=[("更新禁烟标识", 300, "块")]),
            _activity("志愿服务", "导医导诊志愿服务", "志愿服务", d("01-08"), recurrence="工作日每天上午",
                      location=place, participants="职工志愿者", attendance=1800),
        ],
        "教育": [
            _activity("未成年人", "开学第一课文明礼仪教育", "培训", d("09-02"), location="操场",
                      attendance=900, unit="人"),
            _activity("文明细胞", "文明班级评比", "评选", d("03-20"), recurrence="每月一次", times=10,
                      outcome="评出文明班级10个。"),
            _activity("志愿服务", "校门口文明交通劝导", "志愿服务", d("09-09"),
                      recurrence="上学、放学时段", participants="家长志愿者, 教师", attendance=1200),
            _activity("治安安全", "消防安全疏散演练", "培训", d("11-08"), attendance=1000, unit="人",
                      outcome="全体师生有序完成疏散。"),
            _activity("文体节日", "国庆主题合唱比赛", "文体", d("09-27"), festival="国庆节", attendance=900,
                      unit="人"),
        ],
        "窗口": [
            _activity("窗口服务", "文明规范服务提升行动", "培训", d("03-18"), location=place,
                      participants="一线服务人员", attendance=110, unit="人", outcome="统一服务用语和服务流程。"),
            _activity("宣传发动", f"{place}公益宣传", "宣传", d("04-08"), location=place,
                      quantities=[("电子屏滚动播放", 8, "块"), ("公益广告", 30, "块")], spend=24000),
            _activity("诚信建设", "诚信经营和服务承诺公示", "宣传", d("06-14"), location=place,
                      outcome="服务承诺和收费标准全部上墙公示。"),
            _activity("理论学习", "主题教育专题学习", "培训", d("01-22"), recurrence="每月一次", times=12,
                      attendance=720, unit="人次"),
            _activity("志愿服务", "爱心服务岗志愿服务", "志愿服务", d("01-15"), recurrence="每天",
                      location=place, participants="职工志愿者", attendance=1500),
        ],
    }
    extra = []
    if unit_type == "客运站":
        extra.append(_activity("志愿服务", "春运“温暖回家路”志愿服务", "志愿服务", d("01-26"), festival="春节",
                               location=place, participants="青年志愿者, 职工志愿者", attendance=2400,
                               outcome="为老弱病残孕旅客提供引导和帮扶。"))
    return [first] + by_group[group] + extra


def _metrics(group: str) -> list[str]:
    if group in ("社区", "村", "乡镇"):
        base_label, base_value = "常住人口", {"社区": 8600, "村": 2960, "乡镇": 48200}[group]
        volunteers = {"社区": (1120, 1000, 980, (320, 480, 320)), "村": (380, 350, 330, (120, 180, 80)),
                      "乡镇": (6800, 6500, 6100, (1800, 3200, 1800))}[group]
    else:
        base_label, base_value = "在职职工", {"医疗": 860, "教育": 96, "窗口": 140, "机关": 120}[group]
        volunteers = {"医疗": (620, 600, 560, (210, 260, 150)), "教育": (88, 80, 76, (30, 40, 18)),
                      "窗口": (118, 110, 102, (40, 50, 28)), "机关": (104, 100, 92, (36, 40, 28))}[group]
    value, target, previous, (a, b, c) = volunteers
    parts_labels = ("党员志愿者", "青年志愿者", "其他志愿者")
    items = [
        _item([("key", "base_people"), ("label", base_label), ("theme", "志愿服务"), ("value", str(base_value)),
               ("unit", "人"), ("profile", "true")],
              {"key": "英文标识，供其他指标的 base 引用", "value": "完成值（只写数字）", "unit": "计量单位",
               "profile": "基本情况数字：只作占比的分母，不列入指标表"}),
        _item([("key", "volunteers"), ("label", "实名注册志愿者"), ("theme", "志愿服务"), ("value", str(value)),
               ("unit", "人"), ("target", str(target)), ("target_source", "上级下达的年度任务"),
               ("previous", str(previous)), ("base", "base_people")],
              {"target": "目标值", "target_source": "目标来源", "previous": "上期值",
               "base": "占比的分母：填另一项指标的 key"})
        + "\n    parts:                              # 其中各分项，合计须等于 value"
        + "".join(f"\n      - {{label: {label}, value: {n}}}" for label, n in zip(parts_labels, (a, b, c))),
        _item([("label", "志愿服务活动"), ("theme", "志愿服务"), ("value", "36"), ("unit", "次"),
               ("target", "24"), ("target_source", "测评体系要求")]),
        _item([("label", {"医疗": "患者满意率", "窗口": "客户满意率", "教育": "家长满意率"}.get(group, "群众满意率")), ("theme", "窗口服务" if group in ("医疗", "窗口", "机关") else "民生服务"),
               ("value", "95.5"), ("unit", '"%"'), ("target", "90"), ("previous", "93.2")],
              {"unit": "百分号要加引号"}),
        _item([("label", "群众投诉"), ("theme", "窗口服务" if group in ("医疗", "窗口", "机关") else "民生服务"),
               ("value", "6"), ("unit", "件"), ("previous", "11"), ("lower_is_better", "true")],
              {"lower_is_better": "数值越低越好时填 true"}),
    ]
    return items


_PROBLEMS = {
    "社区": [("old-estates", "老旧小区管理基础薄弱", "部分小区没有专业物业，楼道堆物和车辆乱停时有反弹。", "推进老旧小区长效管理", "引入准物业服务，将楼道堆物纳入网格员每日巡查。"),
             ("participation", "居民参与面不够广", "参加活动的以老年居民为主，中青年居民参与较少。", "扩大居民参与", "利用周末和晚间开展活动，推行志愿服务积分兑换。")],
    "村": [("funds", "建设资金不足", "村集体收入有限，道路和环境设施维护主要依靠上级补助。", "多渠道筹措资金", "积极争取项目资金，动员乡贤和村民参与认建认养。"),
           ("habits", "部分村民卫生习惯有待改进", "乱堆乱放、垃圾随手丢等现象在个别村民小组仍有发生。", "引导村民养成良好习惯", "把门前三包纳入星级文明户评比，每月公布评比结果。")],
    "乡镇": [("balance", "城乡创建不够均衡", "集镇区点位达标较好，偏远村（社区）基础设施欠账较多。", "补齐薄弱环节短板", "按一村一清单推进整改，由班子成员包片督办。"),
             ("rebound", "市容秩序容易反弹", "流动摊点和车辆乱停在高峰时段仍有发生。", "建立常态巡查机制", "组织执法队员、网格员和志愿者联合巡查，高峰时段定点值守。")],
    "机关": [("study", "学习与业务结合不够紧", "部分学习停留在读原文、记笔记，结合实际研讨不够。", "推动学习成果转化", "每季度围绕一项业务难题开展专题调研。"),
             ("time", "志愿服务时间难以保证", "业务任务较重，部分干部参加包保服务的时间不够固定。", "完善志愿服务轮值", "按科室编排全年轮值表，确保人人参与。")],
    "医疗": [("awareness", "个别职工重视不够", "少数职工认为创建与业务关系不大，参与积极性不高。", "把创建融入日常管理", "将文明服务情况纳入科室和个人绩效考核。"),
             ("smoking", "控烟难度依然较大", "陪护和外来人员流动性大，楼梯间偶有吸烟现象。", "深化无烟单位建设", "增设控烟提示，加大易吸烟部位巡查频次。")],
    "教育": [("traffic", "校门口接送秩序仍需巩固", "放学高峰时段仍有家长车辆临时停靠。", "联合整治校园周边交通", "协调设置临时停车区，推行错峰放学。"),
             ("family", "家校共育覆盖不均衡", "部分家长参加家长学校的次数偏少。", "拓展家校共育方式", "开设线上家长课堂，利用周末开展家访。")],
    "窗口": [("peak", "高峰时段服务压力较大", "业务集中时段等候时间偏长，群众有意见。", "优化服务流程", "推行预约服务和弹性窗口，高峰时段增开窗口。"),
             ("training", "服务规范执行不够均衡", "新入职人员对服务规范掌握不够熟练。", "加强岗位培训", "新入职人员先培训后上岗，每季度开展服务技能比武。")],
}

_HONOURS = {
    "社区": ("青枫市“文明社区”", "市级"), "村": ("西岭县“文明村”", "县级"), "乡镇": ("青枫市“文明村镇”", "市级"),
    "机关": ("东湖区“文明单位”", "区级"), "医疗": ("青枫市“文明单位”", "市级"), "教育": ("东湖区“文明校园”", "区级"),
    "窗口": ("青枫市“文明示范窗口”", "市级"),
}

_GOALS = {
    "社区": "环境整洁优美, 邻里和睦互助, 服务便捷贴心",
    "村": "村容村貌整洁, 乡风文明淳朴, 村民安居乐业",
    "乡镇": "镇容镇貌整洁有序, 乡风文明蔚然成风, 公共服务便民高效",
    "机关": "建设学习型机关, 打造服务型窗口, 争当文明创建排头兵",
    "医疗": "就医环境整洁舒适, 服务流程便捷高效, 医德医风清正廉洁",
    "教育": "校园环境整洁优美, 师德师风端正, 学生文明有礼",
    "窗口": "服务规范高效, 环境整洁温馨, 诚信经营守法",
}

_MEMBERS = {
    "社区": "网格长、物业负责人和驻区单位联络员", "村": "村两委成员和各村民小组组长",
    "乡镇": "班子成员、各站所负责人和各村（社区）党组织书记", "机关": "各科室负责人",
    "医疗": "各职能科室和临床医技科室负责人", "教育": "各处室主任和年级组长", "窗口": "各部门负责人",
}


def _default_year() -> int:
    """The year just ended: a 全年 summary is written after its year is over."""
    return min(max(dt.date.today().year - 1, 2020), 2099)


def yaml_text(unit_type: str, year: int | None = None) -> str:
    """The commented starter YAML for ``unit_type`` (one of ``model.SELF_REFERENCE``)."""
    if unit_type not in SELF_REFERENCE:
        raise ValueError(f"unknown unit type: {unit_type}")
    y = year or _default_year()
    group = UNIT_GROUP[unit_type]
    unit = _UNITS[unit_type]
    self_ref, collective = SELF_REFERENCE[unit_type]
    if unit_type in ("区", "县", "开发区") or not ("东湖区" in unit.name or "西岭县" in unit.name):
        area, abbr = "青枫市", "青"
    else:
        area, abbr = ("西岭县", "西") if "西岭县" in unit.name else ("东湖区", "东")
    city_office = f"{area[-1]}文明办"
    problems, plans = [], []
    for pid, label, detail, plan_label, plan_detail in _PROBLEMS[group]:
        problems.append(_item([("id", pid), ("label", label), ("detail", detail)],
                              {"id": "英文标识", "label": "问题概括（4–12字）"} if not problems else None))
        plans.append(_item([("label", plan_label), ("detail", plan_detail), ("addresses", f"[{pid}]"),
                            ("year", str(y + 1))],
                           {"addresses": "针对的问题 id", "year": "计划年度"} if not plans else None))
    honour_title, honour_level = _HONOURS[group]
    honours = [_item([("title", honour_title), ("level", honour_level), ("date", f"{y}-12-10")],
                     {"title": "荣誉称号", "level": "级别，写在引号外"})]
    header = _HEADER.format(schema=schema_line(), name=unit.name, year=y, self_ref=self_ref, collective=collective)
    body = _BODY.format(
        name=unit.name, type=unit_type, short=unit.short, parent=unit.parent, self_ref=self_ref,
        profile=_profile(unit_type, group), year=y, since=y - 3,
        superior=unit.superior, city_office=city_office,
        doc_title=f"{area}{y}年创建全国文明城市工作要点",
        doc_no=f"{abbr}文明委〔{y}〕1号", doc_issuer=f"{area}精神文明建设委员会",
        meeting="全市创建全国文明城市工作推进会", goals=_GOALS[group],
        leader=unit.leader, deputy=unit.deputy, office=unit.office, members=_MEMBERS[group],
        p0=_PERSON_NAMES[0], p1=_PERSON_NAMES[1], p2=_PERSON_NAMES[2],
        mechanisms=_items(_common_mechanisms(group)),
        activities=_items(_activities(unit_type, group, y)),
        metrics=_items(_metrics(group)),
        honours=_items(honours),
        problems=_items(problems),
        plans=_items(plans),
        closing_goal="推动创建工作再上新台阶",
    )
    return _align_comments(header + _described(body))


def _described(text: str) -> str:
    """Fill each ``# =`` comment with the field's own description from the model, so the starter
    file says what the JSON Schema and the workbook say and cannot fall behind them."""
    out = []
    parents: list[tuple[int, type[BaseModel]]] = [(-1, Report)]
    for line in text.splitlines():
        found = _KEY_LINE.match(line)
        if not found or line.lstrip().startswith("#"):
            out.append(line)
            continue
        indent = len(found.group("indent")) + len(found.group("item") or "")
        while parents[-1][0] >= indent:
            parents.pop()
        model = parents[-1][1]
        info = model.model_fields[found.group("key")]
        if not found.group("value").strip():
            child = nested_model(info.annotation)
            if child is not None:
                parents.append((indent, child))
        if line.endswith(" # ="):
            line = line[: -len("=")] + (info.description or "")
        out.append(line)
    return "\n".join(out) + "\n"


_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<item>- )?(?P<key>[a-z_]+):(?P<value>[^#]*)")


def _align_comments(text: str, column: int = 44) -> str:
    """Line up end-of-line comments at ``column`` (or one space after long lines)."""
    out = []
    for line in text.splitlines():
        code, sep, comment = line.partition(" # ")
        if not sep or not code.strip() or code.lstrip().startswith("#"):
            out.append(line)
            continue
        code = code.rstrip()
        out.append(code + " " * max(column - textwidth.columns(code), 2) + "# " + comment.strip())
    return "\n".join(out) + "\n"
