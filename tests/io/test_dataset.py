"""Loading: formats (CSV, XLSX, Parquet), encodings, normalisation, the contract dtypes, the CLI."""

import dataclasses
import hashlib
import importlib.util
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ntm_analysis.io import dataset as dataset_module
from ntm_analysis import DatasetError, load_dataset
from ntm_analysis.cli import app
from ntm_analysis.io.dataset import parse_bool, parse_levels, parse_numbers

FIXTURES = Path(__file__).parents[1] / "fixtures" / "datasets"
VALID = FIXTURES / "valid"
_spec = importlib.util.spec_from_file_location("tiny_catalogue", FIXTURES / "tiny_catalogue.py")
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)
tiny_catalogue = _mod.tiny_catalogue


def _load(path: Path):
    return load_dataset(path, catalogue=tiny_catalogue())


def _value(data, code: str, year: int, indicator: str) -> float:
    v = data.values
    return v.loc[(v["code"] == code) & (v["year"] == year) & (v["indicator"] == indicator), "value"].item()


# --- parsing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,number", [("95,5", 95.5), ("95,5%", 95.5), ("1.234,5", 1234.5), ("95.5", 95.5),
                                         ("1,234.5", 1234.5), ("1.234.567", 1234567.0), (" 7 ", 7.0), ("-2", -2.0)])
def test_parse_numbers_vietnamese_forms(text, number):
    num, bad = parse_numbers(pd.Series([text], dtype="string"))
    assert num.iloc[0] == number and not bad.iloc[0]


@pytest.mark.parametrize("text", ["9x5", "khá", "1,234,5"])
def test_parse_numbers_flags_non_numbers(text):
    num, bad = parse_numbers(pd.Series([text], dtype="string"))
    assert bad.iloc[0] and pd.isna(num.iloc[0])


@pytest.mark.parametrize("text,flag", [("Đạt", 1.0), ("Không đạt", 0.0), ("có", 1.0), ("KHÔNG", 0.0), ("x", 1.0),
                                       ("yes", 1.0), ("no", 0.0), ("true", 1.0), ("False", 0.0), ("1", 1.0), ("0", 0.0),
                                       (unicodedata.normalize("NFD", "đạt"), 1.0)])
def test_parse_bool_words(text, flag):
    num, bad = parse_bool(pd.Series([text], dtype="string"))
    assert num.iloc[0] == flag and not bad.iloc[0]


@pytest.mark.parametrize("text,rank", [("khá", 3), ("Khá", 3), ("mức độ 3", 3), ("Mức 2", 2), ("3", 3), ("tốt", 4),
                                       ("trung bình", 2)])
def test_parse_levels_labels_and_ranks(text, rank):
    num, bad = parse_levels(pd.Series([text], dtype="string"), ["yếu", "trung bình", "khá", "tốt"])
    assert num.iloc[0] == rank and not bad.iloc[0]


def test_parse_levels_rejects_rank_out_of_scale():
    _, bad = parse_levels(pd.Series(["5"], dtype="string"), ["yếu", "trung bình", "khá", "tốt"])
    assert bad.iloc[0]


# --- the valid fixture: contract ------------------------------------------------------------------

def test_values_normalised_by_kind():
    data = _load(VALID)
    assert _value(data, "06352", 2023, "ho_dung_dien") == 98.5  # "98,5"
    assert _value(data, "06352", 2024, "ho_dung_dien") == 99.0  # "99%"
    assert _value(data, "06352", 2024, "truong_hoc") == 1.0  # "Đạt"
    assert _value(data, "06352", 2024, "an_ninh") == 3.0  # "khá"
    assert _value(data, "06352", 2024, "thu_nhap") == 1234.5  # "1.234,5"
    assert _value(data, "06352-01", 2024, "ho_ngheo") == 5.0  # empty value, 4 / 80


def test_assessor_words_mapped():
    data = _load(VALID)
    assert set(data.values["assessed_by"].dropna()) == {"self", "district"}


def test_contract_dtypes_and_leading_zeros():
    data = _load(VALID)
    assert "06352" in set(data.units["code"])
    assert str(data.units["valid_to"].dtype) == "Int64" and str(data.units["households"].dtype) == "Int64"
    assert data.values["year"].dtype == "int64" and data.values["value"].dtype == "float64"
    assert data.recognitions["year"].dtype == "int64"
    assert list(data.values.columns[:4]) == ["code", "year", "indicator", "value"]
    assert "_row" not in data.units.columns and "kind" not in data.values.columns


def test_reused_code_in_two_periods_is_not_a_duplicate():
    data = _load(VALID)
    assert (data.units["code"] == "06343").sum() == 2


def test_type_word_moved_out_of_the_name(tmp_path):
    shutil.copy(VALID / "values.csv", tmp_path / "values.csv")
    (tmp_path / "units.csv").write_text(
        "code,name,level,parent_code\n185,Huyện Bắc Sơn,huyện,\n06325,Thị trấn Bắc Sơn,xã,185\n"
        "06352,Tân Lập,xã,185\n06352-01,Nà Yêu,thôn,06352\n06367,Vũ Lăng,xã,185\n", encoding="utf-8")
    units = _load(tmp_path).units.set_index("code")
    assert units.loc["06325", "name"] == "Bắc Sơn" and units.loc["06325", "type"] == "Thị trấn"
    assert units.loc["185", "name"] == "Bắc Sơn" and units.loc["185", "type"] == "Huyện"
    assert units.loc["06352", "type"] == "Xã"  # from the level word


def test_nfd_input_becomes_nfc(tmp_path):
    shutil.copy(VALID / "values.csv", tmp_path / "values.csv")
    text = (VALID / "units.csv").read_text(encoding="utf-8")
    (tmp_path / "units.csv").write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    data = _load(tmp_path)
    assert all(unicodedata.is_normalized("NFC", n) for n in data.units["name"])
    assert "Tân Lập" in set(data.units["name"])


# --- formats and encodings ------------------------------------------------------------------------

def _frames_equal(a, b) -> None:
    for table in ("units", "values", "recognitions"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))


def _raw_tables() -> dict[str, pd.DataFrame]:
    return {t: pd.read_csv(VALID / f"{t}.csv", dtype=str, keep_default_na=False) for t in ("units", "values", "recognitions")}


def test_round_trip_xlsx(tmp_path):
    with pd.ExcelWriter(tmp_path / "dataset.xlsx") as xl:
        for table, frame in _raw_tables().items():
            frame.to_excel(xl, sheet_name=table, index=False)
    shutil.copy(VALID / "dataset.toml", tmp_path / "dataset.toml")
    _frames_equal(_load(VALID), _load(tmp_path))
    _frames_equal(_load(VALID), _load(tmp_path / "dataset.xlsx"))


def test_round_trip_parquet(tmp_path):
    for table, frame in _raw_tables().items():
        frame.to_parquet(tmp_path / f"{table}.parquet")
    _frames_equal(_load(VALID), _load(tmp_path))


def test_round_trip_typed_parquet_of_loaded_tables(tmp_path):
    data = _load(VALID)
    for table in ("units", "values", "recognitions"):
        getattr(data, table).to_parquet(tmp_path / f"{table}.parquet")
    _frames_equal(data, _load(tmp_path))


def test_round_trip_csv_written_by_pandas(tmp_path):
    data = _load(VALID)
    for table in ("units", "values", "recognitions"):
        getattr(data, table).to_csv(tmp_path / f"{table}.csv", index=False)
    _frames_equal(data, _load(tmp_path))


@pytest.mark.parametrize("encoding,sep,suffix", [("utf-8-sig", ",", ".csv"), ("utf-16", "\t", ".txt"),
                                                 ("utf-16-le", "\t", ".txt"), ("utf-8", ";", ".csv")])
def test_encodings_and_delimiters(tmp_path, encoding, sep, suffix):
    for table, frame in _raw_tables().items():
        frame.to_csv(tmp_path / f"{table}{suffix}", sep=sep, index=False, encoding=encoding)
    _frames_equal(_load(VALID), _load(tmp_path))


def test_excel_unicode_text_has_bom_and_tabs(tmp_path):
    # Excel "Unicode text": UTF-16 LE with BOM, tab separated, CRLF line ends
    for table, frame in _raw_tables().items():
        body = "\r\n".join("\t".join(row) for row in [list(frame.columns), *frame.astype(str).values.tolist()])
        (tmp_path / f"{table}.txt").write_bytes(b"\xff\xfe" + body.encode("utf-16-le"))
    _frames_equal(_load(VALID), _load(tmp_path))


def test_input_files_unchanged(tmp_path):
    shutil.copytree(VALID, tmp_path / "d")
    with pd.ExcelWriter(tmp_path / "d" / "dataset.xlsx") as xl:
        _raw_tables()["recognitions"].to_excel(xl, sheet_name="recognitions", index=False)
    (tmp_path / "d" / "recognitions.csv").unlink()
    before = {f: (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns) for f in (tmp_path / "d").iterdir()}
    _load(tmp_path / "d")
    # every measure read as yes/no: the numbers fail to parse (a measure the catalogue lacks is only a warning)
    all_boolean = dataclasses.replace(tiny_catalogue(), measures=tiny_catalogue().measures.assign(kind="boolean"))
    with pytest.raises(DatasetError):  # a failing load must not touch the files either
        load_dataset(tmp_path / "d", catalogue=all_boolean)
    after = {f: (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns) for f in (tmp_path / "d").iterdir()}
    assert before == after


def test_several_files_for_one_table_warn(tmp_path):
    shutil.copytree(VALID, tmp_path / "d")
    _raw_tables()["values"].to_parquet(tmp_path / "d" / "values.parquet")
    assert [p.rule for p in _load(tmp_path / "d").problems] == ["several_files"]


def test_catalogue_id_from_dataset_toml_is_used(monkeypatch):
    asked = []
    monkeypatch.setattr(dataset_module, "resolve_catalogue", lambda ref: asked.append(ref) or tiny_catalogue())
    load_dataset(VALID)
    assert asked == ["tiny"]


# --- CLI --------------------------------------------------------------------------------------------

@pytest.fixture
def cli(monkeypatch):
    monkeypatch.setattr(dataset_module, "resolve_catalogue", lambda ref: tiny_catalogue())
    return CliRunner()


def test_cli_validate_ok(cli):
    result = cli.invoke(app, ["validate", str(VALID)])
    assert result.exit_code == 0
    # units valid in the last data year (2026): the province and Vũ Lăng; the other 8 rows end in 2025
    assert "Đơn vị theo cấp năm 2026: Tỉnh 1, Xã 1 (và 8 dòng" in result.output and "2023–2026" in result.output


def test_cli_validate_ok_english_with_warnings(cli):
    result = cli.invoke(app, ["validate", str(FIXTURES / "percent_fraction"), "--lang", "en"])
    assert result.exit_code == 0 and "Warnings: 1" in result.output and "Multiply by 100" in result.output


@pytest.mark.parametrize("name", ["duplicate_code", "bad_encoding", "ragged_rows", "missing_file", "bad_toml"])
def test_cli_validate_problems_exit_2(cli, name):
    result = cli.invoke(app, ["validate", str(FIXTURES / name)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Lỗi" in result.output


def test_cli_missing_folder_exit_2(cli, tmp_path):
    result = cli.invoke(app, ["validate", str(tmp_path / "nowhere"), "--lang", "en"])
    assert result.exit_code == 2 and "not found" in result.output


def test_cli_unloadable_catalogue_exit_2(monkeypatch, tmp_path):
    def broken(ref):
        raise ValueError(f"no catalogue {ref}")
    monkeypatch.setattr(dataset_module, "resolve_catalogue", broken)
    result = CliRunner().invoke(app, ["validate", str(VALID), "--catalogue", "nope"])
    assert result.exit_code == 2 and "nope" in result.output and "Traceback" not in result.output
