"""From indicator rows to criteria and unit summaries (polars): the rules of the Assessment contract.

- criterion ``status``: ``not_applicable`` when none of its indicators applies, ``not_met`` when one
  is not met, ``missing`` when one lacks its value or threshold, else ``met``; ``binding`` = the
  indicators holding it back (not met first, then missing; catalogue order);
- ``change`` vs the previous decided year (:func:`ntm_analysis.assess.changes.change_column`);
- unit summary per (code, year, tier) over the applicable criteria: counts; ``reached`` = all met
  and the required tier reached the same year (by the unit itself, or by its ancestor when the
  required tier is assessed at another level); ``recognised`` = the latest recognition year up to
  the year, given to that unit row; ``newly_met`` / ``recovered`` / ``slipped`` and
  ``slipped_since_recognition`` (met in the recognition year, not met now) as criterion numbers.
"""

from __future__ import annotations

import polars as pl

from ntm_analysis.io.columnar import CAT, valid_expr

CRIT_KEYS = ["code", "year", "tier", "criterion"]
UNIT_KEYS = ["code", "year", "tier"]


def criteria(rows: pl.DataFrame, group: str = "_g") -> pl.DataFrame:
    """Criterion ``status``, ``n_indicators``, ``n_met``, ``n_missing`` and ``binding`` per value of
    the integer column ``group`` of the indicator rows (one value per unit-year and criterion; the
    rows come sorted by it, and so do the criteria), from the rows' ``status``, ``indicator`` (text)
    and ``ind_order``. The criterion's ``change`` is :func:`ntm_analysis.assess.changes.change_column`."""
    st = pl.col("status")
    not_met, miss = st == "not_met", st.is_in(["missing", "unknown_threshold"])
    held = not_met | miss
    crit = rows.group_by(group, maintain_order=True).agg(
        n_indicators=(st != "not_applicable").sum().cast(pl.Int64), n_met=(st == "met").sum().cast(pl.Int64),
        n_not_met=not_met.sum(), n_missing=miss.sum().cast(pl.Int64))
    # binding: not met first, then missing, each in catalogue order
    order = pl.when(not_met).then(0).otherwise(1).cast(pl.Int64) * 1_000_000 + pl.col("ind_order")
    binding = joined(rows.filter(held).select(group, "indicator", _order=order), [group], "indicator", "_order",
                     "binding")
    crit = crit.join(binding, on=group, how="left", maintain_order="left")
    status = (pl.when(pl.col("n_indicators") == 0).then(pl.lit("not_applicable"))
              .when(pl.col("n_not_met") > 0).then(pl.lit("not_met"))
              .when(pl.col("n_missing") > 0).then(pl.lit("missing")).otherwise(pl.lit("met")))
    return crit.with_columns(status=status.cast(CAT), binding=pl.col("binding").fill_null("")).drop("n_not_met")


def joined(rows: pl.DataFrame, keys: list[str], col: str, order: str, name: str) -> pl.DataFrame:
    """``keys`` plus ``name`` = the ``col`` texts of each group of ``rows`` in ``order``, joined with
    ", " (sorted once, gathered as lists and joined: no per-group expression)."""
    return (rows.sort([*keys, order], maintain_order=True).group_by(keys, maintain_order=True)
            .agg(pl.col(col).cast(pl.String)).select(*keys, pl.col(col).list.join(", ").alias(name)))


def units(crit: pl.DataFrame, unit_rows: pl.DataFrame, recognitions: pl.DataFrame, anc: pl.DataFrame,
          requires: dict[str, str], level: dict[str, str], tiers: list[str]) -> pl.DataFrame:
    """Unit summary per (code, year, tier) with an applicable criterion.

    ``unit_rows``: the dataset's units (``code``, ``valid_from``, ``valid_to``); ``recognitions``:
    (``code``, ``tier``, ``year``); ``anc``: :func:`ntm_analysis.units.ancestry`; ``requires`` and
    ``level``: each tier's required tier and unit level; ``tiers``: the tiers assessed."""
    app = crit.filter(pl.col("status") != "not_applicable")
    st, change = pl.col("status"), pl.col("change")
    summ = app.group_by(UNIT_KEYS).agg(
        criteria_met=(st == "met").sum().cast(pl.Int64), criteria_total=pl.len().cast(pl.Int64),
        criteria_missing=(st == "missing").sum().cast(pl.Int64))
    summ = summ.with_columns(all_met=(pl.col("criteria_total") > 0) & (pl.col("criteria_met") == pl.col("criteria_total")))
    done = reached(summ, requires, level, anc, tiers)
    summ = summ.join(done, on=UNIT_KEYS, how="left").with_columns(pl.col("reached").fill_null(False)).drop("all_met")

    # a code is reused across mergers: a recognition counts only for the unit row it was given to
    rec = (summ.select(UNIT_KEYS).join(recognitions.select("code", "tier", rec_year="year"), on=["code", "tier"])
           .join(unit_rows.select("code", "valid_from", "valid_to"), on="code", how="left")
           .filter(valid_expr("year") & valid_expr("rec_year") & (pl.col("rec_year") <= pl.col("year")))
           .group_by(UNIT_KEYS).agg(recognised=pl.col("rec_year").max()))
    summ = summ.join(rec, on=UNIT_KEYS, how="left")

    # not met now, after the recognition year, and met in it (the rows of recognised units only)
    met_at = crit.filter(st == "met").select("code", "tier", "criterion", recognised="year")
    lost = (crit.filter(st == "not_met")
            .join(summ.filter(pl.col("recognised").is_not_null()).select(*UNIT_KEYS, "recognised"),
                  on=UNIT_KEYS, how="inner")
            .filter(pl.col("year") > pl.col("recognised"))
            .join(met_at, on=["code", "tier", "criterion", "recognised"], how="semi"))
    for name, rows in (("newly_met", crit.filter(change == "newly_met")), ("recovered", crit.filter(change == "recovered")),
                       ("slipped", crit.filter(change == "slipped")), ("slipped_since_recognition", lost)):
        summ = summ.join(joined(rows, UNIT_KEYS, "criterion", "criterion", name), on=UNIT_KEYS, how="left")
    return summ.with_columns(pl.col(c).fill_null("") for c in
                             ("newly_met", "recovered", "slipped", "slipped_since_recognition"))


def reached(counts: pl.DataFrame, requires: dict[str, str], level: dict[str, str], anc: pl.DataFrame,
            tiers: list[str]) -> pl.DataFrame:
    """``reached`` per (code, year, tier) of ``counts`` (``all_met``): all criteria met and the
    required tier reached that year, by the unit itself (same level) or by its ancestor at the
    required tier's level valid that year. Loops over tiers only, required tiers first."""
    done: dict[str, pl.DataFrame] = {}
    pending = list(tiers)
    while pending:
        ready = [t for t in pending if requires.get(t) not in pending or requires.get(t) == t]
        for tier in ready or pending[:1]:
            pending.remove(tier)
            part = counts.filter(pl.col("tier").cast(pl.String) == tier).select(*UNIT_KEYS, "all_met")
            req = requires.get(tier)
            if not req or req not in done:
                done[tier] = part.select(*UNIT_KEYS, reached="all_met")
                continue
            ok = done[req].select(key="code", year="year", req_ok="reached")
            if level.get(req) == level.get(tier):
                part = part.with_columns(key=pl.col("code"))
            else:
                up = anc.filter(pl.col("ancestor_level").cast(pl.String) == level.get(req)).select(
                    "code", key="ancestor", valid_from="valid_from", valid_to="valid_to")
                part = (part.with_row_index("_row").join(up, on="code", how="left", maintain_order="left_right")
                        .filter(valid_expr())
                        .unique("_row", keep="first", maintain_order=True).drop("_row", "valid_from", "valid_to"))
            part = part.join(ok, on=["key", "year"], how="left")
            done[tier] = part.select(*UNIT_KEYS, reached=pl.col("all_met") & pl.col("req_ok").fill_null(False))
    return pl.concat(done.values()) if done else counts.select(*UNIT_KEYS, reached=pl.lit(False))

