"""The package's import graph, read from the source with ``ast``: stages only import earlier stages,
no import circle between modules, no private name imported from another module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ntm_analysis"
#: Stage of each top-level module or subpackage; a module may import its own stage or earlier ones.
STAGES = {"i18n": 0, "errors": 0, "units": 0, "outputs": 0, "text": 0, "catalogue": 1, "serves": 2, "io": 2, "admin": 2, "assess": 3, "maps": 4, "excel": 4,
          "report": 5, "plan": 5, "sample": 6, "cli": 7}
#: Known backward arrows still to remove (see docs/architecture.md, "Known debts"): none. The
#: catalogue comes before the dataset stage: a dataset's values are checked against its catalogues.
KNOWN_BACKWARD: set[tuple[str, str]] = set()
#: Known import circles (lazy imports inside functions) and private names still to remove.
KNOWN_CIRCLE_MODULES = {frozenset({"ntm_analysis.sample.generate", "ntm_analysis.sample.reform"})}
KNOWN_PRIVATE = {("ntm_analysis.sample.reform", "ntm_analysis.sample.generate", "_choose_criteria"),
                 ("ntm_analysis.sample.reform", "ntm_analysis.sample.generate", "_format_value"),
                 ("ntm_analysis.sample.reform", "ntm_analysis.sample.generate", "_orders")}


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _target(base: str, name: str) -> str:
    """``base.name`` when that is a module of the package, else ``base``."""
    full = f"{base}.{name}"
    rel = PACKAGE.parent / full.replace(".", "/")
    return full if rel.with_suffix(".py").exists() or rel.is_dir() else base


def _imports() -> list[tuple[str, str, str]]:
    """(importing module, imported module, imported name) for every import of the package's own
    modules, at module level or inside functions."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        mod = _module(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "ntm_analysis":
                out += [(mod, _target(node.module, a.name), a.name) for a in node.names]
            elif isinstance(node, ast.Import):
                out += [(mod, a.name, "") for a in node.names if a.name.split(".")[0] == "ntm_analysis"]
    return out


def _stage(mod: str) -> int | None:
    parts = mod.split(".")
    return STAGES.get(parts[1]) if len(parts) > 1 else None  # the package's __init__ is the API: any stage


def test_every_subpackage_and_top_module_has_a_stage() -> None:
    names = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert names - STAGES.keys() == set()


def test_no_import_from_a_later_stage() -> None:
    backward = {(a, b) for a, b, _ in _imports()
                if _stage(a) is not None and _stage(b) is not None and _stage(b) > _stage(a)}
    assert backward == KNOWN_BACKWARD


def test_no_import_circle() -> None:
    graph: dict[str, set[str]] = {}
    for a, b, _ in _imports():
        if a != b and b != "ntm_analysis":
            graph.setdefault(a, set()).add(b)
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    known = [c for c in cycles if any((x, y) in KNOWN_BACKWARD for x, y in zip(c, c[1:]))
             or frozenset(c) in KNOWN_CIRCLE_MODULES]
    assert [c for c in cycles if c not in known] == []


def test_no_private_name_imported_from_another_module() -> None:
    private = {(a, b, n) for a, b, n in _imports() if n.startswith("_") and a != b}
    assert private == KNOWN_PRIVATE


@pytest.mark.parametrize("name", ["load_dataset", "load_catalogue", "assess", "history", "progress", "rank_targets",
                                  "draft_paragraph", "make_map", "run_batch", "report_context", "NtmError"])
def test_public_api_names_are_documented(name: str) -> None:
    import ntm_analysis

    obj = getattr(ntm_analysis, name)
    assert name in ntm_analysis.__all__ and (obj.__doc__ or "").strip()
