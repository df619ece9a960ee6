"""Text rules shared by every stage: Unicode NFC, invisible characters, whitespace, and the name
key that matches Vietnamese names whatever their Unicode form (NFC/NFD), case or tone placement
("Hòa" = "Hoà"). Stage 0: imports nothing of the package."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: Invisible format characters (zero-width space/joiners, word joiner, BOM) removed from text cells.
INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff]"
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_DROP_INVISIBLE = {ord(ch): None for ch in _INVISIBLE_CHARS}
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_TONE_RE = re.compile(f"[{TONE_MARKS}]")
_SPACE_RE = re.compile(r"\s+")


def strip_invisible_text(text: Any) -> tuple[Any, int]:
    """``text`` without invisible format characters and how many were removed (non-text as is)."""
    if not isinstance(text, str):
        return text, 0
    out = text.translate(_DROP_INVISIBLE)
    return out, len(text) - len(out)


def normalise_text(s: Any) -> Any:
    """NFC, invisible format characters removed (``cells.INVISIBLE``), trimmed, inner whitespace
    collapsed to one space; NA and non-text pass through."""
    if not isinstance(s, str):
        return s
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", strip_invisible_text(s)[0])).strip()


def name_key(s: Any) -> str:
    """A key equal for NFC/NFD, either tone placement and any case (tone moved to word end)."""
    if not isinstance(s, str):
        return ""
    text = unicodedata.normalize("NFD", normalise_text(s)).casefold()
    words = []
    for word in text.split(" "):
        tones = "".join(_TONE_RE.findall(word))
        words.append(_TONE_RE.sub("", word) + tones)
    return " ".join(words)


def fold_key(s: Any) -> str:
    """A key without any diacritics (đ → d) and case: for level words typed without accents."""
    key = unicodedata.normalize("NFD", name_key(s)).replace("đ", "d")
    return "".join(ch for ch in key if not unicodedata.combining(ch))
