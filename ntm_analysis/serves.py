"""Which kinds of unit (administrative levels) each command and report notebook serves.

A report made for a commune, run for a village, would show empty tables and false sentences ("every
indicator is met"); so every command and notebook that works on one unit says here which levels it
serves, and :func:`check_serves` refuses any other with :class:`UnitKindError`: a message (Vietnamese
or English) that names the unit's kind and what to run instead. The CLI turns it into exit code 2.

``"tiers"`` stands for the levels the catalogue assesses (``unit_level`` of its tiers: communes, and
hamlets for the model residential area), so a catalogue with other tiers needs no code change.
"""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from ntm_analysis.i18n import LEVEL_LABELS, fmt, label
from ntm_analysis.io.names import UnitLookupError

#: Levels served by each notebook and command; ``"tiers"``: the levels the catalogue's tiers assess.
SERVES: dict[str, tuple[str, ...]] = {
    "commune_report": ("commune",),
    "village_map": ("commune",),
    "trends": ("commune",),
    "commune_plan": ("commune",),
    "parent_overview": ("district", "province"),
    "ntm trends": ("tiers",),
    "ntm targets": ("tiers",),
    "ntm template": ("commune",),
}

MESSAGES: dict[str, tuple[str, str]] = {
    "wrong_kind": ("«{name}» ({code}) là {kind}{parent}; {what} dành cho {served}. {instead}",
                   "«{name}» ({code}) is a {kind}{parent}; {what} serves {served}. {instead}"),
    "parent": (" thuộc {kind} {parent}", " of {parent} {kind}"),
    "or": (" hoặc ", " or "),
    "notebook": ("báo cáo {name}", "the {name} report"),
    "command": ("lệnh «{name}»", "«{name}»"),
    "run_village_map": ("Để xem thôn, xóm: ntm report {dataset} --year {year} --unit {commune} --notebook village_map; "
                        "các xóm của thôn: ntm status {dataset} --year {year} --unit {code}.",
                        "For villages and hamlets run: ntm report {dataset} --year {year} --unit {commune} --notebook "
                        "village_map; the hamlets of this village: ntm status {dataset} --year {year} --unit {code}."),
    "run_district": ("Cho cả {kind}: ntm report {dataset} --year {year} --unit {code} --notebook parent_overview, "
                     "hoặc ntm status {dataset} --year {year} --unit {code} (mọi xã).",
                     "For the whole {kind} run: ntm report {dataset} --year {year} --unit {code} --notebook "
                     "parent_overview, or ntm status {dataset} --year {year} --unit {code} (every commune)."),
    "run_commune": ("Cho một xã: ntm report {dataset} --year {year} --unit {code} --notebook commune_report.",
                    "For one commune run: ntm report {dataset} --year {year} --unit {code} --notebook commune_report."),
}

#: Display names of the notebooks in messages.
NOTEBOOK_NAMES: dict[str, tuple[str, str]] = {
    "commune_report": ("xã", "commune"),
    "village_map": ("bản đồ thôn, xóm", "village map"),
    "trends": ("xu hướng", "trends"),
    "commune_plan": ("dự thảo kế hoạch", "draft plan"),
    "parent_overview": ("tổng quan tỉnh, huyện", "province or district overview"),
}


class UnitKindError(UnitLookupError):
    """A unit of a kind (level) the command or notebook does not serve; ``message(lang)`` says which
    kind it is and what to run instead."""


def served_levels(what: str, catalogue: Any = None) -> list[str]:
    """The levels ``what`` (a notebook name or ``"ntm <command>"``) serves, ``"tiers"`` expanded from
    the catalogue's tiers."""
    out: list[str] = []
    for level in SERVES.get(what, ()):
        if level == "tiers":
            levels = catalogue.tiers["unit_level"] if catalogue is not None else pd.Series(["commune"])
            out += [lv for lv in dict.fromkeys(levels.astype(str)) if lv not in out]
        elif level not in out:
            out.append(level)
    return out


def _row(units: pd.DataFrame, code: str, year: int | None) -> pd.Series:
    from ntm_analysis.units import valid_in  # noqa: PLC0415

    rows = units[units["code"].eq(code)]
    valid = rows[valid_in(rows, year)] if year is not None else rows
    return (valid if len(valid) else rows).iloc[-1]


def _kind_word(row: pd.Series, lang: str) -> str:
    kind = row.get("type")
    if lang == "vi" and isinstance(kind, str) and kind.strip():
        return kind.strip().lower()
    return label(LEVEL_LABELS, str(row["level"]), lang).lower()


def _words(levels: Iterable[str], lang: str) -> str:
    """'xã hoặc xóm' / 'communes or hamlets'."""
    plural = {"commune": "communes", "village": "villages", "hamlet": "hamlets", "district": "districts",
              "province": "provinces"}
    names = [label(LEVEL_LABELS, lv, "vi").lower() if lang == "vi" else plural.get(lv, lv) for lv in levels]
    return fmt(MESSAGES, "or", lang).join(names)


def check_serves(units: pd.DataFrame, code: str, year: int | None, what: str, catalogue: Any = None,
                 dataset: str = "DATASET") -> None:
    """Raise :class:`UnitKindError` when the unit ``code`` (as it exists in ``year``) is of a level
    ``what`` does not serve. ``units``: the dataset's units table (``code``, ``name``, ``type``,
    ``level``, ``parent_code``, ``valid_from``, ``valid_to``); ``dataset``: the dataset as the user
    wrote it, for the commands suggested in the message."""
    served = served_levels(what, catalogue)
    row = _row(units, code, year)
    level = str(row["level"])
    if not served or level in served:
        return
    messages = []
    for lang in ("vi", "en"):
        parent_code = row.get("parent_code")
        parent = ""
        commune = code
        if isinstance(parent_code, str) and (units["code"] == parent_code).any():
            prow = _row(units, parent_code, year)
            parent = fmt(MESSAGES, "parent", lang, kind=_kind_word(prow, lang), parent=prow["name"])
            if prow["level"] == "commune":
                commune = parent_code
            elif level == "hamlet" and isinstance(prow.get("parent_code"), str):
                commune = prow["parent_code"]
        args = dict(year=year or "YEAR", code=code, commune=commune, kind=_kind_word(row, lang), dataset=dataset)
        if level in ("village", "hamlet"):
            instead = fmt(MESSAGES, "run_village_map", lang, **args)
        elif level in ("district", "province"):
            instead = fmt(MESSAGES, "run_district", lang, **args)
        else:
            instead = fmt(MESSAGES, "run_commune", lang, **args)
        if what.startswith("ntm "):
            doing = fmt(MESSAGES, "command", lang, name=what)
        else:
            doing = fmt(MESSAGES, "notebook", lang, name=label(NOTEBOOK_NAMES, what, lang))
        messages.append(fmt(MESSAGES, "wrong_kind", lang, name=row["name"], code=code, kind=_kind_word(row, lang),
                            parent=parent, what=doing, served=_words(served, lang), instead=instead))
    raise UnitKindError(messages[0], messages[1])
