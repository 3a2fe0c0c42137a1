"""Atomic output: a failed or killed run never leaves a truncated file or destroys the previous one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it atomically becomes ``target``.

    The temporary file lives in the same folder so ``os.replace`` is a rename on one filesystem.
    """
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def write_bytes(target: Path, data: bytes) -> None:
    with replacing(target) as temp:
        temp.write_bytes(data)


def write_all(files: dict[Path, bytes]) -> None:
    """Write several files as one step: every temporary file is written and synced first, and only
    then are they renamed into place. A failure while writing (a full disk, a read-only folder)
    leaves every target as it was — never a mix of new and old outputs. If a rename fails (a target
    open in Word on Windows, a folder with the target's name), the targets already replaced are put
    back from hard-link backups (where the filesystem has hard links).
    """
    staged: list[tuple[Path, Path]] = []
    backups: dict[Path, Path] = {}
    replaced: list[Path] = []
    try:
        for target, data in files.items():
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((Path(name), target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(name, 0o644)
        for temp, target in staged:
            if target.is_file():
                backup = temp.with_suffix(".bak")
                with contextlib.suppress(OSError):
                    os.link(target, backup)
                    backups[target] = backup
        try:
            for temp, target in staged:
                os.replace(temp, target)
                replaced.append(target)
        except BaseException:
            for target in reversed(replaced):
                with contextlib.suppress(OSError):
                    if target in backups:
                        os.replace(backups.pop(target), target)
                    else:
                        target.unlink()
            raise
    finally:
        for path in [temp for temp, _ in staged] + list(backups.values()):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
