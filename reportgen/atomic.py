"""Atomic output: a failed or killed run never leaves a truncated file or destroys the previous one.

The files of one build (its .docx, .xlsx and .md) are replaced as a set:

- an error, a full disk or Ctrl-C while writing leaves every target as it was (all old);
- the targets are renamed into place only after every new file is complete on disk, and a journal
  listing the renames is written first. A process killed between two renames (kill -9, a crash)
  can leave the set mixed for the moment; the next write into that folder finds the journal and
  finishes the renames (all new), then deletes any temporary file a killed run left behind.

Writers to one folder take turns: a lock on the folder is held while its files are replaced, so two
builds into the same ``-o`` never interleave, and the leftovers removed are never a live run's.
Temporary names are short (``.rg-XXXXXXXX.tmp``) so an output named near the 255-byte limit fits.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Iterator

from .errors import Finding, InputError, Location

PREFIX = ".rg-"
JOURNAL = ".rg-journal"
_JOURNAL_END = "end"
#: How long a writer waits for another one writing into the same folder.
LOCK_WAIT_SECONDS = 120.0

#: Folders already swept of leftovers by this process (a batch writes many units into one folder).
_swept: set[str] = set()


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (released by the system if the process dies)."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; renames there fail on open files anyway
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # cannot open the folder to lock it; writing will give the real reason
        yield
        return
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise InputError([Finding(Location(str(folder)), "", "另一个 reportgen 正在向这个文件夹写入，"
                                              f"等了 {LOCK_WAIT_SECONDS:.0f} 秒仍未结束：请等它完成后再试，或换一个输出文件夹（-o）")]) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # releases the lock


def recover(folder: Path) -> None:
    """Finish what a killed run left: complete a journalled set of renames, then remove leftovers.

    Call with the folder locked. A journal without its end line was cut short before any rename,
    so its temporary files are simply removed (the targets are all old).
    """
    journal = folder / JOURNAL
    if os.path.lexists(journal):
        try:
            lines = journal.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        if lines and lines[-1] == _JOURNAL_END:
            for line in lines[:-1]:
                temp, _, target = line.partition("\t")
                if temp.startswith(PREFIX) and "/" not in temp + target and os.sep not in temp + target \
                        and os.path.lexists(folder / temp):
                    os.replace(folder / temp, folder / target)
            _sync_folder(folder)
        journal.unlink()
        _swept.discard(str(folder))
    if str(folder) not in _swept:
        for entry in os.scandir(folder):
            if entry.name.startswith(PREFIX) and entry.name.endswith((".tmp", ".bak")):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
        _swept.add(str(folder))


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it atomically becomes ``target``.

    The temporary file lives in the same folder so ``os.replace`` is a rename on one filesystem.
    """
    fd, name = tempfile.mkstemp(prefix=PREFIX, suffix=".tmp", dir=target.parent)
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
    """Write several files as one set (see the module docstring); each folder's files in one step."""
    by_folder: dict[Path, dict[Path, bytes]] = {}
    for target, data in files.items():
        by_folder.setdefault(target.parent, {})[target] = data
    for folder in sorted(by_folder):
        with folder_lock(folder):
            recover(folder)
            _write_set(folder, by_folder[folder])


def _write_set(folder: Path, files: dict[Path, bytes]) -> None:
    """Every temporary file is written and synced first, and only then are they renamed into place.

    A failure while writing (a full disk, a read-only folder) leaves every target as it was. If a
    rename fails (a target open in Word on Windows, a folder with the target's name), the targets
    already replaced are put back from hard-link backups (where the filesystem has hard links).
    """
    staged: list[tuple[Path, Path]] = []
    backups: dict[Path, Path] = {}
    replaced: list[Path] = []
    journal = folder / JOURNAL
    journalled = False
    try:
        for target, data in files.items():
            fd, name = tempfile.mkstemp(prefix=PREFIX, suffix=".tmp", dir=folder)
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
        if len(staged) > 1:  # one file needs no journal: its rename is the whole step
            _write_journal(journal, staged)
            journalled = True
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
        _sync_folder(folder)
    finally:
        for path in [temp for temp, _ in staged] + list(backups.values()) + ([journal] if journalled else []):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _write_journal(journal: Path, staged: list[tuple[Path, Path]]) -> None:
    """The renames about to happen, ended by a line that says the list is whole; synced to disk."""
    text = "".join(f"{temp.name}\t{target.name}\n" for temp, target in staged) + _JOURNAL_END + "\n"
    fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        data = text.encode("utf-8")
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_folder(journal.parent)


def _sync_folder(folder: Path) -> None:
    """Make renames in ``folder`` durable (POSIX; elsewhere a no-op)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
