"""The pages: 单位列表, 新建, 编辑, 上传, 检查, 预览, 生成 and 下载.

Every page reads the folder afresh (the files are the truth; a user may edit one in a text editor
while the page is open). Loading, checking and building go through the same functions as the
command line — ``loaders.load``, ``loaders.validate_data``, ``pipeline.build_document`` and
``pipeline.build`` — so the page says exactly what ``reportgen validate`` and ``build`` would.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from .. import evidence
from ..atomic import write_bytes
from ..batch import build_batch, error_text
from ..rollup import ROLLUP_STEM
from ..compose import TemplateError
from ..errors import Finding, InputError, SourceMap
from ..lint import LintError
from ..loaders import load, read_data, validate_data
from ..model import SELF_REFERENCE
from ..pipeline import Options, build, build_document
from ..workbook_layout import MEASURE_WORDS
from ..writers import pdf as pdf_writer
from . import form as F
from . import workspace as W
from . import yamledit
from .guard import CSRF_FIELD, CSRF_HEADER

#: Fixed notices for the ``?msg=`` of a redirect (never text from the request itself).
NOTICES = {
    "saved": "已保存。", "created": "已新建并保存。", "uploaded": "已上传到文件夹。",
    "built": "已生成，可以下载。",
}


def _state(request: Request) -> Any:
    return request.app.state


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    state = _state(request)
    context.setdefault("notice", NOTICES.get(request.query_params.get("msg", ""), ""))
    html = state.env.get_template(template).render(
        request=request, csrf=state.settings.csrf_token, folder=state.folder, **context)
    return HTMLResponse(html, status_code=status)


def _name(request: Request, must_exist: bool = True) -> tuple[str, Path]:
    name = request.path_params["name"]
    try:
        return name, W.resolve(_state(request).folder, name, must_exist)
    except W.BadName as exc:
        raise HTTPException(404, f"“{name}”：{exc}") from None


async def _posted(request: Request) -> Any:
    """The posted form, after the CSRF token is checked (the Origin was checked by the guard)."""
    data = await request.form(max_files=1, max_fields=20000, max_part_size=4 * 1024 * 1024)
    token = data.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not _state(request).settings.csrf_ok(token if isinstance(token, str) else None):
        raise HTTPException(403, "表单已过期或不是来自本工作台：请刷新页面后重试。")
    return data


def _short(folder: Path, text: str) -> str:
    """Messages name files by their full path; in the page the name inside the folder is enough."""
    return text.replace(str(folder) + "/", "").replace(str(folder.resolve()) + "/", "")


# ---------------------------------------------------------------- 单位列表


async def home(request: Request) -> Response:
    folder = _state(request).folder
    entries = await run_in_threadpool(W.entries, folder)
    out = W.output_folder(folder)
    rollups = [f"{ROLLUP_STEM}.{s}" for s in ("xlsx", "docx") if (out / f"{ROLLUP_STEM}.{s}").is_file()]
    return page(request, "list.html", entries=entries, rollups=rollups, active="list")


async def build_all(request: Request) -> Response:
    await _posted(request)
    state = _state(request)
    paths = W.inputs(state.folder)
    if not paths:
        return page(request, "message.html", title="生成全部", lines=["文件夹中还没有数据文件：请先新建或上传。"], active="list")

    def run() -> Any:
        options = Options()
        return build_batch(paths, W.output_folder(state.folder), jobs=1, options=options, rollup=True)

    try:
        batch = await run_in_threadpool(run)
    except InputError as exc:
        return page(request, "message.html", title="生成全部", lines=[_short(state.folder, str(f)) for f in exc.findings], active="list")
    failed = [(r.path.name, _short(state.folder, r.error or "")) for r in batch.failed]
    good = len(batch.results) - len(failed)
    return page(request, "built_all.html", good=good, failed=failed, rollups=[p.name for p in batch.rollup_outputs],
                rollup_error=batch.rollup_error, active="list")


# ---------------------------------------------------------------- 新建 and 编辑


def _findings_by_field(findings: list[Finding], folder: Path) -> tuple[dict, list[str]]:
    """Messages keyed by the input they concern; the ones about no field in particular, separately.

    The page is drawn from the same data that was checked, so a message's path is its input's name.
    """
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for finding in findings:
        message = finding.message if finding.severity == "error" else "提示：" + finding.message
        if not finding.path or F.parse_name(finding.path) is None:
            general.append(_short(folder, str(finding)))
            continue
        by_field.setdefault(finding.path, []).append(message)
    return by_field, general


def _check_file(path: Path) -> tuple[list[Finding], list[Finding]]:
    """(errors, warnings) of one input file, as ``reportgen validate`` finds them."""
    try:
        loaded = load(path)
    except InputError as exc:
        return exc.findings, []
    return [], loaded.warnings


def _form_page(request: Request, *, name: str, data: dict | None, findings: list[Finding], new: bool,
               name_error: str = "", status: int = 200, version: str = "") -> Response:
    folder = _state(request).folder
    by_field, general = _findings_by_field(findings, folder)
    sections = F.view(data, None)
    left = F.attach(sections, by_field)
    general += [f"{F.format_path(F.parse_name(k) or (k,))}：{m}" for k, ms in left.items() for m in ms]
    errors = sum(1 for f in findings if f.severity == "error")
    return page(request, "form.html", status=status, sections=sections, name=name, new=new, general=general,
                errors=errors, warnings=len(findings) - errors, name_error=name_error, measure_words=MEASURE_WORDS,
                version=version,
                active="new" if new else "list")


async def new_form(request: Request) -> Response:
    """Step one chooses unit type and period; the form then opens with them filled in."""
    query = request.query_params
    unit_type = query.get("type", "")
    if unit_type not in SELF_REFERENCE:
        fields = {".".join(map(str, path)): f for section in F.SECTIONS for path, f in section.fields}
        return page(request, "new.html", unit_type=fields["unit.type"], year_field=fields["period.year"],
                    period=fields["period.type"], year=dt.date.today().year, active="new")
    data: dict[str, Any] = {"unit": {"type": unit_type}, "period": {"type": query.get("period") or "全年"}}
    year = query.get("year", "")
    if year.isdigit():
        data["period"]["year"] = int(year)
    name = _suggest_name(_state(request).folder, unit_type, year)
    return _form_page(request, name=name, data=data, findings=[], new=True)


def _suggest_name(folder: Path, unit_type: str, year: str) -> str:
    stem = f"{unit_type}{year}"
    for n in range(1, 1000):
        name = f"{stem}.yaml" if n == 1 else f"{stem}-{n}.yaml"
        if not (folder / name).exists():
            return name
    return f"{stem}-{dt.datetime.now():%H%M%S}.yaml"


async def new_save(request: Request) -> Response:
    form = await _posted(request)
    posted = F.parse(form.multi_items())
    folder = _state(request).folder
    name = str(form.get("filename", "")).strip()
    if name and not name.lower().endswith((".yaml", ".yml")):
        name += ".yaml"
    problem = ""
    try:
        path = W.resolve(folder, name, must_exist=False)
        if path.exists():
            problem = "文件夹中已有同名文件：请换一个文件名"
        elif Path(name).suffix.lower() == ".xlsx":
            problem = "网页表单保存为 YAML 文件：请用 .yaml 结尾的文件名"
    except W.BadName as exc:
        problem = str(exc) if name else "请填写文件名"
    if problem:
        findings = _validate_posted(posted)
        return _form_page(request, name=name, data=posted.data, findings=findings, new=True,
                          name_error=problem, status=400)
    await run_in_threadpool(yamledit.save, path, posted)
    return RedirectResponse(f"/edit/{path.name}?msg=created", status_code=303)


async def edit_form(request: Request) -> Response:
    name, path = _name(request)
    if path.suffix.lower() == ".xlsx":
        return page(request, "message.html", title=name, active="list", lines=[
            "Excel 台账请在 Excel 或 WPS 中修改后重新上传；在这里可以检查、预览、生成和下载。"], links=_file_links(name))
    try:
        data, _ = await run_in_threadpool(read_data, path)
    except InputError as exc:
        lines = ["文件无法在表单中打开，请先按下面的提示修改（可用记事本等文本编辑器），或重新上传："]
        lines += [_short(_state(request).folder, str(f)) for f in exc.findings]
        return page(request, "message.html", title=name, lines=lines, active="list", links=_file_links(name))
    if not isinstance(data, dict):
        return page(request, "message.html", title=name, active="list", links=_file_links(name),
                    lines=["文件最外层应是若干“字段: 值”，无法在表单中打开。"])
    errors, warnings = await run_in_threadpool(_check_file, path)
    return _form_page(request, name=name, data=data, findings=errors + warnings, new=False, version=_version(path))


def _version(path: Path) -> str:
    """Which state of the file a form was opened from (its modification time)."""
    return str(path.stat().st_mtime_ns)


async def edit_save(request: Request) -> Response:
    name, path = _name(request)
    form = await _posted(request)
    if path.suffix.lower() == ".xlsx":
        raise HTTPException(400, "Excel 台账不能用网页表单保存：请在 Excel 中修改后重新上传。")
    if form.get("version") != _version(path):
        # Saving now would undo whatever changed the file since the form was opened (a text editor,
        # another tab): the user reloads and sees the file as it is.
        return page(request, "message.html", title=name, status=409, active="list", links=_file_links(name), lines=[
            "文件在打开表单之后被修改过（可能是在文本编辑器或另一个页面中）：为免覆盖那些修改，这次没有保存。",
            "请重新打开“编辑”，在最新的内容上再修改。"])
    posted = F.parse(form.multi_items())
    try:
        await run_in_threadpool(yamledit.save, path, posted)
    except ValueError as exc:
        return page(request, "message.html", title=name, lines=[str(exc)], active="list", status=400)
    return RedirectResponse(f"/edit/{name}?msg=saved", status_code=303)


def _validate_posted(posted: F.Posted) -> list[Finding]:
    try:
        _, warnings = validate_data(posted.data, SourceMap("表单"))
    except InputError as exc:
        return exc.findings
    return warnings


async def check_form(request: Request) -> Response:
    """Live validation of the form as typed: every message with the input it belongs to."""
    form = await _posted(request)
    posted = F.parse(form.multi_items())
    findings = await run_in_threadpool(_validate_posted, posted)
    items = []
    for finding in findings:
        path = F.parse_name(finding.path) if finding.path else None
        items.append({
            "field": posted.form_name(path) if path else None, "path": finding.path,
            "message": finding.message, "severity": finding.severity,
        })
    return JSONResponse({"ok": not any(f.severity == "error" for f in findings), "findings": items})


# ---------------------------------------------------------------- 检查, 预览


def _file_links(name: str) -> list[tuple[str, str]]:
    links = [("检查", f"/check/{name}"), ("预览", f"/preview/{name}"), ("生成与下载", f"/files/{name}")]
    if Path(name).suffix.lower() != ".xlsx":
        links.insert(0, ("编辑", f"/edit/{name}"))
    return links


async def check_file(request: Request) -> Response:
    name, path = _name(request)
    folder = _state(request).folder
    errors, warnings = await run_in_threadpool(_check_file, path)
    rows = [(_short(folder, str(f.location)), f.path, f.message, f.severity) for f in errors + warnings]
    return page(request, "check.html", name=name, rows=rows, errors=len(errors), links=_file_links(name),
                editable=Path(name).suffix.lower() != ".xlsx", active="list")


def _compose(path: Path) -> Any:
    loaded = load(path)
    return build_document(loaded.report, source=loaded.source)


async def preview(request: Request) -> Response:
    name, path = _name(request)
    folder = _state(request).folder
    try:
        document = await run_in_threadpool(_compose, path)
    except InputError as exc:
        return page(request, "message.html", title=f"预览 {name}", active="list", links=_file_links(name),
                    lines=["数据还有问题，暂时不能预览："] + [_short(folder, str(f)) for f in exc.findings])
    except (TemplateError, LintError) as exc:
        return page(request, "message.html", title=f"预览 {name}", active="list", links=_file_links(name),
                    lines=[_short(folder, error_text(exc))])
    rows = evidence.rows(document)
    return page(request, "preview.html", name=name, document=document, blocks=_preview_blocks(document, folder),
                data_count=sum(r.kind == "数据" for r in rows), framing_count=sum(r.kind == "连接语" for r in rows),
                links=_file_links(name), active="list")


def _preview_blocks(document: Any, folder: Path) -> list[dict]:
    """Headings and paragraphs as the page draws them: each sentence with its kind and evidence.

    A paragraph's text may start with a list marker (一是, 1.) that belongs to no sentence, and bold
    runs (a run-in title) may cross sentence edges; both are kept by cutting the runs by position.
    """
    from ..document import Heading, Paragraph, Table

    blocks = []
    for block in document.blocks:
        if isinstance(block, Heading):
            blocks.append({"type": "heading", "level": block.level, "text": block.full_text})
        elif isinstance(block, Paragraph):
            joined = "".join(s.text for s in block.sentences)
            if not block.sentences or not block.text.endswith(joined):
                blocks.append({"type": "paragraph", "lead": _pieces(block, 0, block.text), "sentences": []})
                continue
            start = len(block.text) - len(joined)
            items = []
            for sentence in block.sentences:
                kind = "unsupported" if not sentence.is_supported else "framing" if sentence.is_framing else "data"
                items.append({"kind": kind, "pieces": _pieces(block, start, sentence.text), "text": sentence.text,
                              "sources": [(s.path, _short(folder, s.location)) for s in sentence.sources],
                              "phrase": sentence.phrase, "template": sentence.template})
                start += len(sentence.text)
            blocks.append({"type": "paragraph", "lead": _pieces(block, 0, block.text[:len(block.text) - len(joined)]),
                           "sentences": items})
        elif isinstance(block, Table):
            blocks.append({"type": "table", "table": block})
    return blocks


def _pieces(block: Any, start: int, text: str) -> list[tuple[bool, str]]:
    """``text`` (found at ``start`` in the paragraph) cut where the paragraph's runs turn bold or plain."""
    pieces: list[tuple[bool, str]] = []
    offset = 0
    end = start + len(text)
    for run in block.runs:
        lo, hi = max(offset, start), min(offset + len(run.text), end)
        if lo < hi:
            pieces.append((run.bold, run.text[lo - offset:hi - offset]))
        offset += len(run.text)
    return pieces


# ---------------------------------------------------------------- 生成 and 下载


def _downloads(folder: Path, name: str) -> list[tuple[str, str, str]]:
    found = []
    for suffix, label in W.DOWNLOADS.items():
        path = W.output_file(folder, name, suffix)
        if path:
            stamp = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            found.append((label, f"/download/{name}/{suffix}", f"{path.name}（{stamp}）"))
    return found


async def files(request: Request) -> Response:
    name, _ = _name(request)
    folder = _state(request).folder
    return page(request, "files.html", name=name, downloads=_downloads(folder, name),
                has_pdf=pdf_writer.soffice() is not None, links=_file_links(name), active="list")


async def build_one(request: Request) -> Response:
    name, path = _name(request)
    form = await _posted(request)
    folder = _state(request).folder
    options = Options(pdf=form.get("pdf") == "1" and pdf_writer.soffice() is not None)
    try:
        await run_in_threadpool(build, path, W.output_folder(folder), options)
    except (InputError, TemplateError, LintError) as exc:
        return page(request, "message.html", title=f"生成 {name}", active="list", links=_file_links(name), status=400,
                    lines=["没有生成（也没有改动任何已有文件）："] + _short(folder, error_text(exc)).splitlines())
    return RedirectResponse(f"/files/{name}?msg=built", status_code=303)


_MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf", "md": "text/markdown; charset=utf-8", "yaml": "application/yaml; charset=utf-8",
}


async def download(request: Request) -> Response:
    name, path = _name(request)
    suffix = request.path_params["suffix"]
    if suffix == "source":
        return FileResponse(path, filename=path.name, media_type=_MEDIA.get(path.suffix.lower().lstrip("."), "application/octet-stream"))
    output = W.output_file(_state(request).folder, name, suffix)
    if output is None:
        raise HTTPException(404, "还没有生成这个文件：请先点“生成”。")
    return FileResponse(output, filename=output.name, media_type=_MEDIA[suffix])


async def rollup_download(request: Request) -> Response:
    suffix = request.path_params["suffix"]
    path = W.output_folder(_state(request).folder) / f"{ROLLUP_STEM}.{suffix}"
    if suffix not in ("xlsx", "docx", "md") or not path.is_file():
        raise HTTPException(404, "还没有汇总：请先点“生成全部”。")
    return FileResponse(path, filename=path.name, media_type=_MEDIA[suffix])


# ---------------------------------------------------------------- 上传


async def upload_form(request: Request) -> Response:
    return page(request, "upload.html", active="upload", limits=_limit_text())


def _limit_text() -> str:
    return "；".join(f"{s} 不超过 {n // 1024 // 1024} MB" for s, n in W.UPLOAD_LIMITS.items() if s != ".yml")


async def upload(request: Request) -> Response:
    form = await _posted(request)
    try:
        return await _store_upload(request, form)
    finally:
        await form.close()  # the spooled temporary file of the upload


async def _store_upload(request: Request, form: Any) -> Response:
    folder = _state(request).folder
    item = form.get("file")
    replace = form.get("replace") == "1"

    def refuse(message: str) -> Response:
        return page(request, "upload.html", active="upload", limits=_limit_text(), error=message, status=400)

    if not isinstance(item, UploadFile) or not item.filename:
        return refuse("请选择要上传的文件。")
    try:
        path = W.resolve(folder, item.filename, must_exist=False)
    except W.BadName as exc:
        return refuse(f"“{item.filename}”：{exc}")
    if path.exists() and not replace:
        return refuse(f"文件夹中已有“{path.name}”：如要替换，请勾选“替换同名文件”。")
    limit = W.UPLOAD_LIMITS[path.suffix.lower()]
    data = await item.read(limit + 1)
    if len(data) > limit:
        return refuse(f"文件太大：{path.suffix} 文件不能超过 {limit // 1024 // 1024} MB。")
    await run_in_threadpool(write_bytes, path, data)
    return RedirectResponse(f"/check/{path.name}?msg=uploaded", status_code=303)
