"""One vocabulary for what happened to a criterion or an indicator between two assessed years.

``classify_changes`` is the one rule; criteria (``assess``), indicators (``trends.history``),
the unit summary columns (``newly_met``, ``recovered``, ``slipped``), summary lines and tables
all use its words, labelled by ``i18n.CHANGE_LABELS``:

- ``newly_met``: met now, not met the year before, never met earlier in the series;
- ``recovered``: met now, not met the year before, met in some earlier year (a slip made good);
- ``slipped``: not met now, met the year before;
- ``kept``: met now and the year before;
- ``still_not_met``: not met now nor the year before.

"The year before" is the previous year in which the same unit had a decided status (met or not
met) for the same item; years without data are skipped. The first decided year and undecided rows
(missing data, no threshold, not applicable) have no change (NA): no data is no proof of slipping.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The change words, in the order they are listed in summaries.
CHANGES: tuple[str, ...] = ("slipped", "newly_met", "recovered", "kept", "still_not_met")


def classify_changes(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Change of each row of ``frame`` (columns ``keys`` + ``year`` + ``status``) vs the previous
    decided year of the same ``keys`` (e.g. ``["code", "tier", "criterion"]``): one of
    :data:`CHANGES` or NA (see the module docstring). Returns a ``string`` Series on ``frame``'s index."""
    seen = frame[frame["status"].isin(["met", "not_met"])].sort_values([*keys, "year"])
    met = seen["status"].eq("met").astype("float64")
    groups = [seen[k] for k in keys]
    prev = met.groupby(groups).shift(1)
    ever = met.groupby(groups).cummax().groupby(groups).shift(1)
    now = met.eq(1.0)
    change = np.select(
        [prev.isna(), now & prev.eq(1.0), now & ever.eq(1.0), now, prev.eq(1.0)],
        [None, "kept", "recovered", "newly_met", "slipped"], default="still_not_met")
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    out.loc[seen.index] = pd.Series(change, index=seen.index, dtype="string")
    return out
