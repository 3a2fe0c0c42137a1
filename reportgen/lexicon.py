"""The words the grammar needs to read a title a clerk typed: verbs, nominal heads, superior bodies.

A closed list rather than a segmenter: titles of 创建 work come from a small vocabulary, a list a
reviewer can extend in one line, and it costs nothing at start-up (``build`` must stay under a second).
Longest entries are tried first wherever a list is matched against the start or end of a title.
"""

from __future__ import annotations


def _longest_first(words: str) -> tuple[str, ...]:
    return tuple(sorted(set(words.split()), key=len, reverse=True))


#: Verbs that open a title and make it a verb phrase already: “召开…会”, “成立…小组”, “制定…方案”.
TITLE_VERBS = _longest_first("""
召开 举办 举行 开展 组织 组建 成立 设立 建立 健全 完善 制定 修订 印发 出台 推行 实行 实施 推进 推动 深化
加强 强化 规范 优化 提升 打造 创建 创办 开设 设置 增设 新建 改建 扩建 建成 建设 改造 更新 安装 铺设 修缮 修复
完成 落实 签订 签署 发放 发布 评选 选树 表彰 命名 清理 清运 清除 整治 治理 排查 检查 督查 巡查 暗访 抽查 走访
慰问 看望 邀请 启动 迎接 接受 参加 参与 承办 协办 配合 配备 招募 培育 培训 宣讲 宣传 普及 倡导 号召 动员
召集 编印 编制 编写 制作 张贴 悬挂 布置 摆放 更换 拆除 劝导 劝阻 引导 帮扶 结对 救助 资助 捐赠 募集 开通 上线
启用 投用 揭牌 挂牌 聘请 聘任 调整 充实 压实 抓好 做好 做实 办好 用好 坚持 持续 全面 扎实 集中 广泛 深入
开放 推广 总结 学习 传达 明确 细化 分解 加大 加快 扩大 提高 降低 增加 减少 压缩 缩短 引入 依托 联合 协调 拓宽 激发 激活
拓展 缓解 借用 补齐 建强 夯实 筑牢 营造 弘扬 整合 统筹 确保 力争 争取 提供 改善 保持 用活 盘活 发挥 融入 把 将 对接 健全完善 贯彻 研究 部署 举全 筹备 组队 送 进行 认领 包保 联系 走进 深入到
""")

#: Verbs that may stand inside a title after its subject: “夕阳红锣鼓队参加踩街活动”.
INNER_VERBS = _longest_first("""
参加 参与 走进 深入 进入 来到 前往 赴 开展 举办 举行 组织 亮相 慰问 看望 走访 助力 守护 认领 捐赠 捡拾 清理
清洁 清扫 升挂 打扫 擦拭 辅导 陪伴 帮助 教 为 送
""")

#: Words between a clause title's subject and its verb that say when or how: “专人每天早上升挂国旗”.
INNER_ADVERBS = r"(?:每[天日周月季年][一二三四五六日]?(?:早上|上午|中午|下午|晚上)?|暑期|寒假|周末|义务|定期|主动|集中|常态化|轮流)?"

#: Predicates a title may end with (the title is a whole clause): “…服务中心启用”, “…挂钩”.
END_VERBS = _longest_first("""
启用 投用 投入使用 开放 开通 上线 揭牌 挂牌 落成 开工 竣工 完工 启动 成立 开班 开讲 开课 开幕 闭幕
挂钩 结合 衔接 联动 全覆盖 到位 落地 见效 常态化 提质 升级 开展 进行 举行 落实
""")

#: How a title that ends in an event noun is carried out. Longest ending first.
EVENT_VERBS: dict[str, str] = {
    **dict.fromkeys("""会议 大会 座谈会 推进会 部署会 动员会 调度会 例会 联席会 联席会议 表彰会 恳谈会 协调会
        现场会 观摩会 碰头会 通报会 工作会 专题会 布置会 总结会 评议会 听证会 议事会 见面会 说明会 交流会
        培训会 警示教育会 讨论会 研讨会 务虚会 述职会 民主生活会 组织生活会 党员大会 代表大会 推介会""".split(), "召开"),
    **dict.fromkeys("仪式 典礼 升旗仪式 签约仪式 启动仪式 揭牌仪式 授旗仪式".split(), "举行"),
    **dict.fromkeys("""比赛 大赛 竞赛 赛 晚会 讲座 论坛 讲堂 课堂 展览 展 展演 汇演 演出 运动会 游园会 灯会 庙会
        音乐会 读书会 分享会 联欢会 茶话会 阅读会 朗诵会 故事会 展销会 嘉年华 集市 市集 培训班 读书班 训练营 夏令营
        冬令营 沙龙 公开课 宣讲会 报告会 文艺汇演 村晚 春晚 义卖 跳蚤市场 书画展 摄影展 趣味运动会 节 会 班""".split(), "举办"),
    **dict.fromkeys("演练 拉练".split(), "组织"),
    **dict.fromkeys("""活动 行动 运动 工程 计划 项目 月 周 日 季 宣讲 义诊 服务 实践 志愿服务 大扫除 攻坚战 攻坚 整治
        专项整治 宣传 宣传教育 教育 调研 走访 慰问 走访慰问 帮扶 劝导 巡查 督查 检查 排查 暗访 评选 评比 学习 自查自纠 查漏补缺
        专题学习 集中学习 主题教育 主题党日 党日 清扫 清理 消杀 防制 培训 普查 摸排 义务劳动 认领 结对 考评 考核 评议
        督导 包保 互查 自查""".split(), "开展"),
}
EVENT_ENDINGS = tuple(sorted(EVENT_VERBS, key=len, reverse=True))

#: Ordinary administrative tasks: a clerk “做好” them (“做好城市低保审核工作”), they are not 活动.
TASK_ENDINGS = _longest_first("""
审核 审查 审批 登记 管理 发放 核查 核实 统计 申报 备案 归档 报送 办理 受理 维护 保障 保洁 养护 管护
监管 监测 随访 救助 兜底 征集 录入 采集 认定 复核 公示 对接 接待 值守 值班
""")

#: Endings that already make a title a complete object for 做好/抓好: “…工作”.
WORK_ENDINGS = ("工作", "任务", "事项")

#: Building and physical works: “实施…建设/改造”.
BUILD_ENDINGS = _longest_first("建设 改造 提升改造 修缮 绿化 亮化 硬化 美化 提升 新建 扩建 改建 安装 铺设 维修 更新")

#: Heads of a standing arrangement (a mechanism): the verb that brings one into being.
MECHANISM_HEADS: dict[str, str] = {
    **dict.fromkeys("制度 机制 体系 清单 流程".split(), "建立"),
    # Written rules are drawn up, not set up: 制定村规民约、修订红白理事会章程.
    **dict.fromkeys("办法 规定 细则 规范 规程 守则 公约 章程 方案 预案 标准 规约 民约".split(), "制定"),
    **dict.fromkeys("台账 档案 数据库 信息库 名册".split(), "建立"),
    **dict.fromkeys("曝光台 红黑榜 光荣榜 公示栏 曝光栏 意见箱".split(), "设立"),
    **dict.fromkeys("责任书 承诺书 协议 协议书 目标责任书 公开承诺".split(), "签订"),
    **dict.fromkeys("""小组 领导小组 专班 工作专班 队伍 队 服务队 志愿服务队 工作站 服务站 办公室 委员会 理事会 议事会
        联盟 协会 指挥部 中心 工作室""".split(), "成立"),
    **dict.fromkeys("分工 责任 任务分解 职责".split(), "明确"),
}
#: Heads of a practice a unit keeps up (…考核, …公开, …巡查): as a mechanism it is 实行; as an
#: activity it is an event (开展…评比).
PRACTICE_HEADS = _longest_first("""
考核 考评 评议 评比 通报 公开 巡查 查房 督查 督导 暗访 值班 值守 包保 包干 联系 挂牌 承诺 积分制 积分 网格化
网格化管理 分包 认领 问责 奖惩 好差评 评价 回访 销号 点评 例会 联席会议 联席会 包片 巡河 一票否决
""")
MECHANISM_ENDINGS = tuple(sorted(MECHANISM_HEADS, key=len, reverse=True))

#: A title that ends in an organised body (not an event): it is 成立/组建, never 开展…活动.
BODY_ENDINGS = _longest_first("""
小组 领导小组 专班 队伍 服务队 志愿服务队 志愿队 宣讲团 艺术团 合唱团 锣鼓队 舞蹈队 巡逻队 工作站 服务站 办公室
委员会 理事会 议事会 联盟 协会 指挥部 工作室 驿站 书屋 之家 课堂 基地
""")

#: Places a unit builds: “建设…广场”, never “实施…广场”.
PLACE_ENDINGS = _longest_first("广场 公园 长廊 文化墙 墙 书屋 驿站 之家 基地 阵地 小游园 游园 展厅 展馆 馆 园地 专栏 宣传栏")

#: Words that end the subject of a clause title (the doer before an inner verb).
SUBJECT_ENDINGS = _longest_first("""
队 团 组 会 员 者 们 班 站 部 室 所 处 局 院 校 园 中心 社区 村 小区 居民 群众 党员 干部 职工 学生 师生 老人 儿童
少年 青少年 少先队员 志愿者 网格员 楼栋长 家长 医生 护士 代表 委员 专家 骨干 能人 乡贤 妇女 青年 新人 教师 专人
大学生 老党员
""")

#: Bodies above a unit (or beside it at a higher level): the unit does not 组织 them; it works 会同
#: them, invites them, or acts under their guidance. Matched as substrings of a name.
SUPERIOR_MARKERS = _longest_first("""
办事处 街道 包点部门 包点单位 包保部门 包保单位 上级 党工委 管委会 区委 县委 市委 镇党委 乡党委 区政府 县政府
市政府 镇政府 乡政府 人民政府 文明办 文明委 创城办 创建办 督导组 督查组 考核组 检查组 测评组
""")

#: Markers of a body that is at the unit's own level or below even when it says 街道: “街道社区”.
SUPERIOR_EXCEPTIONS = ("社区居委会", "居委会", "村委会", "小区", "物业")

#: Unit types whose superior is a 街道/镇: for them 街道 and 办事处 are above; for a 街道 itself they are not.
BELOW_STREET = ("社区", "居委会", "村")

#: Predicates that make a clause a statement: verbs and the adjectives problems are written with.
PREDICATES = _longest_first("""
是 有 为 在 开展 举办 召开 建立 实行 落实 签订 成立 组建 推进 实施 完成 参加 参与 覆盖 通报 公开 巡查 督查
检查 走访 慰问 组织 做好 抓好 推动 加强 健全 完善 推行 明确 制定 印发 评选 表彰 获得 达到 达 提高 增长 下降
减少 增加 实现 形成 设立 设置 新建 建成 改造 安装 清理 整治 发放 投入 举行 宣讲 宣传 劝导 劝阻 引导 服务
帮扶 救助 结对 签约 认领 包保 联系 邀请 会同 依托 围绕 针对 坚持 持续 推广 提升 优化 规范 打造 创建 解决
整改 销号 办结 受理 回访 招募 培训 培育 学习 传达 贯彻 研究 部署 调整 充实 压实 将 把 对 向 与 由 按 按照
纳入 列入 挂钩 结合 衔接 启用 开放 开通 上线 揭牌 挂牌 落成 竣工 更换 拆除 清运 施划 规范 张贴 悬挂 设置
更新 制作 编印 募集 捐赠 资助 走进 深入 前往 来到 亮相 守护 助力 进行 做实 办好 用好 补齐 拓宽 激发 激活 拓展
缓解 深化 强化 夯实 筑牢 营造 弘扬 倡导 带动 凝聚 整合 统筹 保障 确保 力争 争取 提供 满足 增强 改善 保持
不足 不够 不高 不强 不均 不到位 不平衡 不充分 薄弱 单一 偏少 偏低 偏弱 偏长 较大 较多 较少 较弱 较低 紧张 欠缺
滞后 有待 仍需 尚未 难以 反弹 存在 缺乏 缺少 不多 不大 不严 不实 不细 不深 老化 陈旧 短缺 困难 突出 明显 反复
""")
