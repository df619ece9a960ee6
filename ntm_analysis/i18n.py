"""Vietnamese-first labels shared by every module.

Each module keeps its own messages as ``{key: (vi, en)}`` dictionaries next to the code that uses
them; this module holds the labels several modules share (statuses, tiers, levels) and the one
function that picks a language. Vietnamese is the default everywhere; English on request.
"""

from __future__ import annotations

from typing import Any, Literal, Mapping

Lang = Literal["vi", "en"]
LANGS: tuple[str, ...] = ("vi", "en")

#: Status of an indicator or criterion in one unit and year.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "met": ("Đạt", "Met"),
    "not_met": ("Chưa đạt", "Not met"),
    "missing": ("Thiếu dữ liệu", "Missing data"),
    "not_applicable": ("Không áp dụng", "Not applicable"),
    "unknown_threshold": ("Chưa có ngưỡng", "No threshold"),
}

#: Administrative levels, with the Vietnamese words accepted on input.
LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "province": ("Tỉnh", "Province"),
    "district": ("Huyện", "District"),
    "commune": ("Xã", "Commune"),
    "village": ("Thôn", "Village"),
    "hamlet": ("Xóm", "Hamlet"),
}

#: Changes between two assessed years.
CHANGE_LABELS: dict[str, tuple[str, str]] = {
    "newly_met": ("Mới đạt", "Newly met"),
    "slipped": ("Bị tụt", "Slipped"),
    "recovered": ("Đạt lại", "Recovered"),
    "kept": ("Giữ vững", "Kept"),
    "still_not_met": ("Vẫn chưa đạt", "Still not met"),
}

#: Confidence of a catalogue entry and whether its threshold is verified.
CONFIDENCE_LABELS: dict[str, tuple[str, str]] = {
    "high": ("cao", "high"),
    "medium": ("trung bình", "medium"),
    "low": ("thấp", "low"),
}
THRESHOLD_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "verified": ("đã xác minh", "verified"),
    "plan_stated": ("theo kế hoạch của xã, chưa đối chiếu quyết định", "stated in the commune plan, not checked against the decision"),
    "provisional": ("tạm tính, chưa xác minh", "provisional, unverified"),
    "unknown": ("chưa biết ngưỡng", "threshold unknown"),
}


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if supported, else raise ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"Ngôn ngữ không hỗ trợ / unsupported language: {lang!r} (vi, en)")
    return lang  # type: ignore[return-value]


def upper_first(text: str) -> str:
    """``text`` with its first letter upper-case and the rest as written ("advanced NTM commune" →
    "Advanced NTM commune"; ``str.capitalize`` would write "Advanced ntm commune")."""
    return text[:1].upper() + text[1:]


def pick(text: tuple[str, str] | Mapping[str, str], lang: str = "vi") -> str:
    """Pick the ``lang`` variant of a ``(vi, en)`` pair or a ``{"vi": ..., "en": ...}`` mapping."""
    if isinstance(text, tuple):
        return text[0] if lang == "vi" else text[1]
    return text.get(lang) or text.get("vi") or next(iter(text.values()))


def label(table: Mapping[str, tuple[str, str]], key: str, lang: str = "vi") -> str:
    """Label of ``key`` in one of the tables above; the key itself when unknown."""
    pair = table.get(key)
    return pick(pair, lang) if pair else str(key)


def fmt(messages: Mapping[str, tuple[str, str]], key: str, lang: str = "vi", **kwargs: object) -> str:
    """Format message ``key`` of a module's ``{key: (vi, en)}`` table in ``lang``."""
    return pick(messages[key], lang).format(**kwargs)


#: Decimals shown for a measured value in every report, table and message (one rounding everywhere,
#: so the same value reads the same in a summary and in a table).
DIGITS = 2


def number_label(value: Any, lang: str = "vi", digits: int = DIGITS) -> str:
    """A number as the language writes it: at most ``digits`` decimals, no trailing zeros, decimal
    comma in Vietnamese (``86,83``), point in English (``86.83``); ``""`` for a missing value.
    The one display rule for numbers (machine outputs, CSV and JSON, keep plain numbers)."""
    import math  # noqa: PLC0415

    try:
        x = float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    if math.isnan(x):
        return ""
    text = f"{round(x, digits):.{digits}f}".rstrip("0").rstrip(".") if digits > 0 else f"{round(x):.0f}"
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",") if lang == "vi" else text


#: Units of measure as the catalogues write them (Vietnamese) and their English form.
MEASURE_UNITS: dict[str, tuple[str, str]] = {
    "%": ("%", "%"),
    "% (hộ)": ("% (hộ)", "% (households)"),
    "(hộ)": ("(hộ)", "(households)"),
    "% (km)": ("% (km)", "% (km)"),
    "% số thôn": ("% số thôn", "% of villages"),
    "triệu đồng/người/năm": ("triệu đồng/người/năm", "million VND/person/year"),
    "cuộc/năm": ("cuộc/năm", "events/year"),
    "câu lạc bộ": ("câu lạc bộ", "clubs"),
    "giải/năm": ("giải/năm", "tournaments/year"),
    "m²/người": ("m²/người", "m²/person"),
    "mức độ": ("mức độ", "level"),
    "nhà": ("nhà", "buildings"),
    "thiết bị": ("thiết bị", "devices"),
    "tin/tuần": ("tin/tuần", "news items/week"),
    "xếp loại": ("xếp loại", "rating"),
    "hộ": ("hộ", "households"),
    "người": ("người", "people"),
    "km": ("km", "km"),
}


#: Names of the levels of a ``level`` measure as the catalogues write them (Vietnamese, lowest first)
#: and their English form: education levels, learning-community and militia-training ratings.
LEVEL_VALUES: dict[str, tuple[str, str]] = {
    "mức độ 1": ("mức độ 1", "level 1"),
    "mức độ 2": ("mức độ 2", "level 2"),
    "mức độ 3": ("mức độ 3", "level 3"),
    "yếu": ("yếu", "weak"),
    "trung bình": ("trung bình", "average"),
    "khá": ("khá", "good"),
    "tốt": ("tốt", "very good"),
    "không đạt": ("không đạt", "failed"),
    "đạt": ("đạt", "passed"),
    "giỏi": ("giỏi", "excellent"),
}


def level_value(name: Any, lang: str = "vi") -> str:
    """A level's name (``khá`` → ``good``) in ``lang``; a name not in :data:`LEVEL_VALUES` as written."""
    text = "" if name is None else str(name).strip()
    pair = LEVEL_VALUES.get(text)
    return pick(pair, lang) if pair else text


def unit_label(unit: Any, lang: str = "vi") -> str:
    """A catalogue's unit of measure in ``lang`` (``triệu đồng/người/năm`` → ``million VND/person/year``);
    ``""`` for none; a unit not in :data:`MEASURE_UNITS` as written."""
    if not isinstance(unit, str) or not unit.strip():
        return ""
    pair = MEASURE_UNITS.get(unit.strip())
    return pick(pair, lang) if pair else unit.strip()
