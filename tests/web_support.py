"""Shared by the web tests: a workbench on a real port in a background thread, and a browser."""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from pathlib import Path
from typing import Iterator

CHROMIUM = "/usr/bin/chromium"
SCREEN = {"width": 1366, "height": 768}


def chromium_path() -> str | None:
    """The operating system's Chromium (Playwright's own browser downloads are not used)."""
    return shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)


@contextlib.contextmanager
def running(folder: Path, host: str = "127.0.0.1") -> Iterator[tuple[str, object]]:
    """(base address, settings) of a workbench serving ``folder`` until the block ends."""
    import uvicorn

    from reportgen.web.app import create_app
    from reportgen.web.server import address, bind, settings_for

    settings = settings_for(host)
    sock = bind(host, 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(folder, settings), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield address(host, port).rstrip("/"), settings
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
