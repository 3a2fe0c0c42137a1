"""Command line: thin typer commands over the library API.

Exit codes: 0 success, 1 invalid input or a build that failed its checks (messages on stderr),
2 usage. A user's mistake never shows a traceback; an internal bug shows one only with --debug.
Heavy modules are imported inside the commands so ``reportgen --help`` stays fast.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from . import collector
from .interrupted import exit_at_once

app = typer.Typer(
    help="reportgen：把单位的创建文明城市工作事实生成规范的工作总结（Word）和指标工作簿（Excel）。",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
templates_app = typer.Typer(help="查看模板包中的模板。", no_args_is_help=True)
app.add_typer(templates_app, name="templates")

_state = {"debug": False, "interrupted": False}


@app.callback()
def _options(debug: bool = typer.Option(False, "--debug", help="出现内部错误时显示完整的调用栈（供开发者排查）")) -> None:
    _state["debug"] = debug


def _fail(lines: list[str], code: int = 1) -> None:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(code)


def _interrupted() -> None:
    """Ctrl-C: say so and exit 130 (once, wherever the interrupt landed)."""
    from .interrupted import MESSAGE as INTERRUPTED

    _state["interrupted"] = True
    _fail([INTERRUPTED], 130)


@contextmanager
def loading() -> Iterator[None]:
    """Import the command's modules: the collector paused meanwhile (collector.py), and Ctrl-C ends the
    command at once with the interrupted message. Nothing is written yet, and a KeyboardInterrupt that
    lands while pydantic builds a model's validator comes out of it as a SchemaError, not as itself."""
    quiet = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, exit_at_once) if quiet else None
    try:
        with collector.loading():
            yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _guarded(action):  # noqa: ANN001, ANN202 — wraps a command body
    """Turn every expected failure into located Chinese messages and exit 1."""
    with loading():
        from .compose import TemplateError
        from .errors import InputError
        from .lint import LintError

    try:
        return action()
    except InputError as exc:
        from .errors import summary

        _fail([str(f) for f in exc.findings] + [summary(exc.findings)])
    except TemplateError as exc:
        _fail([str(exc)])
    except LintError as exc:
        _fail(["生成的文字未通过检查（没有写出任何文件）："] + [f"  {f}" for f in exc.findings])
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        _interrupted()
    except Exception:  # noqa: BLE001 — last resort: a bug, not the user's fault
        if _state["debug"]:
            raise
        _fail(["reportgen 内部错误：这不是您的输入问题。请加上 --debug 重新运行，并把输出发给维护者。"], 3)


@app.command()
def init(
    unit_type: str = typer.Option("社区", "--type", help="单位类型：社区、村、街道、镇、乡、局、医院、学校、幼儿园……"),
    xlsx: bool = typer.Option(False, "--xlsx", help="生成可填写的 Excel 工作簿，而不是 YAML"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="写到哪个文件（默认当前文件夹）"),
    force: bool = typer.Option(False, "--force", help="文件已存在时覆盖"),
) -> None:
    """在当前文件夹生成一份带注释的示例数据文件，照着修改即可。"""

    def run() -> None:
        from . import starter
        from .atomic import write_bytes
        from .errors import Finding, InputError, Location
        from .model import SELF_REFERENCE

        if unit_type not in SELF_REFERENCE:
            _fail([f"不认识的单位类型“{unit_type}”：可选 {'、'.join(SELF_REFERENCE)}"], 2)
        target = output or Path("reportgen.xlsx" if xlsx else "reportgen.yaml")
        from .pipeline import fill_in_workbook

        data = fill_in_workbook(unit_type) if xlsx else starter.yaml_text(unit_type).encode("utf-8")
        try:  # exists() itself raises for a name that is too long
            if os.path.lexists(target) and not force:
                raise InputError([Finding(Location(str(target)), "", "文件已存在：如要覆盖请加 --force，或用 -o 指定别的文件名")])
            if target.is_dir():
                raise InputError([Finding(Location(str(target)), "", "这是一个文件夹：请用 -o 指定要生成的文件名，如 -o 本单位.yaml")])
            write_bytes(target, data)
        except OSError as exc:
            from .pipeline import os_reason

            raise InputError([Finding(Location(str(target)), "", f"无法写入：{os_reason(exc)}（请检查文件夹是否存在、权限和磁盘空间）")]) from None
        typer.echo(f"已生成 {target}：请按注释填写本单位的情况，然后运行 reportgen validate {target}")

    _guarded(run)


@app.command()
def validate(files: List[Path] = typer.Argument(..., help="一个或多个 .yaml/.xlsx 数据文件")) -> None:
    """检查数据文件，一次列出全部问题（文件:行:列 字段：说明）。"""

    def run() -> None:
        with loading():
            from . import lint
            from .compose import compose, load_pack
            from .errors import InputError, summary
            from .loaders import load

        failed = 0
        pack = load_pack(None)
        for path in files:
            try:
                loaded = load(path)
            except InputError as exc:
                failed += 1
                for finding in exc.findings:
                    typer.echo(str(finding), err=True)
                typer.echo(f"{path}：{summary(exc.findings)}", err=True)  # the same count ``build`` gives
                continue
            for warning in loaded.warnings:
                typer.echo(str(warning), err=True)
            # The text build would write must pass the same checks, so 检查通过 means build will succeed.
            findings = lint.check(compose(loaded.report, pack=pack, source=loaded.source))
            if findings:
                failed += 1
                typer.echo("生成的文字未通过检查：", err=True)
                for finding in findings:
                    typer.echo(f"  {finding}", err=True)
                typer.echo(f"{path}：共 {len(findings)} 处问题，请修改后重试。", err=True)
                continue
            typer.echo(f"{path}：检查通过")
        if failed > 1:
            _fail([f"{failed} 个文件有问题，请修改后重试。"])
        if failed:
            raise typer.Exit(1)

    _guarded(run)


#: What a build of the default formats imports: the pipeline and, from a .yaml file, the readers and
#: writers it imports when it gets to them (loaded together, with the collector paused: collector.py).
_BUILD_MODULES = (
    "reportgen.pipeline", "reportgen.loaders.yaml_loader", "reportgen.loaders.style_loader",
    "reportgen.writers.markdown", "reportgen.writers.docx", "reportgen.unit_book", "reportgen.writers.xlsx",
)


@app.command()
def build(
    source: Path = typer.Argument(..., help="数据文件（.yaml 或 .xlsx）"),
    outdir: Path = typer.Option(Path("."), "-o", "--output", help="输出文件夹"),
    templates: Optional[Path] = typer.Option(None, "--templates", help="自定义模板文件夹（只需放要替换的模板）"),
    reference_docx: Optional[Path] = typer.Option(None, "--reference-docx", help="沿用此 Word 文件的页面设置和样式"),
    style: Optional[Path] = typer.Option(None, "--style", help="版式设置文件（字体、字号、页边距）"),
    pdf: bool = typer.Option(False, "--pdf", help="同时用 LibreOffice 转出 PDF"),
) -> None:
    """生成工作总结：输出 <文件名>.docx、<文件名>.xlsx 和 <文件名>.md 预览。"""

    def run() -> None:
        with loading():
            for module in _BUILD_MODULES:
                importlib.import_module(module)
        from . import pipeline

        if templates is not None and not templates.is_dir():
            _fail([f"{templates}：模板文件夹不存在"])
        result = pipeline.build(source, outdir, pipeline.Options(templates=templates, reference_docx=reference_docx, style=style, pdf=pdf))
        for warning in result.warnings:
            typer.echo(str(warning), err=True)
        for path in result.outputs:
            typer.echo(f"已写出 {path}")

    _guarded(run)


@app.command()
def explain(
    source: Path = typer.Argument(..., help="数据文件（.yaml 或 .xlsx）"),
    templates: Optional[Path] = typer.Option(None, "--templates", help="自定义模板文件夹"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出，供其他程序使用"),
) -> None:
    """逐句列出总结正文的依据：每句话来自哪些字段、文件第几行（或哪个单元格），或是哪一条连接语。"""

    def run() -> None:
        with loading():
            from . import evidence
            from .compose import compose
            from .loaders import load

        if templates is not None and not templates.is_dir():
            _fail([f"{templates}：模板文件夹不存在"])
        loaded = load(source)
        document = compose(loaded.report, templates, source=loaded.source)
        typer.echo(evidence.as_json(document) if as_json else evidence.as_text(document), nl=False)

    _guarded(run)


@app.command()
def check(
    files: List[Path] = typer.Argument(..., help="要检查的 Word 文件（.docx；装有 LibreOffice 时也可以是 .doc/.wps）"),
    fix: bool = typer.Option(False, "--fix", help="另存一份按 GB/T 9704 重新排版、标点已改正的文件（不改动原文件）"),
    outdir: Optional[Path] = typer.Option(None, "-o", "--output", help="--fix 的输出文件夹"),
    pages: bool = typer.Option(False, "--pages", help="用 LibreOffice 排版，按“第N页”标出位置并检查每页行数（较慢）"),
    style: Optional[Path] = typer.Option(None, "--style", help="版式设置文件（默认 GB/T 9704）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出，供其他程序使用"),
) -> None:
    """按 GB/T 9704 检查手写的工作总结：版式、字体、标题编号、占位符、标点、前后矛盾的数字。

    逐条列出问题（第N段或第N页，附原文）；有问题时退出码为 1，只有提示或没有问题时为 0。
    """

    def run() -> None:
        from .check import cli as check_cli

        if fix and outdir is None:
            _fail(["--fix 需要用 -o 指定输出文件夹（不会覆盖原文件）"], 2)
        code = check_cli.run(files, fix=fix, outdir=outdir, pages=pages, style=style, as_json=as_json, echo=typer.echo)
        if code:
            raise typer.Exit(code)

    _guarded(run)


def _report_batch(batch, outdir: Path) -> None:  # noqa: ANN001 — batch.BatchResult
    """The end of a batch: every failure in a table with its located message; exit 1 if any failed."""
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True, highlight=False)
    results, written = batch.results, batch.rollup_outputs
    failed = batch.failed
    for result in results:
        for warning in result.warnings:
            console.print(warning, markup=False)
    if failed:
        table = Table(title=f"失败的文件（{len(failed)} 个）", show_lines=True, title_justify="left")
        table.add_column("文件", overflow="fold", no_wrap=False)
        table.add_column("问题", overflow="fold")
        for result in failed:
            table.add_row(str(result.path), result.error or "")
        console.print(table)
    if batch.rollup_error:
        console.print(f"汇总未能生成：{batch.rollup_error}", markup=False)
    for warning in batch.rollup_warnings:
        console.print(f"注意：{warning}", markup=False)
    for path in written:
        typer.echo(f"已写出 {path}")
    good = len(results) - len(failed)
    typer.echo(f"共 {len(results)} 个文件：成功 {good} 个，失败 {len(failed)} 个；输出在 {outdir}", err=bool(failed))
    if not batch.ok:
        raise typer.Exit(1)


def _progress():  # noqa: ANN202 — a rich progress bar on stderr: done/total, failures, time left
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("失败 {task.fields[failed]}"), TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(),
        console=Console(stderr=True), transient=False,
    )


def _run_many(inputs: List[Path], outdir: Path, jobs: Optional[int], options, rollup: bool, name: Optional[str], label: str):  # noqa: ANN001, ANN202
    from .batch import build_batch

    if jobs is not None and jobs < 1:
        _fail(["--jobs 至少为 1"], 2)
    with _progress() as progress:
        task = progress.add_task(label, total=None, failed=0)
        counts = {"failed": 0}

        def started(total: int) -> None:
            progress.update(task, total=total)

        def finished(result) -> None:  # noqa: ANN001
            counts["failed"] += not result.ok
            progress.update(task, advance=1, failed=counts["failed"])

        batch = build_batch(inputs, outdir, jobs, options, finished, rollup=rollup, rollup_name=name, on_start=started)
    _report_batch(batch, outdir)


@app.command()
def batch(
    inputs: List[Path] = typer.Argument(..., help="数据文件（.yaml/.xlsx）或包含它们的文件夹，可写多个"),
    outdir: Path = typer.Option(..., "-o", "--output", help="输出文件夹：每个文件生成 <文件名>.docx/.xlsx/.md，另有 汇总.xlsx 和 汇总.docx"),
    jobs: Optional[int] = typer.Option(None, "-j", "--jobs", help="同时处理的进程数（默认为 CPU 核数）"),
    rollup: bool = typer.Option(True, "--rollup/--no-rollup", help="是否同时生成汇总表和汇总报告"),
    name: Optional[str] = typer.Option(None, "--name", help="汇总单位名称，如“柳荫街道办事处”（默认取各单位共同的上级单位）"),
    templates: Optional[Path] = typer.Option(None, "--templates", help="自定义模板文件夹（只需放要替换的模板）"),
    reference_docx: Optional[Path] = typer.Option(None, "--reference-docx", help="沿用此 Word 文件的页面设置和样式"),
    style: Optional[Path] = typer.Option(None, "--style", help="版式设置文件（字体、字号、页边距）"),
) -> None:
    """批量生成：多个单位的工作总结并行生成，并汇总成 汇总.xlsx 和 汇总.docx。

    某个文件出错不影响其他文件；结束时列出全部出错的文件和原因（有失败时退出码为 1）。
    """

    def run() -> None:
        from .pipeline import Options

        if templates is not None and not templates.is_dir():
            _fail([f"{templates}：模板文件夹不存在"])
        options = Options(templates=templates, reference_docx=reference_docx, style=style)
        _run_many(inputs, outdir, jobs, options, rollup, name, "生成中")

    _guarded(run)


@app.command()
def rollup(
    inputs: List[Path] = typer.Argument(..., help="各单位的数据文件（.yaml/.xlsx）或包含它们的文件夹"),
    outdir: Path = typer.Option(..., "-o", "--output", help="输出文件夹：写出 汇总.xlsx、汇总.docx 和 汇总.md"),
    jobs: Optional[int] = typer.Option(None, "-j", "--jobs", help="同时读取的进程数（默认为 CPU 核数）"),
    name: Optional[str] = typer.Option(None, "--name", help="汇总单位名称，如“柳荫街道办事处”（默认取各单位共同的上级单位）"),
    templates: Optional[Path] = typer.Option(None, "--templates", help="自定义模板文件夹"),
    reference_docx: Optional[Path] = typer.Option(None, "--reference-docx", help="沿用此 Word 文件的页面设置和样式"),
    style: Optional[Path] = typer.Option(None, "--style", help="版式设置文件（字体、字号、页边距）"),
) -> None:
    """只生成汇总：读取各单位的数据，写出汇总表（排名、合计、图表）和汇总报告，不生成各单位的总结。"""

    def run() -> None:
        from .pipeline import Options

        if templates is not None and not templates.is_dir():
            _fail([f"{templates}：模板文件夹不存在"])
        # formats=() → workers only load and summarise; the roll-up itself uses the writers present.
        options = Options(templates=templates, reference_docx=reference_docx, style=style, formats=())
        _run_many(inputs, outdir, jobs, options, True, name, "读取中")

    _guarded(run)


@app.command()
def schema() -> None:
    """输出数据文件的 JSON Schema（供编辑器自动补全和检查）。"""
    with loading():
        from .schema import schema_text

    sys.stdout.write(schema_text())


@app.command()
def serve(
    folder: Path = typer.Argument(Path("."), help="工作文件夹：其中的 .yaml/.xlsx 数据文件（默认当前文件夹）"),
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址；默认只允许本机访问，改为其他地址时会生成访问令牌"),
    port: int = typer.Option(0, "--port", help="端口（默认自动选一个空闲端口）"),
    no_browser: bool = typer.Option(False, "--no-browser", help="不自动打开浏览器"),
) -> None:
    """打开网页工作台：在浏览器中填写、检查、预览、生成和下载，不需要命令行。"""

    def run() -> None:
        if not folder.is_dir():
            _fail([f"{folder}：文件夹不存在"])
        from .web.server import serve as run_server

        try:
            run_server(folder, host, port, not no_browser, say=typer.echo)
        except OSError as exc:
            _fail([f"无法在 {host}:{port} 启动：{exc.strerror or exc}（端口可能已被占用，可去掉 --port 让程序自动选择）"])

    _guarded(run)


@templates_app.command("list")
def templates_list(templates: Optional[Path] = typer.Option(None, "--templates", help="自定义模板文件夹")) -> None:
    """列出模板包中的全部模板（自定义的会标明）。"""

    def run() -> None:
        from .compose import load_pack

        pack = load_pack(templates)
        for name in pack.names():
            mark = "  （自定义）" if templates and (templates / name).is_file() else ""
            typer.echo(name + mark)

    _guarded(run)


@templates_app.command("show")
def templates_show(
    name: str = typer.Argument(..., help="模板名，如 opening.j2 或 themes/leadership.j2"),
    templates: Optional[Path] = typer.Option(None, "--templates", help="自定义模板文件夹"),
) -> None:
    """显示一个模板的内容，可复制到自己的模板文件夹中修改。"""

    def run() -> None:
        import jinja2

        from .compose import load_pack

        pack = load_pack(templates)
        try:
            source, _, _ = pack.env.loader.get_source(pack.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            _fail([f"没有名为 {name} 的模板：用 reportgen templates list 查看全部模板"])
        sys.stdout.write(source)

    _guarded(run)


_USAGE = [
    (r"Missing argument '(.+?)'", r"缺少参数 \1"),
    (r"Missing option '(.+?)'", r"缺少选项 \1"),
    (r"No such option: (\S+)", r"没有选项 \1"),
    (r"No such command '(.+?)'", r"没有命令 \1"),
    (r"Got unexpected extra arguments? \((.+?)\)", r"多余的参数：\1"),
    (r"Invalid value for '(.+?)': (.*)", r"参数 \1 的值无效：\2"),
    (r"Option '(.+?)' requires an argument", r"选项 \1 后面需要一个值"),
]


def _usage_message(error: Exception) -> str:
    import re

    text = error.format_message().rstrip(".")  # type: ignore[attr-defined]
    for pattern, chinese in _USAGE:
        text = re.sub(pattern, chinese, text)
    return text


def main() -> None:
    """Entry point: click's English usage errors become Chinese ones (exit 2)."""
    # Typer re-exports only BadParameter; its base is click's UsageError, vendored or not.
    usage_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
    # Reading the options loads pydantic and makes a validator for each (typer does): paused until
    # the command's body starts (_guarded), as while loading the modules (collector.py).
    collector.pause()
    try:
        code = app(standalone_mode=False)
        if code == 130 and not _state.get("interrupted"):  # Ctrl-C while typer parsed the arguments
            _interrupted()
    except typer.Exit as done:  # from _interrupted above
        code = done.exit_code
    except KeyboardInterrupt:  # between the launcher and typer
        try:
            _interrupted()
        except typer.Exit as done:
            code = done.exit_code
    except usage_error as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # bare `reportgen`: the help is the answer
            typer.echo(error.format_message(), err=True)
            sys.exit(2)
        ctx = getattr(error, "ctx", None)
        command = ctx.command_path if ctx else "reportgen"
        typer.echo(f"用法错误：{_usage_message(error)}\n运行 {command} --help 查看用法。", err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("已中断。", err=True)
        sys.exit(130)
    finally:
        collector.resume()
    sys.exit(code if isinstance(code, int) else 0)
