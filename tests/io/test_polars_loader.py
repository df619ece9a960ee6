"""The loader on polars (issue 16): cells normalised once per distinct value still count every
invisible character, Parquet read by polars with typed columns, large UTF-8 files read without
being decoded by Python (their faults still named at the line), the problems of a small faulty
file in order, and the engine's copy of the values kept with the Dataset."""

from __future__ import annotations

import importlib.util
import unicodedata
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from ntm_analysis.io.columnar import values_frame
from ntm_analysis.io.dataset import dataset_frame, load_dataset, parse_numbers
from ntm_analysis.io.names import normalise_column
from ntm_analysis.io.validation import DatasetError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "datasets"
_spec = importlib.util.spec_from_file_location("tiny_catalogue", FIXTURES / "tiny_catalogue.py")
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)
CAT = _mod.tiny_catalogue()

UNITS = ("code,name,level,parent_code,valid_from,valid_to,successor_code\n185,Bắc Sơn,huyện,,,,\n"
         "06352,Tân Lập,xã,185,,2024,06367\n06367,Vũ Lăng,xã,185,2025,,\n")
ZW = "\u200b"
#: One fault per line (row as the user sees it in the comment).
FAULTY = ("code,year,indicator,value,numerator,denominator\n"
          '06352,2024,ho_dung_dien,"95,5",,\n'        # 2 fine: 95.5
          "06352,2024,ho_dung_dien,96,,\n"            # 3 conflicts with row 2
          "\n"                                        # 4 blank: skipped, rows keep their numbers
          "06352,2024,truong_hoc,hơi đạt,,\n"         # 5 no yes/no word
          "06352,2024,an_ninh,xuất sắc,,\n"           # 6 no level label
          "06352,2024,cau_lac_bo,-2,,\n"              # 7 negative count
          "06352,2025,cau_lac_bo,3,,\n"               # 8 06352 ends in 2024
          '6352,2024,thu_nhap,"1.234,5",,\n'          # 9 code lost its leading zero
          "06367,2025,ho_ngheo,,90,80\n"              # 10 numerator > denominator
          "06367,2025,thu_nhap,9x5,,\n"               # 11 not a number
          f"06367,2025,cau_lac_bo,{ZW}4,,\n"          # 12 invisible character
          f"06367,2026,cau_lac_bo,{ZW}4,,\n"          # 13 the same cell: counted again
          "06367,2025,ho_dung_dien,120%,,\n"          # 14 over 100 %
          "06367,2025,ho_dung_dien,120%,,\n")         # 15 repeats row 14


def _folder(tmp_path: Path, values: str, units: str = UNITS) -> Path:
    (tmp_path / "units.csv").write_text(units, encoding="utf-8")
    (tmp_path / "values.csv").write_text(values, encoding="utf-8")
    return tmp_path


def _problems(path: Path):
    try:
        return load_dataset(path, catalogue=CAT).problems
    except DatasetError as exc:
        return exc.problems


def test_every_problem_of_a_faulty_file_in_order(tmp_path: Path) -> None:
    found = _problems(_folder(tmp_path, FAULTY))
    assert [(p.rule, p.row, p.column, p.value) for p in found] == [
        ("invisible_chars", None, None, None),
        ("number_invalid", 11, "value", "9x5"),
        ("bool_invalid", 5, "value", "hơi đạt"),
        ("level_value_invalid", 6, "value", "xuất sắc"),
        ("code_unknown", 9, "code", "6352"),
        ("outside_validity", 8, "year", "06352"),
        ("value_conflict", 3, "value", "96"),
        ("value_duplicate", 15, "value", "120"),
        ("percent_range", 14, "value", "120"),
        ("num_gt_den", 10, "numerator", "90"),
        ("negative", 7, "value", "-2"),
    ]
    assert "Removed 2 invisible" in found[0].message("en")
    assert "Did you mean «06352»?" in found[4].fix("en") and "(06367)" in found[5].fix("vi")
    assert "row 2" in found[6].message("en") and "06352 Tân Lập" in found[6].message("en")


def test_normalising_per_distinct_cell_counts_every_row() -> None:
    nfd = unicodedata.normalize("NFD", "Hòa")
    col, removed = normalise_column(pl.Series([f"{ZW}a", f"{ZW}a", f"{ZW}a", "b  c", nfd, "Hòa", "", " ", None]))
    assert removed == 3  # one character in each of three rows of one distinct cell
    assert col.cast(pl.String).to_list() == ["a", "a", "a", "b c", "Hòa", "Hòa", None, None, None]
    assert sorted(col.dtype.categories.to_list()) == ["Hòa", "a", "b c"]  # NFD and NFC: one text


def test_typed_parquet_read_by_polars(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    pl.DataFrame({"code": ["06367", "06367", "06367"], "year": [2025, 2025, 2026],
                  "indicator": ["ho_dung_dien", "truong_hoc", "ho_ngheo"], "value": [95.5, None, None],
                  "numerator": [None, None, 4], "denominator": [None, None, 80]}).with_columns(
        pl.col("value").cast(pl.Float64)).write_parquet(tmp_path / "values.parquet")
    data = load_dataset(tmp_path, catalogue=CAT)
    assert data.values["value"].tolist()[0] == 95.5 and data.values["value"].tolist()[2] == 5.0
    assert data.values["year"].dtype == "int64" and data.values["code"].dtype == "str"
    [empty] = data.problems
    assert (empty.rule, empty.file, empty.row) == ("value_empty", "values.parquet", 2)  # record 2 (first = 1)


def test_engine_copy_is_the_values_as_the_engine_reads_them(tmp_path: Path) -> None:
    values = "code,year,indicator,value,numerator,denominator\n06367,2025,ho_ngheo,,4,80\n06367,2025,cau_lac_bo,3,,\n"
    data = load_dataset(_folder(tmp_path, values), catalogue=CAT)
    frame = dataset_frame(data)
    assert data._frames["values"][0] is data.values
    assert frame.equals(values_frame(data.values)) and frame.schema == values_frame(data.values).schema
    assert frame["value"].to_list() == [5.0, 3.0] and frame["numerator"].to_list() == [4.0, None]


def _big(rows: list[str]) -> str:
    """A values.csv over 1 MB (31 rows of district 185 with long notes) followed by ``rows``."""
    note = "x" * 40_000
    return "code,year,indicator,value,note\n" + "".join(f"185,{y},cau_lac_bo,3,{note}\n" for y in range(2000, 2031)) + "".join(rows)


def test_large_utf8_file_with_bom_loads(tmp_path: Path) -> None:
    path = _folder(tmp_path, "")
    (path / "values.csv").write_bytes(b"\xef\xbb\xbf" + _big(["06367,2026,ho_dung_dien,\"95,5\"\n"]).encode())
    data = load_dataset(path, catalogue=CAT)
    assert data.values["value"].tolist() == [3.0] * 31 + [95.5] and data.problems == []


def test_large_file_faults_are_named_at_their_line(tmp_path: Path) -> None:
    path = _folder(tmp_path, "")
    (path / "values.csv").write_bytes(_big(["06367,2026,cau_lac_bo,4\n", "06367,2027,cau_lac_bo,T\xe2n\n"]).encode("latin-1"))
    [p] = _problems(path)
    assert (p.rule, p.row) == ("encoding", 34)
    (path / "values.csv").write_text(_big(["06367,2026,cau_lac_bo,4\n", "06367,2027,cau_lac_bo,4,x,y\n"]), encoding="utf-8")
    [p] = _problems(path)
    assert (p.rule, p.row) == ("file_unreadable", 34) and "Expected 5 fields in line 34, saw 6" in p.message("en")


def test_parse_numbers_keeps_the_index() -> None:
    num, bad = parse_numbers(pd.Series(["95,5", None, "x"], index=[7, 3, 5], dtype=object))
    assert num.index.tolist() == [7, 3, 5] and num.iloc[0] == 95.5 and pd.isna(num.iloc[1])
    assert bad.tolist() == [False, False, True]


@pytest.mark.parametrize("sep", [";", "\t"])
def test_faulty_file_with_other_delimiters_gives_the_same_problems(tmp_path: Path, sep: str) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    base = [(p.rule, p.row, p.column, p.value) for p in _problems(_folder(tmp_path / "a", FAULTY))]
    (tmp_path / "b" / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "b" / "values.csv").write_text(FAULTY.replace(",", sep).replace('"95' + sep + '5"', '"95,5"')
                                               .replace('"1.234' + sep + '5"', '"1.234,5"'), encoding="utf-8")
    assert [(p.rule, p.row, p.column, p.value) for p in _problems(tmp_path / "b")] == base
