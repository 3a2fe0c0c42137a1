""".docx → .pdf through LibreOffice, when it is installed.

Each conversion gets its own LibreOffice profile and HOME in a temporary folder: soffice allows one
instance per profile, and a second concurrent call would otherwise exit without writing a PDF.
FONTCONFIG_FILE points at fonts.conf so that, on a machine without the 公文 fonts, the preview uses
the closest free fonts instead of a sans-serif for everything. LibreOffice converts a copy prepared
by oxml.for_libreoffice, so that it keeps every punctuation mark inside the 版心 as Word does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

from ..atomic import write_bytes
from ..errors import Finding, InputError, Location
from . import oxml

TIMEOUT_SECONDS = 180

INSTALL_HINT = (
    "未找到 LibreOffice（soffice 命令），无法转出 PDF。请先安装 LibreOffice："
    "Debian/Ubuntu 运行 sudo apt-get install libreoffice-writer-nogui；"
    "Windows 或 macOS 从 https://zh-cn.libreoffice.org 下载安装，并把安装目录下的 program 文件夹加入 PATH。"
    "也可以去掉 --pdf，直接用 Word 或 WPS 打开 .docx 另存为 PDF。"
)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def fonts_conf() -> Path:
    """The fontconfig file with the preview aliases (a real file: fontconfig cannot read from a zip)."""
    return Path(str(resources.files("reportgen.writers").joinpath("fonts.conf")))


def render_environment(home: Path) -> dict[str, str]:
    return dict(os.environ, HOME=str(home), FONTCONFIG_FILE=str(fonts_conf()))


def require(near: Path) -> str:
    """The LibreOffice program, or an InputError saying how to install it (named after ``near``)."""
    program = soffice()
    if program is None:
        raise InputError([Finding(Location(str(near)), "", INSTALL_HINT)])
    return program


def convert(docx: Path) -> Path:
    """Write ``docx`` with a .pdf suffix beside it and return that path; raises InputError."""
    program = require(docx)
    target = docx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as temp:
        work = Path(temp)
        source = work / "in" / f"{docx.stem}.docx"
        source.parent.mkdir()
        source.write_bytes(oxml.for_libreoffice(docx.read_bytes()))
        command = [
            program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(work / "out"), str(source),
        ]
        try:
            done = subprocess.run(command, env=render_environment(work), capture_output=True,
                                  timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise InputError([Finding(Location(str(docx)), "", f"LibreOffice 转换 PDF 超过 {TIMEOUT_SECONDS} 秒仍未完成，已放弃：请稍后重试，或用 Word/WPS 另存为 PDF")]) from None
        produced = work / "out" / f"{docx.stem}.pdf"
        if not produced.exists():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            reason = f"（{detail[-1]}）" if detail else ""
            raise InputError([Finding(Location(str(docx)), "", f"LibreOffice 未能转出 PDF{reason}：请确认文件能在 Word 中打开，或用 Word/WPS 另存为 PDF")])
        write_bytes(target, produced.read_bytes())
    return target
