"""The ``ntm`` command: parses arguments, calls the package, prints. No analysis logic lives here.

Every command takes ``--lang vi|en`` (Vietnamese by default). Bad input ends with a clear message
and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

from ntm_analysis.errors import NtmError
from ntm_analysis.cli_messages import LocalisedGroup

app = typer.Typer(
    cls=LocalisedGroup,
    add_completion=False,
    no_args_is_help=True,
    help="ntm: phân tích bộ tiêu chí nông thôn mới (NTM) / New Rural Development criteria analysis.",
)
catalogue_app = typer.Typer(no_args_is_help=True, help="Bộ tiêu chí: kiểm tra, xem, soạn bằng Excel / criteria catalogue: "
                                                      "check, show, author in Excel.")
app.add_typer(catalogue_app, name="catalogue")

LangOption = typer.Option("vi", "--lang", help="Ngôn ngữ / language: vi | en")


def _fail(message: str, code: int = 2) -> None:
    """Print ``message`` to stderr and exit with ``code`` (2 = bad input)."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _msg(key: str, lang: str, **kwargs: object) -> str:
    """Message ``key`` of the command line's table (``cli_messages.MESSAGES``) in ``lang``."""
    from ntm_analysis.cli_messages import MESSAGES as CM
    from ntm_analysis.i18n import fmt

    return fmt(CM, key, lang if lang in ("vi", "en") else "vi", **kwargs)


def _check_choice(value: str, allowed: tuple[str, ...], option: str) -> None:
    """Exit 2 naming the allowed values when ``value`` is not one of them."""
    if value not in allowed:
        _fail(f"{option}: {' | '.join(allowed)} ({value!r})")


@contextmanager
def _input_errors(lang: str) -> Iterator[None]:
    """Turn the package's bad-input errors (the :class:`~ntm_analysis.errors.NtmError` family)
    into their message in ``lang`` and exit code 2. Any other exception is a bug and surfaces."""
    try:
        yield
    except NtmError as exc:  # OutputError (an output path that cannot be written) included
        _fail(exc.render(lang))


def _open(dataset: Path, catalogue: Optional[str], lang: str, tier: Optional[str] = None, year: Optional[int] = None):
    """The dataset and the catalogue in force in ``year`` (default: the latest year with values):
    ``--catalogue``, else the one dataset.toml names for that period (``catalogue_for_year``); exit 2
    on bad input or a tier the catalogue does not have."""
    from ntm_analysis.catalogue.periods import catalogue_for_year
    from ntm_analysis.io.dataset import load_dataset

    _check_choice(lang, ("vi", "en"), "--lang")
    with _input_errors(lang):
        data = load_dataset(dataset, catalogue=catalogue, lang=lang)
        latest = int(data.values["year"].max()) if len(data.values) else None
        cat = catalogue_for_year(data.meta, year if year is not None else latest, catalogue)
    if tier is not None and tier not in cat.tier_ids():
        _fail(f"--tier {tier!r}: {', '.join(cat.tier_ids())}")
    return data, cat


# --- commands are added below, one function each ---------------------------------------------


@app.command("map")
def map_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu / dataset folder"),
    year: int = typer.Option(..., "--year", help="Năm / year"),
    unit: Optional[str] = typer.Option(None, "--unit", help="Mã hoặc tên đơn vị (mặc định: tất cả) / unit code or name"),
    level: str = typer.Option("commune", "--level", help="commune | village | hamlet"),
    indicator: Optional[str] = typer.Option(None, "--indicator", help="Mã chỉ tiêu, ví dụ 2.2 / indicator code"),
    criteria: bool = typer.Option(False, "--criteria", help="Bản đồ số tiêu chí đạt (mặc định) / criteria met (default)"),
    tier: Optional[str] = typer.Option(None, "--tier", help="Mã hạng trong bộ tiêu chí (xem ntm catalogue show) / tier id of the catalogue"),
    boundaries: Optional[Path] = typer.Option(None, "--boundaries", help="Lớp ranh giới cho --level / boundary layer"),
    out: Optional[Path] = typer.Option(None, "--out", help="Tệp ảnh ra (.png/.pdf) / output image"),
    fmt_: Optional[str] = typer.Option(None, "--format", help="png | pdf"),
    gpkg: Optional[Path] = typer.Option(None, "--gpkg", help="Xuất lớp kết quả ra GeoPackage / also export a GeoPackage"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue"),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Bảng mã tệp .dbf của Shapefile, ví dụ cp1258 / Shapefile text encoding"),
    lang: str = LangOption,
) -> None:
    """Vẽ bản đồ số tiêu chí đạt hoặc một chỉ tiêu (PNG/PDF 300 dpi) / draw a criteria or indicator map."""
    from ntm_analysis.maps import layers as maps
    from ntm_analysis.maps.compose import make_map
    from ntm_analysis.assess.attainment import assess, assess_villages
    from ntm_analysis.maps.boundaries import load_layers
    from ntm_analysis.io.names import resolve_unit

    _check_choice(lang, ("vi", "en"), "--lang")
    if level not in ("commune", "village", "hamlet"):
        _fail(f"--level: commune | village | hamlet ({level!r})")
    if criteria and indicator:
        _fail(_msg("criteria_or_indicator", lang))
    kind = (fmt_ or (out.suffix.lstrip(".") if out and out.suffix else "png")).lower()
    if kind not in ("png", "pdf"):
        _fail(f"--format: png | pdf ({kind!r})")
    data, cat = _open(dataset, catalogue, lang, tier, year=year)
    from ntm_analysis.outputs import check_file_target

    with _input_errors(lang):
        code = resolve_unit(data.units, unit, year=year) if unit else None
        tier_id, fill = maps.map_levels(cat, level, tier, indicator)
        target = out or maps.default_output(Path(dataset).resolve().name, year, level, tier_id, code, indicator, kind)
        for path, suffix in ((target, f".{kind}"), (gpkg, ".gpkg")):  # a wrong place fails now, not after drawing
            if path is not None:
                check_file_target(path, suffix)
        result = assess(data, cat, years=year, units=[code] if code else None, lang=lang)
        village_rows = (assess_villages(data, cat, tier_id, years=year, units=[code] if code else None, lang=lang)
                        if maps.village_indicator_map(cat, level, tier_id, indicator) else None)
        province = data.meta.get("province")
        layers = load_layers([fill, level], data.meta.get("boundaries"), dataset, boundaries, level, province, encoding)
        source = data.meta.get("name_en" if lang == "en" else "name") or data.meta.get("name") or Path(dataset).name
        drawn = make_map(result, data.units, layers, year, level=level, tier=tier_id, indicator=indicator,
                              unit=code, lang=lang, synthetic=bool(data.meta.get("synthetic")), source=source,
                              province=province, village_rows=village_rows)
    with _input_errors(lang):
        written = [maps.save_figure(drawn.figure, target, kind)]
        if gpkg is not None:
            from ntm_analysis.maps.export import attainment_layer, export_gpkg

            written.append(export_gpkg(attainment_layer(drawn.layer, result, year), gpkg))
    for line in drawn.report.lines(lang) + (drawn.context_report.lines(lang) if drawn.context_report else []):
        typer.echo(line, err=True)
    for path in written:
        typer.echo(str(path))


def _load_for_unit(dataset: Path, unit: str, catalogue: Optional[str], tier: Optional[str], lang: str,
                   year: Optional[int] = None, command: str = ""):
    """Dataset, catalogue, the unit's code and its assessment (all years), or exit 2 with a message
    (also for a unit of a kind ``command`` does not serve, see ``ntm_analysis.serves``)."""
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.io.names import resolve_unit
    from ntm_analysis.serves import check_serves

    data, cat = _open(dataset, catalogue, lang, tier, year=year)
    years = sorted(set(data.values["year"].astype(int)))
    if year is not None and year not in years:
        _fail(f"--year {year}: {', '.join(map(str, years))}")
    with _input_errors(lang):
        code = resolve_unit(data.units, unit, year=year)
        check_serves(data.units, code, year if year is not None else years[-1], command, cat, str(dataset))
        result = assess(data, cat, units=[code], lang=lang)
    return data, cat, code, result


def _check_years(lo: int, hi: int, plan_year: Optional[int], data_years: list[int], lang: str) -> None:
    """Exit 2 when ``--from``/``--to`` select no year of the data or ``--plan-year`` is before the
    last year shown (a plan year is after the years it is measured from)."""
    from ntm_analysis.cli_messages import MESSAGES as CM
    from ntm_analysis.i18n import fmt

    span = ", ".join(map(str, data_years))
    if lo > hi:
        _fail(fmt(CM, "from_after_to", lang, lo=lo, hi=hi))
    if not any(lo <= y <= hi for y in data_years):
        _fail(fmt(CM, "no_years_between", lang, lo=lo, hi=hi, years=span))
    last = max(y for y in data_years if lo <= y <= hi)
    if plan_year is not None and plan_year < last:
        _fail(fmt(CM, "plan_before_data", lang, plan=plan_year, last=last))


def _print_frame(frame, title: str = "") -> None:
    """A rich table of display strings (a few dozen rows)."""
    from rich.console import Console
    from rich.table import Table

    console = Console() if sys.stdout.isatty() else Console(width=220)
    table = Table(*[str(c) for c in frame.columns], title=title or None, title_justify="left")
    for row in frame.astype(str).itertuples(index=False):
        table.add_row(*row)
    console.print(table)


@app.command("trends")
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
    from ntm_analysis.catalogue.model import catalogue_banner
    from ntm_analysis.catalogue.periods import catalogues_by_year

    _check_choice(fmt_, ("table", "csv", "json"), "--format")
    data, cat, code, result = _load_for_unit(dataset, unit, catalogue, tier, lang, command="ntm trends")
    data_years = sorted(set(data.values["year"].astype(int)))
    lo, hi = from_ or data_years[0], to or data_years[-1]
    _check_years(lo, hi, plan_year, data_years, lang)
    with _input_errors(lang):  # a reused code: keep the period of the unit that exists in the last year asked for
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

        with _input_errors(lang):
            merged, series = successor_series(data, cat, code, hi, lang)
            result = assess(merged, cat, units=[code], lang=lang)
        source = merged
        years = [y for y in data_years if lo <= y <= hi and (vt is None or y <= vt)]
    periods = []  # one history per criteria set in force: a change of set is a break, never one series
    with _input_errors(lang):
        for pcat, pyears in catalogues_by_year(data.meta, years, catalogue):
            res = result if pcat.meta["id"] == cat.meta["id"] else assess(source, pcat, units=[code], lang=lang)
            ptier = tier if tier is None or tier in pcat.tier_ids() else None
            if tier is None or ptier is not None:
                periods.append((pcat, history(res, code, tier=ptier, years=pyears).assign(catalogue=pcat.meta["id"])))
    hist = pd.concat([h for _, h in periods], ignore_index=True) if periods else history(result, code, tier=tier, years=years)
    prog = progress(result, cat, code, plan_year=plan_year, tier=tier, years=[y for y in years if y in set(
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
        _print_frame(wide_history(phist, pcat, lang=lang), title=head)
    if series is not None:
        from ntm_analysis.assess.trends import series_summary

        for line in series_summary(series, lang):
            typer.echo(line)
    table, hidden = progress_display(prog, lang, catalogue=cat)
    _print_frame(table, title=("Tiến độ tới năm " if lang == "vi" else "Progress toward ")
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


@app.command("targets")
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

    _check_choice(fmt_, ("table", "csv", "json"), "--format")
    if count is not None and count < 1:
        _fail(f"--count >= 1 ({count})")
    data, cat, code, result = _load_for_unit(dataset, unit, catalogue, tier, lang, year=year, command="ntm targets")
    ranked = rank_targets(result, cat, code, year, tier=tier, count=count, lang=lang)
    text = draft_paragraph(ranked, cat, unit_label(data.units, code, year, lang), year, lang=lang)
    if fmt_ == "json":
        out = {"ranked": json.loads(ranked.to_json(orient="records", force_ascii=False)), "paragraph": text}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    if fmt_ == "csv":  # the table only, so that the output stays one CSV (the paragraph: table or json)
        typer.echo(ranked.to_csv(index=False, lineterminator="\n"))
        return
    _print_frame(ranked_display(ranked, cat, lang), title=f"{unit_label(data.units, code, year, lang)}, {year}")
    from ntm_analysis.assess.targets import score_note

    typer.echo(score_note(lang))
    typer.echo("")
    typer.echo(text)


@app.command("plan")
def plan_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu hoặc tệp .xlsx / dataset folder or .xlsx"),
    year: int = typer.Option(..., "--year", help="Năm đánh giá làm căn cứ (kế hoạch cho năm sau) / assessed year"),
    out: Path = typer.Option(..., "--out", help="Tệp .docx (--all: thư mục) / output .docx (--all: folder)"),
    unit: Optional[str] = typer.Option(None, "--unit", help="Xã (--all: đơn vị cấp trên) / commune (--all: parent unit)"),
    all_: bool = typer.Option(False, "--all", help="Mọi xã (thuộc --unit) / every commune (under --unit)"),
    tier: Optional[str] = typer.Option(None, "--tier", help="Hạng đề xuất (mặc định: hạng kế tiếp) / target tier"),
    count: Optional[int] = typer.Option(None, "--count", help="Số tiêu chí đề xuất (mặc định 2-5) / how many"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    lang: str = LangOption,
) -> None:
    """Dự thảo kế hoạch NTM năm sau của xã (Word) / draft next year's commune NTM plan (Word)."""
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.i18n import fmt
    from ntm_analysis.io.names import resolve_unit
    from ntm_analysis.plan.draft import MESSAGES, select_communes, write_plan, write_plans

    _check_choice(lang, ("vi", "en"), "--lang")
    if count is not None and count < 1:
        _fail(f"--count >= 1 ({count})")
    if not all_ and unit is None:
        _fail("Cần --unit hoặc --all / give --unit or --all")
    if not all_ and out.suffix.lower() != ".docx":
        _fail(f"--out: tệp .docx / a .docx file ({out})")
    data, cat = _open(dataset, catalogue, lang, tier, year=year)
    years = sorted(set(data.values["year"].astype(int)))
    if year not in years:
        _fail(f"--year {year}: {', '.join(map(str, years))}")
    from ntm_analysis.outputs import check_dir_target, check_file_target

    with _input_errors(lang):
        check_dir_target(out) if all_ else check_file_target(out, ".docx")  # before any work
        code = resolve_unit(data.units, unit, year=year) if unit else None
        if not all_:
            done = write_plan(data, cat, assess(data, cat, units=[code], lang=lang), code, year, out, tier, count, lang)
            typer.echo(fmt(MESSAGES, "written", lang, plan=year + 1, unit=done.name, path=done.path))
            return
        codes = select_communes(data, year, code)
        if not codes:
            _fail(fmt(MESSAGES, "no_communes", lang, year=year, under=fmt(MESSAGES, "under", lang, parent=unit) if unit else ""))
        files, index = write_plans(data, cat, assess(data, cat, units=codes, lang=lang), codes, year, out, tier, count, lang)
    failed = [f for f in files if f.error]
    for f in failed:
        typer.echo(fmt(MESSAGES, "failed", lang, unit=f.name, error=f.error), err=True)
    typer.echo(fmt(MESSAGES, "written_all", lang, n=len(files) - len(failed), plan=year + 1, folder=out, index=index))
    if failed:
        raise typer.Exit(1)


@app.command("template")
def template_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu / dataset folder"),
    unit: str = typer.Option(..., "--unit", help="Tên hoặc mã xã (thôn, xóm) / commune (village, hamlet) name or code"),
    year: int = typer.Option(..., "--year", help="Năm nhập số liệu / year to enter"),
    out: Path = typer.Option(..., "--out", help="Tệp .xlsx kết quả / output .xlsx file"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    force: bool = typer.Option(False, "--force", help="Ghi đè tệp --out đã có (giữ bản sao nếu đã điền) / overwrite an existing --out (a filled one is backed up)"),
    lang: str = LangOption,
) -> None:
    """Tạo mẫu Excel nhập số liệu cho một xã và một năm / write an Excel entry template for a unit and year."""
    from ntm_analysis.excel.template import MESSAGES, build_template, guard_output
    from ntm_analysis.i18n import fmt
    from ntm_analysis.io.names import resolve_unit

    _check_choice(lang, ("vi", "en"), "--lang")
    data, cat = _open(dataset, catalogue, lang, year=year)
    from ntm_analysis.outputs import check_file_target

    with _input_errors(lang):
        check_file_target(out)
        code = resolve_unit(data.units, unit, year=year)
        note = guard_output(out, force, lang)
        path = build_template(data, cat, code, year, out, overwrite=force)
    if note:
        typer.echo(note)
    from openpyxl import load_workbook

    sheets = ", ".join(s for s in load_workbook(path, read_only=True).sheetnames if not s.startswith("_"))
    typer.echo(fmt(MESSAGES, "written", lang, path=path, sheets=sheets))


@app.command("import")
def import_cmd(
    workbook: Path = typer.Argument(..., help="Mẫu nhập liệu đã điền (.xlsx) / filled entry template"),
    into: Path = typer.Option(..., "--into", help="Thư mục dữ liệu nhận số liệu / dataset folder to update"),
    replace: bool = typer.Option(False, "--replace", help="Ghi đè giá trị đã có (giữ bản sao lưu) / overwrite existing values (backup kept)"),
    lang: str = LangOption,
) -> None:
    """Nhập mẫu Excel đã điền vào values.csv, xem trước thay đổi / import a filled template into values.csv, with a preview."""
    from ntm_analysis.excel import apply_import, plan_import, render_preview

    _check_choice(lang, ("vi", "en"), "--lang")
    with _input_errors(lang):
        plan = plan_import(workbook, into)
    typer.echo(render_preview(plan, lang))
    with _input_errors(lang):
        lines = apply_import(plan, replace=replace, lang=lang)
    typer.echo("\n".join(lines))


@app.command("export")
def export_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu hoặc tệp .xlsx / dataset folder or .xlsx"),
    year: int = typer.Option(..., "--year", help="Năm đánh giá / assessment year"),
    unit: Optional[str] = typer.Option(None, "--unit", help="Tên hoặc mã đơn vị (huyện: mọi xã) / unit name or code"),
    all_: bool = typer.Option(False, "--all", help="Mọi đơn vị / every unit"),
    out: Path = typer.Option(..., "--out", help="Tệp .xlsx kết quả / output .xlsx file"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    lang: str = LangOption,
) -> None:
    """Phụ lục Excel: tiêu chí theo đơn vị và hạng, từng chỉ tiêu / Excel annex: criteria per unit and tier, indicators."""
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.excel.annex import MESSAGES, export_annex
    from ntm_analysis.i18n import fmt
    from ntm_analysis.io.names import resolve_unit

    _check_choice(lang, ("vi", "en"), "--lang")
    if (unit is None) == (not all_):
        _fail(_msg("unit_or_all", lang))
    data, cat = _open(dataset, catalogue, lang, year=year)
    if not (data.values["year"] == year).any():
        _fail(fmt(MESSAGES, "empty", lang, year=year))
    from ntm_analysis.outputs import check_file_target

    with _input_errors(lang):
        check_file_target(out)
        code = resolve_unit(data.units, unit, year=year) if unit else None
        result = assess(data, cat, years=[year], units=[code] if code else None, lang=lang)
        path = export_annex(result, data, cat, year, out, lang=lang)
    n = result.units.loc[result.units["year"] == year, "code"].nunique()
    typer.echo(fmt(MESSAGES, "written", lang, path=path, n=n, year=year))


@app.command("status")
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

    _check_choice(lang, ("vi", "en"), "--lang")
    _check_choice(fmt_, ("table", "csv", "json"), "--format")
    data, cat = _open(dataset, catalogue, lang, tier, year=year)
    years = sorted(set(data.values["year"].astype(int)))
    if year not in years:
        _fail(fmt(MESSAGES, "no_year", lang, year=year, years=", ".join(map(str, years))))
    with _input_errors(lang):
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
        from ntm_analysis.cli_messages import MESSAGES as CM
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


@app.command("validate")
def validate_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu hoặc tệp .xlsx / dataset folder or .xlsx"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    all_problems: Optional[Path] = typer.Option(None, "--all-problems", help="Ghi mọi lỗi và cảnh báo ra tệp CSV / write every problem to a CSV file"),
    lang: str = LangOption,
) -> None:
    """Kiểm tra một bộ dữ liệu, liệt kê mọi lỗi / check a dataset and list every problem."""
    from ntm_analysis.io.dataset import load_dataset, summarise_dataset
    from ntm_analysis.io.validation import DatasetError, problems_table

    _check_choice(lang, ("vi", "en"), "--lang")

    def write_all(problems) -> None:
        if all_problems is not None:
            with _input_errors(lang):
                _write_csv(problems_table(problems, lang), all_problems)

    try:
        data = load_dataset(dataset, catalogue=catalogue, lang=lang)
    except DatasetError as exc:
        write_all(exc.problems)
        _fail(exc.render(lang))
    write_all(data.problems)
    typer.echo(summarise_dataset(data, lang))


def _write_csv(frame, path: Path) -> None:
    """``frame`` as UTF-8 CSV (with BOM, so that Excel shows the diacritics) at ``path``, atomically."""
    from ntm_analysis.outputs import atomic_write, check_file_target

    check_file_target(path, ".csv")
    atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n"))


@app.command("init")
def init_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu mới (chưa có hoặc trống) / new dataset folder (absent or empty)"),
    province: str = typer.Option(..., "--province", help="Tên hoặc mã tỉnh từ 01/7/2025 / province name or GSO code"),
    with_predecessors: bool = typer.Option(False, "--with-predecessors",
                                           help="Thêm các xã, huyện trước 01/7/2025 và đơn vị kế thừa / add the former communes and districts"),
    lang: str = LangOption,
) -> None:
    """Tạo bộ dữ liệu mới từ danh mục đơn vị hành chính thật / start a dataset from the real unit list."""
    from ntm_analysis.admin.reference import AdminReferenceError
    from ntm_analysis.admin.skeleton import InitRefused, init_dataset

    _check_choice(lang, ("vi", "en"), "--lang")
    try:
        _, summary = init_dataset(dataset, province, with_predecessors=with_predecessors, lang=lang)
    except (InitRefused, AdminReferenceError) as exc:
        _fail(exc.render(lang))
    except OSError as exc:
        _fail(f"{type(exc).__name__}: {exc}")
    typer.echo(summary)


@catalogue_app.command("check")
def catalogue_check_cmd(
    path: Path = typer.Argument(..., help="Tệp bộ tiêu chí .yaml / catalogue .yaml file"),
    lang: str = LangOption,
) -> None:
    """Kiểm tra một tệp bộ tiêu chí, liệt kê mọi lỗi / validate a catalogue file, list every problem."""
    from ntm_analysis.catalogue.model import load_catalogue, summarise_catalogue

    _check_choice(lang, ("vi", "en"), "--lang")
    if not path.is_file():
        _fail(_msg("file_not_found", lang, path=path))
    with _input_errors(lang):
        cat = load_catalogue(path)
    typer.echo(summarise_catalogue(cat, lang))


@catalogue_app.command("show")
def catalogue_show_cmd(
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    tier: Optional[str] = typer.Option(None, "--tier", help="Chỉ một hạng (mã trong bộ tiêu chí) / one tier only (its id in the catalogue)"),
    fmt_: str = typer.Option("table", "--format", help="table | csv"),
    lang: str = LangOption,
) -> None:
    """Liệt kê tiêu chí, chỉ tiêu, ngưỡng, nguồn, độ tin cậy / list criteria, indicators, thresholds, sources."""
    from ntm_analysis.catalogue.model import (catalogue_banner, catalogue_to_frame, group_definition,
                                              load_catalogue)
    from ntm_analysis.i18n import CONFIDENCE_LABELS, THRESHOLD_STATUS_LABELS, label

    _check_choice(lang, ("vi", "en"), "--lang")
    if fmt_ not in ("table", "csv"):
        _fail(f"--format: table | csv ({fmt_!r})")
    with _input_errors(lang):
        cat = load_catalogue(catalogue)
    if tier is not None and tier not in cat.tier_ids():
        _fail(f"--tier {tier!r}: {', '.join(cat.tier_ids())}")
    frame = catalogue_to_frame(cat, tier=tier, lang=lang)
    if fmt_ == "csv":
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    from rich.console import Console
    from rich.table import Table

    from rich.markup import escape

    vi = lang == "vi"
    heads = (["Hạng", "TC", "Tiêu chí", "Mã", "Chỉ tiêu", "Chỉ tiêu đo", "Ngưỡng", "Đơn vị", "Trạng thái ngưỡng",
              "Tin cậy", "Nguồn"] if vi else
             ["Tier", "No.", "Criterion", "Code", "Indicator", "Measure", "Threshold", "Unit", "Threshold status",
              "Confidence", "Source"])
    table = Table(*heads, show_lines=False)
    for r in frame.itertuples(index=False):  # display of a few hundred config rows
        table.add_row(r.tier, str(r.criterion), r.criterion_name, r.indicator, r.name, r.measure, escape(r.threshold), r.unit,
                      label(THRESHOLD_STATUS_LABELS, r.threshold_status, lang), label(CONFIDENCE_LABELS, r.confidence, lang),
                      r.source)
    console = Console()
    if not console.is_terminal:  # piped or captured: do not squeeze the table into 80 columns
        console = Console(width=220)
    banner = catalogue_banner(cat, lang)
    if banner:
        console.print(f"[bold red]{escape(banner)}[/bold red]")
    console.print(table)
    if cat.meta.get("groups"):
        console.print(f"[bold]{'Nhóm xã' if vi else 'Commune groups'}[/bold]")
        for g in cat.meta["groups"]:
            console.print(f"- [bold]{escape(g[lang])}[/bold]: {escape(group_definition(g, lang))}")
    for sid, src in cat.sources.items():
        console.print(f"[bold]{sid}[/bold]: {escape(src.get('title') if vi else src.get('title_en') or src.get('title'))}")


@catalogue_app.command("template")
def catalogue_template_cmd(
    out: Path = typer.Option(..., "--out", help="Sổ tính .xlsx sẽ ghi / workbook .xlsx to write"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    lang: str = LangOption,
) -> None:
    """Ghi bộ tiêu chí ra sổ tính Excel để soạn / write a catalogue as an Excel workbook to edit."""
    from ntm_analysis.catalogue.model import load_catalogue
    from ntm_analysis.excel.catalogue_book import catalogue_workbook

    _check_choice(lang, ("vi", "en"), "--lang")
    if out.suffix.lower() != ".xlsx":
        _fail(f"--out: .xlsx ({out})")
    with _input_errors(lang):
        cat = load_catalogue(catalogue)
        catalogue_workbook(cat, out, lang)
    typer.echo(str(out))


@catalogue_app.command("import")
def catalogue_import_cmd(
    workbook: Path = typer.Argument(..., help="Sổ tính đã điền / filled workbook .xlsx"),
    out: Path = typer.Option(..., "--out", help="Tệp bộ tiêu chí .yaml sẽ ghi / catalogue .yaml to write"),
    lang: str = LangOption,
) -> None:
    """Đọc sổ tính bộ tiêu chí, kiểm tra, ghi tệp .yaml / read a catalogue workbook, check it, write the .yaml."""
    from ntm_analysis.catalogue.model import load_catalogue, summarise_catalogue
    from ntm_analysis.excel.catalogue_book import import_catalogue_workbook
    from ntm_analysis.excel.common import ExcelError

    _check_choice(lang, ("vi", "en"), "--lang")
    try:
        import_catalogue_workbook(workbook, out)
    except ExcelError as exc:
        _fail(exc.render(lang))
    with _input_errors(lang):
        typer.echo(summarise_catalogue(load_catalogue(out), lang))
    typer.echo(str(out))


@app.command("report")
def report_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu / dataset folder"),
    year: Optional[int] = typer.Option(None, "--year", help="Năm (mặc định: năm mới nhất có số liệu) / year (default: the latest with values)"),
    unit: Optional[list[str]] = typer.Option(None, "--unit", help="Tên hoặc mã (lặp lại được; tên huyện = mọi xã) / unit, repeatable"),
    all_units: bool = typer.Option(False, "--all", help="Mọi xã có dữ liệu năm đó / every commune with data"),
    notebook: Optional[list[str]] = typer.Option(None, "--notebook", help="commune_report | village_map | trends | district_overview | commune_plan"),
    out: Path = typer.Option(Path("reports"), "--out", help="Thư mục kết quả / output folder"),
    workers: Optional[int] = typer.Option(None, "--workers", help="Số tiến trình (mặc định: số lõi) / worker processes"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Địa chỉ Dask scheduler / Dask scheduler address"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue"),
    tier: Optional[str] = typer.Option(None, "--tier", help="Hạng cho phần mục tiêu (mặc định: hạng tiếp theo chưa đạt) / "
                                       "tier of the targets (default: the next tier not reached)"),
    no_progress: bool = typer.Option(False, "--no-progress", help="Không hiện thanh tiến độ / no progress bar"),
    lang: str = LangOption,
) -> None:
    """Chạy các sổ tính báo cáo và xuất HTML + chỉ mục / render the report notebooks to HTML with an index."""
    from ntm_analysis.report import batch as reports

    _check_choice(lang, ("vi", "en"), "--lang")
    if not all_units and not unit:
        _fail(_msg("unit_or_all", lang))
    if workers is not None and workers < 1:
        _fail("--workers >= 1")
    data, cat = _open(dataset, catalogue, lang, tier, year=year)  # read and validated once for the whole batch
    if year is None:
        from ntm_analysis.io.dataset import latest_year

        year = latest_year(data)
        if year is None:
            _fail("Bộ dữ liệu chưa có số liệu / the dataset has no values yet")
    from ntm_analysis.outputs import check_dir_target

    with _input_errors(lang):
        check_dir_target(out)
        jobs = reports.plan_jobs(dataset, year, unit, all_units, notebook, out, lang, catalogue, tier=tier, data=data)
    if not jobs:
        _fail(_msg("no_unit_with_data", lang, year=year))
    cache = None
    try:
        cache = reports.write_context_cache(dataset, catalogue, out, data=data, cat=cat)
        jobs = [reports.ReportJob(j.notebook, j.code, j.name, j.year, j.parameters | {"context_cache": str(cache.resolve())},
                                  j.out_dir) for j in jobs]
        with _input_errors(lang):
            results = reports.run_batch(jobs, workers=workers, scheduler=scheduler, progress=not no_progress)
    finally:
        if cache is not None:
            cache.unlink(missing_ok=True)
    meta = data.meta
    label = meta.get("name_en" if lang == "en" else "name") or meta.get("name") or dataset
    with _input_errors(lang):
        index = reports.write_index(reports.collect_results(out), out, str(label), lang,
                                    bool(meta.get("synthetic")))
    failed = [r for r in results if not r.ok]
    for r in failed:
        typer.echo(f"✗ {r.job.name} / {r.job.notebook}: {r.error}", err=True)
    typer.echo(_msg("reports_done", lang, ok=len(results) - len(failed), n=len(results), index=index.resolve()))
    if failed:
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``ntm`` script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
