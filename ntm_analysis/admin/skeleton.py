"""``ntm init``: a new dataset folder for one province, started from the real unit list.

Writes ``units.csv`` (``reference.province_units``: the province and its commune-level units of
01/7/2025; with predecessors also the former provinces, districts and communes with their validity
and successors), an empty ``values.csv`` (header only) and ``dataset.toml`` naming the catalogue of
each criteria period. Refuses a folder that exists and is not empty; writes all files or none (they
are written to a temporary folder next to the target and moved in at the end).
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from ntm_analysis.admin.reference import SPLIT_SEP, find_province, province_units
from ntm_analysis.i18n import fmt

#: Catalogue of each criteria period written into a new dataset.toml.
CATALOGUES: dict[str, str] = {"2021-2025": "lang-son-2022-2025", "2026-2030": "qd51-2026-2030"}
VALUES_HEADER = "code,year,indicator,value,numerator,denominator,source,assessed_by,note\n"

MESSAGES: dict[str, tuple[str, str]] = {
    "not_empty": ("Thư mục «{path}» đã có tệp ({files}); ntm init chỉ ghi vào thư mục mới hoặc trống. "
                  "Chọn thư mục khác hoặc dọn thư mục này.",
                  "Folder «{path}» is not empty ({files}); ntm init only writes into a new or empty folder. "
                  "Choose another folder or empty this one."),
    "not_folder": ("«{path}» là một tệp, không phải thư mục.", "«{path}» is a file, not a folder."),
    "written": ("Đã tạo bộ dữ liệu {path}: {province}, {n} đơn vị cấp xã từ 01/7/2025{extra}.",
                "Dataset {path} written: {province}, {n} commune-level units from 01/7/2025{extra}."),
    "extra": ("; {n_old} đơn vị cấp xã và {n_district} huyện trước đó ({n_split} đơn vị bị chia tách)",
              "; {n_old} former commune-level units and {n_district} former districts ({n_split} split units)"),
    "next": ("Tiếp theo: điền region/group, households, population trong units.csv; "
             "`ntm template {path} --unit TÊN_XÃ --year NĂM --out mau.xlsx` để nhập số liệu.",
             "Next: fill region/group, households, population in units.csv; "
             "`ntm template {path} --unit COMMUNE --year YEAR --out form.xlsx` to enter values."),
}


class InitRefused(Exception):
    """The target folder cannot be used (not empty, or a file); ``render(lang)`` gives the message."""

    def __init__(self, key: str, **fields: str):
        super().__init__(fmt(MESSAGES, key, "vi", **fields))
        self.key, self.fields = key, fields

    def render(self, lang: str = "vi") -> str:
        """The message in ``lang``."""
        return fmt(MESSAGES, self.key, lang, **self.fields)


def _toml_text(province: str, province_code: str, province_type: str) -> str:
    """dataset.toml of a new dataset (names and catalogues per period)."""
    kind = province_type[:1].upper() + province_type[1:]
    lines = [
        "# Tạo bởi / written by: ntm init (danh mục đơn vị hành chính từ 01/7/2025, TCTK 1027/CTK-CSCL)",
        f'name = "{kind} {province}"',
        f'name_en = "{province} ({"city" if province_type == "thành phố" else "province"})"',
        f'province = "{province}"',
        f'province_code = "{province_code}"',
        "synthetic = false",
        "",
        "# Bộ tiêu chí theo giai đoạn / criteria catalogue per period (ntm catalogue show --catalogue ID).",
        "# 2021-2025: bộ tiêu chí của tỉnh Lạng Sơn; tỉnh khác thay bằng bộ tiêu chí của tỉnh mình (đường dẫn .yaml).",
        "# 2021-2025: Lạng Sơn's set; another province names its own catalogue (a .yaml path).",
        "[catalogues]",
        *[f'"{period}" = "{cat}"' for period, cat in CATALOGUES.items()],
        "",
    ]
    return "\n".join(lines)


def init_dataset(folder: str | Path, province: str | int, with_predecessors: bool = False,
                 lang: str = "vi") -> tuple[list[Path], str]:
    """Write a new dataset for ``province`` (GSO code or name) into ``folder``; returns the paths
    written and a summary line in ``lang``. Raises ``InitRefused`` when ``folder`` is a file or a
    non-empty folder, ``AdminReferenceError`` for an unknown province. Nothing is written on error."""
    folder = Path(folder)
    if folder.is_file():
        raise InitRefused("not_folder", path=str(folder))
    if folder.is_dir() and any(folder.iterdir()):
        shown = ", ".join(sorted(p.name for p in folder.iterdir())[:5])
        raise InitRefused("not_empty", path=str(folder), files=shown)
    prov = find_province(province)
    units = province_units(prov["province_code"], with_predecessors=with_predecessors, lang=lang)
    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".{folder.name}-{uuid.uuid4().hex[:8]}.tmp"  # mkdir, not mkdtemp: the user's permissions
    tmp.mkdir()
    try:
        units.to_csv(tmp / "units.csv", index=False, encoding="utf-8", lineterminator="\n")
        (tmp / "values.csv").write_text(VALUES_HEADER, encoding="utf-8")
        (tmp / "dataset.toml").write_text(_toml_text(prov["province_name"], prov["province_code"],
                                                     prov["province_type"]), encoding="utf-8")
        if folder.is_dir():  # exists and empty
            for f in tmp.iterdir():
                f.replace(folder / f.name)
            tmp.rmdir()
        else:
            tmp.replace(folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    new = units[(units["level"] == "commune") & units["valid_from"].notna()]
    extra = ""
    if with_predecessors:
        old = units[units["valid_to"].notna()]
        extra = fmt(MESSAGES, "extra", lang, n_old=int((old["level"] == "commune").sum()),
                    n_district=int((old["level"] == "district").sum()),
                    n_split=int(old["successor_code"].str.contains(SPLIT_SEP, regex=False).fillna(False).sum()))
    summary = fmt(MESSAGES, "written", lang, path=folder, province=prov["province_name"], n=len(new), extra=extra)
    summary += "\n" + fmt(MESSAGES, "next", lang, path=folder)
    return [folder / n for n in ("units.csv", "values.csv", "dataset.toml")], summary
