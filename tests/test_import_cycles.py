"""The package has no import cycles (type-checking imports included): each layer and each area stands alone."""

from __future__ import annotations

import grimp


def _cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """One import cycle among the package's modules, or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if not imported.startswith("ketadesk"):
                continue
            if state.get(imported) == 1:
                return [*path[path.index(imported) :], imported]
            if imported not in state and (found := visit(imported)) is not None:
                return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph.modules):
        if module.startswith("ketadesk") and module not in state and (found := visit(module)) is not None:
            return found
    return None


def test_no_import_cycles() -> None:
    """Following imports from any module never leads back to it."""
    graph = grimp.build_graph("ketadesk")
    cycle = _cycle(graph)
    assert cycle is None, " → ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The finder itself reports a cycle when there is one (so the test above can fail)."""
    graph = grimp.ImportGraph()
    for name in ("ketadesk.a", "ketadesk.b", "ketadesk.c"):
        graph.add_module(name)
    graph.add_import(importer="ketadesk.a", imported="ketadesk.b")
    graph.add_import(importer="ketadesk.b", imported="ketadesk.c")
    graph.add_import(importer="ketadesk.c", imported="ketadesk.a")
    assert _cycle(graph) == ["ketadesk.a", "ketadesk.b", "ketadesk.c", "ketadesk.a"]
