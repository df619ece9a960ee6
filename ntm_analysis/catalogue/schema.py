"""Validation of a criteria catalogue YAML file: every problem at once, each with its place.

``check_catalogue(data, file, lines)`` walks the parsed YAML and returns a list of
``CatalogueProblem`` (file, path inside the file such as ``criteria[3].indicators[1].thresholds``,
line, message and fix in Vietnamese and English). ``catalogue.py`` raises ``CatalogueError`` with
them. Explicit checks give precise places; ``TABLE_SCHEMAS`` (pandera) then guard the built tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

import pandera.pandas as pa
import yaml

from ntm_analysis.i18n import fmt, pick

COMPARATORS = (">=", "<=", "==", "true")
KINDS = ("boolean", "percent", "number", "count", "level")
MEASURE_LEVELS = ("commune", "village", "hamlet")
UNIT_LEVELS = ("province", "district", "commune", "village", "hamlet")
ROLLUPS = ("none", "ratio", "sum", "all", "any", "share_true")
RESOURCES = ("community", "public_investment")
CONFIDENCES = ("high", "medium", "low")
THRESHOLD_STATUSES = ("verified", "plan_stated", "provisional", "unknown")
#: Roll-ups allowed per measure kind (village → commune).
ROLLUP_KINDS = {"ratio": ("percent",), "sum": ("count", "number"), "all": ("boolean",),
                "any": ("boolean",), "share_true": ("boolean",)}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
TEXT = ("chuỗi văn bản", "text")
LIST = ("danh sách", "a list")
MAPPING = ("bảng khóa: giá trị", "a mapping")
INT = ("số nguyên", "an integer")

MESSAGES: dict[str, tuple[str, str]] = {
    "header": ("Bộ tiêu chí {file} không hợp lệ ({n} lỗi):", "Catalogue {file} is invalid ({n} problems):"),
    "fix": ("Cách sửa", "Fix"),
    "line": ("dòng", "line"),
    "yaml": ("Không đọc được YAML: {error}", "Cannot parse the YAML: {error}"),
    "yaml.fix": ("Sửa cú pháp YAML tại dòng đã nêu (thụt lề bằng dấu cách, dấu hai chấm, dấu ngoặc kép).",
                 "Fix the YAML syntax at that line (space indentation, colons, quotes)."),
    "not_found": ("Không tìm thấy bộ tiêu chí '{ref}'.", "Catalogue '{ref}' not found."),
    "not_found.fix": ("Dùng mã một bộ có sẵn ({available}) hoặc đường dẫn tới tệp .yaml.",
                      "Use a shipped catalogue id ({available}) or a path to a .yaml file."),
    "missing": ("Thiếu khóa bắt buộc '{field}'.", "Required key '{field}' is missing."),
    "missing.fix": ("Thêm '{field}: ...' (xem docs/catalogue.md).", "Add '{field}: ...' (see docs/catalogue.md)."),
    "type": ("'{field}' phải là {expected}; đang là {value}.", "'{field}' must be {expected}; got {value}."),
    "type.fix": ("Ghi '{field}' dưới dạng {expected} (xem docs/catalogue.md).",
                 "Write '{field}' as {expected} (see docs/catalogue.md)."),
    "enum": ("Giá trị {value} không hợp lệ cho '{field}'.", "Value {value} is not allowed for '{field}'."),
    "enum.fix": ("Dùng một trong: {allowed}.", "Use one of: {allowed}."),
    "duplicate": ("Trùng {what} {value} (đã khai báo tại {first}).", "Duplicate {what} {value} (already at {first})."),
    "duplicate.fix": ("Mỗi {what} chỉ khai báo một lần: đổi mã hoặc xóa bản trùng.",
                      "Declare each {what} once: rename or remove the duplicate."),
    "ref": ("'{field}' trỏ tới {value} nhưng không có trong '{where}'.", "'{field}' refers to {value}, which is not in '{where}'."),
    "ref.fix": ("Khai báo {value} trong '{where}' hoặc dùng một mã có sẵn: {allowed}.",
                "Declare {value} under '{where}' or use an existing id: {allowed}."),
    "id": ("Mã {value} không hợp lệ.", "Id {value} is not valid."),
    "id.fix": ("Mã chỉ gồm chữ thường không dấu, số và '_' , bắt đầu bằng chữ (ví dụ income_per_capita).",
               "Use lowercase ASCII letters, digits and '_', starting with a letter (e.g. income_per_capita)."),
    "empty": ("'{field}' phải có ít nhất một phần tử.", "'{field}' must have at least one entry."),
    "empty.fix": ("Thêm ít nhất một phần tử vào '{field}'.", "Add at least one entry to '{field}'."),
    "code": ("Mã chỉ tiêu {value} phải là chuỗi.", "Indicator code {value} must be a string."),
    "code.fix": ('Đặt mã trong dấu ngoặc kép, ví dụ code: "17.10" (không có ngoặc, YAML đọc 17.10 thành số 17.1).',
                 'Quote the code, e.g. code: "17.10" (unquoted, YAML reads 17.10 as the number 17.1).'),
    "number": ("Ngưỡng {value} không phải là số.", "Threshold {value} is not a number."),
    "number.fix": ("Ghi ngưỡng bằng số, dấu chấm thập phân, không kèm đơn vị hay '%' (ví dụ 70 hoặc 39.6).",
                   "Write the threshold as a plain number with a decimal point, no unit or '%' (e.g. 70 or 39.6)."),
    "level_value": ("Ngưỡng {value} không phải là một mức của '{measure}'.", "Threshold {value} is not a level of '{measure}'."),
    "level_value.fix": ("Dùng một mức trong {levels} hoặc thứ hạng 1..{n}.", "Use one of the levels {levels} or a rank 1..{n}."),
    "years": ("Khoảng năm {value} không hợp lệ.", "Year range {value} is not valid."),
    "years.fix": ("Ghi years: [năm đầu, năm cuối], năm đầu ≤ năm cuối, trong giai đoạn {lo}-{hi}.",
                  "Write years: [first, last] with first ≤ last, inside the period {lo}-{hi}."),
    "period": ("Giai đoạn {value} không hợp lệ.", "Period {value} is not valid."),
    "period.fix": ("Ghi period: {{from: 2021, to: 2025}} với from ≤ to.", "Write period: {{from: 2021, to: 2025}} with from ≤ to."),
    "overlap": ("Hai ngưỡng cho cùng vùng {region} chồng lên nhau trong các năm {years}.",
                "Two thresholds for the same region {region} overlap in years {years}."),
    "overlap.fix": ("Mỗi (vùng, năm) chỉ có một ngưỡng: tách khoảng năm hoặc xóa một dòng.",
                    "Give one threshold per (region, year): split the year ranges or remove a row."),
    "levels": ("Chỉ tiêu đo '{measure}' kiểu level phải có danh sách 'levels' (không trùng).",
               "Measure '{measure}' of kind level needs a 'levels' list (no duplicates)."),
    "levels.fix": ("Thêm levels: [mức thấp nhất, ..., mức cao nhất].", "Add levels: [lowest, ..., highest]."),
    "rollup_kind": ("Cách cộng dồn '{rollup}' không dùng được cho loại '{kind}'.", "Roll-up '{rollup}' does not fit kind '{kind}'."),
    "rollup_kind.fix": ("Với '{rollup}' dùng loại: {allowed}; hoặc đặt rollup: none.", "For '{rollup}' use kind: {allowed}; or set rollup: none."),
    "rollup_level": ("Chỉ tiêu đo nhập ở cấp xã không cộng dồn từ thôn (rollup '{rollup}').",
                     "A measure entered at commune level is not rolled up from villages (rollup '{rollup}')."),
    "rollup_level.fix": ("Đặt rollup: none, hoặc level: village nếu số liệu nhập theo thôn.",
                         "Set rollup: none, or level: village if values are entered per village."),
    "true_kind": ("So sánh 'true' (đạt/không đạt) cần chỉ tiêu đo kiểu boolean; '{measure}' là '{kind}'.",
                  "Comparator 'true' (pass/fail) needs a boolean measure; '{measure}' is '{kind}'."),
    "true_kind.fix": ("Dùng so sánh >=, <= hoặc == với ngưỡng, hoặc một chỉ tiêu đo boolean.",
                      "Use >=, <= or == with a threshold, or a boolean measure."),
    "bool_numeric": ("So sánh '{comparator}' trên chỉ tiêu đo boolean '{measure}' chỉ dùng được khi rollup là share_true.",
                     "Comparator '{comparator}' on boolean measure '{measure}' needs rollup share_true."),
    "bool_numeric.fix": ("Dùng comparator: \"true\", hoặc đặt rollup: share_true cho chỉ tiêu đo cấp thôn.",
                         "Use comparator: \"true\", or rollup: share_true for a village-level measure."),
    "true_thresholds": ("Chỉ tiêu đạt/không đạt (comparator 'true') không có ngưỡng số.",
                        "A pass/fail indicator (comparator 'true') has no numeric thresholds."),
    "true_thresholds.fix": ("Xóa 'thresholds' hoặc đổi comparator.", "Remove 'thresholds' or change the comparator."),
    "no_threshold": ("Chỉ tiêu so sánh '{comparator}' nhưng không có ngưỡng.", "Indicator uses '{comparator}' but has no threshold."),
    "no_threshold.fix": ("Thêm thresholds: [{{value: ...}}] hoặc ghi threshold_status: unknown.",
                         "Add thresholds: [{{value: ...}}] or set threshold_status: unknown."),
    "cycle": ("Hạng '{value}' yêu cầu lẫn nhau theo vòng tròn.", "Tier '{value}' is part of a 'requires' cycle."),
    "cycle.fix": ("Sửa 'requires' để không có vòng.", "Fix 'requires' so that there is no cycle."),
    "schema_version": ("schema_version {value} không được hỗ trợ.", "schema_version {value} is not supported."),
    "schema_version.fix": ("Dùng schema_version: 1.", "Use schema_version: 1."),
    "table": ("Bảng {table} sai lược đồ: {error}", "Table {table} breaks the schema: {error}"),
    "table.fix": ("Báo lỗi cho nhóm phát triển kèm tệp bộ tiêu chí.", "Report this to the developers with the catalogue file."),
}


@dataclass(frozen=True)
class CatalogueProblem:
    """One problem of a catalogue file: where it is, what is wrong, how to fix it."""

    file: str
    location: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    line: int | None = None

    def _params(self, lang: str) -> dict[str, Any]:
        return {k: pick(v, lang) if isinstance(v, tuple) else v for k, v in self.params.items()}

    def message(self, lang: str = "vi") -> str:
        return fmt(MESSAGES, self.key, lang, **self._params(lang))

    def fix(self, lang: str = "vi") -> str:
        return fmt(MESSAGES, self.key + ".fix", lang, **self._params(lang))

    def render(self, lang: str = "vi") -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        loc = f" {self.location}" if self.location else ""
        return f"- {where}{loc}: {self.message(lang)} {fmt(MESSAGES, 'fix', lang)}: {self.fix(lang)}"


class CatalogueError(Exception):
    """An invalid or missing catalogue; ``problems`` lists every problem found."""

    def __init__(self, problems: list[CatalogueProblem]):
        self.problems = problems
        super().__init__(self.render("en"))

    def render(self, lang: str = "vi") -> str:
        file = self.problems[0].file if self.problems else "?"
        lines = [fmt(MESSAGES, "header", lang, file=file, n=len(self.problems))]
        return "\n".join(lines + [p.render(lang) for p in self.problems])


def path_text(path: Iterable[str | int]) -> str:
    """``("criteria", 3, "indicators")`` → ``criteria[3].indicators``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_index(text: str) -> dict[str, int]:
    """1-based line of every node of the YAML document, keyed by ``path_text``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        lines[path_text(path)] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(v, path + (str(k.value),))
                lines[path_text(path + (str(k.value),))] = k.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    if root is not None:
        walk(root, ())
    return lines


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
                self.add(path + (key, i), "type", field=f"{field}[{i}]", expected=MAPPING, value=repr(item))
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
    c.enum(data, "threshold_by", (), ("region",))
    regions: dict[str, str] = {}
    for path, reg in c.items(data, "regions") if "regions" in data else []:
        rid = c.get(reg, "id", path, str, TEXT)
        c.get(reg, "vi", path, str, TEXT)
        if rid is not None:
            c.unique_id(path + ("id",), rid, regions, ("vùng", "region"))
    default_region = c.get(data, "default_region", (), str, TEXT)
    if default_region is not None and regions and default_region not in regions:
        c.add(("default_region",), "ref", field="default_region", value=repr(default_region), where="regions",
              allowed=", ".join(regions))
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
        for ipath, ind in c.items(crit, "indicators", path):
            _check_indicator(c, ind, ipath, tier, measures, sources, regions, (lo, hi), seen_code)
    return c.problems


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
                     regions: dict, period: tuple[int, int], seen_code: dict) -> None:
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
        region = thr.get("region")
        if region is not None and regions and region not in regions:
            c.add(tpath + ("region",), "ref", field="region", value=repr(region), where="regions", allowed=", ".join(regions))
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
        "tier": pa.Column(str), "indicator": pa.Column(str), "region": pa.Column(str),
        "year_from": pa.Column(int), "year_to": pa.Column(int), "threshold": pa.Column(float)},
        checks=pa.Check(lambda d: d["year_from"] <= d["year_to"])),
}
