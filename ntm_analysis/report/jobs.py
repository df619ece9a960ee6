"""Report jobs and their results: which notebooks exist, what one report is (notebook, unit, year,
parameters, folder) and what happened to it. Shared by the batch runner, the index and the CLI."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ntm_analysis.report.kernel import notebook_dir

NOTEBOOK_DIR = notebook_dir()  # packaged notebooks in an installed wheel, else the checkout's notebooks/

#: Notebooks that make one report per commune-level unit, and those that make one per parent unit
#: (a province, or a district for the years before 1/7/2025).
UNIT_NOTEBOOKS = ("commune_report", "village_map", "trends", "commune_plan")
#: Notebooks that also write a file beside their report (parameter ``docx_dir``: the report's folder).
DOCX_NOTEBOOKS = ("commune_plan",)
GROUP_NOTEBOOKS = ("parent_overview",)
ALL_NOTEBOOKS = UNIT_NOTEBOOKS + GROUP_NOTEBOOKS
#: Former notebook names still accepted (``--notebook district_overview``).
NOTEBOOK_ALIASES: dict[str, str] = {"district_overview": "parent_overview"}


def slugify(text: str, fallback: str = "unit") -> str:
    """An ASCII file-name slug: no diacritics, no path separators, no dots-only names."""
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")
    return slug or fallback


@dataclass(frozen=True)
class ReportJob:
    """One notebook to run for one unit (or group of units) and year."""

    notebook: str
    code: str
    name: str
    year: int
    parameters: dict[str, Any]
    out_dir: Path

    @property
    def folder(self) -> Path:
        """``<out>/<year>/<code>-<slug>/``; safe whatever the unit's name contains."""
        return self.out_dir / str(int(self.year)) / f"{slugify(self.code, 'code')}-{slugify(self.name)}"


@dataclass
class ReportResult:
    """What happened to one job: paths written, error text, seconds, a one-line summary."""

    job: ReportJob
    ok: bool
    html: Path | None = None
    notebook: Path | None = None
    error: str = ""
    seconds: float = 0.0
    summary: str = ""
    timings: dict[str, float] = field(default_factory=dict)
