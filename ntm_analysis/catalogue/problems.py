"""The problems of a catalogue file and where they are: :class:`CatalogueProblem` (file, place in the
document such as ``criteria[3].indicators[1].thresholds``, line, message and fix in Vietnamese and
English), :class:`CatalogueError` (every problem of one file) and the line of each place
(:func:`line_index`). The rules that find the problems live in ``schema.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import yaml

from ntm_analysis.catalogue.messages import MESSAGES
from ntm_analysis.errors import NtmError
from ntm_analysis.i18n import fmt, pick


@dataclass(frozen=True)
class CatalogueProblem:
    """One problem of a catalogue file: where it is, what is wrong, how to fix it."""

    file: str
    location: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    line: int | None = None

    def _params(self, lang: str) -> dict[str, Any]:
        return {k: pick(v, lang) if isinstance(v, tuple) else v for k, v in self.params.items()}

    def message(self, lang: str = "vi") -> str:
        return fmt(MESSAGES, self.key, lang, **self._params(lang))

    def fix(self, lang: str = "vi") -> str:
        return fmt(MESSAGES, self.key + ".fix", lang, **self._params(lang))

    def render(self, lang: str = "vi") -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        loc = f" {self.location}" if self.location else ""
        return f"- {where}{loc}: {self.message(lang)} {fmt(MESSAGES, 'fix', lang)}: {self.fix(lang)}"


class CatalogueError(NtmError):
    """An invalid or missing catalogue; ``problems`` lists every problem found."""

    lang = "en"

    def __init__(self, problems: list[CatalogueProblem]):
        self.problems = problems
        super().__init__(self.render("vi"), self.render("en"))

    def render(self, lang: str = "vi") -> str:
        """A header naming the file, then one line per problem with its fix."""
        file = self.problems[0].file if self.problems else "?"
        lines = [fmt(MESSAGES, "header", lang, file=file, n=len(self.problems))]
        return "\n".join(lines + [p.render(lang) for p in self.problems])


def path_text(path: Iterable[str | int]) -> str:
    """``("criteria", 3, "indicators")`` → ``criteria[3].indicators``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_index(text: str) -> dict[str, int]:
    """1-based line of every node of the YAML document, keyed by ``path_text``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        lines[path_text(path)] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(v, path + (str(k.value),))
                lines[path_text(path + (str(k.value),))] = k.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    if root is not None:
        walk(root, ())
    return lines
