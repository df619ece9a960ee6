"""Report batch: HTML content, failure isolation, safe paths and escaping, offline HTML, Dask."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ntm_analysis.errors import NtmError
from ntm_analysis.report import batch as reports
from ntm_analysis.report.batch import ReportJob, collect_results, plan_jobs, run_batch, slugify
from ntm_analysis.report.index import write_index

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def tan_lap_batch(tmp_path_factory):
    """Tân Lập's commune report for 2023 plus one job for a unit that does not exist."""
    out = tmp_path_factory.mktemp("reports")
    jobs = plan_jobs(SAMPLE, 2023, ["Tân Lập"], notebooks=["commune_report"], out_dir=out)
    broken = ReportJob("commune_report", "99999", 'Xã "Hỏng" <script>alert(1)</script>/../..', 2023,
                       jobs[0].parameters | {"unit": "99999"}, out)
    results = run_batch(jobs + [broken], workers=2, progress=False)
    index = write_index(collect_results(out), out)
    return out, results, index


def test_slug_is_ascii_and_cannot_leave_the_folder() -> None:
    for name in ['../../etc/passwd', 'a/b\\c', '"quoted" <script>', "..", "Tân Lập", "Đồng Ý"]:
        slug = slugify(name)
        assert "/" not in slug and "\\" not in slug and ".." not in slug and slug
        assert slug.isascii()
    assert slugify("Đồng Ý") == "dong-y"


def test_plan_jobs_all_makes_one_commune_report_per_commune_with_data() -> None:
    jobs = plan_jobs(SAMPLE, 2024, all_units=True, notebooks=["commune_report", "parent_overview"],
                     out_dir=Path("/nonexistent"))
    communes = [j for j in jobs if j.notebook == "commune_report"]
    assert len(communes) == 17  # 18 units, the town (thị trấn) has no NTM values
    assert [j.code for j in jobs if j.notebook == "parent_overview"] == ["185"]


@pytest.mark.parametrize("query", ["Lạng Sơn", "185"])
def test_plan_jobs_expands_a_province_or_district_to_every_commune_of_the_year(query: str) -> None:
    jobs = plan_jobs(SAMPLE, 2024, [query], notebooks=["commune_report"], out_dir=Path("/nonexistent"))
    assert len(jobs) == 18  # 17 communes with data and the town without (its report says so)
    town = [j for j in jobs if j.code == "06325"]
    assert [j.name for j in town] == ["Thị trấn Bắc Sơn"]


@pytest.mark.parametrize("notebook", ["parent_overview", "district_overview"])
def test_plan_jobs_gives_the_overview_to_the_province_asked_for_before_2025(notebook: str) -> None:
    """`--unit "Lạng Sơn" --year 2024`: the overview is the province's (not its district's); the
    former notebook name is still accepted."""
    jobs = plan_jobs(SAMPLE, 2024, ["Lạng Sơn"], notebooks=[notebook], out_dir=Path("/nonexistent"))
    assert [(j.notebook, j.name) for j in jobs] == [("parent_overview", "Tỉnh Lạng Sơn")]


def test_province_overview_of_2024_lists_the_communes_through_their_districts() -> None:
    from ntm_analysis.report import overview, report_context

    province = overview.communes_of(report_context(SAMPLE, 2024, "Lạng Sơn"))
    district = overview.communes_of(report_context(SAMPLE, 2024, "185"))
    assert len(province) == 17 and province == district  # the sample's communes with 2024 values


def test_plan_jobs_names_a_reused_code_by_its_name_in_the_year() -> None:
    jobs = plan_jobs(SAMPLE, 2024, ["06343"], notebooks=["commune_report"], out_dir=Path("/nonexistent"))
    assert [j.name for j in jobs] == ["Xã Bắc Quỳnh"]


@pytest.mark.slow  # renders notebooks with papermill
def test_commune_report_html_shows_18_of_19_and_names_the_slipped_criterion(tan_lap_batch) -> None:
    out, results, _ = tan_lap_batch
    ok = [r for r in results if r.ok]
    assert len(ok) == 1
    html = ok[0].html.read_text(encoding="utf-8")
    assert "18/19" in html
    assert "bị tụt: tiêu chí 1 (Quy hoạch)" in html
    assert ok[0].html == out / "2023" / "06352-xa-tan-lap" / "commune_report.html"


@pytest.mark.slow  # renders notebooks with papermill
def test_report_html_needs_no_cdn(tan_lap_batch) -> None:
    _, results, _ = tan_lap_batch
    html = next(r for r in results if r.ok).html.read_text(encoding="utf-8")
    assert "cdnjs" not in html
    assert '<script src="http' not in html
    assert "data:image/png;base64," in html  # figures are embedded


@pytest.mark.slow  # renders notebooks with papermill
def test_a_failing_report_does_not_stop_the_batch_and_keeps_its_partial_notebook(tan_lap_batch) -> None:
    out, results, index = tan_lap_batch
    failed = [r for r in results if not r.ok]
    assert len(failed) == 1
    assert failed[0].notebook is not None and failed[0].notebook.exists()
    assert failed[0].notebook.parent.resolve().is_relative_to(out.resolve())
    assert "99999" in failed[0].error
    text = index.read_text(encoding="utf-8")
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert failed[0].error.split(":")[0] in text


@pytest.mark.slow  # renders notebooks with papermill
def test_index_links_every_report_with_its_status(tan_lap_batch) -> None:
    out, results, index = tan_lap_batch
    text = index.read_text(encoding="utf-8")
    assert 'href="2023/06352-xa-tan-lap/commune_report.html"' in text
    manifest = json.loads((out / "2023" / "06352-xa-tan-lap" / "commune_report.json").read_text(encoding="utf-8"))
    assert manifest["ok"] is True and "18/19" in manifest["summary"]
    assert "18/19 tiêu chí" in text and "<br>NTM nâng cao: đạt 8/19" in text  # one line per tier


@pytest.mark.slow  # renders notebooks with papermill
def test_no_temporary_files_remain(tan_lap_batch) -> None:
    out, _, _ = tan_lap_batch
    assert not [p for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]


@pytest.mark.slow  # renders notebooks with papermill
def test_batch_runs_on_a_dask_local_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    jobs = plan_jobs(SAMPLE, 2024, ["Tân Lập"], notebooks=["village_map"], out_dir=tmp_path)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        results = run_batch(jobs, scheduler=cluster.scheduler_address, progress=False)
    assert [r.ok for r in results] == [True], [r.error for r in results]
    assert results[0].html.exists()


def test_unknown_notebook_is_refused() -> None:
    with pytest.raises(NtmError, match="Không có sổ tính: nope") as err:
        reports.plan_jobs(SAMPLE, 2023, ["Tân Lập"], notebooks=["nope"], out_dir=Path("/nonexistent"))
    assert "No notebook named: nope" in err.value.render("en")


@pytest.mark.slow  # renders notebooks with papermill
def test_a_unit_name_with_quotes_slashes_and_script_is_escaped_in_the_report(tmp_path: Path) -> None:
    import shutil

    import pandas as pd

    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    units = pd.read_csv(data / "units.csv", dtype=str, keep_default_na=False)
    evil = 'Tân Lập "A/B" <script>alert(1)</script>'
    units.loc[units["code"].eq("06352"), "name"] = evil
    units.to_csv(data / "units.csv", index=False)
    (data / "dataset.toml").write_text(
        (SAMPLE / "dataset.toml").read_text(encoding="utf-8").replace("../../maps/", str(SAMPLE.parents[1] / "maps") + "/"),
        encoding="utf-8")
    out = tmp_path / "out"
    jobs = plan_jobs(data, 2023, ["06352"], notebooks=["commune_report"], out_dir=out)
    [result] = run_batch(jobs, workers=1, progress=False)
    assert result.ok, result.error
    assert result.html.parent.parent == out / "2023"  # no path traversal from the name
    assert result.html.parent.name.isascii() and "/" not in result.html.parent.name
    text = result.html.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    index = write_index(collect_results(out), out).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in index


@pytest.mark.slow  # renders notebooks with papermill
def test_cli_report_renders_one_unit_and_prints_the_index(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ntm_analysis.cli import app

    res = CliRunner().invoke(app, ["report", str(SAMPLE), "--year", "2024", "--unit", "Tân Lập",
                                   "--notebook", "trends", "--out", str(tmp_path), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "1/1" in res.output and "index.html" in res.output
    assert (tmp_path / "2024" / "06352-xa-tan-lap" / "trends.html").exists()
    assert not list(tmp_path.glob(".context.*"))  # the batch's cache is removed


@pytest.mark.parametrize("args, message", [
    (["--unit", "Nowhere"], "Không tìm thấy đơn vị"),
    ([], "--unit"),
    (["--unit", "Bắc Sơn"], "ứng với 2 đơn vị"),
    (["--unit", "Tân Lập", "--notebook", "nope"], "nope"),
])
def test_cli_report_bad_input_exits_2_with_a_message(tmp_path: Path, args: list[str], message: str) -> None:
    from typer.testing import CliRunner

    from ntm_analysis.cli import app

    res = CliRunner().invoke(app, ["report", str(SAMPLE), "--year", "2024", "--out", str(tmp_path), *args])
    assert res.exit_code == 2
    assert message in res.output
    assert not list(tmp_path.iterdir())  # nothing written


def test_batch_results_come_back_in_job_order_though_workers_return_copies(tmp_path: Path) -> None:
    import copy

    from ntm_analysis.report.batch import _in_job_order
    from ntm_analysis.report.jobs import ReportResult

    jobs = [ReportJob("commune_report", code, code, 2024, {}, tmp_path) for code in ("06352", "06340", "06343")]
    finished = [ReportResult(copy.deepcopy(jobs[i]), True) for i in (2, 0, 1)]  # completion order, pickled copies
    assert [r.job.code for r in _in_job_order(finished, jobs)] == ["06352", "06340", "06343"]


@pytest.mark.parametrize(("lang", "title"), [("vi", "Báo cáo"), ("en", "Reports")])
def test_progress_line_speaks_the_reports_language_only(tmp_path: Path, lang: str, title: str) -> None:
    from ntm_analysis.report.batch import _batch_lang, _progress

    jobs = [ReportJob("commune_report", "06352", "Tân Lập", 2024, {"lang": lang}, tmp_path)]
    progress = _progress(True, 1, _batch_lang(jobs))
    with progress:
        assert progress.bar.columns[0].text_format == f"[bold]{title}"
