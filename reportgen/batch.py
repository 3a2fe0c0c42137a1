"""Build many reports: input discovery, parallel workers, per-file results that never raise.

Library use::

    from reportgen.batch import build_many
    results = build_many([Path("社区")], Path("out"), jobs=2)
    failed = [r for r in results if not r.ok]

Each worker process loads the template pack once (pool initializer) and reuses it for every unit.
A worker returns a plain, picklable :class:`UnitResult` — path, outputs, a located Chinese error
text, and a small summary for the roll-up — and never lets an exception cross the process boundary.
A worker that dies (killed, out of memory) breaks the pool; the units that were in flight are then
retried one at a time in a fresh pool, so the culprit is reported as its own failure and every other
unit is still built. Outputs are written atomically by the pipeline, so an interrupted batch leaves
only complete files.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import sys
import time
import traceback
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .errors import Finding, InputError, Location
from .inputfile import check
from .rollup import ROLLUP_STEM

INPUT_SUFFIXES = (".yaml", ".yml", ".xlsx")


@dataclass
class UnitResult:
    """What happened to one input file. ``error`` is None on success."""

    path: Path
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: A compact summary of the unit for the roll-up (reportgen.rollup.UnitSummary), when it loaded.
    summary: object | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# ---------------------------------------------------------------- inputs


def _is_input(path: Path) -> bool:
    name = path.name
    return path.suffix.lower() in INPUT_SUFFIXES and not name.startswith((".", "~$"))


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def collect_inputs(items: Iterable[Path], outdir: Path | None = None) -> list[Path]:
    """Files as given; folders expanded (recursively, sorted) to their .yaml/.yml/.xlsx files.

    Raises InputError for a path that does not exist, and for a folder with no input files.
    Hidden files, Excel's ``~$`` lock files and anything inside ``outdir`` (our own .xlsx outputs
    of an earlier run) are skipped when a folder is expanded.
    """
    found: list[Path] = []
    problems: list[Finding] = []
    for item in items:
        if item.is_dir():
            files = sorted(p for p in item.rglob("*") if p.is_file() and _is_input(p) and not _inside(p, outdir)
                           and not any(part.startswith(".") for part in p.relative_to(item).parts))
            if not files:
                problems.append(Finding(Location(str(item)), "", "文件夹中没有 .yaml/.yml/.xlsx 数据文件"))
            found.extend(files)
        elif os.path.lexists(item):
            try:
                check(item, "数据文件")  # a FIFO or device would hang a worker
            except InputError as exc:
                problems.extend(exc.findings)
                continue
            found.append(item)
        else:
            problems.append(Finding(Location(str(item)), "", "文件或文件夹不存在：请检查路径"))
    if problems:
        raise InputError(problems)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def check_stems(paths: Sequence[Path], rollup: bool = False) -> None:
    """Outputs are named after input stems, so two inputs with one stem would overwrite each other."""
    by_stem: dict[str, list[Path]] = {}
    for path in paths:
        by_stem.setdefault(path.stem, []).append(path)
    problems = [
        Finding(Location(str(group[0])), "", f"与 {'、'.join(str(p) for p in group[1:])} 的文件名相同（{stem}），"
                "输出文件会互相覆盖：请改名后重试")
        for stem, group in by_stem.items() if len(group) > 1
    ]
    if rollup and ROLLUP_STEM in by_stem:
        problems.append(Finding(Location(str(by_stem[ROLLUP_STEM][0])), "",
                                f"文件名“{ROLLUP_STEM}”留给汇总表和汇总报告使用：请给这个数据文件改名"))
    if problems:
        raise InputError(problems)


# ---------------------------------------------------------------- one unit (in-process, never raises)


def error_text(exc: BaseException) -> str:
    """An expected failure as the same located Chinese lines the CLI prints for ``build``."""
    from .compose import TemplateError
    from .lint import LintError

    if isinstance(exc, InputError):
        return "\n".join(str(f) for f in exc.findings)
    if isinstance(exc, TemplateError):
        return str(exc)
    if isinstance(exc, LintError):
        return "生成的文字未通过检查：" + "；".join(exc.findings[:5]) + ("……" if len(exc.findings) > 5 else "")
    if isinstance(exc, MemoryError):
        return "内存不足：这个文件的数据过多"
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f"（{Path(frame.filename).name}:{frame.lineno}）" if frame else ""
    return f"reportgen 内部错误{where}：{type(exc).__name__}: {exc}。这不是您的输入问题，请把此信息发给维护者。"


def build_one(path: Path, outdir: Path, options=None, pack=None, summarise: bool = True) -> UnitResult:  # noqa: ANN001
    """Load, compose, lint, render and write one unit; every failure becomes ``result.error``.

    With ``options.formats`` empty nothing is written: the file is only loaded and summarised
    (what ``reportgen rollup`` needs).
    """
    from .loaders import load
    from .pipeline import Options, build

    options = options or Options()
    started = time.perf_counter()
    result = UnitResult(path)
    try:
        loaded = load(path)
        result.warnings = [str(w) for w in loaded[1]]
        if summarise:
            from .rollup import summarise as make_summary

            result.summary = make_summary(loaded[0], path)
        if options.formats:
            built = build(path, outdir, options, pack, loaded)
            result.warnings = [str(w) for w in built.warnings]
            result.outputs = built.outputs
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 — a worker reports, it never raises across processes
        result.error = error_text(exc)
    result.seconds = time.perf_counter() - started
    return result


# ---------------------------------------------------------------- worker processes

_WORKER: dict = {}


def _init_worker(outdir: Path, options, summarise: bool) -> None:  # noqa: ANN001
    """Runs once per worker process: ignore Ctrl-C (the parent decides), leave with the parent, and
    load the pack once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _leave_with_parent()
    from .compose import TemplateError, load_pack
    from .collector import GC_THRESHOLDS

    _WORKER.update(outdir=outdir, options=options, summarise=summarise, pack=None, pack_error=None)
    if options.formats:
        try:
            _WORKER["pack"] = load_pack(options.templates)
        except TemplateError as exc:
            _WORKER["pack_error"] = str(exc)
    # The fork server starts with the collector's defaults, not the command's: every unit made the
    # collector walk the libraries' and the pack's million lasting objects again (about a tenth of a
    # unit's time). Frozen, they are out of its reach; each unit's own garbage is still collected.
    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()


def _leave_with_parent() -> None:
    """Exit when the batch that started this worker is gone.

    A killed batch (kill -9) cannot stop its workers, and they would wait for work forever: each
    holds a copy of both ends of the task queue, so it never sees the queue close, and the fork
    server stays as long as a worker does. multiprocessing gives each child a sentinel that becomes
    ready when its parent's end closes, which the system does when the batch dies. An unfinished
    unit's temporary files are removed by the next run into the folder (atomic.recover).
    """
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="reportgen-parent-watch", daemon=True).start()


def _work(path: Path) -> UnitResult:
    try:
        if _WORKER.get("pack_error"):
            return UnitResult(path, error=_WORKER["pack_error"])
        return build_one(path, _WORKER["outdir"], _WORKER["options"], _WORKER["pack"], _WORKER["summarise"])
    except BaseException as exc:  # noqa: BLE001
        return UnitResult(path, error=error_text(exc))


def _context():  # noqa: ANN202
    """forkserver on Linux: clean, fast-starting workers that never inherit the parent's threads."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods and sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        # Imported once in the fork server, shared by every worker (a missing writer is skipped).
        ctx.set_forkserver_preload(["reportgen.batch", "reportgen.pipeline", "reportgen.compose", "reportgen.loaders",
                                    "reportgen.loaders.yaml_loader", "reportgen.rollup", "reportgen.writers.markdown",
                                    "reportgen.writers.docx", "reportgen.writers.xlsx"])
        _start_fork_server_deaf_to_ctrl_c()
        return ctx
    return multiprocessing.get_context("spawn")


def _start_fork_server_deaf_to_ctrl_c() -> None:
    """Start the fork server with SIGINT ignored; it and every worker forked from it inherit that.

    Otherwise a Ctrl-C that lands while workers are still starting interrupts their bootstrap and
    prints multiprocessing tracebacks. Ctrl-C then reaches only the parent, which stops the batch.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    from multiprocessing import forkserver

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    with _stderr_to_devnull():
        try:
            forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _stderr_to_devnull() -> Iterator[None]:
    """Point fd 2 at /dev/null while the fork server (and the resource tracker) start, so they and
    every worker inherit it. A worker reports through its result, never by printing; what reached
    the terminal from them was noise: multiprocessing's tracebacks when Ctrl-C stops workers that
    are still starting, the resource tracker's leak notices, library warnings naming site-packages.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):
        yield
        return
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@contextlib.contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """Hold Ctrl-C while a submit may be starting a worker; it is raised right after.

    Interrupted half-way, the start leaves a worker opening a semaphore that shutdown then removes,
    and the worker prints a traceback. Deferred, Ctrl-C arrives at ``wait`` and stops cleanly.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


CRASHED = "处理这个文件时工作进程意外退出（可能是内存不足或程序崩溃），没有写出它的输出文件"


def build_many(
    paths: Sequence[Path],
    outdir: Path,
    jobs: int | None = None,
    options=None,  # noqa: ANN001
    on_result: Callable[[UnitResult], None] | None = None,
    summarise: bool = True,
    max_tasks_per_child: int | None = None,
    task: Callable[[Path], UnitResult] | None = None,
) -> list[UnitResult]:
    """Build every path into ``outdir`` with ``jobs`` worker processes; results in input order.

    ``on_result`` is called in the parent as each unit finishes (for progress bars). With ``jobs``
    of 1 everything runs in-process. Raises KeyboardInterrupt after cancelling what had not
    started and letting running units finish (so only complete files are left). ``task`` replaces
    the worker function (a picklable, module-level callable; for tests of crashing workers).
    """
    from .pipeline import Options

    options = options or Options()
    jobs = jobs or default_jobs()
    paths = list(paths)
    results: dict[int, UnitResult] = {}

    def record(index: int, result: UnitResult) -> None:
        results[index] = result
        if on_result:
            on_result(result)

    if jobs == 1 or len(paths) <= 1:
        from .compose import TemplateError, load_pack

        pack = None
        if options.formats:
            try:
                pack = load_pack(options.templates)
            except TemplateError as exc:
                for i, p in enumerate(paths):
                    record(i, UnitResult(p, error=str(exc)))
                return [results[i] for i in range(len(paths))]
        for i, p in enumerate(paths):
            record(i, build_one(p, outdir, options, pack, summarise))
        return [results[i] for i in range(len(paths))]

    pending = deque(range(len(paths)))
    suspects: deque[int] = deque()

    def new_pool(workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=_context(), initializer=_init_worker,
            initargs=(outdir, options, summarise), max_tasks_per_child=max_tasks_per_child,
        )

    while pending or suspects:
        # Suspects of a crash run one at a time, so a second crash names its unit exactly.
        isolate = bool(suspects)
        queue = suspects if isolate else pending
        pool = new_pool(1 if isolate else min(jobs, len(queue)))
        window = 1 if isolate else jobs * 2  # bounded in-flight work: a crash or Ctrl-C affects few units
        running: dict[Future, int] = {}
        broken: list[int] = []
        try:
            while queue or running:
                while queue and len(running) < window:
                    index = queue.popleft()
                    try:
                        with _ctrl_c_deferred():
                            running[pool.submit(task or _work, paths[index])] = index
                    except BrokenProcessPool:
                        # A worker died between two submissions. This unit never ran: it goes back
                        # to its queue, and the units in flight report the crash below. With none
                        # in flight, the pool broke on its own and the unit counts as a suspect.
                        if running:
                            queue.appendleft(index)
                        else:
                            broken.append(index)
                        break
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    index = running.pop(future)
                    try:
                        record(index, future.result())
                    except BrokenProcessPool:
                        broken.append(index)
                    except BaseException as exc:  # noqa: BLE001 — e.g. a result that failed to pickle
                        record(index, UnitResult(paths[index], error=error_text(exc)))
                if broken:
                    broken.extend(running.values())
                    running.clear()
                    break
        except KeyboardInterrupt:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=not broken, cancel_futures=True)
        if broken:
            if isolate:  # one unit in flight in a one-worker pool: that unit is the culprit
                for index in broken:
                    record(index, UnitResult(paths[index], error=CRASHED))
            else:
                suspects.extend(sorted(broken))
    return [results[i] for i in range(len(paths))]


@dataclass
class BatchResult:
    """Everything ``reportgen batch`` produced: per-unit results (input order) and the roll-up."""

    results: list[UnitResult]
    rollup_outputs: list[Path] = field(default_factory=list)
    rollup_error: str | None = None
    #: What the roll-up could not decide itself (no 发文单位, mixed periods): shown after the run.
    rollup_warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[UnitResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failed and self.rollup_error is None


def build_batch(
    items: Iterable[Path],
    outdir: Path,
    jobs: int | None = None,
    options=None,  # noqa: ANN001
    on_result: Callable[[UnitResult], None] | None = None,
    rollup: bool = True,
    rollup_name: str | None = None,
    on_start: Callable[[int], None] | None = None,
) -> BatchResult:
    """The whole ``reportgen batch``: collect, check stems, build all, then the roll-up of the good ones.

    Raises InputError before any work for missing paths or duplicate stems; after that nothing
    raises (but KeyboardInterrupt): failures are in the result.
    """
    paths = collect_inputs(items, outdir)
    check_stems(paths, rollup=rollup)
    if on_start:
        on_start(len(paths))
    batch = BatchResult(build_many(paths, outdir, jobs, options, on_result, summarise=rollup))
    summaries = [r.summary for r in batch.results if r.ok and r.summary is not None]
    if rollup and summaries:
        from .rollup import warnings, write_rollup

        try:
            batch.rollup_outputs = write_rollup(summaries, outdir, options, name=rollup_name)
            batch.rollup_warnings = warnings(summaries, rollup_name)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 — reported beside the units' failures
            batch.rollup_error = error_text(exc)
    return batch
