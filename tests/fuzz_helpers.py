"""Shared helpers for the reliability suites: run the CLI in-process and check the contract.

The contract for any input: exit 0 with valid outputs, or exit 1 with located Chinese messages and
no output file. Never a traceback (exit 3 is an internal bug), never a hang.
"""

from __future__ import annotations

import collections
import os
import re
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from reportgen.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SOAK = os.environ.get("REPORTGEN_SOAK") == "1"

#: Any CJK character: a user-facing message must be Chinese.
CJK = re.compile(r"[\u4e00-\u9fff]")

_runner = CliRunner()

#: Outcomes of every CLI run checked by assert_contract, per command and exit code (for the figures
#: printed at the end of each suite with ``pytest -s``).
TALLY: collections.Counter = collections.Counter()


def run_cli(*args: str):
    """Invoke ``reportgen`` in-process; stdout and stderr are both captured (click ≥ 8.2 splits them)."""
    result = _runner.invoke(app, [str(a) for a in args], catch_exceptions=True)
    return result


def output_text(result) -> str:
    """stdout and stderr as the user sees them (CliRunner's ``output`` interleaves both)."""
    return result.output or ""


def assert_contract(result, *, where: str | None = None) -> str:
    """Exit 0 or 1, no traceback; on exit 1 a Chinese message that names ``where`` (a file) if given."""
    text = output_text(result)
    TALLY[f"exit {result.exit_code}"] += 1
    detail = f"exit={result.exit_code}\n{text[:2000]}\n{result.exception!r}"
    assert result.exit_code in (0, 1), detail
    assert "Traceback" not in text, detail
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(detail)
    if result.exit_code == 1:
        assert CJK.search(text), detail
        if where:
            assert where in text, detail
    return text


def valid_output(path: Path) -> bool:
    """A complete output file: a zip that passes testzip for .docx/.xlsx, UTF-8 text for .md."""
    data = path.read_bytes()
    if path.suffix in (".docx", ".xlsx"):
        try:
            with zipfile.ZipFile(path) as archive:
                return archive.testzip() is None and "[Content_Types].xml" in archive.namelist()
        except (zipfile.BadZipFile, OSError, EOFError):
            return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(text.strip())


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def print_tally(suite: str) -> None:
    total = sum(TALLY.values())
    print(f"\n[{suite}] CLI runs checked: {total}; " + ", ".join(f"{k}: {v}" for k, v in sorted(TALLY.items())))
    TALLY.clear()
