"""The Starlette application: routes, the page templates, static files and Chinese error pages."""

from __future__ import annotations

import logging
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..textwidth import is_wide
from . import views
from .guard import Guard, Settings, TooLarge

HERE = Path(__file__).resolve().parent
_STATUS_TEXT = {404: "找不到这个页面或文件", 405: "不支持这种访问方式", 403: "拒绝访问", 400: "请求有误", 413: "内容太大"}
log = logging.getLogger("reportgen.web")


def _environment() -> jinja2.Environment:
    """Our own pages: autoescaped, loaded from the package (users' template packs never come here)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    return env


def _error_page(request: Request, status: int, message: str) -> Response:
    try:
        return views.page(request, "message.html", status=status, title=_STATUS_TEXT.get(status, "出错了"),
                          lines=[message], active="")
    except Exception:  # noqa: BLE001 — the error page itself failed: plain text, still Chinese
        return HTMLResponse(message, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    # our own messages are Chinese; Starlette's own (English) ones give way to the status text
    detail = exc.detail if isinstance(exc.detail, str) and any(map(is_wide, exc.detail)) else ""
    return _error_page(request, exc.status_code, detail or _STATUS_TEXT.get(exc.status_code, "请求有误"))


async def _too_large(request: Request, exc: Exception) -> Response:
    return _error_page(request, 413, "上传的内容太大：请检查文件后重试。")


async def _internal(request: Request, exc: Exception) -> Response:
    log.exception("reportgen serve: internal error")
    return _error_page(request, 500, "reportgen 内部错误：这不是您的输入问题。请把启动窗口中的输出发给维护者。")


ROUTES = [
    Route("/", views.home),
    Route("/build-all", views.build_all, methods=["POST"]),
    Route("/new", views.new_form),
    Route("/new", views.new_save, methods=["POST"]),
    Route("/edit/{name}", views.edit_form),
    Route("/edit/{name}", views.edit_save, methods=["POST"]),
    Route("/api/check", views.check_form, methods=["POST"]),
    Route("/check/{name}", views.check_file),
    Route("/preview/{name}", views.preview),
    Route("/files/{name}", views.files),
    Route("/build/{name}", views.build_one, methods=["POST"]),
    Route("/download/{name}/{suffix}", views.download),
    Route("/rollup/{suffix}", views.rollup_download),
    Route("/upload", views.upload_form),
    Route("/upload", views.upload, methods=["POST"]),
    Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
]


def create_app(folder: Path, settings: Settings | None = None) -> Guard:
    """The workbench over ``folder``, wrapped in the guard (outermost, so nothing runs unchecked)."""
    app = Starlette(routes=ROUTES, exception_handlers={
        HTTPException: _http_error, TooLarge: _too_large, Exception: _internal,
    })
    app.state.folder = folder.resolve()
    app.state.settings = settings or Settings()
    app.state.env = _environment()
    return Guard(app, app.state.settings)
