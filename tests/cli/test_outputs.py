"""Output paths that cannot be written (issue 13 item 7): exit 2 with the path and the fix in the
user's language, checked before any work, and nothing half-written left behind."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ntm_analysis import outputs
from ntm_analysis.cli import app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def run(*args: str):
    return CliRunner().invoke(app, [*args])


def test_report_into_an_existing_file_exits_2_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder")
    result = run("report", str(SAMPLE), "--year", "2024", "--unit", "Tân Lập", "--notebook", "trends",
                 "--out", str(blocker), "--lang", "en")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"«{blocker}» is an existing file" in result.output and "choose another folder" in result.output
    assert blocker.read_text() == "not a folder"


def test_map_under_an_existing_file_exits_2_in_vietnamese(tmp_path: Path) -> None:
    (tmp_path / "maps").write_text("x")
    result = run("map", str(SAMPLE), "--year", "2024", "--out", str(tmp_path / "maps" / "c.png"))
    assert result.exit_code == 2 and "đã là một tệp" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("command", ["export", "template"])
def test_excel_output_onto_a_folder_exits_2_suggesting_a_file_name(tmp_path: Path, command: str) -> None:
    result = run(command, str(SAMPLE), "--year", "2024", "--unit", "Tân Lập", "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == 2 and f"«{tmp_path}» is a folder" in result.output
    assert list(tmp_path.iterdir()) == []


def test_read_only_folder_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):  # what a read-only or immutable folder answers (root ignores chmod)
        raise PermissionError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", refuse)
    result = run("export", str(SAMPLE), "--year", "2024", "--unit", "Tân Lập", "--out", str(tmp_path / "a.xlsx"),
                 "--lang", "en")
    assert result.exit_code == 2 and "read-only file system" in result.output and str(tmp_path) in result.output


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "annex.xlsx"
    target.write_text("old")

    def half(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(outputs.OutputError) as err:
        outputs.atomic_write(target, half)
    assert "hết chỗ trống trên đĩa" in err.value.message("vi")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["annex.xlsx"]


def test_atomic_write_over_a_file_keeps_its_permissions(tmp_path: Path) -> None:
    import stat

    from ntm_analysis.outputs import atomic_write

    target = tmp_path / "values.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    atomic_write(target, lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
