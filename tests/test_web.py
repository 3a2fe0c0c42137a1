"""The web workbench without a browser: pages, form ↔ YAML, checks, builds and the guard.

Requests go through Starlette's test client to the same app ``reportgen serve`` runs (guard included).
"""

from __future__ import annotations

import io
import os
import re
from urllib.parse import unquote, urlencode
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import docx
import pytest
import yaml

pytest.importorskip("starlette")
with warnings.catch_warnings():  # Starlette suggests httpx2, which is not packaged yet; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from reportgen import workbook_layout as L  # noqa: E402
from reportgen.loaders import load  # noqa: E402
from reportgen.model import SELF_REFERENCE  # noqa: E402
from reportgen.web import form as F  # noqa: E402
from reportgen.web.app import create_app  # noqa: E402
from reportgen.web.guard import Settings  # noqa: E402
from reportgen.web.workspace import OUTPUT_FOLDER  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BASE = "http://127.0.0.1"
CLI = [sys.executable, "-c", "from reportgen.cli import main; main()"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    work = tmp_path / "工作"
    work.mkdir()
    shutil.copy(EXAMPLES / "minimal.yaml", work / "minimal.yaml")
    shutil.copy(EXAMPLES / "shequ-2024-shangbannian.yaml", work / "shequ.yaml")
    return work


@pytest.fixture
def client(folder: Path) -> TestClient:
    settings = Settings()
    test_client = TestClient(create_app(folder, settings), base_url=BASE, follow_redirects=False)
    test_client.settings = settings  # type: ignore[attr-defined]
    return test_client


def post(client: TestClient, url: str, data=None, files=None, **kwargs):  # noqa: ANN001, ANN201
    """A POST as our own page sends it: same origin, with the CSRF token."""
    data = list(data.items()) if isinstance(data, dict) else list(data or [])
    data.append(("csrf", client.settings.csrf_token))  # type: ignore[attr-defined]
    if files:
        return client.post(url, data=dict(data), files=files, headers={"Origin": BASE}, **kwargs)
    return client.post(url, content=urlencode(data), **kwargs,
                       headers={"Origin": BASE, "Content-Type": "application/x-www-form-urlencoded"})


def form_pairs(client: TestClient, url: str) -> list[tuple[str, str]]:
    """What the browser would post for the form on ``url`` unchanged (inputs, selects, textareas)."""
    html = client.get(url).text
    pairs: list[tuple[str, str]] = []
    body = re.sub(r"<template>.*?</template>", "", html, flags=re.S)  # blank items are not posted
    for tag in re.finditer(r"<(input|select|textarea)\b([^>]*)>(.*?)(?=<(?:input|select|textarea)\b|$)", body, re.S):
        kind, attrs, rest = tag.groups()
        name = re.search(r'name="([^"]*)"', attrs)
        if not name or name.group(1) == "csrf":
            continue
        import html as htmllib

        if kind == "input":
            value = re.search(r'value="([^"]*)"', attrs)
            pairs.append((htmllib.unescape(name.group(1)), htmllib.unescape(value.group(1)) if value else ""))
        elif kind == "textarea":
            pairs.append((htmllib.unescape(name.group(1)), htmllib.unescape(rest.split("</textarea>")[0])))
        else:
            options = rest.split("</select>")[0]
            chosen = re.search(r'<option value="([^"]*)"\s+selected', options)
            pairs.append((htmllib.unescape(name.group(1)), htmllib.unescape(chosen.group(1)) if chosen else ""))
    return pairs


# ---------------------------------------------------------------- 单位列表


def test_list_shows_each_file_with_unit_period_and_status(client: TestClient, folder: Path) -> None:
    (folder / "broken.yaml").write_text("unit: {name: 某社区, type: 社区}\nperiod: {year: 2024}\nactivities: 3\n", encoding="utf-8")
    html = client.get("/").text
    assert "青枫市东湖区柳荫街道竹园社区" in html and "2024年上半年" in html
    assert re.search(r"broken\.yaml.*?2024年度.*?\d+ 个问题", html, re.S)
    assert html.count("通过") >= 2


def test_empty_folder_says_what_to_do(tmp_path: Path) -> None:
    client = TestClient(create_app(tmp_path), base_url=BASE)
    assert "还没有数据文件" in client.get("/").text


# ---------------------------------------------------------------- the form comes from the model


def test_form_labels_hints_and_choices_come_from_the_workbook_layout(client: TestClient) -> None:
    html = client.get("/new?type=医院&year=2024&period=全年").text
    for row in L.INFO_ROWS:
        assert f">{row.label}" in html, row.dotted
    for column in L.ACTIVITIES.columns:
        if column.is_field:
            assert f">{column.header}" in html, column.key
    unit_type = re.search(r'name="unit\.type">(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'<option value="([^"]+)"', unit_type) == list(SELF_REFERENCE)
    assert 'value="医院" selected' in unit_type
    assert L.INFO_ROWS[0].hint in html
    approx = re.search(r'name="activities\[__N0__\]\.quantities\[__N1__\]\.approx">(.*?)</select>', html, re.S).group(1)
    assert ">精确值<" in approx and ">余<" in approx  # the workbook's Chinese display of 'exact'


def test_every_model_field_is_in_the_form() -> None:
    assert not L.PROBLEMS_FOUND
    covered = {key.replace(".*", "") for key in F.FIELDS}
    for row in L.INFO_ROWS:
        assert row.dotted in covered
    for sheet in L.TABLES:
        for column in sheet.columns:
            if column.is_field:
                assert any(k.endswith(f"{sheet.path[-1]}.{column.key}") for k in covered), (sheet.name, column.key)


def test_parse_numbers_dates_lists_and_gaps() -> None:
    posted = F.parse([
        ("unit.name", " 竹园社区 "), ("period.year", "2024"), ("basis.goals", "环境优美\n\n秩序井然\n"),
        ("activities[3].title", "甲"), ("activities[3].date", "2024-03-05"), ("activities[4].title", ""),
        ("activities[7].title", "乙"), ("activities[7].attendance", "八十"),
        ("activities[7].quantities[2].value", "1,200"), ("plans[0].addresses", "p1、p2"),
        ("metrics[0].lower_is_better", "true"), ("csrf", "x"), ("../../etc", "y"),
    ])
    data = posted.data
    assert data["unit"]["name"] == "竹园社区" and data["period"]["year"] == 2024
    assert data["basis"]["goals"] == ["环境优美", "秩序井然"]
    assert [a["title"] for a in data["activities"]] == ["甲", "乙"]
    assert str(data["activities"][0]["date"]) == "2024-03-05"
    assert data["activities"][1]["attendance"] == "八十"  # kept as typed, so validation names the field
    assert data["activities"][1]["quantities"] == [{"value": 1200}]
    assert data["plans"][0]["addresses"] == ["p1", "p2"] and data["metrics"][0]["lower_is_better"] is True
    assert posted.form_name(("activities", 1, "quantities", 0, "value")) == "activities[7].quantities[2].value"


# ---------------------------------------------------------------- 编辑: round-trip YAML


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_saving_an_unchanged_form_leaves_the_file_byte_for_byte(client: TestClient, folder: Path, example: str) -> None:
    shutil.copy(EXAMPLES / example, folder / "x.yaml")
    before = (folder / "x.yaml").read_bytes()
    response = post(client, "/edit/x.yaml", form_pairs(client, "/edit/x.yaml"))
    assert response.status_code == 303 and unquote(response.headers["location"]) == "/edit/x.yaml?msg=saved"
    assert (folder / "x.yaml").read_bytes() == before


def test_an_edit_keeps_comments_key_order_and_the_item_each_comment_belongs_to(client: TestClient, folder: Path) -> None:
    (folder / "c.yaml").write_text(
        "# 竹园社区 2024 上半年\n"
        "unit:\n  name: 竹园社区  # 全称\n  type: 社区\n"
        "period: {year: 2024, type: 上半年}\n"
        "activities:\n"
        "  - theme: 环境卫生\n    title: 大扫除\n    date: 2024-03-16\n"
        "  # 三月的志愿服务\n"
        "  - theme: 志愿服务  # 学雷锋\n    title: 学雷锋\n    date: 2024-03-05\n    attendance: 60\n",
        encoding="utf-8")
    pairs = [(k, v) for k, v in form_pairs(client, "/edit/c.yaml") if not k.startswith("activities[0].")]
    pairs = [(k, "青枫市竹园社区" if k == "unit.name" else v) for k, v in pairs]
    pairs.append(("unit.city", "青枫市"))
    assert post(client, "/edit/c.yaml", pairs).status_code == 303
    text = (folder / "c.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 竹园社区 2024 上半年\n")
    assert re.search(r"name: 青枫市竹园社区 +# 全称\n", text)
    assert "大扫除" not in text and "- theme: 志愿服务  # 学雷锋" in text and "attendance: 60" in text
    assert list(yaml.safe_load(text)["unit"]) == ["name", "type", "city"]  # the model's order for a new key
    assert "period: {year: 2024, type: 上半年}" in text
    assert load(folder / "c.yaml").report.unit.city == "青枫市"


def test_a_value_outside_the_dropdown_survives_a_save(client: TestClient, folder: Path) -> None:
    (folder / "odd.yaml").write_text("unit: {name: 竹园社区, type: 小区}\nperiod: {year: 2024}\n", encoding="utf-8")
    html = client.get("/edit/odd.yaml").text
    assert '<option value="小区" selected>小区（不在可选范围内）</option>' in html
    post(client, "/edit/odd.yaml", form_pairs(client, "/edit/odd.yaml"))
    assert "type: 小区" in (folder / "odd.yaml").read_text(encoding="utf-8")


def test_a_save_never_undoes_a_change_made_to_the_file_after_the_form_opened(client: TestClient, folder: Path) -> None:
    pairs = form_pairs(client, "/edit/minimal.yaml")
    changed = (folder / "minimal.yaml").read_text(encoding="utf-8") + "# 在文本编辑器中加的一行\n"
    (folder / "minimal.yaml").write_text(changed, encoding="utf-8")
    os.utime(folder / "minimal.yaml", ns=(1, 1))
    response = post(client, "/edit/minimal.yaml", pairs)
    assert response.status_code == 409 and "没有保存" in response.text
    assert (folder / "minimal.yaml").read_text(encoding="utf-8") == changed


def test_the_edit_page_shows_each_located_problem_at_its_field(client: TestClient, folder: Path) -> None:
    text = (folder / "minimal.yaml").read_text(encoding="utf-8").replace("date: 2024-03-05", "date: 2023-03-05")
    (folder / "minimal.yaml").write_text(text, encoding="utf-8")
    html = client.get("/edit/minimal.yaml").text
    field = re.search(r'<div class="field has-error[^"]*" data-field="activities\[1\]\.date">(.*?)</div>', html, re.S)
    assert field and "不在本期" in field.group(1)
    assert "1 处问题" in html


def test_an_xlsx_ledger_is_not_edited_in_the_form(client: TestClient, folder: Path) -> None:
    from reportgen.pipeline import render_workbook as render

    (folder / "台账.xlsx").write_bytes(render(load(folder / "minimal.yaml").report))
    assert "在 Excel 或 WPS 中修改" in client.get("/edit/台账.xlsx").text
    assert post(client, "/edit/台账.xlsx", {"unit.name": "x"}).status_code == 400
    assert (folder / "台账.xlsx").read_bytes()[:2] == b"PK"


# ---------------------------------------------------------------- 新建


def test_new_saves_a_yaml_file_that_validates(client: TestClient, folder: Path) -> None:
    response = post(client, "/new", {
        "filename": "竹林社区", "unit.name": "青枫市竹林社区", "unit.type": "社区", "period.year": "2024",
        "period.type": "上半年", "activities[0].theme": "环境卫生", "activities[0].title": "清理楼道堆物",
        "activities[0].date": "2024-04-02", "activities[0].attendance": "40",
        "activities[0].quantities[0].label": "堆物", "activities[0].quantities[0].value": "18",
        "activities[0].quantities[0].unit": "车",
    })
    assert response.status_code == 303 and unquote(response.headers["location"]) == "/edit/竹林社区.yaml?msg=created"
    text = (folder / "竹林社区.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    report = load(folder / "竹林社区.yaml").report
    assert report.activities[0].quantities[0].unit == "车" and report.activities[0].attendance == 40
    assert "已新建并保存" in client.get(response.headers["location"]).text


def test_new_refuses_an_existing_or_pathlike_file_name_at_the_name_field(client: TestClient, folder: Path) -> None:
    for name, message in [("minimal.yaml", "已有同名文件"), ("../外面.yaml", "不能包含路径"), (".hidden.yaml", "不能以")]:
        response = post(client, "/new", {"filename": name, "unit.name": "甲"})
        assert response.status_code == 400 and message in response.text
    assert not (folder.parent / "外面.yaml").exists() and not (folder / ".hidden.yaml").exists()
    assert (folder / "minimal.yaml").read_text(encoding="utf-8") == (EXAMPLES / "minimal.yaml").read_text(encoding="utf-8")


def test_a_refused_new_form_comes_back_with_what_was_typed_and_its_messages(client: TestClient) -> None:
    response = post(client, "/new", {
        "filename": "minimal.yaml", "unit.name": "竹林社区", "unit.type": "社区", "period.year": "2024",
        "activities[3].theme": "环境卫生", "activities[3].title": "大扫除", "activities[3].attendance": "很多",
    })
    assert response.status_code == 400 and "已有同名文件" in response.text
    field = re.search(r'data-field="activities\[0\]\.attendance">(.*?)</div>', response.text, re.S)
    assert field and "应填写整数" in field.group(1) and 'value="很多"' in field.group(1)


# ---------------------------------------------------------------- 检查


def test_live_check_names_the_input_of_each_message(client: TestClient) -> None:
    fields = [
        ("unit.name", "竹园社区"), ("unit.type", "社区"), ("period.year", "2024"), ("period.type", "上半年"),
        ("activities[0].title", ""),  # emptied on the page: the data's activities[0] is the page's [4]
        ("activities[4].theme", "环境卫生"), ("activities[4].title", "大扫除"), ("activities[4].date", "2023-05-01"),
        ("metrics[0].label", "志愿者"), ("metrics[0].theme", "志愿服务"), ("metrics[0].unit", "人"),
    ]
    typo = post(client, "/api/check", fields + [("metrics[0].value", "很多")]).json()
    assert {f["field"]: f["message"] for f in typo["findings"]} == {"metrics[0].value": "应填写数字，如 12 或 3.5"}
    # As with `reportgen validate`, the rules across fields speak once every value has its type.
    dates = post(client, "/api/check", fields + [("metrics[0].value", "420")]).json()
    found = {f["field"]: f["message"] for f in dates["findings"]}
    assert "不在本期" in found["activities[4].date"] and dates["ok"] is False
    fixed = [(k, "2024-05-01" if k == "activities[4].date" else v) for k, v in fields] + [("metrics[0].value", "420")]
    clean = post(client, "/api/check", fixed).json()
    assert clean["ok"] is True and all(f["severity"] == "warning" for f in clean["findings"])


def test_check_page_lists_file_line_messages_like_validate(client: TestClient, folder: Path) -> None:
    (folder / "bad.yaml").write_text("unit: {name: 竹园社区, type: 小区}\nperiod: {year: 2024}\n", encoding="utf-8")
    html = client.get("/check/bad.yaml").text
    assert "bad.yaml:1:" in html and "取值应为以下之一" in html and 'href="/edit/bad.yaml#f:unit.type"' in html
    assert str(folder) not in html.split("工作文件夹：")[1].split("</span>", 1)[1]
    assert "检查通过" in client.get("/check/minimal.yaml").text


# ---------------------------------------------------------------- 预览


def test_preview_marks_every_sentence_as_data_or_framing_with_its_evidence(client: TestClient, folder: Path) -> None:
    from reportgen import evidence
    from reportgen.pipeline import build_document

    loaded = load(folder / "shequ.yaml")
    rows = evidence.rows(build_document(loaded.report, source=loaded.source))
    html = client.get("/preview/shequ.yaml").text
    assert html.count('class="s data" tabindex') == sum(r.kind == "数据" for r in rows) > 10
    assert html.count('class="s framing" tabindex') == sum(r.kind == "连接语" for r in rows) > 0
    assert "一、" in html and "shequ.yaml:" in html and "<code>unit.name</code>" in html


def test_preview_of_a_file_with_problems_lists_them(client: TestClient, folder: Path) -> None:
    (folder / "bad.yaml").write_text("unit: {name: 竹园社区}\n", encoding="utf-8")
    html = client.get("/preview/bad.yaml").text
    assert "暂时不能预览" in html and "bad.yaml" in html and "Traceback" not in html


# ---------------------------------------------------------------- 生成 and 下载


def test_build_writes_what_reportgen_build_writes_and_downloads_it(client: TestClient, folder: Path, tmp_path: Path) -> None:
    response = post(client, "/build/minimal.yaml")
    assert response.status_code == 303 and unquote(response.headers["location"]) == "/files/minimal.yaml?msg=built"
    out = folder / OUTPUT_FOLDER
    assert sorted(p.name for p in out.iterdir()) == ["minimal.docx", "minimal.md", "minimal.xlsx"]
    cli_out = tmp_path / "cli"
    subprocess.run([*CLI, "build", str(folder / "minimal.yaml"), "-o", str(cli_out)],
                   check=True, capture_output=True)
    assert (out / "minimal.md").read_text(encoding="utf-8") == (cli_out / "minimal.md").read_text(encoding="utf-8")
    got = client.get("/download/minimal.yaml/docx")
    assert got.status_code == 200 and "minimal.docx" in got.headers["content-disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(got.content)).paragraphs)
    assert "竹园社区" in text and "小区环境卫生大扫除" in text
    assert client.get("/download/minimal.yaml/source").content == (folder / "minimal.yaml").read_bytes()
    assert "已生成" in client.get("/").text
    assert client.get("/download/minimal.yaml/pdf").status_code == 404  # not asked for


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; PDF is offered only with it")
def test_pdf_is_offered_and_built_when_libreoffice_is_present(client: TestClient, folder: Path) -> None:
    assert "同时生成 PDF" in client.get("/files/minimal.yaml").text
    assert post(client, "/build/minimal.yaml", {"pdf": "1"}).status_code == 303
    got = client.get("/download/minimal.yaml/pdf")
    assert got.status_code == 200 and got.content.startswith(b"%PDF")


def test_a_failed_build_touches_no_file_and_says_why(client: TestClient, folder: Path) -> None:
    post(client, "/build/minimal.yaml")
    before = (folder / OUTPUT_FOLDER / "minimal.docx").read_bytes()
    (folder / "minimal.yaml").write_text("unit: {name: 竹园社区, type: 社区}\nperiod: {year: 1800}\n", encoding="utf-8")
    response = post(client, "/build/minimal.yaml")
    assert response.status_code == 400 and "没有生成" in response.text and "minimal.yaml:2:" in response.text
    assert (folder / OUTPUT_FOLDER / "minimal.docx").read_bytes() == before


def test_build_all_makes_the_rollup(client: TestClient, folder: Path) -> None:
    html = post(client, "/build-all").text
    assert "成功 2 个，失败 0 个" in html
    rollup = client.get("/rollup/xlsx")
    assert rollup.status_code == 200 and rollup.content[:2] == b"PK"
    assert "下载汇总.xlsx" in client.get("/").text


# ---------------------------------------------------------------- 上传


def test_upload_joins_the_folder_and_is_checked(client: TestClient, folder: Path) -> None:
    from reportgen.pipeline import render_workbook as render

    ledger = render(load(folder / "minimal.yaml").report)
    response = post(client, "/upload", files={"file": ("台账.xlsx", ledger)})
    assert response.status_code == 303 and unquote(response.headers["location"]) == "/check/台账.xlsx?msg=uploaded"
    assert (folder / "台账.xlsx").read_bytes() == ledger
    assert "检查通过" in client.get("/check/台账.xlsx").text
    response = post(client, "/upload", files={"file": ("台账.xlsx", b"x")})
    assert response.status_code == 400 and "已有" in response.text
    broken = post(client, "/upload", files={"file": ("坏.yaml", "unit: [\n".encode())})
    assert broken.status_code == 303
    assert "坏.yaml:" in client.get("/check/坏.yaml").text


@pytest.mark.parametrize("name", ["../逃逸.yaml", "..\\逃逸.yaml", "/tmp/逃逸.yaml", ".bashrc.yaml", "a.exe", "a.yaml\x00.txt"])
def test_upload_names_are_names_not_paths(client: TestClient, folder: Path, name: str) -> None:
    response = post(client, "/upload", files={"file": (name, b"unit: {}\n")})
    assert response.status_code == 400
    assert sorted(p.name for p in folder.parent.rglob("*逃逸*")) == []
    assert sorted(p.name for p in folder.iterdir()) == ["minimal.yaml", "shequ.yaml"]


def test_upload_size_is_limited_like_the_command_line(client: TestClient, folder: Path) -> None:
    from reportgen.loaders.yaml_loader import MAX_BYTES

    response = post(client, "/upload", files={"file": ("大.yaml", b"#" * (MAX_BYTES + 1))})
    assert response.status_code == 400 and "不能超过 5 MB" in response.text
    assert not (folder / "大.yaml").exists()


# ---------------------------------------------------------------- the guard


@pytest.mark.parametrize("url", ["/edit/..%2F..%2Fetc%2Fpasswd.yaml", "/download/..%2Fminimal.yaml/source",
                                 "/download/minimal.yaml/..%2F..%2Fminimal.yaml", "/preview/%2Fetc%2Fhosts.yaml",
                                 "/check/.minimal.yaml", "/static/..%2F..%2Fcli.py"])
def test_no_url_reads_outside_the_folder(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404 and "import" not in response.text


def test_a_link_out_of_the_folder_is_refused(client: TestClient, folder: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("秘密: 1\n", encoding="utf-8")
    (folder / "link.yaml").symlink_to(secret)
    assert client.get("/download/link.yaml/source").status_code == 404
    assert "link.yaml" not in client.get("/").text


def test_another_host_name_is_refused_against_dns_rebinding(client: TestClient) -> None:
    response = client.get("/", headers={"Host": "attacker.example:8000"})
    assert response.status_code == 403 and "DNS" in response.text


@pytest.mark.parametrize("headers", [{}, {"Origin": "http://attacker.example"}, {"Origin": "null"},
                                     {"Referer": "http://attacker.example/page"}])
def test_a_post_from_another_origin_is_refused(client: TestClient, folder: Path, headers: dict) -> None:
    data = {"csrf": client.settings.csrf_token, "filename": "evil.yaml", "unit.name": "甲"}  # type: ignore[attr-defined]
    response = client.post("/new", data=data, headers=headers)
    assert response.status_code == 403 and "拒绝提交" in response.text
    assert not (folder / "evil.yaml").exists()


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, folder: Path) -> None:
    for token in ("", "guess"):
        response = client.post("/new", data={"csrf": token, "filename": "evil.yaml"}, headers={"Origin": BASE})
        assert response.status_code == 403 and "请刷新页面" in response.text
    assert client.post("/api/check", data={"unit.name": "x"}, headers={"Origin": BASE}).status_code == 403
    assert not (folder / "evil.yaml").exists()


def test_pages_forbid_framing_and_foreign_scripts(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
    html = client.get("/new?type=社区").text
    assert "http://" not in html.split("</head>")[0] and "https://" not in html.split("</head>")[0]
    assert client.get("/static/app.js").status_code == 200 and client.get("/static/app.css").status_code == 200


def test_another_interface_needs_the_access_token(folder: Path) -> None:
    settings = Settings(host="192.0.2.10", access_token="tok-123")
    client = TestClient(create_app(folder, settings), base_url="http://192.0.2.10:8000", follow_redirects=False)
    assert client.get("/").status_code == 401
    entered = client.get("/?token=tok-123")
    assert entered.status_code == 303 and "reportgen_access=tok-123" in entered.headers["set-cookie"]
    assert client.get("/").status_code == 200  # the cookie now travels with each request
    assert client.get("/", headers={"Host": "other.example:8000"}).status_code == 403


def test_every_interface_means_any_host_name_but_always_the_token(folder: Path) -> None:
    from reportgen.web.server import settings_for

    settings = settings_for("0.0.0.0")
    assert settings.access_token and settings_for("127.0.0.1").access_token is None
    client = TestClient(create_app(folder, settings), base_url="http://192.168.1.5:8000", follow_redirects=False)
    assert client.get("/").status_code == 401
    assert client.get(f"/?token={settings.access_token}").status_code == 303
    assert client.get("/").status_code == 200


def test_an_internal_error_is_a_chinese_page_without_a_traceback(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.web import workspace

    def boom(folder):  # noqa: ANN001, ANN202
        raise RuntimeError("secret detail")

    monkeypatch.setattr(workspace, "entries", boom)
    quiet = TestClient(client.app, base_url=BASE, raise_server_exceptions=False)
    response = quiet.get("/")
    assert response.status_code == 500 and "内部错误" in response.text
    assert "Traceback" not in response.text and "secret detail" not in response.text


# ---------------------------------------------------------------- the command


def test_serve_prints_its_address_and_serves_the_folder(folder: Path) -> None:
    import httpx

    with subprocess.Popen([*CLI, "serve", str(folder), "--no-browser"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            first = process.stdout.readline()  # type: ignore[union-attr]
            address = re.search(r"http://127\.0\.0\.1:\d+/", first)
            assert address, first
            page = httpx.get(address.group(0), timeout=20)
            assert page.status_code == 200 and "竹园社区" in page.text
        finally:
            process.terminate()
            process.wait(10)


def test_serve_on_a_missing_folder_says_so(tmp_path: Path) -> None:
    result = subprocess.run([*CLI, "serve", str(tmp_path / "无"), "--no-browser"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "文件夹不存在" in result.stderr and "Traceback" not in result.stderr



def test_readme_shows_serve_with_one_screenshot_of_an_office_screen() -> None:
    root = EXAMPLES.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "reportgen serve" in readme
    shots = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", readme)
    assert shots == ["docs/web-workbench.png"]
    png = (root / shots[0]).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[16:24] == (1366).to_bytes(4, "big") + (768).to_bytes(4, "big")


def test_a_hostile_yaml_is_refused_by_the_bounded_reader_before_the_form_opens(client: TestClient, folder: Path) -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    (folder / "laughs.yaml").write_text(laughs, encoding="utf-8")
    html = client.get("/edit/laughs.yaml").text
    assert "无法在表单中打开" in html and "laughs.yaml" in html
    response = post(client, "/edit/laughs.yaml", {"version": str((folder / "laughs.yaml").stat().st_mtime_ns)})
    assert response.status_code == 400 and (folder / "laughs.yaml").read_text(encoding="utf-8") == laughs
