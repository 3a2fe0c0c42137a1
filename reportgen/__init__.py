"""reportgen: a unit's facts → a 创建文明城市 工作总结 (.docx, GB/T 9704) and its indicator workbook.

Library use::

    from reportgen import build, load_report, compose
    report, warnings = load_report(Path("unit.yaml"))
    document = compose(report)
    build(Path("unit.yaml"), Path("out"))
"""

from __future__ import annotations

from .version import __version__

__all__ = ["build", "build_document", "compose", "load_report", "__version__"]


def __getattr__(name: str):  # noqa: ANN202 — lazy, so the CLI's --help does not import pydantic
    if name in ("build", "build_document"):
        from . import pipeline as module

        return getattr(module, name)
    if name == "compose":
        from .compose import compose

        return compose
    if name == "load_report":
        from .loaders import load_report

        return load_report
    raise AttributeError(name)
