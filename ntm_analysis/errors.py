"""The one family of bad-input errors: every error the package raises about a user's files or
arguments derives from :class:`NtmError` and gives its message in Vietnamese and English with
``render(lang)``.

The ``ntm`` command catches this family only (message, exit code 2, no traceback); anything else
is a bug and surfaces as one. ``str(error)`` is the Vietnamese message, for logs and notebooks.

Subclasses live with the stage that raises them (``io.validation.DatasetError``,
``catalogue.schema.CatalogueError``, ``excel.common.ExcelError``, ``maps.layers.MapError`` ...);
:class:`KeyedError` is the base of those whose message is one entry of a ``MESSAGES`` table.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

from ntm_analysis.i18n import check_lang, fmt


class NtmError(Exception):
    """Bad input (a file, a value, an argument) with a message in Vietnamese and English.

    Built from both messages (``NtmError(vi, en)``; ``en`` defaults to ``vi``) or by a subclass
    that overrides :meth:`render`."""

    #: Language of ``str(error)``; a subclass may set it per instance.
    lang: str = "vi"

    def __init__(self, message_vi: str = "", message_en: str | None = None) -> None:
        self.message_vi = message_vi
        self.message_en = message_vi if message_en is None else message_en
        super().__init__(message_vi)

    def render(self, lang: str = "vi") -> str:
        """The whole message in ``lang`` (``vi`` or ``en``; ``ValueError`` for another)."""
        return self.message_vi if check_lang(lang) == "vi" else self.message_en

    def message(self, lang: str = "vi") -> str:
        """Same as :meth:`render` (the name some callers written before the family use)."""
        return self.render(lang)

    def __str__(self) -> str:
        return self.render(self.lang)


class KeyedError(NtmError):
    """An error whose message is the entry ``key`` of the class's ``MESSAGES`` table (vi, en),
    formatted with ``kwargs``; values with a ``render(lang)`` method are rendered in the same language."""

    MESSAGES: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def __init__(self, key: str, *, lang: str = "vi", **kwargs: Any) -> None:
        self.key, self.kwargs = key, kwargs
        super().__init__(self.render("vi"), self.render("en"))
        self.lang = lang

    def render(self, lang: str = "vi") -> str:
        """The message ``key`` in ``lang``."""
        check_lang(lang)
        args = {k: (v.render(lang) if hasattr(v, "render") else v) for k, v in self.kwargs.items()}
        return fmt(self.MESSAGES, self.key, lang, **args)


class ArgumentError(KeyedError):
    """A command-line or function argument the package cannot use (a notebook name, a missing
    optional package); the messages are below."""

    MESSAGES: ClassVar[Mapping[str, tuple[str, str]]] = {
        "no_notebook": ("Không có sổ tính: {names} (chọn trong: {choices}).",
                        "No notebook named: {names} (choose from: {choices})."),
        "no_dask": ("Cần cài gói tùy chọn dask: pip install 'ntm-analysis[dask]'.",
                    "The optional dask package is needed: pip install 'ntm-analysis[dask]'."),
    }
