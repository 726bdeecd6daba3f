"""The package's layers: no import circles, and no arrow from a lower layer up to a higher one, so that
a newcomer can follow a frame from the socket to a report line without climbing back and forth.

Every ``import`` counts, at module level or inside a function: a deferred import that closes a circle
is still a circle a reader has to untangle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "conformance"

#: Lowest first. A module belongs to the layer of the longest prefix naming it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("conformance.jsonpath", "conformance.compare", "conformance.decoding", "conformance.payloads", "conformance.lines", "conformance.credentials", "conformance.exact_numbers", "conformance.kinds")),
    ("protocol", ("conformance", "conformance.protocol", "conformance.fastpath", "conformance._derived", "conformance.verdict", "conformance.batch", "conformance.schema", "conformance.generation", "conformance.detect")),
    ("data", ("conformance.sessions", "conformance.corpus", "conformance.bulk", "conformance.outfile", "conformance.distributed")),
    ("adapters", ("conformance.adapters",)),
    ("live", ("conformance.live",)),
    ("implementations", ("conformance.implementations", "conformance.broken")),
    ("judging", ("conformance.checks", "conformance.outcomes", "conformance.records", "conformance.classes", "conformance.findings", "conformance.settling")),
    ("families", ("conformance.families",)),
    ("reports", ("conformance.reports", "conformance.detection")),
    ("top", ("conformance.pytest_plugin", "conformance.profiles", "conformance.suite", "conformance.commands", "conformance.cli", "conformance.__main__")),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The package's own modules that ``path`` imports (``from . import x`` imports the submodule x)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = {f"{target}.{alias.name}" for alias in node.names} & set(known)
            found |= submodules
            if len(submodules) < len(node.names) and target in known:
                found.add(target)
    return found - {name}


def layer(name: str) -> int:
    """The layer of a module: the one of the longest prefix naming it (the package itself, ``conformance``,
    names only itself, so that a new top-level module must be given a layer)."""
    matches = [
        (len(prefix), index)
        for index, (_, prefixes) in enumerate(LAYERS)
        for prefix in prefixes
        if name == prefix or (prefix != "conformance" and name.startswith(prefix + "."))
    ]
    if not matches:
        raise AssertionError(f"{name} belongs to no layer: add it to tests/test_layers.py")
    return max(matches)[1]


GRAPH = {name: imports(path, modules()) for name, path in modules().items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(graph.get(node, ())):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_there_are_no_import_circles() -> None:
    assert circles(GRAPH) == []


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{name} ({LAYERS[layer(name)][0]}) imports {target} ({LAYERS[layer(target)][0]})"
        for name, targets in sorted(GRAPH.items())
        for target in sorted(targets)
        if layer(target) > layer(name)
    ]
    assert upward == []


def test_every_module_has_a_layer() -> None:
    for name in GRAPH:
        layer(name)
    with pytest.raises(AssertionError, match="belongs to no layer"):
        layer("conformance.a_module_nobody_placed")


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set()}, []),
    ],
)
def test_the_circle_finder_finds_circles(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert circles(graph) == expected


def test_the_import_reader_sees_deferred_and_relative_imports() -> None:
    known = modules()
    path = PACKAGE / "commands" / "probe.py"
    assert "conformance.families.dialect_probe" in imports(path, known)  # imported inside a function
    assert "conformance.protocol.dialects" in imports(path, known)
