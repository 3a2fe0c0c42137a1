"""Who may talk to the workbench: this computer's browser, and nobody else.

A server on 127.0.0.1 is still reachable from any web page the user visits, through the browser:

* DNS rebinding — a hostile name resolving to 127.0.0.1 — is stopped by accepting only requests whose
  ``Host`` is a loopback name (or the host the user explicitly chose with ``--host``);
* cross-site form posts are stopped twice: a POST must come from the workbench's own origin
  (``Origin``/``Referer``) and carry the per-run CSRF token that only our pages know;
* when the user binds to another interface, every request must also present a generated access
  token (once in the address, then as a cookie), since the network can then reach the port.

Responses forbid framing and any script or style not served by the workbench itself.
"""

from __future__ import annotations

import hmac
import html
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Listening on every interface: the Host can be any of the machine's addresses, so the access token
#: (which a rebinding page cannot know) is what keeps others out.
WILDCARD = ("0.0.0.0", "::")
TOKEN_COOKIE = "reportgen_access"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: No request body beyond this (the largest upload the readers accept, plus the form around it).
MAX_BODY = 21 * 1024 * 1024

HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


@dataclass
class Settings:
    """The per-run secrets and the extra host the user allowed (None: loopback only)."""

    host: str | None = None
    access_token: str | None = None
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def allows_host(self, header: str) -> bool:
        name = urlsplit(f"//{header}").hostname or ""
        if self.host in WILDCARD and self.access_token:  # reached by any of this machine's addresses
            return bool(name)
        return name in LOOPBACK or (self.host is not None and name == self.host.strip("[]").lower())

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token)


def _refuse(message: str, status: int = 403) -> HTMLResponse:
    page = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>拒绝访问</title>'
            f'<link rel="stylesheet" href="/static/app.css"><main><div class="box"><p class="error">{html.escape(message)}</p>'
            '</div></main></html>')
    return HTMLResponse(page, status_code=status, headers=HEADERS)


class Guard:
    """ASGI middleware: Host, Origin and access-token checks, body size limit, security headers."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self.check(scope, headers)
        if refusal is not None:
            await refusal(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for key, value in HEADERS.items():
                    out.setdefault(key, value)
            await send(message)

        await self.app(scope, _limited(receive), send_with_headers)

    def check(self, scope: Scope, headers: dict[str, str]):  # noqa: ANN201 — a response or None
        host = headers.get("host", "")
        if not self.settings.allows_host(host):
            return _refuse("拒绝访问：请求的主机名不是本机（为防止 DNS 重绑定攻击）。请用 reportgen serve 显示的地址打开。")
        token = self.settings.access_token
        if token:
            query = dict(pair.split("=", 1) for pair in scope.get("query_string", b"").decode().split("&") if "=" in pair)
            cookies = _cookies(headers.get("cookie", ""))
            if hmac.compare_digest(query.get("token", ""), token):
                response = RedirectResponse(scope.get("path", "/") or "/", status_code=303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
                return response
            if not hmac.compare_digest(cookies.get(TOKEN_COOKIE, ""), token):
                return _refuse("需要访问令牌：请使用 reportgen serve 启动时显示的完整地址（含 token=…）。", 401)
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin") or _origin_of(headers.get("referer", ""))
            if not origin or origin in ("null",) or urlsplit(origin).netloc != host:
                return _refuse("拒绝提交：请求不是来自本工作台的页面。")
            length = headers.get("content-length")
            if length and length.isdigit() and int(length) > MAX_BODY:
                return _refuse(f"上传的内容太大：不能超过 {MAX_BODY // 1024 // 1024} MB。", 413)
        return None


def _origin_of(referer: str) -> str:
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _cookies(header: str) -> dict[str, str]:
    found = {}
    for part in header.split(";"):
        if "=" in part:
            key, value = part.strip().split("=", 1)
            found[key] = value
    return found


def _limited(receive: Receive) -> Receive:
    """Stop reading a body (sent without a length, or lying about it) once it passes MAX_BODY."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise TooLarge()
        return message

    return wrapped


class TooLarge(Exception):
    """The request body passed MAX_BODY; the app turns this into a Chinese message."""
