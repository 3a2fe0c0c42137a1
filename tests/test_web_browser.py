"""The web workbench in a real browser: Playwright driving the operating system's Chromium.

A report is made from nothing through the form, a located error shows at its field and goes away
when fixed, the preview shows evidence, and the .docx downloaded from the page says what was typed.
Uploads of a broken YAML and of a ledger are checked, and a page from another origin cannot post.
Every page is photographed at 1366×768; set REPORTGEN_SCREENSHOTS=folder to keep the pictures.
"""

from __future__ import annotations

import http.server
import os
import shutil
import struct
import threading
from pathlib import Path
from typing import Iterator

import docx
import pytest

pytest.importorskip("starlette")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)")

from web_support import SCREEN, chromium_path, running  # noqa: E402

from reportgen.loaders import load  # noqa: E402

CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium from the operating system (/usr/bin/chromium); .ci/run installs it (apt-get install chromium)",
)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
UNIT = "青枫市东湖区柳荫街道竹林社区"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--lang=zh-CN"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport=SCREEN, locale="zh-CN", accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("REPORTGEN_SCREENSHOTS")
    target = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target


def snap(page, shots: Path, name: str) -> None:  # noqa: ANN001
    """A screenshot of what the user sees, checked to be the office screen size."""
    path = shots / f"{name}.png"
    page.screenshot(path=str(path))
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    assert (width, height) == (SCREEN["width"], SCREEN["height"])


def test_a_report_from_scratch_through_the_form(page, shots: Path, tmp_path: Path) -> None:  # noqa: ANN001
    folder = tmp_path / "工作"
    folder.mkdir()
    shutil.copy(EXAMPLES / "shequ-2024-shangbannian.yaml", folder / "槐树里社区.yaml")
    with running(folder) as (base, _):
        page.goto(base + "/")
        sync_api.expect(page.locator("table.list")).to_contain_text("2024年上半年")
        snap(page, shots, "1-单位列表")

        page.get_by_role("link", name="新建", exact=True).first.click()
        page.select_option("select[name=type]", "社区")
        page.fill("input[name=year]", "2024")
        page.select_option("select[name=period]", "上半年")
        snap(page, shots, "2-新建")
        page.get_by_role("button", name="下一步：填写内容").click()

        page.fill('[id="f:filename"]', "竹林社区")
        page.fill('[id="f:unit.name"]', UNIT)
        activities = page.locator('fieldset[data-list="activities"]')
        activities.locator(":scope > [data-add]").click()
        page.select_option('[id="f:activities[0].theme"]', "环境卫生")
        page.fill('[id="f:activities[0].title"]', "楼道堆物集中清理")
        page.fill('[id="f:activities[0].attendance"]', "45")
        page.fill('[id="f:activities[0].date"]', "2023-04-12")  # a year off: outside the period
        date_field = page.locator('[data-field="activities[0].date"]')
        sync_api.expect(date_field.locator(".msg")).to_contain_text("不在本期", timeout=10000)
        sync_api.expect(date_field).to_have_class("field has-error")
        sync_api.expect(page.locator("#checkstate")).to_contain_text("1 处问题")
        date_field.scroll_into_view_if_needed()
        snap(page, shots, "3-检查-字段处的错误")

        page.fill('[id="f:activities[0].date"]', "2024-04-12")
        sync_api.expect(date_field.locator(".msg")).to_be_empty(timeout=10000)
        sync_api.expect(page.locator("#checkstate")).to_contain_text("检查通过")
        metrics = page.locator('fieldset[data-list="metrics"]')
        metrics.locator(":scope > [data-add]").click()
        page.fill('[id="f:metrics[0].label"]', "注册志愿者")
        page.select_option('[id="f:metrics[0].theme"]', "志愿服务")
        page.fill('[id="f:metrics[0].value"]', "420")
        page.fill('[id="f:metrics[0].unit"]', "人")
        sync_api.expect(page.locator("#checkstate")).to_contain_text("检查通过", timeout=10000)
        page.get_by_role("button", name="保存").click()

        sync_api.expect(page.locator(".notice")).to_contain_text("已新建并保存")
        report = load(folder / "竹林社区.yaml").report
        assert report.unit.name == UNIT and report.activities[0].title == "楼道堆物集中清理"
        snap(page, shots, "4-编辑")

        page.locator(".formbar").get_by_role("link", name="预览").click()
        sentence = page.locator("#paper .s.data", has_text="楼道堆物集中清理").first
        sentence.click()
        evidence = page.locator("#evidence-body")
        sync_api.expect(evidence).to_contain_text("activities[0].title")
        sync_api.expect(evidence).to_contain_text("竹林社区.yaml:")
        assert page.locator("#paper .s.framing").count() > 0
        snap(page, shots, "5-预览")

        page.locator(".filelinks").get_by_role("link", name="生成与下载").click()
        page.get_by_role("button", name="生成", exact=True).click()
        sync_api.expect(page.locator(".notice")).to_contain_text("已生成")
        snap(page, shots, "6-生成与下载")
        with page.expect_download() as info:
            page.get_by_role("link", name="Word 文档").click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
        assert saved.name == "竹林社区.docx"
        assert UNIT in text and "楼道堆物集中清理" in text and "2024年上半年" in text

        page.goto(base + "/")
        sync_api.expect(page.locator("tr", has_text="竹林社区.yaml")).to_contain_text("已生成")


def test_uploads_of_a_broken_yaml_and_of_a_ledger(page, shots: Path, tmp_path: Path) -> None:  # noqa: ANN001
    from reportgen.pipeline import render_workbook as render

    folder = tmp_path / "工作"
    folder.mkdir()
    ledger = render(load(EXAMPLES / "minimal.yaml").report)
    with running(folder) as (base, _):
        page.goto(base + "/upload")
        snap(page, shots, "7-上传")
        broken = "unit:\n  name: 竹园社区\n  type: 社区\nperiod: {year: 2024, type: 上半年\n"
        page.set_input_files("input[name=file]", files=[{"name": "坏.yaml", "mimeType": "application/yaml", "buffer": broken.encode()}])
        page.get_by_role("button", name="上传").click()
        sync_api.expect(page.locator(".notice")).to_contain_text("已上传")
        sync_api.expect(page.locator("table.findings")).to_contain_text("坏.yaml:")
        snap(page, shots, "8-检查-文件的错误")

        page.goto(base + "/upload")
        page.set_input_files("input[name=file]", files=[{
            "name": "台账.xlsx", "buffer": ledger,
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
        page.get_by_role("button", name="上传").click()
        sync_api.expect(page.locator(".box")).to_contain_text("检查通过")
        assert (folder / "台账.xlsx").read_bytes() == ledger

        page.goto(base + "/")
        rows = page.locator("table.list tbody tr")
        sync_api.expect(rows.filter(has_text="台账.xlsx")).to_contain_text("青枫市东湖区柳荫街道竹园社区")
        sync_api.expect(rows.filter(has_text="坏.yaml")).to_contain_text("个问题")

        page.get_by_role("button", name="生成全部并汇总").click()
        sync_api.expect(page.locator(".box")).to_contain_text("成功 1 个，失败 1 个", timeout=60000)
        sync_api.expect(page.locator(".box")).to_contain_text("坏.yaml:")
        snap(page, shots, "10-生成全部")
        with page.expect_download() as info:
            page.get_by_role("link", name="下载汇总.xlsx").click()
        assert info.value.suggested_filename == "汇总.xlsx"


class _Attacker(http.server.BaseHTTPRequestHandler):
    """A page on another origin that posts to the workbench as soon as it opens."""

    target = ""

    def do_GET(self) -> None:  # noqa: N802 — the http.server hook
        body = f"""<!doctype html><meta charset="utf-8"><form id="f" method="post" action="{self.target}/new">
<input name="filename" value="evil.yaml"><input name="unit.name" value="evil"><input name="csrf" value="guess"></form>
<script>document.getElementById('f').submit()</script>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_page_from_another_origin_cannot_post(page, shots: Path, tmp_path: Path) -> None:  # noqa: ANN001
    folder = tmp_path / "工作"
    folder.mkdir()
    with running(folder) as (base, _):
        _Attacker.target = base
        attacker = http.server.HTTPServer(("127.0.0.1", 0), _Attacker)
        threading.Thread(target=attacker.serve_forever, daemon=True).start()
        try:
            page.goto(f"http://127.0.0.1:{attacker.server_address[1]}/")
            page.wait_for_url(base + "/new")
            sync_api.expect(page.locator("body")).to_contain_text("拒绝提交")
            snap(page, shots, "9-拒绝他站提交")
        finally:
            attacker.shutdown()
            attacker.server_close()
        assert not (folder / "evil.yaml").exists()
        assert list(folder.iterdir()) == []
