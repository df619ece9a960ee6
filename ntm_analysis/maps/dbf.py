"""Text of a Shapefile's attribute table (``.dbf``) read as bytes and decoded here, not by GDAL.

Vietnamese GIS offices still hand out Shapefiles whose ``.dbf`` is in Windows-1258 (often without a
``.cpg``), or in the legacy 8-bit font encodings TCVN3 (ABC, fonts ``.VnTime``) and VNI (fonts
``VNI-Times``). GDAL reads a ``.dbf`` without ``.cpg`` as Latin-1 (names become mojibake) and its
own CP1258 conversion loses the last character of every field (``ma_xa`` → ``ma_x``). So the bytes
are read from the file (dBASE III layout: 32-byte header, 32-byte field descriptors ending in 0x0D,
fixed-width records with a deletion flag) and decoded by :func:`decode_dbf`:

1. the encoding the user gives (``--encoding``), else
2. the ``.cpg`` file's code page, else
3. UTF-8 when every text byte is valid UTF-8, else Windows-1258.

Windows-1258 writes tone marks as combining characters; the text is NFC-normalised. Text that
decodes but looks like TCVN3 or VNI (characters that never occur in Vietnamese written in Unicode,
e.g. ``T©n LËp``, ``Taân Laäp``) is flagged in :attr:`DbfText.legacy` so the caller can say so:
decoding those fonts needs a converter such as Unikey's (no reliable table is shipped here).
"""

from __future__ import annotations

import codecs
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

#: ``.cpg`` contents (lower case, spaces removed) → Python codec.
CPG_ALIASES: dict[str, str] = {
    "1258": "cp1258", "ansi1258": "cp1258", "windows-1258": "cp1258", "cp1258": "cp1258",
    "utf-8": "utf-8", "utf8": "utf-8", "65001": "utf-8",
    "88591": "latin-1", "iso-8859-1": "latin-1", "iso88591": "latin-1", "latin1": "latin-1",
}
#: TCVN3 (ABC) puts â ê ô ơ ư đ á à ả ã ạ ... at bytes 0xA1-0xBF: symbols in Windows-1258.
_TCVN3 = re.compile(r"[A-Za-z][\u00a1-\u00bf]|[\u00a1-\u00bf][A-Za-z]")
#: VNI writes a base letter plus a byte for the mark: ñ (đ), ö (ư), ø (huyền), ï (nặng), ä, ë ...
_VNI = re.compile(r"[ñÑöÖøØïÏäÄëË]")
LEGACY_NAMES = {"tcvn3": "TCVN3 (ABC, .VnTime)", "vni": "VNI (VNI-Times)"}


@dataclass
class DbfText:
    """Decoded field names (all fields, file order) and the text of each character field.

    ``text`` maps a field's position to one value per live (not deleted) record, None for blanks.
    ``encoding`` is the codec used, ``source`` how it was chosen (``option``/``cpg``/``detected``),
    ``legacy`` ``"tcvn3"``/``"vni"`` when the text looks like a legacy font encoding (else None) with
    up to three ``examples``."""

    names: list[str]
    text: dict[int, list[str | None]]
    encoding: str
    source: str
    legacy: str | None = None
    examples: list[str] = field(default_factory=list)


def codec_name(label: str) -> str | None:
    """The Python codec for an encoding label (``.cpg`` text or ``--encoding``), None if unknown."""
    key = label.strip().lower().replace(" ", "")
    if key in CPG_ALIASES:
        return CPG_ALIASES[key]
    if key.isdigit():
        key = f"cp{key}"
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def dbf_source(path: Path) -> tuple[bytes | None, str | None]:
    """The ``.dbf`` bytes and ``.cpg`` text of a Shapefile (``.shp`` or ``.zip`` holding one);
    (None, None) for other formats."""
    if path.suffix.lower() == ".shp":
        dbf = next((p for p in (path.with_suffix(".dbf"), path.with_suffix(".DBF")) if p.is_file()), None)
        cpg = next((p for p in (path.with_suffix(".cpg"), path.with_suffix(".CPG")) if p.is_file()), None)
        return (dbf.read_bytes() if dbf else None), (cpg.read_bytes().decode("ascii", "replace") if cpg else None)
    if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            shp = next((n for n in names if n.lower().endswith(".shp")), None)
            if shp is None:
                return None, None
            stem = shp[:-4].lower()
            dbf = next((n for n in names if n.lower() == stem + ".dbf"), None)
            cpg = next((n for n in names if n.lower() == stem + ".cpg"), None)
            return (zf.read(dbf) if dbf else None), (zf.read(cpg).decode("ascii", "replace") if cpg else None)
    return None, None


def parse_dbf(data: bytes) -> tuple[list[bytes], list[str], list[list[bytes]]]:
    """Raw field names, field types and, per live record, the raw bytes of each field."""
    n_records, header_len, record_len = struct.unpack("<IHH", data[4:12])
    names, types, widths = [], [], []
    pos = 32
    while pos + 32 <= header_len and data[pos] != 0x0D:
        desc = data[pos:pos + 32]
        names.append(desc[:11].split(b"\x00", 1)[0])
        types.append(chr(desc[11]))
        widths.append(desc[16])
        pos += 32
    records = []
    for i in range(n_records):
        start = header_len + i * record_len
        rec = data[start:start + record_len]
        if len(rec) < record_len or rec[:1] == b"*":  # cut file or deleted record
            continue
        offset, values = 1, []
        for w in widths:
            values.append(rec[offset:offset + w])
            offset += w
        records.append(values)
    return names, types, records


def legacy_font(texts: list[str]) -> tuple[str | None, list[str]]:
    """``"tcvn3"``/``"vni"`` when decoded ``texts`` look like a legacy font encoding, with examples."""
    for kind, pattern in (("tcvn3", _TCVN3), ("vni", _VNI)):
        hits = [t for t in texts if pattern.search(t)]
        if hits and len(hits) * 4 >= len([t for t in texts if not t.isascii()]):
            return kind, hits[:3]
    return None, []


def decode_dbf(data: bytes, cpg: str | None = None, encoding: str | None = None) -> DbfText:
    """Decode the names and text fields of ``.dbf`` bytes (see the module docstring for the order
    in which the encoding is chosen). Raises ``LookupError`` for an unknown ``encoding`` and
    ``UnicodeDecodeError`` when the given or ``.cpg`` encoding does not fit the bytes."""
    raw_names, types, records = parse_dbf(data)
    text_fields = [i for i, t in enumerate(types) if t in "CMV"]
    blobs = [rec[i].rstrip(b" \x00") for rec in records for i in text_fields] + raw_names
    if encoding:
        codec, source = codec_name(encoding), "option"
        if codec is None:
            raise LookupError(encoding)
    elif cpg and codec_name(cpg):
        codec, source = codec_name(cpg), "cpg"
    else:
        source = "detected"
        try:
            for b in blobs:
                b.decode("utf-8")
            codec = "utf-8"
        except UnicodeDecodeError:
            codec = "cp1258"

    def dec(b: bytes) -> str:
        return unicodedata.normalize("NFC", b.decode(codec)).strip()

    names = [dec(n) for n in raw_names]
    text = {i: [dec(rec[i].rstrip(b" \x00")) or None for rec in records] for i in text_fields}
    legacy, examples = (None, [])
    if codec != "utf-8" and source != "option":
        legacy, examples = legacy_font([v for vals in text.values() for v in vals if v])
    return DbfText(names, text, codec, source, legacy, examples)
