"""Validation of a criteria catalogue YAML file: every problem at once, each with its place.

``check_catalogue(data, file, lines)`` walks the parsed YAML and returns a list of
``CatalogueProblem`` (file, path inside the file such as ``criteria[3].indicators[1].thresholds``,
line, message and fix in Vietnamese and English; ``problems.py``). ``model.load_catalogue`` raises
``CatalogueError`` with them. Explicit checks give precise places; ``TABLE_SCHEMAS`` (pandera) then
guard the built tables.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import pandera.pandas as pa

from ntm_analysis.catalogue.problems import CatalogueProblem, path_text

COMPARATORS = (">=", "<=", "==", "true")
KINDS = ("boolean", "percent", "number", "count", "level")
MEASURE_LEVELS = ("commune", "village", "hamlet")
UNIT_LEVELS = ("province", "district", "commune", "village", "hamlet")
ROLLUPS = ("none", "ratio", "sum", "all", "any", "share_true")
RESOURCES = ("community", "public_investment")
CONFIDENCES = ("high", "medium", "low")
THRESHOLD_STATUSES = ("verified", "plan_stated", "provisional", "unknown")
#: What a threshold row is keyed by: the unit's region (2021-2025) or its commune group (2026-2030).
THRESHOLD_BY = ("region", "group")
#: Roll-ups allowed per measure kind (village → commune).
ROLLUP_KINDS = {"ratio": ("percent",), "sum": ("count", "number"), "all": ("boolean",),
                "any": ("boolean",), "share_true": ("boolean",)}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
TEXT = ("chuỗi văn bản", "text")
LIST = ("danh sách", "a list")
MAPPING = ("bảng khóa: giá trị", "a mapping")
INT = ("số nguyên", "an integer")



class _Checker:
    """Collects problems while walking the document."""

    def __init__(self, file: str, lines: dict[str, int]):
        self.file, self.lines, self.problems = file, lines, []

    def add(self, path: tuple, msg: str, **params: Any) -> None:
        loc = path_text(path)
        line = None
        for cut in range(len(path), -1, -1):  # nearest known ancestor (a missing key has no line)
            line = self.lines.get(path_text(path[:cut]))
            if line:
                break
        self.problems.append(CatalogueProblem(self.file, loc, msg, params, line))

    def get(self, obj: dict, key: str, path: tuple, types: tuple | type | None = None, expected: str = "",
            required: bool = True) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                self.add(path + (key,), "missing", field=key)
            return None
        value = obj[key]
        if types is not None and (not isinstance(value, types) or isinstance(value, bool) and bool not in _tuple(types)):
            self.add(path + (key,), "type", field=key, expected=expected, value=repr(value))
            return None
        return value

    def enum(self, obj: dict, key: str, path: tuple, allowed: Iterable[str], required: bool = True) -> str | None:
        value = self.get(obj, key, path, required=required)
        if value is None:
            return None
        if str(value) not in allowed:
            self.add(path + (key,), "enum", field=key, value=repr(value), allowed=", ".join(allowed))
            return None
        return str(value)

    def name(self, obj: dict, path: tuple) -> None:
        nm = self.get(obj, "name", path, dict, "{vi: ..., en: ...}")
        if nm is not None and not isinstance(nm.get("vi"), str):
            self.add(path + ("name", "vi"), "missing", field="vi")

    def items(self, data: dict, key: str, path: tuple = ()) -> list[tuple[tuple, dict]]:
        seq = self.get(data, key, path, list, LIST)
        if seq is None:
            return []
        if not seq:
            self.add(path + (key,), "empty", field=key)
        out = []
        for i, item in enumerate(seq):
            if isinstance(item, dict):
                out.append((path + (key, i), item))
            else:
                self.add(path + (key, i), "type", field=f"{key}[{i}]", expected=MAPPING, value=repr(item))
        return out

    def unique_id(self, path: tuple, value: Any, seen: dict, what: str) -> None:
        if value in seen:
            shown = " ".join(map(str, value)) if isinstance(value, tuple) else value
            self.add(path, "duplicate", what=what, value=repr(shown), first=seen[value])
        else:
            seen[value] = path_text(path)


def _tuple(types: tuple | type) -> tuple:
    return types if isinstance(types, tuple) else (types,)


def check_catalogue(data: Any, file: str, lines: dict[str, int] | None = None) -> list[CatalogueProblem]:
    """Every structural problem of a parsed catalogue document (empty list when valid)."""
    c = _Checker(file, lines or {})
    if not isinstance(data, dict):
        c.add((), "type", field="(document)", expected=MAPPING, value=type(data).__name__)
        return c.problems
    sv = c.get(data, "schema_version", (), int, "1")
    if sv is not None and sv != 1:
        c.add(("schema_version",), "schema_version", value=sv)
    c.get(data, "id", (), str, TEXT)
    c.get(data, "version", (), (str, int, float), TEXT)
    c.name(data, ())
    c.get(data, "province", (), str, TEXT)
    lo, hi = _period(c, data)
    by = c.enum(data, "threshold_by", (), THRESHOLD_BY) or "region"
    regions: dict[str, str] = {}
    for path, reg in c.items(data, "regions") if "regions" in data else []:
        rid = c.get(reg, "id", path, str, TEXT)
        c.get(reg, "vi", path, str, TEXT)
        if rid is not None:
            c.unique_id(path + ("id",), rid, regions, ("vùng", "region"))
    default_region = c.get(data, "default_region", (), str, TEXT, required=by == "region")
    if default_region is not None and regions and default_region not in regions:
        c.add(("default_region",), "ref", field="default_region", value=repr(default_region), where="regions",
              allowed=", ".join(regions))
    groups = _check_groups(c, data, by)
    banner = c.get(data, "banner", (), dict, "{vi: ..., en: ...}", required=False)
    if banner is not None and not isinstance(banner.get("vi"), str):
        c.add(("banner", "vi"), "missing", field="vi")
    keys = groups if by == "group" else regions
    sources: dict[str, str] = {}
    for path, src in c.items(data, "sources"):
        sid = c.get(src, "id", path, str, TEXT)
        c.get(src, "title", path, str, TEXT)
        if sid is not None:
            c.unique_id(path + ("id",), sid, sources, ("nguồn", "source"))
    tiers = _check_tiers(c, data)
    measures = _check_measures(c, data)
    seen_crit: dict = {}
    seen_code: dict = {}
    for path, crit in c.items(data, "criteria"):
        tier = c.get(crit, "tier", path, str, TEXT)
        if tier is not None and tier not in tiers:
            c.add(path + ("tier",), "ref", field="tier", value=repr(tier), where="tiers", allowed=", ".join(tiers))
        num = c.get(crit, "criterion", path, int, INT)
        if tier is not None and num is not None:
            c.unique_id(path + ("criterion",), (tier, num), seen_crit, ("tiêu chí", "criterion"))
        c.name(crit, path)
        csrc = c.get(crit, "source", path, str, TEXT, required=False)
        if csrc is not None and csrc not in sources:
            c.add(path + ("source",), "ref", field="source", value=repr(csrc), where="sources", allowed=", ".join(sources))
        c.enum(crit, "confidence", path, CONFIDENCES, required=False)
        for ipath, ind in c.items(crit, "indicators", path):
            _check_indicator(c, ind, ipath, tier, measures, sources, (by, keys), (lo, hi), seen_code)
    return c.problems


def _check_groups(c: _Checker, data: dict, by: str) -> dict[str, str]:
    """``groups`` (required with ``threshold_by: group``) and ``default_group`` (optional)."""
    groups: dict[str, str] = {}
    if "groups" not in data:
        if by == "group":
            c.add(("groups",), "groups_needed")
        return groups
    for path, grp in c.items(data, "groups"):
        gid = c.get(grp, "id", path, (str, int), TEXT)
        c.get(grp, "vi", path, str, TEXT)
        c.get(grp, "definition", path, str, TEXT, required=False)
        if gid is not None:
            c.unique_id(path + ("id",), str(gid), groups, ("nhóm xã", "commune group"))
    default = c.get(data, "default_group", (), (str, int), TEXT, required=False)
    if default is not None and groups and str(default) not in groups:
        c.add(("default_group",), "ref", field="default_group", value=repr(default), where="groups",
              allowed=", ".join(groups))
    return groups


def _period(c: _Checker, data: dict) -> tuple[int, int]:
    per = c.get(data, "period", (), dict, "{from: 2021, to: 2025}")
    if per is None:
        return 0, 9999
    lo, hi = per.get("from"), per.get("to")
    if not (isinstance(lo, int) and isinstance(hi, int)) or isinstance(lo, bool) or lo > hi:
        c.add(("period",), "period", value=repr(per))
        return 0, 9999
    return lo, hi


def _check_tiers(c: _Checker, data: dict) -> dict[str, str | None]:
    tiers: dict[str, str | None] = {}
    seen: dict = {}
    paths: dict[str, tuple] = {}
    for path, tier in c.items(data, "tiers"):
        tid = c.get(tier, "id", path, str, TEXT)
        c.name(tier, path)
        c.enum(tier, "unit_level", path, UNIT_LEVELS)
        req = c.get(tier, "requires", path, str, TEXT, required=False)
        short = c.get(tier, "short", path, dict, "{vi: ..., en: ...}", required=False)
        if short is not None and not isinstance(short.get("vi"), str):
            c.add(path + ("short", "vi"), "missing", field="vi")
        c.get(tier, "report", path, bool, "true / false", required=False)
        if tid is not None:
            c.unique_id(path + ("id",), tid, seen, ("hạng", "tier"))
            tiers[tid], paths[tid] = req, path
    for tid, req in tiers.items():
        if req is not None and req not in tiers:
            c.add(paths[tid] + ("requires",), "ref", field="requires", value=repr(req), where="tiers", allowed=", ".join(tiers))
    for tid in tiers:  # requires chains must end
        cur, steps = tid, 0
        while cur is not None and cur in tiers and steps <= len(tiers):
            cur, steps = tiers[cur], steps + 1
        if steps > len(tiers):
            c.add(paths[tid] + ("requires",), "cycle", value=tid)
    maps = c.get(data, "map_tiers", (), dict, "{commune: <tier id>, village: <tier id>}", required=False)
    for level, tid in (maps or {}).items():
        if str(level) not in UNIT_LEVELS:
            c.add(("map_tiers", str(level)), "enum", field="map_tiers", value=repr(level), allowed=", ".join(UNIT_LEVELS))
        elif tid not in tiers:
            c.add(("map_tiers", str(level)), "ref", field=f"map_tiers.{level}", value=repr(tid), where="tiers",
                  allowed=", ".join(tiers))
    return tiers


def _check_measures(c: _Checker, data: dict) -> dict[str, dict]:
    measures: dict[str, dict] = {}
    seen: dict = {}
    for path, m in c.items(data, "measures"):
        mid = c.get(m, "id", path, str, TEXT)
        if mid is not None and not ID_PATTERN.match(mid):
            c.add(path + ("id",), "id", value=repr(mid))
        c.name(m, path)
        kind = c.enum(m, "kind", path, KINDS)
        level = c.enum(m, "level", path, MEASURE_LEVELS)
        rollup = c.enum(m, "rollup", path, ROLLUPS)
        c.get(m, "unit", path, str, TEXT, required=False)
        if kind == "level":
            lv = m.get("levels")
            if not (isinstance(lv, list) and lv and all(isinstance(x, str) for x in lv) and len(set(lv)) == len(lv)):
                c.add(path + ("levels",), "levels", measure=mid)
        if rollup and rollup != "none":
            if kind and kind not in ROLLUP_KINDS[rollup]:
                c.add(path + ("rollup",), "rollup_kind", rollup=rollup, kind=kind, allowed=", ".join(ROLLUP_KINDS[rollup]))
            if level == "commune":
                c.add(path + ("rollup",), "rollup_level", rollup=rollup)
        if mid is not None:
            c.unique_id(path + ("id",), mid, seen, ("chỉ tiêu đo", "measure"))
            measures[mid] = {"kind": kind, "rollup": rollup, "levels": m.get("levels") or []}
    return measures


def _check_indicator(c: _Checker, ind: dict, path: tuple, tier: str | None, measures: dict, sources: dict,
                     keyed: tuple[str, dict], period: tuple[int, int], seen_code: dict) -> None:
    code = ind.get("code")
    if code is None:
        c.add(path + ("code",), "missing", field="code")
    elif isinstance(code, bool) or not isinstance(code, (str, int)):
        c.add(path + ("code",), "code", value=repr(code))
    elif tier is not None:
        c.unique_id(path + ("code",), (tier, str(code)), seen_code, ("mã chỉ tiêu", "indicator code"))
    mid = c.get(ind, "measure", path, str, TEXT)
    meas = measures.get(mid) if mid is not None else None
    if mid is not None and meas is None:
        c.add(path + ("measure",), "ref", field="measure", value=repr(mid), where="measures",
              allowed=_few(measures))
    c.name(ind, path)
    comp = ind.get("comparator")
    comp = "true" if comp is True else comp
    if comp is None:
        c.add(path + ("comparator",), "missing", field="comparator")
    elif comp not in COMPARATORS:
        c.add(path + ("comparator",), "enum", field="comparator", value=repr(comp), allowed=", ".join(COMPARATORS))
        comp = None
    c.enum(ind, "unit_level", path, UNIT_LEVELS)
    c.enum(ind, "resource", path, RESOURCES)
    src = c.get(ind, "source", path, str, TEXT)
    if src is not None and src not in sources:
        c.add(path + ("source",), "ref", field="source", value=repr(src), where="sources", allowed=", ".join(sources))
    c.enum(ind, "confidence", path, CONFIDENCES)
    status = c.enum(ind, "threshold_status", path, THRESHOLD_STATUSES)
    c.get(ind, "notes", path, str, TEXT, required=False)
    thresholds = ind.get("thresholds") or []
    if not isinstance(thresholds, list):
        c.add(path + ("thresholds",), "type", field="thresholds", expected=LIST, value=repr(thresholds))
        return
    if meas and comp:
        if comp == "true" and meas["kind"] and meas["kind"] != "boolean":
            c.add(path + ("comparator",), "true_kind", measure=mid, kind=meas["kind"])
        if comp != "true" and meas["kind"] == "boolean" and meas["rollup"] != "share_true":
            c.add(path + ("comparator",), "bool_numeric", comparator=comp, measure=mid)
    if comp == "true" and thresholds:
        c.add(path + ("thresholds",), "true_thresholds")
    if comp in (">=", "<=", "==") and not thresholds and status not in (None, "unknown"):
        c.add(path + ("thresholds",), "no_threshold", comparator=comp)
    spans: list[tuple[str, int, int, int]] = []
    for j, thr in enumerate(thresholds):
        tpath = path + ("thresholds", j)
        if not isinstance(thr, dict):
            c.add(tpath, "type", field=f"thresholds[{j}]", expected=("{value: ...}", "{value: ...}"), value=repr(thr))
            continue
        _check_value(c, thr, tpath, meas, mid)
        by, keys = keyed
        other = "group" if by == "region" else "region"
        if thr.get(other) is not None:
            c.add(tpath + (other,), "wrong_key", given=other, by=by)
        region = thr.get(by)
        region = None if region is None else str(region)
        if region is not None and keys and region not in keys:
            c.add(tpath + (by,), "ref", field=by, value=repr(region), where=f"{by}s", allowed=", ".join(keys))
        lo, hi = period
        years = thr.get("years")
        if years is not None:
            ok = (isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) and not isinstance(y, bool) for y in years)
                  and years[0] <= years[1] and lo <= years[0] and years[1] <= hi)
            if not ok:
                c.add(tpath + ("years",), "years", value=repr(years), lo=lo, hi=hi)
                continue
            lo, hi = years
        for other_region, olo, ohi, k in spans:
            if other_region == (region or "") and lo <= ohi and olo <= hi:
                c.add(tpath, "overlap", region=repr(region or "*"), years=f"{max(lo, olo)}-{min(hi, ohi)}")
        spans.append((region or "", lo, hi, j))


def _check_value(c: _Checker, thr: dict, tpath: tuple, meas: dict | None, mid: str | None) -> None:
    if "value" not in thr or thr["value"] is None:
        c.add(tpath + ("value",), "missing", field="value")
        return
    value = thr["value"]
    if meas and meas["kind"] == "level":
        levels = meas["levels"]
        ok = (isinstance(value, str) and value in levels) or (
            isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= len(levels))
        if not ok:
            c.add(tpath + ("value",), "level_value", value=repr(value), measure=mid, levels=levels, n=len(levels))
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        c.add(tpath + ("value",), "number", value=repr(value))


def _few(ids: Iterable[str], n: int = 12) -> str:
    ids = sorted(ids)
    return ", ".join(ids[:n]) + (", ..." if len(ids) > n else "")


def _enum(values: tuple[str, ...]) -> pa.Check:
    return pa.Check.isin(list(values))


#: Guards on the built tables (the explicit checks above should already have caught everything).
TABLE_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "tiers": pa.DataFrameSchema({"tier": pa.Column(str, unique=True), "unit_level": pa.Column(str, _enum(UNIT_LEVELS)),
                                 "order": pa.Column(int)}),
    "measures": pa.DataFrameSchema({
        "measure": pa.Column(str, pa.Check.str_matches(ID_PATTERN.pattern), unique=True),
        "kind": pa.Column(str, _enum(KINDS)), "level": pa.Column(str, _enum(MEASURE_LEVELS)),
        "rollup": pa.Column(str, _enum(ROLLUPS))}),
    "criteria": pa.DataFrameSchema({"tier": pa.Column(str), "criterion": pa.Column(int)},
                                   unique=["tier", "criterion"]),
    "indicators": pa.DataFrameSchema({
        "tier": pa.Column(str), "indicator": pa.Column(str), "measure": pa.Column(str),
        "comparator": pa.Column(str, _enum(COMPARATORS)), "unit_level": pa.Column(str, _enum(UNIT_LEVELS)),
        "resource": pa.Column(str, _enum(RESOURCES)), "confidence": pa.Column(str, _enum(CONFIDENCES)),
        "threshold_status": pa.Column(str, _enum(THRESHOLD_STATUSES))}, unique=["tier", "indicator"]),
    "thresholds": pa.DataFrameSchema({
        "tier": pa.Column(str), "indicator": pa.Column(str), "region": pa.Column(str), "group": pa.Column(str),
        "year_from": pa.Column(int), "year_to": pa.Column(int), "threshold": pa.Column(float)},
        checks=pa.Check(lambda d: d["year_from"] <= d["year_to"])),
}
