# Over 400 lines on purpose: one job (a filled template → values.csv: plan, preview, backup, write) whose steps share ImportPlan.
"""Import of a filled entry template into a dataset's ``values.csv``: structure checks (marker,
hash, sheets, row and column labels, merged cells), a preview of added / changed / unchanged values,
refusal to overwrite without ``replace``, a timestamped backup and an atomic write.

Import never parses or checks values itself: the entered cells are written, as typed, into a
candidate ``values.csv`` that is loaded with ``load_dataset`` (the same parsing and rules as every
other input) and each problem is traced back to its sheet and cell. Values are then written in
canonical form (``95,5%`` → ``95.5``, ``đạt`` → ``Đạt``); unchanged rows are left as they were.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from ntm_analysis.excel.common import (
    ENTRY_FIELDS,
    KEY,
    MARKER_SHEET,
    VALUE_COLUMNS,
    CellProblem,
    ExcelError,
    number_text,
)
from ntm_analysis.excel.reading import read_template
from ntm_analysis.excel.common import MESSAGES as SHARED
from ntm_analysis.excel.common import cell_problem as _cell_problem
from ntm_analysis.errors import KeyedError
from ntm_analysis.excel.common import group_problems
from ntm_analysis.excel.cells import entry_checks, template_thresholds, unit_checks
from ntm_analysis.i18n import fmt
from ntm_analysis.outputs import atomic_write
from ntm_analysis.units import names_in_year

MESSAGES: dict[str, tuple[str, str]] = {
    "catalogue": ("mẫu lập theo bộ tiêu chí «{value}», bộ dữ liệu dùng «{expected}».",
                  "the template was made for catalogue «{value}», the dataset uses «{expected}»."),
    "dataset_missing": ("không có thư mục bộ dữ liệu «{path}» (--into phải là thư mục chứa units.csv, values.csv).",
                        "there is no dataset folder «{path}» (--into must be a folder holding units.csv, values.csv)."),
    "format_unsupported": ("bộ dữ liệu không lưu giá trị trong values.csv ({detail}); lệnh import chỉ ghi vào values.csv.",
                           "the dataset does not keep its values in values.csv ({detail}); import only writes values.csv."),
    "dataset_invalid": ("Bộ dữ liệu hiện có đang có lỗi; sửa trước (xem «ntm validate») rồi nhập lại.\n{detail}",
                        "The dataset has errors already; fix them first (see «ntm validate»), then import again.\n{detail}"),
    "encoding": ("values.csv không phải UTF-8; lưu lại dạng «CSV UTF-8» rồi nhập lại.", "values.csv is not UTF-8; save it as «CSV UTF-8» and import again."),
    "preview": ("Xem trước: nhập {file} vào {dataset} (đơn vị {unit}, năm {year}).", "Preview: importing {file} into {dataset} (unit {unit}, year {year})."),
    "added": ("  Thêm mới: {n}", "  Added: {n}"),
    "add_line": ("    {name} ({code}) · {indicator}: {new}   [{where}]", "    {name} ({code}) · {indicator}: {new}   [{where}]"),
    "changed": ("  Thay đổi: {n}", "  Changed: {n}"),
    "unchanged": ("  Không đổi: {n}", "  Unchanged: {n}"),
    "change_line": ("    {name} ({code}) · {indicator}: {old} → {new}   [{where}]", "    {name} ({code}) · {indicator}: {old} → {new}   [{where}]"),
    "warnings": ("  Cảnh báo:", "  Warnings:"),
    "refuse": ("Không ghi gì: {n} giá trị khác với giá trị đã có trong bộ dữ liệu (xem danh sách trên). "
               "Chạy lại với --replace để ghi đè (bản sao lưu values.csv.bak-… được giữ lại).",
               "Nothing written: {n} values differ from those already in the dataset (listed above). "
               "Run again with --replace to overwrite (a backup values.csv.bak-… is kept)."),
    "nothing": ("Không có gì thay đổi; không ghi tệp nào.", "Nothing changed; no file written."),
    "written": ("Đã ghi {path} ({n} dòng thêm/sửa).", "Wrote {path} ({n} rows added/changed)."),
    "backup": ("Bản sao lưu: {path}", "Backup: {path}"),
    "source": ("Nhập từ mẫu Excel {file}", "Imported from Excel template {file}"),
    "ratio_rule": ("  Chỉ tiêu tính theo tỷ lệ: cần cả tử số và mẫu số; tỷ lệ (%) được tính lại = 100 × tử số / mẫu số, "
                   "cộng dồn lên xã = 100 × Σ tử số / Σ mẫu số.",
                   "  Ratio indicators: numerator and denominator are both required; the percent is 100 × numerator / "
                   "denominator, rolled up to the commune as 100 × Σ numerators / Σ denominators."),

}


def cell_problem(key: str, sheet: str | None = None, cell: str | None = None, severity: str = "error",
                 **args: Any) -> CellProblem:
    """A CellProblem from this module's message ``key``."""
    return _cell_problem(MESSAGES, key, sheet, cell, severity, **args)


# --- import plan: candidate values.csv, validation through load_dataset, diff ------------------------


@dataclass(frozen=True)
class ImportPlan:
    """The result of comparing a filled template with a dataset, before anything is written.

    ``diff``: one row per entry: ``code``, ``name``, ``year``, ``indicator``, ``change`` (``added``,
    ``changed``, ``unchanged``), ``old``/``new`` (display text; ``old_en``/``new_en`` in English),
    ``sheet``, ``cell``.
    ``new_csv``: the bytes of the values.csv to write; ``warnings``: non-blocking problems."""

    dataset_dir: Path
    values_path: Path
    workbook: Path
    marker: dict[str, Any]
    diff: pd.DataFrame
    new_csv: bytes
    warnings: list[CellProblem] = field(default_factory=list)

    def count(self, change: str) -> int:
        """Number of entries with ``change``."""
        return int((self.diff["change"] == change).sum())


@dataclass(frozen=True)
class CsvStyle:
    """How values.csv is written, kept when it is rewritten: encoding, delimiter, line ending."""

    encoding: str = "utf-8"
    sep: str = ","
    eol: str = "\n"


def _read_values_csv(path: Path) -> tuple[pd.DataFrame, CsvStyle]:
    """values.csv as text columns (empty cells as empty strings) and its style; decoding and
    delimiter detection are the loader's (``readers.decode_text``, ``readers.sniff_delimiter``)."""
    from ntm_analysis.io.readers import decode_text, sniff_delimiter  # noqa: PLC0415

    if not path.exists():
        return pd.DataFrame(columns=VALUE_COLUMNS, dtype="string"), CsvStyle()
    data = path.read_bytes()
    try:
        text = decode_text(data)
    except UnicodeDecodeError:
        raise ExcelError([CellProblem(None, None, fmt(MESSAGES, "encoding", "vi"), fmt(MESSAGES, "encoding", "en"))],
                         path.name) from None
    encoding = ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else
                "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8")
    sep = sniff_delimiter(text)
    style = CsvStyle(encoding, sep, "\r\n" if "\r\n" in text[:10000] else "\n")
    frame = pd.read_csv(io.StringIO(text), sep=sep, dtype="string", keep_default_na=False, na_values=[])
    return frame, style


def _candidate(existing: pd.DataFrame, entries: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.Series]:
    """Existing rows with the entered keys updated in place and new keys appended; also the
    1-based CSV row (header = row 1) of every entry, aligned to ``entries``."""
    cols = list(dict.fromkeys([*existing.columns, *VALUE_COLUMNS]))
    base = existing.reindex(columns=cols, fill_value="").astype("string")
    new = entries.assign(year=entries["year"].astype(str))
    for fld in ENTRY_FIELDS:
        new[fld] = new[fld].astype("string").fillna("")
    key_base = base["code"].str.strip() + "|" + base["year"].str.strip() + "|" + base["indicator"].str.strip()
    key_new = new["code"] + "|" + new["year"] + "|" + new["indicator"]
    first_pos = pd.Series(np.arange(len(base)), index=key_base.to_numpy())
    first_pos = first_pos[~first_pos.index.duplicated()]
    pos = key_new.map(first_pos)
    hit = pos.notna()
    upd = new[hit.to_numpy()]
    idx = pos[hit].astype(int).to_numpy()
    changed_rows = base.iloc[idx].copy()
    for fld in ENTRY_FIELDS:
        changed_rows[fld] = upd[fld].to_numpy()
    changed_rows["source"] = source
    changed_rows["assessed_by"] = ""  # the assessor and note of the old value do not vouch for the new one
    changed_rows["note"] = ""
    base.iloc[idx] = changed_rows.to_numpy()
    dup_later = key_base.duplicated() & key_base.isin(key_new[hit])  # older duplicates of an entered key go
    base = base[~dup_later.to_numpy()]
    added = new[(~hit).to_numpy()].assign(source=source).reindex(columns=cols, fill_value="").astype("string")
    out = pd.concat([base, added], ignore_index=True)
    key_out = out["code"].str.strip() + "|" + out["year"].str.strip() + "|" + out["indicator"].str.strip()
    row_of = pd.Series(np.arange(len(out)) + 2, index=key_out.to_numpy())
    row_of = row_of[~row_of.index.duplicated()]
    return out, key_new.map(row_of).to_numpy()


def _validate_candidate(dataset_dir: Path, candidate: pd.DataFrame, style: CsvStyle, catalogue: Any,
                        loader: Callable[..., Any]) -> tuple[Any, list[Any]]:
    """Load the dataset with ``candidate`` as its values.csv, in a temporary folder that links every
    other file of the dataset; returns the Dataset, or the loader's problems when it fails."""
    from ntm_analysis.io.validation import DatasetError  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="ntm-import-") as tmp:
        tmp_dir = Path(tmp) / dataset_dir.name
        tmp_dir.mkdir()
        for item in dataset_dir.iterdir():
            if item.name != "values.csv" and not item.name.startswith(("values.csv.", ".values.csv.")):
                (tmp_dir / item.name).symlink_to(item.resolve(), target_is_directory=item.is_dir())
        (tmp_dir / "values.csv").write_bytes(_csv_bytes(candidate, style))
        try:
            return loader(tmp_dir, catalogue=catalogue), []
        except DatasetError as exc:
            return None, exc.problems


def _csv_bytes(frame: pd.DataFrame, style: CsvStyle) -> bytes:
    """``frame`` as CSV bytes in ``style`` (pandas' minimal quoting, as the sample generator)."""
    return frame.to_csv(index=False, sep=style.sep, lineterminator=style.eol).encode(style.encoding)


def _display(values: pd.DataFrame, measures: pd.DataFrame | None, lang: str = "vi") -> pd.Series:
    """Short display text of parsed values: Đạt/Không đạt (yes/no), level names, numbers with the
    language's decimal mark, numerator/denominator in brackets."""
    meas = measures.set_index("measure") if measures is not None else pd.DataFrame(columns=["kind", "levels"])
    kind = values["indicator"].map(meas["kind"])
    levels = values["indicator"].map(meas["levels"])

    def num(x: float) -> str:
        return "" if pd.isna(x) else number_text(float(x)).replace(".", "," if lang == "vi" else ".")

    text = values["value"].map(num)
    yes_no = {1.0: "Đạt", 0.0: "Không đạt"} if lang == "vi" else {1.0: "yes", 0.0: "no"}
    text = text.where(kind != "boolean", values["value"].map(yes_no).fillna(""))
    lv = [lbl[int(v) - 1] if k == "level" and isinstance(lbl, (list, tuple)) and not pd.isna(v) and 1 <= v <= len(lbl)
          else t for k, lbl, v, t in zip(kind, levels, values["value"], text)]  # entered rows only
    text = pd.Series(lv, index=values.index, dtype="str")
    nd = values["numerator"].notna() | values["denominator"].notna()
    text = text.where(~nd, text + " (" + values["numerator"].map(num) + "/" + values["denominator"].map(num) + ")")
    return text.replace("", "—")


def _unsupported(dataset_dir: Path) -> str:
    """Files holding the values in another format than values.csv ('' when values.csv is used)."""
    if (dataset_dir / "values.csv").is_file():
        return ""
    others = [p.name for p in sorted(dataset_dir.glob("values.*")) if p.suffix in (".tsv", ".txt", ".parquet")]
    others += ["dataset.xlsx"] if (dataset_dir / "dataset.xlsx").is_file() else []
    return ", ".join(others)


def plan_import(workbook: Path, dataset_dir: Path, catalogue: Any = None,
                loader: Callable[..., Any] | None = None) -> ImportPlan:
    """Compare a filled template with the dataset in ``dataset_dir`` without writing anything.

    The entered cells replace or extend the rows of values.csv in a candidate that is loaded with
    ``load_dataset`` (same parsing and validation as any input); loader problems in entered rows are
    reported at their sheet and cell. Raises ExcelError (bad workbook, values or dataset)."""
    from ntm_analysis.io.dataset import resolve_catalogue  # noqa: PLC0415
    from ntm_analysis.io.validation import DatasetError, render_problems  # noqa: PLC0415

    if loader is None:
        from ntm_analysis.io.dataset import load_dataset as loader  # noqa: PLC0415
    workbook, dataset_dir = Path(workbook), Path(dataset_dir)
    tpl = read_template(workbook, strict=False)
    if not dataset_dir.is_dir():
        raise ExcelError([cell_problem("dataset_missing", None, None, path=dataset_dir)], workbook.name)
    bad = _unsupported(dataset_dir)
    if bad:
        raise ExcelError([CellProblem(None, None, fmt(MESSAGES, "format_unsupported", "vi", detail=bad),
                                      fmt(MESSAGES, "format_unsupported", "en", detail=bad))], workbook.name)
    try:
        current = loader(dataset_dir, catalogue=catalogue)
    except DatasetError as exc:
        raise ExcelError([CellProblem(None, None, fmt(MESSAGES, "dataset_invalid", "vi", detail=render_problems(exc.problems, "vi")),
                                      fmt(MESSAGES, "dataset_invalid", "en", detail=render_problems(exc.problems, "en")))],
                         workbook.name) from None
    cat_id = str((current.meta or {}).get("catalogue") or "")
    if cat_id and Path(cat_id).stem != tpl.marker["catalogue_id"] and cat_id != tpl.marker["catalogue_id"]:
        raise ExcelError([cell_problem("catalogue", MARKER_SHEET, None, value=tpl.marker["catalogue_id"], expected=cat_id)],
                         workbook.name)
    if catalogue is None or not hasattr(catalogue, "measures"):
        catalogue = resolve_catalogue(catalogue or cat_id or None)
    values_path = dataset_dir / "values.csv"
    existing, style = _read_values_csv(values_path)
    unit_problems, invalid = unit_checks(tpl.marker, current.units)
    entries = tpl.entries[~tpl.entries["code"].isin(invalid)].reset_index(drop=True)
    source = fmt(MESSAGES, "source", "vi", file=workbook.name)
    candidate, csv_rows = _candidate(existing, entries, source)
    loaded, problems = _validate_candidate(dataset_dir, candidate, style, catalogue, loader)
    located = _locate(problems if loaded is None else loaded.problems, entries, csv_rows)
    stored = current.values[current.values["code"].isin(entries["code"])]
    checks = entry_checks(entries, catalogue.measures, stored, template_thresholds(catalogue, current.units, tpl.marker))
    everything = [*tpl.problems, *unit_problems, *located, *checks]
    if loaded is None or any(p.severity == "error" for p in everything):
        raise ExcelError([p for p in everything if p.severity == "error" or p.sheet is not None], workbook.name)
    if entries.empty:
        raise ExcelError(everything, workbook.name)

    keys = entries[KEY]
    old = current.values.merge(keys, on=KEY)[KEY + list(ENTRY_FIELDS)].drop_duplicates(KEY)
    new = loaded.values.merge(keys, on=KEY)[KEY + list(ENTRY_FIELDS)].drop_duplicates(KEY)
    both = (keys.merge(old.assign(_present=True), on=KEY, how="left")
            .merge(new, on=KEY, how="left", suffixes=("_old", "_new")))
    same = pd.Series(True, index=both.index)
    for fld in ENTRY_FIELDS:
        a, b = both[f"{fld}_old"].astype("float64"), both[f"{fld}_new"].astype("float64")
        same &= (a.isna() & b.isna()) | ((a - b).abs() <= 1e-9 * np.maximum(1.0, a.abs()))
    change = np.where(both["_present"].isna(), "added", np.where(same, "unchanged", "changed"))

    def shown(sfx: str, lang: str) -> pd.Series:
        text = _display(both[KEY + [f"{f}_{sfx}" for f in ENTRY_FIELDS]].set_axis(KEY + list(ENTRY_FIELDS), axis=1),
                        catalogue.measures, lang)
        return text.where(change != "added", "—") if sfx == "old" else text

    diff = pd.DataFrame({
        "code": both["code"], "name": names_in_year(current.units, both["code"], both["year"]).fillna(""), "year": both["year"],
        "indicator": both["indicator"], "change": change, "old": shown("old", "vi"),
        "new": shown("new", "vi"), "old_en": shown("old", "en"), "new_en": shown("new", "en"), "sheet": entries["sheet"].to_numpy(),
        "cell": entries["cell_value"].fillna(entries["cell_numerator"]).to_numpy(),
    })
    warnings = [p for p in everything if p.sheet is not None]  # warnings about the workbook's cells only
    keep = (change != "unchanged")
    final, _ = _candidate(existing, _canonical(entries, both, catalogue.measures)[keep], source)
    return ImportPlan(dataset_dir, values_path, workbook, tpl.marker, diff, _csv_bytes(final, style), warnings)


def _canonical(entries: pd.DataFrame, parsed: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """Entered text replaced by the canonical text of its parsed value (``95,5%`` → ``95.5``,
    ``đạt`` → ``Đạt``, a level rank → its label); cells left empty stay empty. ``parsed`` is aligned
    to ``entries`` and holds ``value_new``, ``numerator_new``, ``denominator_new``."""
    meas = measures.set_index("measure")
    kind = entries["indicator"].map(meas["kind"]).to_numpy()
    levels = entries["indicator"].map(meas["levels"]).to_numpy()
    out = entries.copy()
    for fld in ENTRY_FIELDS:
        x = parsed[f"{fld}_new"].astype("float64").to_numpy()
        text = [(("Đạt" if v == 1.0 else "Không đạt") if k == "boolean" and fld == "value"
                 else lv[int(v) - 1] if k == "level" and fld == "value" and isinstance(lv, (list, tuple)) and 1 <= v <= len(lv)
                 else number_text(v)) if not np.isnan(v) else pd.NA
                for v, k, lv in zip(x, kind, levels)]  # entered cells only
        typed = entries[fld].notna().to_numpy()
        out[fld] = pd.Series(np.where(typed, pd.array(text, dtype="string"), pd.NA), index=entries.index, dtype="string")
    return out


def _locate(problems: list[Any], entries: pd.DataFrame, csv_rows: np.ndarray) -> list[CellProblem]:
    """Loader problems as CellProblems: those in entered rows of values.csv at their sheet and cell
    (value, numerator or denominator cell by the problem's column), the rest as they are."""
    at_row = {int(r): i for i, r in enumerate(csv_rows) if not pd.isna(r)}
    out = []
    for p in problems:
        i = at_row.get(p.row) if Path(str(p.file)).name.startswith("values") and p.row is not None else None
        if i is None:
            out.append(CellProblem(None, None, p.render("vi"), p.render("en"), p.severity, p.rule))
            continue
        e = entries.iloc[i]
        fld = p.column if p.column in ENTRY_FIELDS and e[f"cell_{p.column}"] else "value"
        cell = e[f"cell_{fld}"] or e["cell_numerator"]
        out.append(CellProblem(e["sheet"], cell, f"{p.message('vi')} {p.fix('vi')}", f"{p.message('en')} {p.fix('en')}",
                               p.severity, p.rule))
    return out


# --- preview and writing ----------------------------------------------------------------------


def render_preview(plan: ImportPlan, lang: str = "vi") -> str:
    """Every added and changed value (``old → new`` with its sheet and cell, so that a value read
    wrongly is seen before it is written), the count of unchanged ones, the rule for ratio
    indicators when the workbook has any, and the warnings grouped by cause."""
    m = plan.marker
    lines = [fmt(MESSAGES, "preview", lang, file=plan.workbook.name, dataset=plan.dataset_dir,
                 unit=f"{m.get('unit_name', '')} {m['unit_code']}".strip(), year=m["year"])]
    for change in ("added", "changed"):
        lines.append(fmt(MESSAGES, change, lang, n=plan.count(change)))
        for r in plan.diff[plan.diff["change"] == change].itertuples(index=False):  # entered cells of one workbook
            where = fmt(SHARED, "cell_ref", lang, sheet=r.sheet, cell=r.cell)
            lines.append(fmt(MESSAGES, "change_line" if change == "changed" else "add_line", lang, name=r.name, code=r.code,
                             indicator=r.indicator, old=r.old if lang == "vi" else r.old_en,
                             new=r.new if lang == "vi" else r.new_en, where=where))
    lines.append(fmt(MESSAGES, "unchanged", lang, n=plan.count("unchanged")))
    if any(r.get("ratio") for s in m["layout"]["sheets"] for r in s["rows"]):
        lines.append(fmt(MESSAGES, "ratio_rule", lang))
    if plan.warnings:
        lines.append(fmt(MESSAGES, "warnings", lang))
        lines += ["    " + w for w in group_problems(plan.warnings, lang, mark_warnings=False)]
    return "\n".join(lines)


class ImportRefused(KeyedError):
    """Entered values differ from existing ones and ``replace`` was not given; nothing written."""

    MESSAGES = MESSAGES


def backup_path(path: Path, now: dt.datetime | None = None) -> Path:
    """``values.csv.bak-YYYYmmdd-HHMMSS`` next to ``path`` (with -2, -3… if taken)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    out, n = path.with_name(f"{path.name}.bak-{stamp}"), 1
    while out.exists():
        n += 1
        out = path.with_name(f"{path.name}.bak-{stamp}-{n}")
    return out


def apply_import(plan: ImportPlan, replace: bool = False, lang: str = "vi",
                 now: dt.datetime | None = None) -> list[str]:
    """Write the plan: refuse (ImportRefused, nothing written) when a value would change and
    ``replace`` is False; otherwise back up values.csv (when it exists) and write the new one
    atomically. Returns the message lines (written file, backup)."""
    n_changed, n_added = plan.count("changed"), plan.count("added")
    if n_changed and not replace:
        raise ImportRefused("refuse", lang=lang, n=n_changed)
    if not n_changed and not n_added:
        return [fmt(MESSAGES, "nothing", lang)]
    lines = []
    if plan.values_path.exists():
        bak = backup_path(plan.values_path, now)
        shutil.copy2(plan.values_path, bak)
        lines.append(fmt(MESSAGES, "backup", lang, path=bak))
    atomic_write(plan.values_path, lambda tmp: tmp.write_bytes(plan.new_csv))
    lines.insert(0, fmt(MESSAGES, "written", lang, path=plan.values_path, n=n_changed + n_added))
    return lines
