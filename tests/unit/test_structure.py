"""The house's shape (STYLE.md): features depend one way, only the factory imports a routes module, short files.

Read from the source with `ast`, without importing the app: an import inside a function counts like one at the top.
"""

import ast
from collections import defaultdict
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
FACTORY = "app"
MAX_LINES = 400
GENERATED = {"app/api/openapi.py"}  # the OpenAPI document, generated from the payload declarations (issue 14)
LONG_FOR_NOW: dict[str, str] = {}  # files allowed over 400 lines for now (none): each entry fails once not needed
ROUTES_IMPORT_FOR_NOW: dict[tuple[str, str], str] = {}  # (module, routes module) allowed for now (none)
CYCLE_EDGES_FOR_NOW: dict[tuple[str, str], str] = {}  # imports allowed to close a cycle for now (none)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, absolute (relative imports resolved; `from x import y` also as x.y)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "app" or name.startswith("app.")}


def _sources() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in APP.rglob("*.py")}


def _package(module: str) -> str:
    """The package of `app` a module belongs to: app.campaigns.services → app.campaigns; app.cli → app.cli."""
    return ".".join(module.split(".")[:2])


def _package_graph(sources: dict[str, set[str]]) -> dict[str, set[str]]:
    known = {_package(m) for m in sources}
    graph: dict[str, set[str]] = defaultdict(set)
    for module, imported in sources.items():
        if module == FACTORY:
            continue  # the factory imports every feature; nothing imports it but wsgi.py and the tests
        for name in imported:
            if (module, name) in CYCLE_EDGES_FOR_NOW or (module, name.rpartition(".")[0]) in CYCLE_EDGES_FOR_NOW:
                continue  # `from x import y` is recorded as x and as x.y
            target = _package(name)
            if target in known and target != _package(module) and target != FACTORY:
                graph[_package(module)].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_walker_finds_a_cycle_and_a_routes_import():
    graph = {"app.a": {"app.b"}, "app.b": {"app.c"}, "app.c": {"app.a"}, "app.d": {"app.a"}}
    assert _cycles(graph) == [["app.a", "app.b", "app.c"]]
    factory = _imports(APP / "__init__.py")
    assert "app.reports.routes" in factory and not any(name.startswith("flask") for name in factory)


def test_no_import_cycle_between_the_packages_of_app():
    sources = _sources()
    cycles = _cycles(_package_graph(sources))
    assert cycles == [], f"packages importing each other (directly or round about): {cycles}"
    still = {(module, name) for module, name in CYCLE_EDGES_FOR_NOW if name in sources.get(module, ())}
    assert still == set(CYCLE_EDGES_FOR_NOW), "an allowance no longer needed: remove it from the list"


def _is_routes(name: str) -> bool:
    """A views module: app.x.routes, or app.x.<something>_routes beside it."""
    return any(part == "routes" or part.endswith("_routes") for part in name.split(".")[2:])


def test_only_the_factory_imports_a_routes_module():
    offenders = {(module, ".".join(name.split(".")[:3])) for module, imported in _sources().items()
                 if module != FACTORY for name in imported if _is_routes(name)}
    assert offenders - set(ROUTES_IMPORT_FOR_NOW) == set(), "routes modules are the factory's to import"
    assert set(ROUTES_IMPORT_FOR_NOW) <= offenders, "an allowance no longer needed: remove it from the list"


def test_no_file_in_app_is_over_400_lines():
    long = {str(path.relative_to(APP.parent)): n for path in APP.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert set(long) - GENERATED - set(LONG_FOR_NOW) == set(), long
    assert set(LONG_FOR_NOW) <= set(long), "an allowance no longer needed: remove it from the list"


def test_the_compliance_engine_and_the_domain_stay_pure():
    for path in [APP / "compliance" / "engine.py", *sorted((APP / "domain").glob("*.py"))]:
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
        assert not imported & {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug"}, (path.name, imported)
