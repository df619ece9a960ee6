"""Tiers are catalogue data (issue 11 item 3): a catalogue with one tier and one with four tiers of
other ids run ``ntm status``, ``ntm map`` and ``ntm report`` (every notebook) with no code change,
and the target rule follows their tier order and ``requires``.

Catalogues: tests/fixtures/catalogues/one-tier.yaml, four-tiers.yaml; dataset:
tests/fixtures/datasets/other_tiers (values and expected results hand-checked in its README.md).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ntm_analysis.assess.attainment import assess
from ntm_analysis.assess.targets import default_target_tier, draft_paragraph, rank_targets
from ntm_analysis.catalogue.model import load_catalogue
from ntm_analysis.cli import app
from ntm_analysis.io.dataset import load_dataset

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures"
CATALOGUES = {"one": FIXTURES / "catalogues" / "one-tier.yaml", "four": FIXTURES / "catalogues" / "four-tiers.yaml"}
RECOGNITIONS = {
    "one": [("06352", "xa-ntm-2026", 2022)],
    "four": [("06352", "co-ban", 2022), ("06352-01-01", "khu-mau", 2023)],
}
SHIPPED_TIERS = [t["id"] for t in yaml.safe_load(
    (ROOT / "ntm_analysis" / "catalogue" / "catalogues" / "lang-son-2022-2025.yaml").read_text(encoding="utf-8"))["tiers"]]


def make_dataset(folder: Path, kind: str) -> Path:
    """The other_tiers dataset with the recognitions of catalogue ``kind`` and the sample's boundaries."""
    shutil.copytree(FIXTURES / "datasets" / "other_tiers", folder)
    lines = ["code,tier,year,decision"] + [f"{c},{t},{y},QĐ thử" for c, t, y in RECOGNITIONS[kind]]
    (folder / "recognitions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    maps = ROOT / "maps" / "sample"
    (folder / "dataset.toml").write_text(
        f'name = "Dữ liệu thử: hạng khác ({kind})"\nprovince = "Lạng Sơn"\nsynthetic = true\n\n[boundaries]\n'
        + "".join(f'{lv} = "{(maps / f"{f}.gpkg").as_posix()}"\n'
                  for lv, f in (("commune", "communes"), ("village", "villages"), ("hamlet", "hamlets"))),
        encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=["one", "four"])
def case(request, tmp_path_factory):
    """(kind, dataset folder, catalogue path, catalogue, assessment of every year)."""
    kind = request.param
    data = make_dataset(tmp_path_factory.mktemp(f"tiers-{kind}") / "data", kind)
    cat = load_catalogue(CATALOGUES[kind])
    return kind, data, CATALOGUES[kind], cat, assess(load_dataset(data, cat), cat)


def run(*args: str) -> str:
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res.output


def test_the_test_catalogues_share_no_tier_id_with_the_shipped_one(case) -> None:
    _, _, _, cat, _ = case
    assert not set(cat.tier_ids()) & set(SHIPPED_TIERS)


def test_status_shows_every_tier_of_the_catalogue_with_hand_checked_counts(case) -> None:
    kind, data, path, cat, _ = case
    out = " ".join(run("status", data, "--year", 2024, "--unit", "Tân Lập", "--catalogue", path).split())
    commune_tiers = [t for t in cat.tier_ids() if cat.tier_levels()[t] == "commune"]
    for tier in commune_tiers:
        assert cat.tier_label(tier, "vi", short=True) in out
    if kind == "four":  # README: co-ban 3/4 (criterion 4 slipped), kha 2/3, xuat-sac 1/2
        assert "Cơ bản: đạt 3/4 tiêu chí" in out and "Khá: đạt 2/3 tiêu chí" in out
        assert "Xã xuất sắc: đạt 1/2 tiêu chí" in out          # no `short`: the name
    else:  # README: Tân Lập 4/4
        assert "Xã nông thôn mới: đạt 4/4 tiêu chí" in out


def test_map_draws_communes_and_villages_with_the_catalogues_default_tier(case, tmp_path) -> None:
    kind, data, path, cat, _ = case
    commune = run("map", data, "--year", 2024, "--catalogue", path, "--out", tmp_path / "c.png", "--lang", "en")
    assert (tmp_path / "c.png").stat().st_size > 10_000 and "c.png" in commune
    # a village map: the hamlet tier when the catalogue has one (no map_tiers: the fallback rule),
    # else the village-level indicator of the commune tier (water, 3.1)
    extra = [] if kind == "four" else ["--indicator", "3.1"]
    run("map", data, "--year", 2024, "--unit", "Tân Lập", "--level", "village", "--catalogue", path,
        "--out", tmp_path / "v.png", *extra)
    assert (tmp_path / "v.png").stat().st_size > 10_000
    assert cat.map_tier("commune") == cat.tier_ids()[0]
    assert cat.map_tier("village") == ("khu-mau" if kind == "four" else cat.tier_ids()[0])


@pytest.mark.slow  # renders notebooks with papermill
def test_report_renders_every_notebook(case, tmp_path) -> None:
    kind, data, path, cat, result = case
    from ntm_analysis.report.batch import ALL_NOTEBOOKS

    out = run("report", data, "--year", 2024, "--unit", "Tân Lập", "--catalogue", path, "--out", tmp_path,
              "--workers", 1, "--no-progress")
    assert f"{len(ALL_NOTEBOOKS)}/{len(ALL_NOTEBOOKS)}" in out      # every notebook rendered
    pages = {p.stem: p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.html") if p.name != "index.html"}
    assert sorted(pages) == sorted(ALL_NOTEBOOKS)
    for text in pages.values():
        for bad in ("Traceback", "Warning", "data-mime-type=\"application/vnd.jupyter.stderr\"", "Không vẽ được bản đồ"):
            assert bad not in text
    target = default_target_tier(result, cat, "06352", 2024)   # the targets section's heading
    assert f"Đề xuất mục tiêu năm 2025 — {cat.tier_label(target, 'vi')}" in pages["commune_report"]


def test_target_tier_follows_the_catalogues_order_and_requires(case) -> None:
    kind, _, _, cat, result = case
    if kind == "four":  # README, hand-checked
        assert default_target_tier(result, cat, "06352", 2023) == "xuat-sac"   # co-ban and kha reached
        assert default_target_tier(result, cat, "06352", 2024) == "kha"        # co-ban lost but recognised
        assert default_target_tier(result, cat, "06370", 2024) == "co-ban"     # never reached
        ranked = rank_targets(result, cat, "06352", 2024)
        restore = ranked[ranked["role"].eq("restore")]
        assert restore[["tier", "criterion"]].values.tolist() == [["co-ban", 4]]
        assert ranked.loc[ranked["role"].eq("target"), "criterion"].tolist() == [2]
    else:  # one tier, reached by Tân Lập: keep it; Trấn Yên works on it
        assert default_target_tier(result, cat, "06352", 2024) == "xa-ntm-2026"
        text = draft_paragraph(rank_targets(result, cat, "06352", 2024), cat, "xã Tân Lập", 2024)
        assert "duy trì" in text and "04/04" in text
        assert default_target_tier(result, cat, "06370", 2024) == "xa-ntm-2026"


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PACKAGE = [p for p in (ROOT / "ntm_analysis").rglob("*.py")]


def _tier_id_pattern() -> re.Pattern[str]:
    hyphenated = [t for t in SHIPPED_TIERS if "-" in t]
    plain = [t for t in SHIPPED_TIERS if "-" not in t]
    # a plain id ("ntm") counts as text on a line about tiers (the command or kernel name "ntm" is fine)
    quoted = "|".join(rf"tier.*[\"']{re.escape(t)}[\"']|[\"']{re.escape(t)}[\"'].*tier" for t in plain)
    return re.compile("|".join([quoted, *map(re.escape, hyphenated)]))


def test_no_tier_id_of_the_shipped_catalogue_in_package_code_or_notebooks() -> None:
    import json

    pattern = _tier_id_pattern()
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in PACKAGE
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1) if pattern.search(line)]
    for nb in NOTEBOOKS:
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        hits += [f"{nb.name} cell {i}" for i, c in enumerate(cells) if pattern.search("".join(c["source"]))]
    assert hits == []
