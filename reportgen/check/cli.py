"""The `reportgen check` command's work: every file checked (and fixed), printed, one exit code.

A file that cannot be read is reported like a finding and the others are still checked, as in
`validate`; the summary line counts both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import InputError
from . import check
from .findings import Issue, errors
from .findings import as_json as json_text


def run(files: list[Path], *, fix: bool, outdir: Path | None, pages: bool, style: Path | None,
        as_json: bool, echo: Callable[..., None]) -> int:
    results: dict[str, list[Issue]] = {}
    unreadable = 0
    for path in files:
        name = str(path)
        try:
            issues = check(path, style)
            if pages:
                from . import pages as rendered

                issues = rendered.locate(path, issues, style)
        except InputError as exc:
            unreadable += 1
            for finding in exc.findings:
                echo(str(finding), err=True)
            continue
        results[name] = issues
        if not as_json:
            for issue in issues:
                echo(str(issue.finding(name)))
            echo(f"{name}：{_count(issues)}")
        if fix and outdir is not None:
            unreadable += _fix(path, outdir, style, echo, as_json)
    if as_json:
        echo(json_text(results), nl=False)
    found = sum(len(errors(i)) for i in results.values())
    hints = sum(len(i) for i in results.values()) - found
    summary = (f"共检查 {len(files)} 个文件：{found} 处问题" + (f"、{hints} 处提示" if hints else "")
               + (f"，{unreadable} 个文件无法处理" if unreadable else ""))
    echo(summary, err=as_json)
    return 1 if found or unreadable else 0


def _count(issues: list[Issue]) -> str:
    found = len(errors(issues))
    hints = len(issues) - found
    text = f"发现 {found} 处问题" if found else "未发现问题"
    return text + (f"，另有 {hints} 处提示" if hints else "")


def _fix(path: Path, outdir: Path, style: Path | None, echo: Callable[..., None], quiet: bool) -> int:
    from .fix import fix

    try:
        fixed = fix(path, outdir, style)
    except InputError as exc:
        for finding in exc.findings:
            echo(str(finding), err=True)
        return 1
    err = quiet  # with --json, stdout holds only the JSON
    for change in fixed.changes:
        echo(f"  已改：{change}", err=err)
    echo(f"已写出 {fixed.output}（按 GB/T 9704 重新排版，改正标点 {len(fixed.changes)} 处）", err=err)
    if fixed.remaining:
        echo("以下问题需要手工修改：", err=err)
        for issue in fixed.remaining:
            echo(f"  {issue.finding(str(fixed.output))}", err=err)
    return 0
