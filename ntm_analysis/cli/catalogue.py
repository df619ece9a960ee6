"""``ntm catalogue`` commands: ``check`` a catalogue file, ``show`` its criteria, indicators and
thresholds, write it as an Excel ``template`` and ``import`` the filled workbook."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ntm_analysis.cli.common import LangOption, check_choice, fail, input_errors, msg

catalogue_app = typer.Typer(no_args_is_help=True, help="Bộ tiêu chí: kiểm tra, xem, soạn bằng Excel / criteria catalogue: "
                                                      "check, show, author in Excel.")


def catalogue_check_cmd(
    path: Path = typer.Argument(..., help="Tệp bộ tiêu chí .yaml / catalogue .yaml file"),
    lang: str = LangOption,
) -> None:
    """Kiểm tra một tệp bộ tiêu chí, liệt kê mọi lỗi / validate a catalogue file, list every problem."""
    from ntm_analysis.catalogue.display import summarise_catalogue
    from ntm_analysis.catalogue.model import load_catalogue

    check_choice(lang, ("vi", "en"), "--lang")
    if not path.is_file():
        fail(msg("file_not_found", lang, path=path))
    with input_errors(lang):
        cat = load_catalogue(path)
    typer.echo(summarise_catalogue(cat, lang))


def catalogue_show_cmd(
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    tier: Optional[str] = typer.Option(None, "--tier", help="Chỉ một hạng (mã trong bộ tiêu chí) / one tier only (its id in the catalogue)"),
    fmt_: str = typer.Option("table", "--format", help="table | csv"),
    lang: str = LangOption,
) -> None:
    """Liệt kê tiêu chí, chỉ tiêu, ngưỡng, nguồn, độ tin cậy / list criteria, indicators, thresholds, sources."""
    from ntm_analysis.catalogue.display import catalogue_banner, catalogue_to_frame, group_definition
    from ntm_analysis.catalogue.model import load_catalogue
    from ntm_analysis.i18n import CONFIDENCE_LABELS, THRESHOLD_STATUS_LABELS, label, unit_label

    check_choice(lang, ("vi", "en"), "--lang")
    if fmt_ not in ("table", "csv"):
        fail(f"--format: table | csv ({fmt_!r})")
    with input_errors(lang):
        cat = load_catalogue(catalogue)
    if tier is not None and tier not in cat.tier_ids():
        fail(f"--tier {tier!r}: {', '.join(cat.tier_ids())}")
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
        table.add_row(cat.tier_label(r.tier, lang, short=True), str(r.criterion), r.criterion_name, r.indicator, r.name,
                      r.measure, escape(r.threshold), unit_label(r.unit, lang),
                      label(THRESHOLD_STATUS_LABELS, r.threshold_status, lang), label(CONFIDENCE_LABELS, r.confidence, lang),
                      r.source)
    console = Console()
    if not console.is_terminal:  # piped or captured: do not squeeze the table into 80 columns
        console = Console(width=220)
    banner = catalogue_banner(cat, lang)
    if banner:
        console.print(f"[bold red]{escape(banner)}[/bold red]")
    tiers = "; ".join(f"{cat.tier_label(t, lang, short=True)} = {t}" for t in cat.tier_ids())
    console.print(("Hạng (mã dùng cho --tier): " if vi else "Tiers (the id --tier takes): ") + escape(tiers))
    console.print(table)
    if cat.meta.get("groups"):
        console.print(f"[bold]{'Nhóm xã' if vi else 'Commune groups'}[/bold]")
        for g in cat.meta["groups"]:
            console.print(f"- [bold]{escape(g[lang])}[/bold]: {escape(group_definition(g, lang))}")
    for sid, src in cat.sources.items():
        console.print(f"[bold]{sid}[/bold]: {escape(src.get('title') if vi else src.get('title_en') or src.get('title'))}")


def catalogue_template_cmd(
    out: Path = typer.Option(..., "--out", help="Sổ tính .xlsx sẽ ghi / workbook .xlsx to write"),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help="Mã hoặc đường dẫn bộ tiêu chí / catalogue id or path"),
    lang: str = LangOption,
) -> None:
    """Ghi bộ tiêu chí ra sổ tính Excel để soạn / write a catalogue as an Excel workbook to edit."""
    from ntm_analysis.catalogue.model import load_catalogue
    from ntm_analysis.excel.catalogue_book import catalogue_workbook

    check_choice(lang, ("vi", "en"), "--lang")
    if out.suffix.lower() != ".xlsx":
        fail(f"--out: .xlsx ({out})")
    with input_errors(lang):
        cat = load_catalogue(catalogue)
        catalogue_workbook(cat, out, lang)
    typer.echo(str(out))


def catalogue_import_cmd(
    workbook: Path = typer.Argument(..., help="Sổ tính đã điền / filled workbook .xlsx"),
    out: Path = typer.Option(..., "--out", help="Tệp bộ tiêu chí .yaml sẽ ghi / catalogue .yaml to write"),
    lang: str = LangOption,
) -> None:
    """Đọc sổ tính bộ tiêu chí, kiểm tra, ghi tệp .yaml / read a catalogue workbook, check it, write the .yaml."""
    from ntm_analysis.catalogue.display import summarise_catalogue
    from ntm_analysis.catalogue.model import load_catalogue
    from ntm_analysis.excel.catalogue_import import import_catalogue_workbook
    from ntm_analysis.excel.common import ExcelError

    check_choice(lang, ("vi", "en"), "--lang")
    try:
        import_catalogue_workbook(workbook, out)
    except ExcelError as exc:
        fail(exc.render(lang))
    with input_errors(lang):
        typer.echo(summarise_catalogue(load_catalogue(out), lang))
    typer.echo(str(out))
