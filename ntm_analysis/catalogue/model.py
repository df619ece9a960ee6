"""The criteria catalogue: tiers, criteria, indicators, shared measures and thresholds as tidy tables.

A catalogue is a versioned YAML data file (``catalogues/<id>.yaml``), validated on load; users can
bring their own. See docs/architecture.md for the table contract and docs/catalogue.md for the
file format. Validation rules live in ``schema.py``, problems and messages in ``problems.py`` and
``messages.py``; the catalogue as people read it (threshold texts, summaries) in ``display.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd
import pandera.errors
import yaml

from ntm_analysis.catalogue.problems import CatalogueError, CatalogueProblem, line_index
from ntm_analysis.catalogue.schema import TABLE_SCHEMAS, check_catalogue
from ntm_analysis.catalogue.groups import group_id
from ntm_analysis.text import name_key

__all__ = ["DEFAULT_CATALOGUE", "Catalogue", "CatalogueError", "CatalogueProblem", "load_catalogue",
           "shipped_catalogues", "threshold_table", "threshold_by", "threshold_keys", "default_key", "key_ids"]

DEFAULT_CATALOGUE = "lang-son-2022-2025"
CATALOGUE_DIR = Path(__file__).parent / "catalogues"

TIER_COLUMNS = ["tier", "name_vi", "name_en", "short_vi", "short_en", "unit_level", "requires", "report", "order"]
#: Administrative levels from the top; a map of one level may colour the units of a lower one.
LEVELS = ("province", "district", "commune", "village", "hamlet")
MEASURE_COLUMNS = ["measure", "name_vi", "name_en", "kind", "unit", "level", "rollup", "levels"]
CRITERION_COLUMNS = ["tier", "criterion", "name_vi", "name_en", "notes", "source", "confidence"]
INDICATOR_COLUMNS = ["tier", "criterion", "indicator", "measure", "name_vi", "name_en", "comparator", "unit_level",
                     "resource", "source", "confidence", "threshold_status", "notes"]
THRESHOLD_COLUMNS = ["tier", "indicator", "region", "group", "year_from", "year_to", "threshold"]

@dataclass(frozen=True)
class Catalogue:
    """A loaded criteria set. Every table is long/tidy; see docs/architecture.md."""

    meta: dict[str, Any]
    tiers: pd.DataFrame
    measures: pd.DataFrame
    criteria: pd.DataFrame
    indicators: pd.DataFrame
    thresholds: pd.DataFrame
    sources: dict[str, Any] = field(default_factory=dict)

    def measure_ids(self) -> set[str]:
        """Ids accepted in the ``indicator`` column of values.csv."""
        return set(self.measures["measure"])

    def region_ids(self, values: pd.Series) -> pd.Series:
        """Region ids for the ``region`` values users write (see :func:`region_ids`)."""
        return region_ids(self, values)

    def tier_ids(self) -> list[str]:
        """Tier ids in catalogue order."""
        return list(self.tiers.sort_values("order")["tier"])

    def tier_label(self, tier: str, lang: str = "vi", short: bool = False) -> str:
        """The tier's name in ``lang`` (``short``: its short label, e.g. "NTM nâng cao" / "Advanced
        NTM", for summary lines, sheet names and narrow columns); the id itself for an unknown tier."""
        row = self.tiers[self.tiers["tier"].eq(tier)]
        if row.empty:
            return str(tier)
        col = f"short_{lang}" if short and f"short_{lang}" in row else f"name_{lang}"
        return str(row[col].iloc[0])

    def tier_levels(self) -> dict[str, str]:
        """Tier → the level of the units it assesses (``unit_level``)."""
        return dict(zip(self.tiers["tier"].astype(str), self.tiers["unit_level"].astype(str)))

    def report_tiers(self, level: str | None = None) -> list[str]:
        """Tiers the reports show (``report``, default true), in order; only those assessing
        ``level`` units when given."""
        t = self.tiers.sort_values("order")
        t = t[t["report"].astype(bool)] if "report" in t else t
        if level is not None:
            t = t[t["unit_level"].eq(level)]
        return list(t["tier"].astype(str))

    def map_tier(self, level: str) -> str:
        """The tier a map of ``level`` units shows when none is asked for: ``map_tiers`` in the file,
        else the first tier (in order) assessing ``level`` units, else the first assessing a level
        below it (the hamlets of a village map), else the first tier."""
        named = (self.meta.get("map_tiers") or {}).get(level)
        if named:
            return str(named)
        levels = self.tier_levels()
        order = self.tier_ids()
        below = LEVELS[LEVELS.index(level) + 1:] if level in LEVELS else ()
        for wanted in ((level,), below):
            found = [t for t in order if levels.get(t) in wanted]
            if found:
                return found[0]
        return order[0]

    def requires(self) -> dict[str, str]:
        """Tier → the tier it requires (``requires`` in the file); tiers requiring none are absent."""
        req = self.tiers.set_index("tier")["requires"]
        return {str(t): str(r) for t, r in req.items() if pd.notna(r) and str(r).strip()}

    def threshold_table(self, years: Iterable[int] | int | None = None,
                        regions: Iterable[str] | str | None = None) -> pd.DataFrame:
        """Applicable threshold per (tier, indicator, region, year); see ``threshold_table``."""
        return threshold_table(self, years, regions)


# --- loading ---------------------------------------------------------------------------------


def shipped_catalogues() -> list[str]:
    """Ids of the catalogues shipped in ``ntm_analysis/catalogue/catalogues/``."""
    return sorted(p.stem for p in CATALOGUE_DIR.glob("*.yaml"))


def _resolve(ref: str | Path | None) -> Path:
    """Path of a shipped catalogue id or of a user file; CatalogueError when neither exists."""
    ref = DEFAULT_CATALOGUE if ref is None else ref
    path = Path(ref)
    if path.is_file():
        return path
    shipped = CATALOGUE_DIR / f"{ref}.yaml"
    if isinstance(ref, str) and "/" not in ref and "\\" not in ref and shipped.is_file():
        return shipped
    raise CatalogueError([CatalogueProblem(str(ref), "", "not_found",
                                           {"ref": str(ref), "available": ", ".join(shipped_catalogues())})])


def load_catalogue(ref: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue: a shipped id (default ``DEFAULT_CATALOGUE``) or a YAML path.

    Returns a :class:`Catalogue`: ``meta`` (id, name, period, ``threshold_by``, groups, banner) and the
    tables ``tiers``, ``measures``, ``criteria``, ``indicators``, ``thresholds`` (columns
    ``TIER_COLUMNS``, ``MEASURE_COLUMNS``, ``CRITERION_COLUMNS``, ``INDICATOR_COLUMNS``,
    ``THRESHOLD_COLUMNS``; docs/architecture.md, Catalogue contract).
    Raises ``CatalogueError`` listing every problem (file, place inside the file, line, fix)."""
    path = _resolve(ref)
    shown = path.name if path.parent == CATALOGUE_DIR else str(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise CatalogueError([CatalogueProblem(shown, "", "yaml", {"error": str(getattr(exc, "problem", exc))}, line)]) from None
    problems = check_catalogue(data, shown, line_index(text))
    if problems:
        raise CatalogueError(problems)
    return build_catalogue(data, shown, path)


def build_catalogue(data: dict[str, Any], file: str = "", path: Path | None = None) -> Catalogue:
    """Tidy tables of a document that passed ``check_catalogue``; pandera guards the result."""
    lo, hi = int(data["period"]["from"]), int(data["period"]["to"])
    meta = {
        "id": data["id"], "version": str(data["version"]), "name": _names(data["name"]),
        "province": data["province"], "period_from": lo, "period_to": hi,
        "threshold_by": data["threshold_by"], "default_region": data.get("default_region") or "",
        "regions": [{"id": r["id"], "vi": r["vi"], "en": r.get("en") or r["vi"]} for r in data.get("regions") or []],
        "groups": [{"id": str(g["id"]), "vi": g["vi"], "en": g.get("en") or g["vi"],
                    "definition": g.get("definition") or "", "definition_en": g.get("definition_en") or "",
                    "source": g.get("source") or "", "confidence": g.get("confidence") or ""}
                   for g in data.get("groups") or []],
        "default_group": None if data.get("default_group") is None else str(data["default_group"]),
        "banner": _names(data["banner"]) if isinstance(data.get("banner"), dict) else None,
        "notes": _notes(data.get("notes")), "schema_version": data["schema_version"],
        "map_tiers": {str(k): str(v) for k, v in (data.get("map_tiers") or {}).items()},
        "path": str(path) if path else None,
    }
    tiers = pd.DataFrame([{"tier": t["id"], **_name_cols(t), **_short_cols(t), "unit_level": t["unit_level"],
                           "requires": t.get("requires") or "", "report": t.get("report") is not False, "order": i}
                          for i, t in enumerate(data["tiers"])], columns=TIER_COLUMNS)
    measures = pd.DataFrame([{"measure": m["id"], **_name_cols(m), "kind": m["kind"], "unit": m.get("unit") or "",
                              "level": m["level"], "rollup": m["rollup"], "levels": list(m.get("levels") or [])}
                             for m in data["measures"]], columns=MEASURE_COLUMNS)
    levels = dict(zip(measures["measure"], measures["levels"]))
    criteria, indicators, thresholds = [], [], []
    for crit in data["criteria"]:
        criteria.append({"tier": crit["tier"], "criterion": int(crit["criterion"]), **_name_cols(crit),
                         "notes": crit.get("notes") or "", "source": crit.get("source") or "",
                         "confidence": crit.get("confidence") or ""})
        for ind in crit["indicators"]:
            code = str(ind["code"])
            comp = "true" if ind["comparator"] is True else ind["comparator"]
            indicators.append({"tier": crit["tier"], "criterion": int(crit["criterion"]), "indicator": code,
                               "measure": ind["measure"], **_name_cols(ind), "comparator": comp,
                               "unit_level": ind["unit_level"], "resource": ind["resource"], "source": ind["source"],
                               "confidence": ind["confidence"], "threshold_status": ind["threshold_status"],
                               "notes": ind.get("notes") or ""})
            for thr in ind.get("thresholds") or []:
                years = thr.get("years") or [lo, hi]
                thresholds.append({"tier": crit["tier"], "indicator": code, "region": thr.get("region") or "",
                                   "group": "" if thr.get("group") is None else str(thr["group"]),
                                   "year_from": int(years[0]), "year_to": int(years[1]),
                                   "threshold": _value(thr["value"], levels.get(ind["measure"]) or [])})
    tables = {
        "tiers": tiers, "measures": measures,
        "criteria": pd.DataFrame(criteria, columns=CRITERION_COLUMNS),
        "indicators": pd.DataFrame(indicators, columns=INDICATOR_COLUMNS),
        "thresholds": pd.DataFrame(thresholds, columns=THRESHOLD_COLUMNS),
    }
    tables = _typed(tables)
    sources = {s["id"]: {k: v for k, v in s.items() if k != "id"} for s in data["sources"]}
    return Catalogue(meta=meta, sources=sources, **tables)


def _typed(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Contract dtypes (ints as int64, thresholds float64), then the pandera table schemas."""
    for name, cols in {"tiers": ["order"], "criteria": ["criterion"], "indicators": ["criterion"],
                       "thresholds": ["year_from", "year_to"]}.items():
        tables[name] = tables[name].astype({c: "int64" for c in cols})
    tables["thresholds"] = tables["thresholds"].astype({"threshold": "float64"})
    problems = []
    for name, schema in TABLE_SCHEMAS.items():
        try:
            schema.validate(tables[name], lazy=True)
        except (pandera.errors.SchemaErrors, pandera.errors.SchemaError) as exc:
            problems.append(CatalogueProblem("", f"tables.{name}", "table", {"table": name, "error": str(exc)[:500]}))
    if problems:
        raise CatalogueError(problems)
    return tables


def _names(name: dict[str, str]) -> dict[str, str]:
    return {"vi": name["vi"], "en": name.get("en") or name["vi"]}


def _name_cols(obj: dict[str, Any]) -> dict[str, str]:
    n = _names(obj["name"])
    return {"name_vi": n["vi"], "name_en": n["en"]}


def _short_cols(tier: dict[str, Any]) -> dict[str, str]:
    """Short labels of a tier (``short``), each falling back to the tier's name in that language."""
    names = _names(tier["name"])
    short = tier.get("short") or {}
    return {"short_vi": short.get("vi") or names["vi"], "short_en": short.get("en") or names["en"]}


def _notes(notes: Any) -> list[str]:
    if notes is None:
        return []
    return [str(n) for n in notes] if isinstance(notes, list) else [str(notes)]


def _value(value: Any, levels: list[str]) -> float:
    """Threshold as float; a level label becomes its 1-based rank."""
    if isinstance(value, str) and value in levels:
        return float(levels.index(value) + 1)
    return float(value)


# --- thresholds ------------------------------------------------------------------------------


def threshold_by(catalogue: Catalogue) -> str:
    """What the catalogue's thresholds are keyed by: ``"region"`` (2021-2025) or ``"group"`` (commune
    group, 2026-2030); also the name of the units.csv column that gives a unit's key."""
    return str(catalogue.meta.get("threshold_by") or "region")


def threshold_keys(catalogue: Catalogue) -> list[str]:
    """Ids of the catalogue's regions or groups (whichever ``threshold_by`` names)."""
    return [str(k["id"]) for k in catalogue.meta.get(f"{threshold_by(catalogue)}s") or []]


def default_key(catalogue: Catalogue) -> str:
    """The region or group assumed for a unit that has none: ``default_region``, or
    ``default_group`` (empty when the catalogue names none: then a unit without a group is an error)."""
    return str(catalogue.meta.get(f"default_{threshold_by(catalogue)}") or "")


def threshold_table(catalogue: Catalogue, years: Iterable[int] | int | None = None,
                    regions: Iterable[str] | str | None = None) -> pd.DataFrame:
    """The threshold that applies per (``tier``, ``indicator``, key, ``year``), the key being the
    region or the commune group (``threshold_by``; ``regions`` lists region or group ids).

    ``years`` defaults to the catalogue period, ``regions`` to the regions or groups of the catalogue
    (or its default). A row for the key wins over a generic row (empty key); among equals the
    latest ``year_from`` wins. Indicators without a threshold for a (key, year) have no row.
    Columns: ``tier``, ``indicator``, ``region`` or ``group``, ``year``, ``threshold``,
    ``region_specific`` or ``group_specific``."""
    meta = catalogue.meta
    by = threshold_by(catalogue)
    if years is None:
        years = range(meta["period_from"], meta["period_to"] + 1)
    if regions is None:
        regions = threshold_keys(catalogue) or [default_key(catalogue)]
    years = [years] if isinstance(years, (int, np.integer)) else list(years)
    regions = [regions] if isinstance(regions, str) else [str(r) for r in regions]
    keys = pd.DataFrame({"key": pd.Series(regions, dtype="str")}).merge(
        pd.DataFrame({"year": np.asarray(years, dtype="int64")}), how="cross")
    thr = catalogue.thresholds
    thr = thr.assign(t_key=thr[by].astype("str") if by in thr else "")
    cand = thr.merge(keys, how="cross")
    cand = cand[(cand["year_from"] <= cand["year"]) & (cand["year"] <= cand["year_to"])
                & (cand["t_key"].eq("") | cand["t_key"].eq(cand["key"]))]
    cand = cand.assign(specific=cand["t_key"].ne(""))
    cand = cand.sort_values(["specific", "year_from"], ascending=[False, False], kind="stable")
    out = cand.drop_duplicates(["tier", "indicator", "key", "year"])
    order = {t: i for i, t in enumerate(catalogue.tier_ids())}
    out = out.assign(_o=out["tier"].map(order)).sort_values(["_o", "indicator", "key", "year"], kind="stable")
    out = out[["tier", "indicator", "key", "year", "threshold", "specific"]].reset_index(drop=True)
    return out.rename(columns={"key": by, "specific": f"{by}_specific"})


def key_ids(catalogue: Catalogue, values: pd.Series) -> pd.Series:
    """Region or group ids (``threshold_by``) for the values users write in units.csv: the id
    itself, or the region's / group's Vietnamese or English name in any Unicode form, case or tone
    placement ("Trung du và miền núi phía Bắc" → ``trung-du-mien-nui-phia-bac``; "nhóm 1", "Nhóm 1",
    1 → ``"1"``). Values that name no region or group of the catalogue pass unchanged (stripped)."""
    by = threshold_by(catalogue)
    lookup: dict[str, str] = {}
    for item in catalogue.meta.get(f"{by}s") or []:
        kid = str(item.get("id", ""))
        for text in (kid, item.get("vi"), item.get("en")):
            if isinstance(text, str) and text:
                lookup[name_key(text)] = kid
    text = values.astype("string").str.strip()
    if by == "group":
        text = text.map(group_id, na_action="ignore").astype("string")
    if not lookup:
        return text
    found = {v: lookup.get(name_key(v)) for v in text.dropna().unique()}  # a handful of distinct values
    return text.map(found).astype("string").fillna(text)


region_ids = key_ids  # the 2021-2025 name of the same rule
