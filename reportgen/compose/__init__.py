"""Report → Document through a sandboxed template pack, with the evidence of every sentence.

Four modules, one job each: ``sandbox`` (the bounded Jinja environment and rendering), ``pack``
(template folders, manifest and phrase file), ``facts`` (the read-only, provenance-carrying data
templates see), ``markup`` (the text markup → blocks and sentences) and ``report`` (the composition).
"""

from .markup import parse_markup, to_blocks
from .pack import Pack, load_pack, templates_root
from .report import Composer, Section, chooser, compose, number_sections, render_templates, theme_order
from .sandbox import TemplateError

__all__ = [
    "Composer", "Pack", "Section", "TemplateError", "chooser", "compose", "load_pack",
    "number_sections", "parse_markup", "render_templates", "templates_root", "theme_order", "to_blocks",
]
