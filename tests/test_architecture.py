"""The package's shape: no import cycles, models never import the presentation rooms.

The import graph is read from the source with :mod:`ast` (nothing is imported), so the test sees
every ``import`` statement, including the ones inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cgresearch

_ROOT = Path(cgresearch.__file__).resolve().parent
_MODELS = ("survey", "allocation", "evaluation")
_PRESENTATION = ("figures", "report", "cli", "dashboard")


def _module_name(path: Path) -> str:
    parts = ("cgresearch", *path.relative_to(_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(_ROOT.rglob("*.py"))}


def _import_nodes(tree: ast.Module, *, lazy: bool) -> list[ast.Import | ast.ImportFrom]:
    """Import statements run at import time (``lazy=True``: also those inside functions).

    Imports under ``if TYPE_CHECKING:`` never run and are left out.
    """
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                if lazy:
                    visit(child)
            else:
                visit(child)

    visit(tree)
    return found


def _imports(name: str, path: Path, modules: dict[str, Path], *, lazy: bool) -> dict[str, int]:
    """Modules of cgresearch that ``name`` imports, with the line of the first import.

    ``from P import n`` goes through ``P``'s ``__init__`` (an edge to ``P``) and, when ``n`` is a
    submodule, also to ``P.n``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in _import_nodes(tree, lazy=lazy):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        for target in targets:
            if target in modules and target != name:
                found.setdefault(target, node.lineno)
    return found


def _room(name: str) -> str:
    """``cgresearch.survey.design`` → ``survey``; the package itself → ``""``."""
    return [*name.split("."), ""][1]


def _graph(*, lazy: bool = True) -> dict[str, dict[str, int]]:
    modules = _modules()
    return {name: _imports(name, path, modules, lazy=lazy) for name, path in modules.items()}


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return components


def test_cycle_finder_finds_a_hand_made_cycle_and_ignores_a_chain():
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}, "e": {}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {}}) == []


def test_import_graph_sees_a_known_import():
    graph = _graph()
    assert "cgresearch.allocation.envelope_lp" in graph["cgresearch.allocation.diagnosis"]
    assert "cgresearch.errors" in graph["cgresearch.allocation.scenario"]


def test_import_graph_leaves_out_type_checking_imports_and_keeps_lazy_ones_apart():
    source = (
        "from typing import TYPE_CHECKING\n"
        "import a\n"
        "if TYPE_CHECKING:\n    import b\n"
        "def f():\n    import c\n"
    )
    tree = ast.parse(source)
    names = lambda nodes: sorted(a.name for n in nodes for a in n.names)  # noqa: E731
    assert names(_import_nodes(tree, lazy=False)) == ["TYPE_CHECKING", "a"]
    assert names(_import_nodes(tree, lazy=True)) == ["TYPE_CHECKING", "a", "c"]


def test_no_import_cycles_among_cgresearch_modules_at_import_time():
    cycles = _cycles(_graph(lazy=False))
    assert cycles == [], f"import cycles (import the defining module directly): {cycles}"


def test_no_import_cycles_in_the_model_rooms_even_through_imports_inside_functions():
    graph = _graph(lazy=True)
    rooms = {
        name: {t: line for t, line in imports.items() if _room(t) in _MODELS}
        for name, imports in graph.items()
        if _room(name) in _MODELS
    }
    cycles = _cycles(rooms)
    assert cycles == [], f"import cycles (import the defining module directly): {cycles}"


def test_allocation_modules_never_import_their_own_package_init():
    graph = _graph()
    offenders = {
        name: line
        for name, imports in graph.items()
        if name.startswith("cgresearch.allocation.")
        for target, line in imports.items()
        if target == "cgresearch.allocation"
    }
    assert offenders == {}, f"import from the defining module, not the package: {offenders}"


def test_model_rooms_never_import_figures_report_cli_or_dashboard():
    graph = _graph()
    offenders = [
        f"{name} line {line} imports {target}"
        for name, imports in graph.items()
        if _room(name) in _MODELS
        for target, line in imports.items()
        if _room(target) in _PRESENTATION
    ]
    assert offenders == []
