"""Writing output files safely: the target is checked before any work (a folder where a file is
expected, a file where a folder is expected, a read-only or immutable folder), and every file is
written to a temporary name in the same folder and renamed into place, so a failure never leaves a
half-written map, workbook or report. Failures are :class:`OutputError` with the message and the
fix in Vietnamese and English (exit code 2 in the CLI).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from ntm_analysis.errors import KeyedError
from ntm_analysis.i18n import fmt

MESSAGES: dict[str, tuple[str, str]] = {
    "is_folder": ("«{path}» là một thư mục, không phải tệp. Cách sửa: ghi cả tên tệp, ví dụ «{example}».",
                  "«{path}» is a folder, not a file. Fix: give a file name too, e.g. «{example}»."),
    "not_a_folder": ("«{path}» đã là một tệp, nên không dùng làm thư mục được. Cách sửa: chọn một thư mục khác "
                     "(ví dụ «{example}») hoặc đổi tên tệp đó.",
                     "«{path}» is an existing file, so it cannot be used as a folder. Fix: choose another folder "
                     "(e.g. «{example}») or rename that file."),
    "not_writable": ("Không ghi được vào thư mục «{path}» ({reason}). Cách sửa: chọn một thư mục có quyền ghi, ví dụ "
                     "trong thư mục của bạn, hoặc xin cấp quyền ghi cho thư mục này.",
                     "Cannot write to the folder «{path}» ({reason}). Fix: choose a folder you can write to, e.g. in "
                     "your home folder, or get write permission for this one."),
    "write_failed": ("Ghi «{path}» không thành công ({reason}); không để lại tệp ghi dở. Cách sửa: kiểm tra chỗ trống "
                     "trên đĩa và quyền ghi, hoặc chọn nơi ghi khác.",
                     "Writing «{path}» failed ({reason}); no half-written file was left. Fix: check the free disk "
                     "space and write permission, or choose another place."),
}
#: Readable reasons for the usual errno values (vi, en); others use the system's text.
REASONS: dict[int, tuple[str, str]] = {
    errno.EACCES: ("không có quyền ghi", "permission denied"),
    errno.EPERM: ("không được phép ghi: thư mục bị khóa hoặc bất biến", "not permitted: the folder is locked or immutable"),
    errno.EROFS: ("ổ đĩa chỉ đọc", "read-only file system"),
    errno.ENOSPC: ("hết chỗ trống trên đĩa", "no space left on the disk"),
    errno.EDQUOT: ("vượt hạn mức đĩa", "disk quota exceeded"),
    errno.ENOENT: ("không tạo được tệp ở đây", "files cannot be created here"),
}


class _Reason:
    """An OSError's reason, rendered in the message's language."""

    def __init__(self, exc: OSError):
        self.exc = exc

    def render(self, lang: str) -> str:
        pair = REASONS.get(self.exc.errno or 0)
        return (pair[0] if lang == "vi" else pair[1]) if pair else (self.exc.strerror or str(self.exc))


class OutputError(KeyedError, OSError):
    """An output path that cannot be written: message ``key`` of this module's ``MESSAGES`` (with its
    fix), ``render(lang)``; an ``OSError`` too."""

    MESSAGES = MESSAGES


def check_dir_target(path: str | Path) -> Path:
    """Make sure ``path`` is a folder we can write in: created when missing; ``OutputError`` when a
    file is in the way or the folder is read-only or immutable (probed by creating a temporary
    file, which also catches what permission bits do not show: read-only mounts, ``chattr +i``)."""
    path = Path(path)
    blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise OutputError("not_a_folder", path=blocker, example=blocker.with_name(blocker.stem + "-out"))
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".ntm-write-test-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        missing = next((p for p in (path, *path.parents) if p.exists()), path)
        raise OutputError("not_writable", path=missing if not path.exists() else path, reason=_Reason(exc)) from None
    return path


def check_file_target(path: str | Path, suffix: str = ".xlsx") -> Path:
    """Make sure a file can be written at ``path``: not a folder, its folder writable (created when
    missing). Raises :class:`OutputError` (the fix suggests a file name ending in ``suffix``)."""
    path = Path(path)
    if path.is_dir():
        raise OutputError("is_folder", path=path, example=path / f"ket-qua{suffix}")
    check_dir_target(path.parent if str(path.parent) else Path("."))
    return path


def atomic_write(path: str | Path, write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then rename it into place: a new
    file gets the permissions a normal new file would (umask), a replaced file keeps its own (a
    user's values.csv stays as they set it). Nothing is left behind on failure; an ``OSError`` of
    the writing becomes :class:`OutputError` ``write_failed``, other errors pass unchanged."""
    path = Path(path)
    check_file_target(path)
    old_mode = path.stat().st_mode & 0o777 if path.is_file() else None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # writers that refuse an existing file (GDAL) get a free name
    try:
        write(tmp)
        if old_mode is None:
            mask = os.umask(0o022)
            os.umask(mask)
        os.chmod(tmp, old_mode if old_mode is not None else 0o666 & ~mask)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError("write_failed", path=path, reason=_Reason(exc)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return path
