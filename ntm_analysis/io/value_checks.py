"""The rules of the values table across rows and tables, on polars (issue 16): indicator ids of the
catalogue, unit codes and the validity of the year, duplicates and conflicts, percent range and
fraction hint, numerator ≤ denominator, negative counts.

Each rule finds its failing rows on the whole table with integer keys (the codes of the Enum text
columns, never text per row) and builds its Problems from those rows only (they are few); the rules
shared with other tables (``missing_references``, ``unknown_ids``) get just the candidate rows.
"""

from __future__ import annotations


import pandas as pd
import polars as pl

from ntm_analysis.io.columnar import factor, text_frame, valid_expr
from ntm_analysis.io.validation import Problem, missing_references, problems_at, unknown_ids

KEY = ["code", "year", "indicator"]


def _pandas(rows: pl.DataFrame) -> pd.DataFrame:
    """A few rows as pandas (text as ``str``, numbers float64) for the pandas rules."""
    return text_frame(rows).to_pandas()


def _outside_validity(values: pl.DataFrame, units: pd.DataFrame, file: str) -> list[Problem]:
    """Rows whose unit (a known code) is valid in no period holding the row's year; the message
    gives the first period of the code in units.csv and its successor."""
    codes, cats = factor(values["code"])
    cols = {"code": pl.String, "valid_from": pl.Int64, "valid_to": pl.Int64, "successor_code": pl.String}
    per = pl.DataFrame({c: [None if pd.isna(x) else x for x in units[c].tolist()] for c in cols}, schema=cols)
    per = pl.DataFrame({"code": cats, "_c": pl.int_range(len(cats), dtype=pl.UInt32, eager=True)}).join(per, on="code")
    pairs = pl.DataFrame({"_c": codes, "year": values["year"]}).drop_nulls().unique()
    fits = (pairs.join(per.select("_c", "valid_from", "valid_to"), on="_c")
            .group_by("_c", "year").agg(valid_expr().any().alias("_in")))
    bad = fits.filter(~pl.col("_in")).select("_c", "year")
    if bad.is_empty():
        return []
    rows = (values.with_columns(_c=codes).join(bad, on=["_c", "year"], how="semi", maintain_order="left")
            .join(per.unique("_c", keep="first", maintain_order=True).select("_c", "valid_from", "valid_to", "successor_code"),
                  on="_c", how="left", maintain_order="left"))
    open_end = pl.lit("…")
    rows = rows.with_columns(
        _detail=pl.concat_str(pl.col("valid_from").cast(pl.String).fill_null(open_end), pl.lit("–"),
                              pl.col("valid_to").cast(pl.String).fill_null(open_end)),
        _succ=pl.concat_str(pl.lit(" ("), pl.col("successor_code"), pl.lit(")")).fill_null(""))
    return problems_at("outside_validity", file, rows, "year", value_col="code", year="year", detail="_detail",
                       successor="_succ")


def _repeated(values: pl.DataFrame) -> pl.Series:
    """True on rows whose (code, year, indicator) — all filled — another row has too. The three
    are packed into one integer (codes of the Enum columns) when they fit, for speed."""
    code, _ = factor(values["code"])
    ind, inds = factor(values["indicator"])
    year = values["year"]
    lo, hi = year.min(), year.max()
    if lo is None:
        return pl.repeat(False, len(values), eager=True)
    if hi - lo < 1 << 16 and len(inds) < 1 << 16:
        key = pl.select(code.cast(pl.UInt64) * (1 << 32) + (year - lo).cast(pl.UInt64) * (1 << 16)
                        + ind.cast(pl.UInt64)).to_series()
        filled = key.drop_nulls()
        if filled.n_unique() == len(filled):  # the common case, found without marking each row
            return pl.repeat(False, len(values), eager=True)
        return key.is_duplicated() & key.is_not_null()
    return values.select(pl.struct(KEY).is_duplicated() & pl.all_horizontal(pl.col(KEY).is_not_null())).to_series()


def _duplicates(values: pl.DataFrame, units: pd.DataFrame | None, file: str) -> tuple[list[Problem], pl.DataFrame]:
    """Rows repeating the (code, year, indicator) of an earlier row: a conflict (error) when the
    value differs, else a warning and the later row is dropped."""
    dup_rows = values.filter(_repeated(values))
    if dup_rows.is_empty():
        return [], values
    dup = _pandas(dup_rows)
    first = dup.drop_duplicates(KEY)[KEY + ["value", "_row"]].rename(columns={"value": "_v0", "_row": "_r0"})
    later = dup[dup.duplicated(KEY, keep="first")].merge(first, on=KEY)
    same = (later["value"] == later["_v0"]) | (later["value"].isna() & later["_v0"].isna())
    names = units.drop_duplicates("code").set_index("code")["name"] if units is not None else pd.Series(dtype=str)
    clash = later[~same].assign(_name=lambda d: (" " + d["code"].map(names).astype("string")).fillna(""))
    out = problems_at("value_conflict", file, clash, "value", other="_r0", other_value="_v0", code="code",
                      name="_name", indicator="indicator", year="year")
    out += problems_at("value_duplicate", file, later[same], "value", severity="warning", other="_r0")
    drop = later.loc[same, "_row"].astype("int64").to_list()
    return out, values.filter(~pl.col("_row").is_in(drop)) if drop else values


def _percent_fraction(pct: pl.DataFrame, file: str) -> list[Problem]:
    """A warning per (indicator, code) whose percent values are all ≤ 1 with one between 0 and 1:
    likely written as fractions (0.95 for 95 %)."""
    pv = pct.filter(pl.col("value").is_not_null())
    keys = pv.filter((pl.col("value") > 0) & (pl.col("value") < 1)).select("indicator", "code").unique()
    if keys.is_empty():
        return []
    sub = _pandas(pv.join(keys, on=["indicator", "code"], how="semi", maintain_order="left"))
    groups = [sub["indicator"], sub["code"]]
    frac = (sub["value"].groupby(groups).transform("max") <= 1) & (
        ((sub["value"] > 0) & (sub["value"] < 1)).groupby(groups).transform("any"))
    hint = sub[frac].assign(_n=sub["value"].groupby(groups).transform("size")[frac]).drop_duplicates(["indicator", "code"])
    return problems_at("percent_fraction", file, hint, "value", severity="warning", indicator="indicator", code="code",
                       n="_n")


def check_values(values: pl.DataFrame, units: pd.DataFrame | None, measures: pd.DataFrame | None,
                 file: str, catalogue: str) -> tuple[list[Problem], pl.DataFrame]:
    """Catalogue ids, unit codes and validity, duplicates, percent range and fraction hint,
    numerator ≤ denominator, negative counts, on the normalised values (``values.normalise_values``:
    ``code``, ``year``, ``indicator``, ``value``, ``numerator``, ``denominator``, ``kind`` (null when
    unknown), ``_row``). Returns the problems and the values with identical duplicate rows dropped."""
    out: list[Problem] = []
    if measures is not None:
        known = set(measures["measure"])
        other = [x for x in factor(values["indicator"])[1].to_list() if x not in known]
        if other:
            rows = _pandas(values.filter(pl.col("indicator").is_in(other)))
            out += unknown_ids(rows, "indicator", known, "indicator_unknown", file, catalogue)

    if units is not None:
        unit_codes = set(units["code"].dropna())
        other = [x for x in factor(values["code"])[1].to_list() if x not in unit_codes]
        if other:
            rows = _pandas(values.filter(pl.col("code").is_in(other)))
            out += missing_references(rows, "code", units["code"], "code_unknown", file)
        out += _outside_validity(values, units, file)

    found, values = _duplicates(values, units, file)
    out += found

    num, den, value, kind = pl.col("numerator"), pl.col("denominator"), pl.col("value"), pl.col("kind")
    pct = values.filter((kind == "percent") & ~(num > den).fill_null(False))
    out += problems_at("percent_range", file, pct.filter((value < 0) | (value > 100)), "value")
    out += _percent_fraction(pct, file)
    out += problems_at("num_gt_den", file, values.filter(num.is_not_null() & den.is_not_null() & (num > den)),
                       "numerator", other="denominator")
    out += problems_at("negative", file, values.filter((kind == "count") & (value < 0)), "value")
    return out, values

