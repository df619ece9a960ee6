"""Commune groups (xã nhóm 1, 2, 3) of a group-based criteria set (QĐ 51/2025/QĐ-TTg): how users
write a group, and its id in the catalogue."""

from __future__ import annotations

import re
import unicodedata
from typing import Any


def group_id(value: Any) -> str:
    """A commune group as written (``1``, ``"1"``, ``"nhóm 1"``, ``"Nhóm 1"``, ``"group 1"``) → its
    id (``"1"``); other text comes back stripped, unchanged."""
    text = unicodedata.normalize("NFC", str(value)).strip()
    m = GROUP_PATTERN.match(text)
    return m.group(1) if m else text


GROUP_PATTERN = re.compile(r"^(?:nh[oó]m|group)?\s*(\d+)(?:\.0)?$", re.IGNORECASE)
