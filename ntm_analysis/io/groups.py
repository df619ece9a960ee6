"""Commune groups in a dataset: the optional ``group`` column of units.csv and groups.csv.

Under the 2026-2030 criteria (QĐ 51/2025/QĐ-TTg) thresholds depend on the commune's group
(nhóm 1, 2, 3). units.csv may carry a ``group`` column (``1``, ``2``, ``3``; "nhóm 1", "Nhóm 1",
"group 1" accepted); groups.csv (``code``, ``year``, ``group``) gives a unit's group from ``year``
on, when it changes. Which group a unit is judged by in a year is decided in
``ntm_analysis.assess.keys``; here only what was written is checked: a group is a whole number
(1, 2, 3 …, optionally after "nhóm"/"group"), a code in groups.csv is a unit of units.csv.
"""

from __future__ import annotations

import pandas as pd

from ntm_analysis.catalogue.groups import GROUP_PATTERN, group_id
from ntm_analysis.io.validation import Problem, problems_at


def _bad_groups(frame: pd.DataFrame) -> pd.DataFrame:
    text = frame["group"].astype(object)
    bad = {x for x in text.dropna().unique() if str(x).strip() and not GROUP_PATTERN.match(group_id(x))}
    return frame[text.isin(bad)]


def check_groups(units: pd.DataFrame | None, groups: pd.DataFrame | None, units_file: str,
                 groups_file: str) -> list[Problem]:
    """Errors for group values that are no group (units.csv ``group`` and groups.csv ``group``) and
    for groups.csv codes missing from units.csv; each at its file, row and column."""
    out: list[Problem] = []
    if units is not None and "group" in units:
        out += problems_at("group_invalid", units_file, _bad_groups(units), "group")
    if groups is not None:
        out += problems_at("group_invalid", groups_file, _bad_groups(groups), "group")
        if units is not None:
            unknown = groups[groups["code"].notna() & ~groups["code"].isin(units["code"])]
            out += problems_at("code_unknown", groups_file, unknown, "code")
    return out


def normalised_groups(groups: pd.DataFrame) -> pd.DataFrame:
    """groups.csv as ``code`` (str), ``year`` (int64), ``group`` (id such as ``"1"``)."""
    g = groups.dropna(subset=["code", "year", "group"])
    return pd.DataFrame({"code": g["code"].astype("str"), "year": g["year"].astype("int64"),
                         "group": g["group"].map(group_id).astype("str")}).reset_index(drop=True)
