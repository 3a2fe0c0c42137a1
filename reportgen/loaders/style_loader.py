"""A unit's Word style file → the style profile the docx writer and the checker use.

The file is user input, so it is read like the data files (located Chinese messages, size limits)
and merged over the bundled GB/T 9704 profile: a unit writes only the items it wants different.
The writer itself never reads a file; it is handed the finished profile.
"""

from __future__ import annotations

import copy
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, findings_from_validation
from ..writers.style import StyleProfile, default, default_data
from .yaml_loader import load_yaml, overlay


def load(path: Path | None = None) -> StyleProfile:
    """The default profile, or the default with the user's file ``path`` merged over it."""
    if path is None:
        return default()
    override, source = load_yaml(path, what="版式设置文件")
    data = overlay(copy.deepcopy(default_data()), override)
    try:
        return StyleProfile.model_validate(data)
    except ValidationError as exc:
        raise InputError(findings_from_validation(exc, source)) from None
