"""Draft plans end to end: pick the target tier, assemble the content, write one Word file per commune.

``ntm plan`` calls :func:`write_plan` (one unit) or :func:`select_communes` + :func:`write_plans`
(``--all``: every commune under a parent unit, one file each with a safe ASCII name, and an
``index.csv`` listing them). The assessment is computed once by the caller and shared.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_analysis.units import expand, in_year, unit_label
from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.i18n import check_lang, fmt
from ntm_analysis.plan.content import PlanContent, PlanError, build_plan
from ntm_analysis.plan.word import write_docx

MESSAGES: dict[str, tuple[str, str]] = {
    "written": ("Đã ghi dự thảo kế hoạch năm {plan} của {unit}: {path}", "Draft {plan} plan of {unit} written: {path}"),
    "written_all": ("Đã ghi {n} dự thảo kế hoạch năm {plan} vào {folder} (danh sách: {index}).",
                    "{n} draft {plan} plans written to {folder} (list: {index})."),
    "failed": ("✗ {unit}: {error}", "✗ {unit}: {error}"),
    "no_communes": ("Không có xã nào có số liệu năm {year}{under}.", "No commune has values for {year}{under}."),
    "under": (" thuộc {parent}", " under {parent}"),
    "file_prefix": ("ke-hoach", "plan"),
    "no_tier": ("Không có kết quả đánh giá của {unit} năm {year}.", "No assessment of {unit} in {year}."),
}
INDEX_COLUMNS = ["code", "name", "year", "plan_year", "tier", "criteria_met", "criteria_total", "restore",
                 "targets", "file", "error"]


@dataclass(frozen=True)
class PlanFile:
    """One drafted plan (or the error that stopped it): a row of ``index.csv``."""

    code: str
    name: str
    path: Path | None
    content: PlanContent | None = None
    error: str = ""


def plan_content(data: Any, catalogue: Catalogue, assessment: Any, code: str, year: int, tier: str | None = None,
                 count: int | None = None, lang: str = "vi") -> PlanContent:
    """The plan content of unit ``code`` for ``year + 1``; ``tier`` None: the tier the unit's targets
    are for (:func:`~ntm_analysis.assess.targets.default_target_tier`). Raises :class:`PlanError`
    when the unit has no assessment in ``year``."""
    check_lang(lang)
    if tier is None:
        from ntm_analysis.assess.targets import default_target_tier  # noqa: PLC0415

        tier = default_target_tier(assessment, catalogue, code, year)
        if tier is None:
            raise PlanError(*(fmt(MESSAGES, "no_tier", lg, unit=unit_label(data.units, code, year, lg), year=year)
                              for lg in ("vi", "en")), lang=lang)
    meta = dict(data.meta or {})
    if not meta.get("name") and getattr(data, "path", None):  # no dataset.toml: the folder's name
        meta["name"] = Path(str(data.path)).name
    return build_plan(assessment, catalogue, data.units, meta, code, year, tier, count=count, lang=lang)


def write_plan(data: Any, catalogue: Catalogue, assessment: Any, code: str, year: int, out: Path,
               tier: str | None = None, count: int | None = None, lang: str = "vi") -> PlanFile:
    """Draft the plan of ``code`` and write it to ``out`` (.docx, atomically)."""
    content = plan_content(data, catalogue, assessment, code, year, tier, count, lang)
    return PlanFile(code, content.name, write_docx(content, Path(out)), content)


def select_communes(data: Any, year: int, parent: str | None = None) -> list[str]:
    """Codes of the communes valid in ``year`` that have values in ``year``, under unit ``parent``
    (any level above; every commune when None), in the units table's order."""
    units = data.units
    valid = in_year(units, year)
    communes = (list(valid.loc[valid["level"].eq("commune"), "code"]) if parent is None
                else expand(valid, parent, year, level="commune"))
    with_values = set(data.values.loc[data.values["year"].eq(year), "code"])
    return list(dict.fromkeys(c for c in communes if c in with_values))


def file_name(code: str, name: str, plan_year: int, lang: str = "vi") -> str:
    """A safe, unique ASCII file name: ``ke-hoach-2024-06352-tan-lap.docx``."""
    from ntm_analysis.report.jobs import slugify  # noqa: PLC0415

    return f"{fmt(MESSAGES, 'file_prefix', lang)}-{plan_year}-{slugify(code, 'code')}-{slugify(name)}.docx"


def write_plans(data: Any, catalogue: Catalogue, assessment: Any, codes: list[str], year: int, out_dir: Path,
                tier: str | None = None, count: int | None = None, lang: str = "vi") -> tuple[list[PlanFile], Path]:
    """One plan per commune of ``codes`` in ``out_dir`` (:func:`file_name`), then ``index.csv`` (UTF-8
    with BOM for Excel: code, name, tier, criteria met, criteria to restore and targeted, file, error).
    A commune that cannot be drafted is listed with its error; the others are still written."""
    from ntm_analysis.outputs import atomic_write  # noqa: PLC0415

    out_dir = Path(out_dir)
    done: list[PlanFile] = []
    rows = []
    for code in codes:  # one document per commune
        label = unit_label(data.units, code, year, lang)
        try:
            content = plan_content(data, catalogue, assessment, code, year, tier, count, lang)
        except PlanError as exc:
            done.append(PlanFile(code, label, None, None, str(exc)))
            rows.append({"code": code, "name": label, "year": year, "plan_year": year + 1, "error": str(exc)})
            continue
        path = write_docx(content, out_dir / file_name(code, content.name, content.plan_year, lang))
        done.append(PlanFile(code, content.name, path, content))
        met, total = content.facts["criteria"][content.tier]
        rows.append({"code": code, "name": content.name, "year": year, "plan_year": content.plan_year,
                     "tier": content.tier, "criteria_met": met, "criteria_total": total,
                     "restore": ", ".join(map(str, content.facts["restore"])),
                     "targets": ", ".join(map(str, content.facts["targets"])), "file": path.name, "error": ""})
    text = io.StringIO()
    pd.DataFrame(rows, columns=INDEX_COLUMNS).to_csv(text, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    index = atomic_write(out_dir / "index.csv", lambda tmp: tmp.write_text(text.getvalue(), encoding="utf-8-sig"))
    return done, index
