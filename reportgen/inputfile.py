"""The one gate every file a user names goes through: data files, workbooks, template-pack files,
style files and reference Word files.

Only regular files are read. A FIFO would block the open or the read forever, a device such as
/dev/zero never ends, and a folder or a looping link gives an English OSError; each of those is a
located Chinese message here instead. The file is opened without blocking and checked on the open
descriptor (not on the path, which could change in between), and no more than ``limit`` bytes are
ever read, even from a file that grows while it is read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import Finding, InputError, Location

#: Why an open or a read failed, in words a user can act on.
_READ_REASONS = {
    errno.EACCES: "没有读取权限：请检查文件权限，或把文件复制到自己的文件夹再试",
    errno.EPERM: "没有读取权限：请检查文件权限，或把文件复制到自己的文件夹再试",
    errno.ELOOP: "路径中的快捷方式（符号链接）形成了循环：请指定真实文件",
    errno.ENAMETOOLONG: "路径或文件名太长：请把文件改名或移到较短的路径下",
    errno.ENOTDIR: "路径中有一部分是文件而不是文件夹：请检查路径",
    errno.EIO: "读取时磁盘出错：请把文件复制到别处再试",
}


def _fail(path: Path, message: str) -> InputError:
    return InputError([Finding(Location(str(path)), "", message)])


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISFIFO(mode):
        return "管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备"
    return "特殊文件"


def _size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def read_bytes(path: Path, what: str, limit: int) -> bytes:
    """The contents of ``path`` (``what`` names it in messages, e.g. “参考 Word 文件”).

    Raises InputError unless it is a regular file (a link to one is fine) of at most ``limit`` bytes.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise _unreadable(path, what, exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _fail(path, f"这是一个{_kind(info.st_mode)}，不是普通文件：请指定保存在磁盘上的{what}")
        if info.st_size > limit:
            raise _fail(path, f"{what}太大（{info.st_size // 1024} KB）：不能超过 {_size_text(limit)}，请删减内容后再试")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while we read
                raise _fail(path, f"{what}太大：不能超过 {_size_text(limit)}，请删减内容后再试")
        return b"".join(chunks)
    except OSError as exc:
        raise _unreadable(path, what, exc) from None
    finally:
        os.close(fd)


def check(path: Path, what: str) -> None:
    """Raise InputError unless ``path`` names a regular file (what a later read will accept).

    For inputs listed up front (a batch), so every wrong path is reported before any work starts.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _unreadable(path, what, exc) from None
    if not stat.S_ISREG(info.st_mode):
        raise _fail(path, f"这是一个{_kind(info.st_mode)}，不是普通文件：请指定保存在磁盘上的{what}")


def _unreadable(path: Path, what: str, exc: OSError) -> InputError:
    if exc.errno == errno.ENOENT:
        return _fail(path, f"{what}不存在：请检查路径和文件名")
    if exc.errno == errno.EISDIR:
        return _fail(path, f"这是一个文件夹，不是文件：请指定{what}")
    return _fail(path, f"无法读取{what}：" + _READ_REASONS.get(exc.errno or 0, f"{exc.strerror or exc}（请检查文件是否能正常打开）"))
