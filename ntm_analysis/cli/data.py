"""Data commands of ``ntm``: ``validate`` a dataset, ``init`` one from the unit reference, the Excel
entry ``template`` and its ``import``, the Excel annex ``export``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ntm_analysis.cli.common import LangOption, check_choice, fail, input_errors, msg, open_dataset, write_csv


def validate_cmd(
    dataset: Path = typer.Argument(..., help="Thư mục dữ liệu hoặc tệp .xlsx / dataset folder or .xlsx"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    all_problems: Optional[Path] = typer.Option(None, "--all-problems", help="Ghi mọi lỗi và cảnh báo ra tệp CSV / write every problem to a CSV file"),
    lang: str = LangOption,
) -> None:
    """Kiểm tra một bộ dữ liệu, liệt kê mọi lỗi / check a dataset and list every problem."""
    from ntm_analysis.io.dataset import load_dataset, summarise_dataset
    from ntm_analysis.io.validation import DatasetError, problems_table

    check_choice(lang, ("vi", "en"), "--lang")

    def write_all(problems) -> None:
        if all_problems is not None:
            with input_errors(lang):
                write_csv(problems_table(problems, lang), all_problems)

    try:
        data = load_dataset(dataset, catalogue=catalogue, lang=lang)
    except DatasetError as exc:
        write_all(exc.problems)
        fail(exc.render(lang))
    write_all(data.problems)
    typer.echo(summarise_dataset(data, lang))



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

    check_choice(lang, ("vi", "en"), "--lang")
    try:
        _, summary = init_dataset(dataset, province, with_predecessors=with_predecessors, lang=lang)
    except (InitRefused, AdminReferenceError) as exc:
        fail(exc.render(lang))
    except OSError as exc:
        fail(f"{type(exc).__name__}: {exc}")
    typer.echo(summary)



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

    check_choice(lang, ("vi", "en"), "--lang")
    data, cat = open_dataset(dataset, catalogue, lang, year=year)
    from ntm_analysis.outputs import check_file_target

    with input_errors(lang):
        check_file_target(out)
        code = resolve_unit(data.units, unit, year=year)
        note = guard_output(out, force, lang)
        path = build_template(data, cat, code, year, out, overwrite=force)
    if note:
        typer.echo(note)
    from openpyxl import load_workbook

    sheets = ", ".join(s for s in load_workbook(path, read_only=True).sheetnames if not s.startswith("_"))
    typer.echo(fmt(MESSAGES, "written", lang, path=path, sheets=sheets))


def import_cmd(
    workbook: Path = typer.Argument(..., help="Mẫu nhập liệu đã điền (.xlsx) / filled entry template"),
    into: Path = typer.Option(..., "--into", help="Thư mục dữ liệu nhận số liệu / dataset folder to update"),
    replace: bool = typer.Option(False, "--replace", help="Ghi đè giá trị đã có (giữ bản sao lưu) / overwrite existing values (backup kept)"),
    lang: str = LangOption,
) -> None:
    """Nhập mẫu Excel đã điền vào values.csv, xem trước thay đổi / import a filled template into values.csv, with a preview."""
    from ntm_analysis.excel import apply_import, plan_import, render_preview

    check_choice(lang, ("vi", "en"), "--lang")
    with input_errors(lang):
        plan = plan_import(workbook, into)
    typer.echo(render_preview(plan, lang))
    with input_errors(lang):
        lines = apply_import(plan, replace=replace, lang=lang)
    typer.echo("\n".join(lines))


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

    check_choice(lang, ("vi", "en"), "--lang")
    if (unit is None) == (not all_):
        fail(msg("unit_or_all", lang))
    data, cat = open_dataset(dataset, catalogue, lang, year=year)
    if not (data.values["year"] == year).any():
        fail(fmt(MESSAGES, "empty", lang, year=year))
    from ntm_analysis.outputs import check_file_target

    with input_errors(lang):
        check_file_target(out)
        code = resolve_unit(data.units, unit, year=year) if unit else None
        result = assess(data, cat, years=[year], units=[code] if code else None, lang=lang)
        path = export_annex(result, data, cat, year, out, lang=lang)
    n = result.units.loc[result.units["year"] == year, "code"].nunique()
    typer.echo(fmt(MESSAGES, "written", lang, path=path, n=n, year=year))
