"""Assessment commands of ``ntm``: ``status`` (attainment per unit and year), ``trends`` (history and
progress to the plan year), ``targets`` (next year's ranked criteria and draft paragraph)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ntm_analysis.cli.common import LangOption, check_choice, check_years, fail, input_errors, load_for_unit, open_dataset, print_frame


def status_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu hoặc tệp .xlsx / dataset folder or .xlsx"),
    year: int = typer.Option(..., "--year", help="Năm đánh giá / assessment year"),
    unit: Optional[str] = typer.Option(None, "--unit", help="Tên hoặc mã đơn vị (huyện: mọi xã) / unit name or code"),
    tier: Optional[str] = typer.Option(None, "--tier", help="Mã hạng trong bộ tiêu chí (xem ntm catalogue show) / tier id of the catalogue"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    fmt_: str = typer.Option("table", "--format", help="table | csv | json"),
    lang: str = LangOption,
) -> None:
    """Mức đạt tiêu chí theo đơn vị và năm / criteria attainment per unit and year."""
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.assess.keys import assessment_notices
    from ntm_analysis.i18n import fmt
    from ntm_analysis.io.names import resolve_unit
    from ntm_analysis.report.scorecard import MESSAGES, criteria_table, summary_line, tidy_table, tier_label

    check_choice(lang, ("vi", "en"), "--lang")
    check_choice(fmt_, ("table", "csv", "json"), "--format")
    data, cat = open_dataset(dataset, catalogue, lang, tier, year=year)
    years = sorted(set(data.values["year"].astype(int)))
    if year not in years:
        fail(fmt(MESSAGES, "no_year", lang, year=year, years=", ".join(map(str, years))))
    with input_errors(lang):
        code = resolve_unit(data.units, unit, year=year) if unit else None
        result = assess(data, cat, years=[year], tiers=[tier] if tier else None,
                        units=[code] if code else None, lang=lang)
    notices = assessment_notices(result, lang)
    if fmt_ in ("csv", "json"):
        for notice in notices:  # machine-readable output stays clean; the warning goes to stderr
            typer.echo(f"⚠ {notice}", err=True)
        frame = tidy_table(result, year=year, lang=lang)
        text = (frame.to_csv(index=False, lineterminator="\n") if fmt_ == "csv"
                else frame.to_json(orient="records", force_ascii=False, indent=1))
        typer.echo(text)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    for notice in notices:
        console.print(f"[bold red]⚠ {escape(notice)}[/bold red]")
    unverified = False
    if code is not None and not result.units["code"].eq(code).any():  # a village: its hamlets are shown
        from ntm_analysis.cli.messages import MESSAGES as CM
        from ntm_analysis.i18n import LEVEL_LABELS, label

        asked = data.units[data.units["code"].eq(code)].iloc[-1]
        shown = data.units[data.units["code"].isin(result.units["code"])]["level"].drop_duplicates()
        console.print(fmt(CM, "status_below", lang, kind=label(LEVEL_LABELS, str(asked["level"]), lang).lower(),
                          name=asked["name"], levels=", ".join(label(LEVEL_LABELS, lv, lang).lower() for lv in shown)))
    for code_ in result.units["code"].drop_duplicates():  # one block per unit shown
        console.print(f"[bold]{summary_line(result, code_, year, tier, lang)}[/bold]")
        rows_ = result.units[result.units["code"].eq(code_)]
        for tier_ in rows_.loc[rows_["criteria_missing"].lt(rows_["criteria_total"]), "tier"]:  # no table without data
            frame = criteria_table(result, code_, year, tier_, lang)
            if frame.attrs.get("all_unverified"):
                console.print(fmt(MESSAGES, "all_unverified", lang))
            else:
                unverified |= frame.iloc[:, -1].eq("*").any() or frame.iloc[:, -2].str.contains("*", regex=False).any()
            table = Table(*frame.columns, title=tier_label(result, tier_, lang), title_justify="left")
            for row in frame.astype(str).itertuples(index=False):  # display rows (~19 per tier)
                table.add_row(*row)
            console.print(table)
    if unverified:
        console.print(fmt(MESSAGES, "footnote", lang))



def trends_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu hoặc tệp .xlsx / dataset folder or .xlsx"),
    unit: str = typer.Option(..., "--unit", help="Tên hoặc mã đơn vị / unit name or code"),
    from_: Optional[int] = typer.Option(None, "--from", help="Từ năm / from year"),
    to: Optional[int] = typer.Option(None, "--to", help="Đến năm / to year"),
    tier: Optional[str] = typer.Option(None, "--tier", help="Mã hạng trong bộ tiêu chí (xem ntm catalogue show) / tier id of the catalogue"),
    plan_year: Optional[int] = typer.Option(None, "--plan-year", help="Năm kế hoạch (mặc định: cuối giai đoạn) / plan year"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    fmt_: str = typer.Option("table", "--format", help="table | csv | json"),
    lang: str = LangOption,
) -> None:
    """Lịch sử tiêu chí (đánh dấu bị tụt) và tiến độ tới năm kế hoạch / criteria history and progress."""
    import json

    import pandas as pd

    from ntm_analysis.assess.trends import history, progress, progress_display, progress_table, unit_period, wide_history
    from ntm_analysis.units import name_in_year
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.catalogue.display import catalogue_banner
    from ntm_analysis.catalogue.periods import catalogues_by_year

    check_choice(fmt_, ("table", "csv", "json"), "--format")
    data, cat, code, result = load_for_unit(dataset, unit, catalogue, tier, lang, command="ntm trends")
    data_years = sorted(set(data.values["year"].astype(int)))
    lo, hi = from_ or data_years[0], to or data_years[-1]
    check_years(lo, hi, plan_year, data_years, lang)
    with input_errors(lang):  # a reused code: keep the period of the unit that exists in the last year asked for
        try:
            vf, vt = unit_period(data.units, code, hi)
        except LookupError:  # no --to and the unit ended before the data's last year: its own last period
            if to is not None:
                raise
            vf, vt = unit_period(data.units, code)
    years = [y for y in data_years if lo <= y <= hi and (vf is None or y >= vf) and (vt is None or y <= vt)]
    series = None
    source = data
    if vf is not None and any(lo <= y < vf for y in data_years):  # a unit formed from earlier units: follow them
        from ntm_analysis.assess.trends import successor_series

        with input_errors(lang):
            merged, series = successor_series(data, cat, code, hi, lang)
            result = assess(merged, cat, units=[code], lang=lang)
        source = merged
        years = [y for y in data_years if lo <= y <= hi and (vt is None or y <= vt)]
    periods = []  # one history per criteria set in force: a change of set is a break, never one series
    last = (cat, result, tier)  # progress is measured under the set in force in the last year shown
    with input_errors(lang):
        for pcat, pyears in catalogues_by_year(data, years, catalogue):
            res = result if pcat.meta["id"] == cat.meta["id"] else assess(source, pcat, units=[code], lang=lang)
            ptier = tier if tier is None or tier in pcat.tier_ids() else None
            if tier is None or ptier is not None:
                periods.append((pcat, history(res, code, tier=ptier, years=pyears).assign(catalogue=pcat.meta["id"])))
                last = (pcat, res, ptier)
    hist = pd.concat([h for _, h in periods], ignore_index=True) if periods else history(result, code, tier=tier, years=years)
    cat, result, ptier = last
    prog = progress(result, cat, code, plan_year=plan_year, tier=ptier, years=[y for y in years if y in set(
        result.units["year"])])
    if fmt_ == "json":
        out = {"history": json.loads(hist.to_json(orient="records", force_ascii=False)),
               "progress": json.loads(progress_table(prog, lang).to_json(orient="records", force_ascii=False))}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    if fmt_ == "csv":  # one CSV: history rows then progress rows, told apart by the ``table`` column
        both = pd.concat([hist.assign(table="history"), progress_table(prog, lang).assign(table="progress")],
                         ignore_index=True)
        typer.echo(both[["table", *[c for c in both.columns if c != "table"]]].to_csv(index=False, lineterminator="\n"))
        return
    name = name_in_year(data.units, code, hi)
    for i, (pcat, phist) in enumerate(periods or [(cat, hist)]):
        if i:  # the visible break between two criteria sets
            typer.echo(_set_change(periods[i - 1][0], pcat, int(phist["year"].min()), lang))
        head = f"{name} ({code})" + (f" — {pcat.meta['name'][lang]}" if len(periods) > 1 else "")
        for notice in [catalogue_banner(pcat, lang)] if catalogue_banner(pcat, lang) else []:
            typer.echo(f"⚠ {notice}")
        print_frame(wide_history(phist, pcat, lang=lang), title=head)
    if series is not None:
        from ntm_analysis.assess.trends import series_summary

        for line in series_summary(series, lang):
            typer.echo(line)
    table, hidden = progress_display(prog, lang, catalogue=cat)
    print_frame(table, title=("Tiến độ tới năm " if lang == "vi" else "Progress toward ")
                 + str(prog["plan_year"].iloc[0] if len(prog) else plan_year or cat.meta.get("period_to")))
    from ntm_analysis.assess.trends import progress_note

    typer.echo(progress_note(lang))
    if hidden:
        from ntm_analysis.i18n import fmt
        from ntm_analysis.assess.trends import MESSAGES as TM
        typer.echo(fmt(TM, "hidden_achieved", lang, n=hidden))


def _set_change(before, after, year: int, lang: str) -> str:
    """The line marking a change of criteria set in a series (counts of two sets are not comparable)."""
    n0, n1 = before.criteria["criterion"].nunique(), after.criteria["criterion"].nunique()
    if lang == "vi":
        return (f"── Từ năm {year}: đổi bộ tiêu chí {before.meta['id']} ({n0} tiêu chí) → {after.meta['id']} "
                f"({n1} tiêu chí); số tiêu chí đạt của hai bộ không so sánh với nhau. ──")
    return (f"── From {year}: criteria set changes {before.meta['id']} ({n0} criteria) → {after.meta['id']} "
            f"({n1} criteria); counts of the two sets are not comparable. ──")



def targets_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu hoặc tệp .xlsx / dataset folder or .xlsx"),
    unit: str = typer.Option(..., "--unit", help="Tên hoặc mã đơn vị / unit name or code"),
    year: int = typer.Option(..., "--year", help="Năm đánh giá làm căn cứ (đề xuất cho năm sau) / assessed year"),
    tier: Optional[str] = typer.Option(None, "--tier", help="Hạng (mặc định: hạng tiếp theo chưa đạt) / tier "
                                       "(default: the next tier not reached)"),
    count: Optional[int] = typer.Option(None, "--count", help="Số tiêu chí đề xuất (mặc định 2-5) / how many"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    fmt_: str = typer.Option("table", "--format", help="table | csv | json"),
    lang: str = LangOption,
) -> None:
    """Đề xuất tiêu chí phấn đấu năm sau và đoạn văn dự thảo kế hoạch / next year's targets and draft paragraph."""
    import json

    from ntm_analysis.assess.targets import draft_paragraph, rank_targets, ranked_display
    from ntm_analysis.units import unit_label

    check_choice(fmt_, ("table", "csv", "json"), "--format")
    if count is not None and count < 1:
        fail(f"--count >= 1 ({count})")
    data, cat, code, result = load_for_unit(dataset, unit, catalogue, tier, lang, year=year, command="ntm targets")
    ranked = rank_targets(result, cat, code, year, tier=tier, count=count, lang=lang)
    text = draft_paragraph(ranked, cat, unit_label(data.units, code, year, lang), year, lang=lang)
    if fmt_ == "json":
        out = {"ranked": json.loads(ranked.to_json(orient="records", force_ascii=False)), "paragraph": text}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    if fmt_ == "csv":  # the table only, so that the output stays one CSV (the paragraph: table or json)
        typer.echo(ranked.to_csv(index=False, lineterminator="\n"))
        return
    print_frame(ranked_display(ranked, cat, lang), title=f"{unit_label(data.units, code, year, lang)}, {year}")
    from ntm_analysis.assess.targets import score_note

    typer.echo(score_note(lang))
    typer.echo("")
    typer.echo(text)
