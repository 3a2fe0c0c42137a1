"""The `reportgen check` command's work: every file checked (and fixed), printed, one exit code.

A file that cannot be read is reported like a finding and the others are still checked, as in
`validate`; the summary line counts both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import InputError
from . import check
from .findings import Issue, as_json as json_text


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
            echo(f"{name}：{'未发现问题' if not issues else f'发现 {len(issues)} 处问题'}")
        if fix and outdir is not None:
            unreadable += _fix(path, outdir, echo, as_json)
    if as_json:
        echo(json_text(results), nl=False)
    found = sum(len(i) for i in results.values())
    summary = f"共检查 {len(files)} 个文件：{found} 处问题" + (f"，{unreadable} 个文件无法处理" if unreadable else "")
    echo(summary, err=as_json)
    return 1 if found or unreadable else 0


def _fix(path: Path, outdir: Path, echo: Callable[..., None], quiet: bool) -> int:
    from .fix import fix

    try:
        fixed = fix(path, outdir)
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
