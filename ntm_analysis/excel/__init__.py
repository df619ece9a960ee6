"""The Excel stage: entry template, import with preview, summary annex.

Explicit re-exports of the public functions (no lazy facade)."""
from ntm_analysis.excel.annex import export_annex
from ntm_analysis.excel.common import ExcelError, neutralise, unneutralise
from ntm_analysis.excel.reading import read_template
from ntm_analysis.excel.importer import (
    ImportPlan,
    ImportRefused,
    apply_import,
    backup_path,
    plan_import,
    render_preview,
)
from ntm_analysis.excel.template import build_template

__all__ = [
    "ExcelError", "ImportPlan", "ImportRefused", "apply_import", "backup_path",
    "build_template", "export_annex", "neutralise", "plan_import", "read_template", "render_preview", "unneutralise",
]
