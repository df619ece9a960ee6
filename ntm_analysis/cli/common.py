"""What every ``ntm`` command shares: the root ``app``, the ``--lang`` option, exit-2 failures
(:func:`fail`, :func:`input_errors`), the command line's messages, opening a dataset with the
catalogue in force (:func:`open_dataset`), year checks and table printing.

Bad input ends with a clear message and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

from ntm_analysis.errors import NtmError
from ntm_analysis.cli.messages import LocalisedGroup

app = typer.Typer(
    cls=LocalisedGroup,
    add_completion=False,
    no_args_is_help=True,
    help="ntm: phân tích bộ tiêu chí nông thôn mới (NTM) / New Rural Development criteria analysis.",
)

LangOption = typer.Option("vi", "--lang", help="Ngôn ngữ / language: vi | en")


def fail(message: str, code: int = 2) -> None:
    """Print ``message`` to stderr and exit with ``code`` (2 = bad input)."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def msg(key: str, lang: str, **kwargs: object) -> str:
    """Message ``key`` of the command line's table (``cli.messages.MESSAGES``) in ``lang``."""
    from ntm_analysis.cli.messages import MESSAGES as CM
    from ntm_analysis.i18n import fmt

    return fmt(CM, key, lang if lang in ("vi", "en") else "vi", **kwargs)


def check_choice(value: str, allowed: tuple[str, ...], option: str) -> None:
    """Exit 2 naming the allowed values when ``value`` is not one of them."""
    if value not in allowed:
        fail(f"{option}: {' | '.join(allowed)} ({value!r})")


@contextmanager
def input_errors(lang: str) -> Iterator[None]:
    """Turn the package's bad-input errors (the :class:`~ntm_analysis.errors.NtmError` family)
    into their message in ``lang`` and exit code 2. Any other exception is a bug and surfaces."""
    try:
        yield
    except NtmError as exc:  # OutputError (an output path that cannot be written) included
        fail(exc.render(lang))


def open_dataset(dataset: Path, catalogue: Optional[str], lang: str, tier: Optional[str] = None, year: Optional[int] = None):
    """The dataset and the catalogue in force in ``year`` (default: the latest year with values):
    ``--catalogue``, else the one dataset.toml names for that period (``catalogue_for_year``); exit 2
    on bad input or a tier the catalogue does not have."""
    from ntm_analysis.catalogue.periods import catalogue_for_year
    from ntm_analysis.io.dataset import load_dataset

    check_choice(lang, ("vi", "en"), "--lang")
    with input_errors(lang):
        data = load_dataset(dataset, catalogue=catalogue, lang=lang)
        latest = int(data.values["year"].max()) if len(data.values) else None
        cat = catalogue_for_year(data, year if year is not None else latest, catalogue)
    if tier is not None and tier not in cat.tier_ids():
        fail(f"--tier {tier!r}: {', '.join(cat.tier_ids())}")
    return data, cat


def load_for_unit(dataset: Path, unit: str, catalogue: Optional[str], tier: Optional[str], lang: str,
                   year: Optional[int] = None, command: str = ""):
    """Dataset, catalogue, the unit's code and its assessment (all years), or exit 2 with a message
    (also for a unit of a kind ``command`` does not serve, see ``ntm_analysis.serves``)."""
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.io.names import resolve_unit
    from ntm_analysis.serves import check_serves

    data, cat = open_dataset(dataset, catalogue, lang, tier, year=year)
    years = sorted(set(data.values["year"].astype(int)))
    if year is not None and year not in years:
        fail(f"--year {year}: {', '.join(map(str, years))}")
    with input_errors(lang):
        code = resolve_unit(data.units, unit, year=year)
        check_serves(data.units, code, year if year is not None else years[-1], command, cat, str(dataset))
        result = assess(data, cat, units=[code], lang=lang)
    return data, cat, code, result


def check_years(lo: int, hi: int, plan_year: Optional[int], data_years: list[int], lang: str) -> None:
    """Exit 2 when ``--from``/``--to`` select no year of the data or ``--plan-year`` is before the
    last year shown (a plan year is after the years it is measured from)."""
    from ntm_analysis.cli.messages import MESSAGES as CM
    from ntm_analysis.i18n import fmt

    span = ", ".join(map(str, data_years))
    if lo > hi:
        fail(fmt(CM, "from_after_to", lang, lo=lo, hi=hi))
    if not any(lo <= y <= hi for y in data_years):
        fail(fmt(CM, "no_years_between", lang, lo=lo, hi=hi, years=span))
    last = max(y for y in data_years if lo <= y <= hi)
    if plan_year is not None and plan_year < last:
        fail(fmt(CM, "plan_before_data", lang, plan=plan_year, last=last))


def print_frame(frame, title: str = "") -> None:
    """A rich table of display strings (a few dozen rows)."""
    from rich.console import Console
    from rich.table import Table

    console = Console() if sys.stdout.isatty() else Console(width=220)
    table = Table(*[str(c) for c in frame.columns], title=title or None, title_justify="left")
    for row in frame.astype(str).itertuples(index=False):
        table.add_row(*row)
    console.print(table)


def write_csv(frame, path: Path) -> None:
    """``frame`` as UTF-8 CSV (with BOM, so that Excel shows the diacritics) at ``path``, atomically."""
    from ntm_analysis.outputs import atomic_write, check_file_target

    check_file_target(path, ".csv")
    atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n"))
