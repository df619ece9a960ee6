"""Commands of ``ntm`` that write documents: ``map`` (PNG/PDF maps, GeoPackage), ``plan`` (Word plans)
and ``report`` (the notebook reports in HTML with an index)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ntm_analysis.cli.common import LangOption, check_choice, fail, input_errors, msg, open_dataset


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

    check_choice(lang, ("vi", "en"), "--lang")
    if level not in ("commune", "village", "hamlet"):
        fail(f"--level: commune | village | hamlet ({level!r})")
    if criteria and indicator:
        fail(msg("criteria_or_indicator", lang))
    kind = (fmt_ or (out.suffix.lstrip(".") if out and out.suffix else "png")).lower()
    if kind not in ("png", "pdf"):
        fail(f"--format: png | pdf ({kind!r})")
    data, cat = open_dataset(dataset, catalogue, lang, tier, year=year)
    from ntm_analysis.outputs import check_file_target

    with input_errors(lang):
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
    with input_errors(lang):
        written = [maps.save_figure(drawn.figure, target, kind)]
        if gpkg is not None:
            from ntm_analysis.maps.export import attainment_layer, export_gpkg

            written.append(export_gpkg(attainment_layer(drawn.layer, result, year), gpkg))
    for line in drawn.report.lines(lang) + (drawn.context_report.lines(lang) if drawn.context_report else []):
        typer.echo(line, err=True)
    for path in written:
        typer.echo(str(path))



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

    check_choice(lang, ("vi", "en"), "--lang")
    if count is not None and count < 1:
        fail(f"--count >= 1 ({count})")
    if not all_ and unit is None:
        fail("Cần --unit hoặc --all / give --unit or --all")
    if not all_ and out.suffix.lower() != ".docx":
        fail(f"--out: tệp .docx / a .docx file ({out})")
    data, cat = open_dataset(dataset, catalogue, lang, tier, year=year)
    years = sorted(set(data.values["year"].astype(int)))
    if year not in years:
        fail(f"--year {year}: {', '.join(map(str, years))}")
    from ntm_analysis.outputs import check_dir_target, check_file_target

    with input_errors(lang):
        check_dir_target(out) if all_ else check_file_target(out, ".docx")  # before any work
        code = resolve_unit(data.units, unit, year=year) if unit else None
        if not all_:
            done = write_plan(data, cat, assess(data, cat, units=[code], lang=lang), code, year, out, tier, count, lang)
            typer.echo(fmt(MESSAGES, "written", lang, plan=year + 1, unit=done.name, path=done.path))
            return
        codes = select_communes(data, year, code)
        if not codes:
            fail(fmt(MESSAGES, "no_communes", lang, year=year, under=fmt(MESSAGES, "under", lang, parent=unit) if unit else ""))
        files, index = write_plans(data, cat, assess(data, cat, units=codes, lang=lang), codes, year, out, tier, count, lang)
    failed = [f for f in files if f.error]
    for f in failed:
        typer.echo(fmt(MESSAGES, "failed", lang, unit=f.name, error=f.error), err=True)
    typer.echo(fmt(MESSAGES, "written_all", lang, n=len(files) - len(failed), plan=year + 1, folder=out, index=index))
    if failed:
        raise typer.Exit(1)



def report_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu / dataset folder"),
    year: Optional[int] = typer.Option(None, "--year", help="Năm (mặc định: năm mới nhất có số liệu) / year (default: the latest with values)"),
    unit: Optional[list[str]] = typer.Option(None, "--unit", help="Tên hoặc mã (lặp lại được; tên huyện = mọi xã) / unit, repeatable"),
    all_units: bool = typer.Option(False, "--all", help="Mọi xã có dữ liệu năm đó / every commune with data"),
    notebook: Optional[list[str]] = typer.Option(None, "--notebook", help="commune_report | village_map | trends | parent_overview (= district_overview) | commune_plan"),
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
    from ntm_analysis.report.context import write_context_cache
    from ntm_analysis.report.index import write_index

    check_choice(lang, ("vi", "en"), "--lang")
    if not all_units and not unit:
        fail(msg("unit_or_all", lang))
    if workers is not None and workers < 1:
        fail("--workers >= 1")
    data, cat = open_dataset(dataset, catalogue, lang, tier, year=year)  # read and validated once for the whole batch
    if year is None:
        from ntm_analysis.io.dataset import latest_year

        year = latest_year(data)
        if year is None:
            fail("Bộ dữ liệu chưa có số liệu / the dataset has no values yet")
    from ntm_analysis.outputs import check_dir_target

    with input_errors(lang):
        check_dir_target(out)
        jobs = reports.plan_jobs(dataset, year, unit, all_units, notebook, out, lang, catalogue, tier=tier, data=data)
    if not jobs:
        fail(msg("no_unit_with_data", lang, year=year))
    cache = None
    try:
        cache = write_context_cache(dataset, catalogue, out, data=data, cat=cat)  # no second load
        jobs = [reports.ReportJob(j.notebook, j.code, j.name, j.year, j.parameters | {"context_cache": str(cache.resolve())},
                                  j.out_dir) for j in jobs]
        with input_errors(lang):
            results = reports.run_batch(jobs, workers=workers, scheduler=scheduler, progress=not no_progress)
    finally:
        if cache is not None:
            cache.unlink(missing_ok=True)
    meta = data.meta
    label = meta.get("name_en" if lang == "en" else "name") or meta.get("name") or dataset
    with input_errors(lang):
        index = write_index(reports.collect_results(out), out, str(label), lang,
                            bool(meta.get("synthetic")))
    failed = [r for r in results if not r.ok]
    for r in failed:
        typer.echo(f"✗ {r.job.name} / {r.job.notebook}: {r.error}", err=True)
    typer.echo(msg("reports_done", lang, ok=len(results) - len(failed), n=len(results), index=index.resolve()))
    if failed:
        raise typer.Exit(1)
