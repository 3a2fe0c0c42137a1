"""Run the workbench: bind a port, say where it is, open the browser, serve until Ctrl+C."""

from __future__ import annotations

import secrets
import socket
import threading
import webbrowser
from pathlib import Path
from typing import Callable

from .guard import LOOPBACK, WILDCARD, Settings


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 lets the system pick a free one (no race with another program)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def address(host: str, port: int, token: str | None = None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def settings_for(host: str) -> Settings:
    """Loopback needs nothing more; any other interface gets a generated access token."""
    if host in LOOPBACK:
        return Settings()
    return Settings(host=host, access_token=secrets.token_urlsafe(24))


def serve(folder: Path, host: str = "127.0.0.1", port: int = 0, open_browser: bool = True,
          say: Callable[[str], None] = print) -> None:
    import uvicorn

    from .app import create_app

    settings = settings_for(host)
    sock = bind(host, port)
    port = sock.getsockname()[1]
    url = address("127.0.0.1" if host in WILDCARD else host, port, settings.access_token)
    server = uvicorn.Server(uvicorn.Config(create_app(folder, settings), log_level="warning", access_log=False))
    say(f"reportgen 工作台已启动：{url}")
    say(f"工作文件夹：{folder.resolve()}")
    if settings.access_token:
        say("注意：已允许其他电脑访问，请只把上面的完整地址（含访问令牌）告诉需要的人。")
        if host in WILDCARD:
            say("其他电脑访问时，把地址中的 127.0.0.1 换成本机在局域网中的 IP 地址。")
    say("按 Ctrl+C 停止。")
    if open_browser:
        threading.Timer(0.8, webbrowser.open, [url]).start()
    server.run(sockets=[sock])
