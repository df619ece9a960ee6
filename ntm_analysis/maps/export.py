"""The attainment layer for GIS users: one row per unit with its geometry and, per tier, the status
of every criterion, the counts, reached / recognised and whether any threshold behind the statuses is
unverified; written to a GeoPackage (``ntm map ... --gpkg OUT.gpkg``). Nothing is recomputed: the
columns are the Assessment tables pivoted wide.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ntm_analysis.io.columnar import as_text
from ntm_analysis.maps.layers import SYNTHETIC_NOTE
from ntm_analysis.outputs import atomic_write


def attainment_layer(joined: gpd.GeoDataFrame, assessment: Any, year: int,
                     tiers: list[str] | None = None) -> gpd.GeoDataFrame:
    """One row per unit: geometry, criterion statuses per tier (``ntm_c01`` ...), ``<tier>_met``,
    ``<tier>_total``, ``<tier>_reached``, ``<tier>_recognised`` and ``<tier>_unverified`` (True when
    any indicator behind the unit's statuses has a threshold that is not verified). Tier ids with a
    hyphen become ``_`` (``nang_cao_c05``). For QGIS users: :func:`export_gpkg`."""
    crit = assessment.criteria[assessment.criteria["year"] == year]
    summ = assessment.units[assessment.units["year"] == year]
    ind = assessment.indicators[assessment.indicators["year"] == year]
    if tiers:
        crit, summ, ind = (t[t["tier"].isin(tiers)] for t in (crit, summ, ind))
    crit, summ, ind = (as_text(t[t["code"].isin(joined["code"])]) for t in (crit, summ, ind))  # the layer's text: str
    prefix = crit["tier"].str.replace("-", "_", regex=False)
    wide = crit.assign(col=prefix + "_c" + crit["criterion"].astype(int).map("{:02d}".format).astype("str")).pivot(
        index="code", columns="col", values="status")
    summ = summ.assign(p=summ["tier"].str.replace("-", "_", regex=False))
    unver = ind.assign(u=ind["threshold_status"].ne("verified") & ind["status"].isin(["met", "not_met"]))
    unver = unver.groupby(["code", "tier"], as_index=False)["u"].any()
    summ = summ.merge(unver, on=["code", "tier"], how="left").fillna({"u": False})
    names = {"criteria_met": "met", "criteria_total": "total", "reached": "reached", "recognised": "recognised",
             "u": "unverified"}
    stats = summ.pivot(index="code", columns="p", values=list(names))
    stats.columns = [f"{p}_{names[v]}" for v, p in stats.columns]
    out = joined[["code", "name", "level", "geometry"]].merge(wide.reset_index(), on="code", how="left")
    out = out.merge(stats.reset_index(), on="code", how="left")
    cat = getattr(assessment, "catalogue", None)
    order = [t.replace("-", "_") for t in (cat.tier_ids() if cat is not None else sorted(set(summ["tier"])))]
    rank = {suffix: i for i, suffix in enumerate(names.values())}

    def col_key(col: str) -> tuple[int, int, str]:
        """Tier order, then criteria (c01 ...), then met, total, reached, recognised, unverified."""
        tier_part, suffix = col.rsplit("_", 1)
        return order.index(tier_part), (-1 if suffix[1:].isdigit() else rank[suffix]), suffix

    tier_cols = sorted((c for c in out.columns if c.rsplit("_", 1)[0] in order), key=col_key)
    out = out[["code", "name", "level", *tier_cols, "geometry"]]
    for col in tier_cols:
        if col.endswith(("_met", "_total", "_recognised")):
            out[col] = pd.to_numeric(out[col]).astype("Int64")
        elif col.endswith(("_reached", "_unverified")):
            out[col] = out[col].astype("boolean")
    out.insert(3, "year", int(year))
    out["note"] = SYNTHETIC_NOTE if joined.attrs.get("illustrative") else ""
    return gpd.GeoDataFrame(out, geometry="geometry", crs=joined.crs)


def export_gpkg(layer: gpd.GeoDataFrame, path: str | Path, layer_name: str = "attainment") -> Path:
    """Write ``layer`` to a GeoPackage atomically, with a layer description (illustrative if so)."""
    note = str(layer["note"].iloc[0]) if "note" in layer and len(layer) and layer["note"].iloc[0] else ""
    desc = "NTM attainment / kết quả đánh giá NTM" + (f" — {note}" if note else "")
    return atomic_write(Path(path), lambda tmp: layer.to_file(
        tmp, layer=layer_name, driver="GPKG", engine="pyogrio", layer_options={"DESCRIPTION": desc},
        layer_metadata={"illustrative": "true" if note else "false"}))
