"""Shared fixtures. The docx_ ones give the Word writer a hand-built Document, independent of compose."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from reportgen.document import Attachment, Column, Document, Heading, Paragraph, Run, Signature, Table


def _p(*texts: str) -> Paragraph:
    return Paragraph(tuple(Run(t) for t in texts))


def _item(head: str, text: str) -> Paragraph:
    return Paragraph((Run(head, bold=True), Run(text)))


def docx_sample_document() -> Document:
    """A 社区 half-year summary long enough for four body pages, with a 30-row indicator table."""
    blocks = [
        _p("今年以来，我社区坚持以习近平新时代中国特色社会主义思想为指导，紧紧围绕全市创建全国文明城市工作部署，"
           "把创建工作作为惠民生、聚民心的重要抓手，以“小切口”推动“大变化”，辖区环境面貌、居民文明素养和"
           "社区治理水平持续提升。现将2024年上半年工作情况总结如下。"),
        Heading(1, "一、", "强化组织领导，压实创建责任"),
        Heading(2, "（一）", "健全工作机制"),
        _p("社区成立由党委书记任组长、居委会主任任副组长的创建工作领导小组，下设环境整治、宣传教育、志愿服务、"
           "督导检查4个工作专班，明确专人负责台账资料和点位巡查，形成书记牵头抓总、委员分片包干、网格员落实到户的"
           "责任链条。领导小组每月召开1次推进会，上半年共召开推进会6次，研究解决老旧小区停车、背街小巷保洁等"
           "具体问题23个。"),
        _item("1.细化责任分工。", "对照测评体系逐项梳理出27项重点任务，制定任务清单、责任清单和时限清单，"
              "把每一项任务落实到具体点位、具体人员，做到事事有人管、件件有回音。"),
        _item("2.加强督导考核。", "建立“周巡查、月通报、季点评”工作制度，上半年开展实地巡查24次，发现问题"
              "186个，已整改到位179个，整改率96.2%，其余7个问题已列入下半年整改计划并明确完成时限。"),
        Heading(2, "（二）", "凝聚共建合力"),
        _p("主动对接辖区12家共建单位，签订共驻共建协议，建立需求、资源、项目三张清单，共同认领公益项目15个。"
           "组织驻区单位党员干部下沉网格参与文明劝导、环境清理等活动，累计参与1860人次，形成了社区主导、"
           "单位协同、居民参与的共建格局。"),
        Heading(1, "二、", "聚焦环境整治，提升宜居品质"),
        Heading(2, "（一）", "攻坚背街小巷和老旧小区"),
        _p("针对背街小巷环境脏乱、老旧小区设施陈旧等问题，社区争取专项资金128.5万元，完成3个老旧小区改造，"
           "新增停车位210个，规范设置非机动车充电车棚8处，清理楼道堆积物和“僵尸车”共计430余处，"
           "居民出行和居住条件明显改善。"),
        _item("1.开展常态保洁。", "实行“一日两扫、全天保洁”，将辖区道路、绿地、公共区域划分为18个保洁责任区，"
              "每个责任区配备专职保洁员，实行定人、定岗、定责、定标准管理。"),
        _item("2.推进垃圾分类。", "新建标准化垃圾分类投放点26个，配备督导员52名，组织入户宣传4次，"
              "居民垃圾分类知晓率达到98%，参与率达到87%，较去年同期分别提高6个和11个百分点。"),
        _item("3.整治违规经营。", "联合城管、市场监管等部门开展占道经营、店外经营专项整治行动9次，"
              "规范沿街商铺门前“三包”责任，签订责任书146份，沿街市容秩序明显好转。"),
        Heading(2, "（二）", "补齐公共服务短板"),
        _p("改造提升社区综合服务中心，设置新时代文明实践站、居民议事厅、老年食堂和“四点半课堂”等功能室，"
           "服务面积由原来的420平方米扩大到780平方米。老年食堂上半年累计提供助餐服务1.2万人次，"
           "“四点半课堂”服务辖区中小学生3600余人次，群众满意度调查结果为97.3%。"),
        Heading(1, "三、", "深化宣传教育，培育文明风尚"),
        Heading(2, "（一）", "丰富宣传载体"),
        _p("在小区出入口、主要路口和公共活动场所设置社会主义核心价值观公益广告68处，更新宣传栏、"
           "电子显示屏内容12期，利用社区微信公众号和居民微信群推送创建知识、文明提示等信息156条，"
           "营造了人人知晓创建、人人参与创建的浓厚氛围。"),
        _item("1.开展主题活动。", "围绕传统节日和重要节点，组织开展“我们的节日”“邻里守望”“文明家庭评选”等"
              "主题活动32场，参与居民4100余人次，评选表彰文明家庭20户、好邻居15名。"),
        _item("2.做实志愿服务。", "社区志愿服务队伍发展到8支，注册志愿者1260名，上半年开展环境清洁、"
              "助老助残、交通劝导等志愿服务活动96次，累计服务时长达到1.85万小时。"),
        Heading(2, "（二）", "推进移风易俗"),
        _p("修订完善居民公约，倡导婚事新办、丧事简办，组织开展文明餐桌、文明交通、文明旅游等宣传引导，"
           "发放倡议书5000余份。依托“红白理事会”为居民提供咨询服务21次，劝导大操大办4起，"
           "社区文明新风日益浓厚。"),
        Heading(1, "四、", "存在问题和下步打算"),
        _p("上半年，我社区创建工作虽然取得了一定成效，但对照测评标准仍有差距：一是部分老旧小区物业管理薄弱，"
           "环境卫生容易反弹；二是居民参与的广度和深度还不够，志愿服务项目化、品牌化水平有待提升；"
           "三是个别商户门前“三包”落实不到位，存在问题反复的现象。"),
        _p("下半年，我社区将继续对标对表、查漏补缺，重点抓好以下工作：持续推进老旧小区长效管理，"
           "探索引入专业化物业服务；培育一批群众认可的志愿服务品牌项目；健全商户自治组织，"
           "推动门前“三包”由“要我做”向“我要做”转变，以更加扎实的工作成效迎接年度测评。"),
    ]
    columns = (
        Column("序号"), Column("类别"), Column("指标名称"), Column("单位"),
        Column("目标值", True), Column("完成值", True), Column("完成率", True), Column("同比", True),
    )
    themes = ["组织领导", "环境整治", "宣传教育", "志愿服务", "公共服务"]
    labels = ["召开推进会", "实地巡查", "问题整改", "共建项目", "公益广告", "主题活动", "注册志愿者",
              "志愿服务时长", "垃圾分类投放点", "老旧小区改造"]
    rows, indent = [], []
    for i in range(30):
        if i % 6 == 5:
            indent.append(i)
            rows.append(("", "", f"其中：{labels[i % 10]}（居民）", "次", "—", str(10 + i), "—", "—"))
        else:
            rows.append((str(i + 1), themes[i % 5], labels[i % 10], "个", str(20 + i), str(22 + i),
                         f"{100 + i % 9}.{i % 10}%", f"+{i % 7}.5%"))
    table = Table("幸福里社区2024年上半年创建工作指标完成情况表", columns, tuple(rows), tuple(indent))
    return Document(
        title="幸福里社区2024年上半年创建全国文明城市工作总结",
        title_segments=("幸福里社区", "2024年上半年", "创建全国文明城市工作总结"),
        blocks=blocks,
        attachment_note=("幸福里社区2024年上半年创建工作指标完成情况表",),
        signature=Signature("幸福里社区居民委员会", "2024年6月30日"),
        attachments=[Attachment(1, table.title, (table,))],
        author="幸福里社区居民委员会",
        year=2024,
    )


@pytest.fixture
def docx_sample() -> Document:
    return docx_sample_document()


@contextlib.contextmanager
def tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """A real tmpfs mounted at ``folder`` (root only), so full-disk and read-only errors are the kernel's
    own, not simulated; the test is skipped where mounting is not possible."""
    folder.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("needs root and mount(8) for a tmpfs")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
