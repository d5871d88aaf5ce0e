"""The structure of kiosk/, read from the source with ast. Every import counts,
at the top of a module, inside a function or under TYPE_CHECKING.

- no import cycle among kiosk modules;
- each package imports only from packages on a lower layer (LAYERS), or from itself, save the
  listed exceptions (ALLOWED_UPWARD);
- the acceptance rules of the message contract: only ui/, runtime.py and cli/ import ui/;
  no thread outside ui/ imports pygame;
- modules under 400 lines, functions under 50;
- the store alone speaks SQL: no SQL text, no sqlite3 import and no use of the store's
  connection, raw queries or transactions outside kiosk/store/ (it hands out value types).

Backends a Registry loads by name (kiosk/registry.py) are not imports of the module that
names them: a backend imports its base, never the other way round.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

KIOSK = Path(__file__).resolve().parent.parent / "kiosk"

# Lowest first. A module may import its own package and any package on a lower layer.
LAYERS = [
    {"kiosk", "errors", "clock", "systemd_notify", "model", "fonts"},  # model: value types every stage shares
    {"config", "registry"},
    {"vision", "store"},  # the face library; the local database
    {"liveness"},  # the anti-spoofing library (on top of vision's face boxes and mesh)
    {"messages"},  # the contract between the threads
    {"camera", "scheduler", "sync", "reports"},  # reports: the export rows, summary, files and chart
    {"enrolment"},
    {"interchange"},  # the OneRoster import: reads a bundle and plans it (enrolment's id rule), applies it centrally
    {"attendance"},  # the check-in rules and the service that stores their verdict
    {"staff"},  # what staff do (sign-in, the desk, marks, the register), and check-in codes
    {"recognition"},  # the stage that uses the libraries with attendance and the store
    {"ui"},
    {"runtime", "web"},  # the kiosk's threads and its lanes; the staff web view
    {"cli"},
]
# Known exceptions, each with its reason (none now: the exports the web view shares with the CLI
# live in reports/, below both).
ALLOWED_UPWARD: set[tuple[str, str]] = set()
RANK = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}
NO_PYGAME = set(RANK) - {"ui", "runtime", "cli"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(KIOSK.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "kiosk"


def imported_names(path: Path, module: str) -> set[str]:
    """Every dotted name this module imports (absolute), wherever the import statement is."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in KIOSK.rglob("*.py")}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges = {}
    for module, path in modules.items():
        found = {resolve(n) for n in imported_names(path, module) if n.split(".")[0] == "kiosk"}
        edges[module] = {m for m in found if m and m != module}
    return edges


@pytest.fixture(scope="module")
def pygame_users() -> set[str]:
    return {module_name(p) for p in KIOSK.rglob("*.py")
            if any(n.split(".")[0] == "pygame" for n in imported_names(p, module_name(p)))}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_there_is_no_import_cycle(graph):
    assert cycles(graph) == []


def test_every_package_is_on_a_layer(graph):
    assert {package_of(m) for m in graph} <= set(RANK)


def test_imports_run_only_down_the_layers(graph):
    upward = sorted(f"{m} -> {d}" for m, deps in graph.items() for d in deps
                    if package_of(d) != package_of(m) and RANK[package_of(d)] >= RANK[package_of(m)]
                    and (package_of(m), d) not in ALLOWED_UPWARD)
    assert upward == []


def test_the_known_exceptions_still_exist(graph):
    """An exception that is no longer needed is removed from ALLOWED_UPWARD."""
    for package, target in ALLOWED_UPWARD:
        assert any(package_of(m) == package and target in deps for m, deps in graph.items()), (package, target)


def test_only_the_screen_runtime_and_cli_import_the_ui(graph):
    users = sorted(m for m, deps in graph.items() if any(package_of(d) == "ui" for d in deps))
    assert all(package_of(m) in ("ui", "runtime", "cli") for m in users), users


@pytest.mark.parametrize("package, forbidden", [
    ("store", {"scheduler", "attendance", "vision", "liveness", "sync", "enrolment", "ui"}),
    ("vision", {"attendance", "store", "enrolment", "sync", "ui"}),
    ("liveness", {"attendance", "store", "enrolment", "sync", "ui"}),
    ("messages", set(RANK) - {"kiosk", "model", "vision", "config", "registry", "errors", "messages"}),
])
def test_the_lower_stages_know_nothing_of_the_higher(graph, package, forbidden):
    found = sorted(f"{m} -> {d}" for m, deps in graph.items() if package_of(m) == package
                   for d in deps if package_of(d) in forbidden)
    assert found == []


def test_messages_use_only_the_value_types_and_face_boxes(graph):
    allowed = {"kiosk.model", "kiosk.vision.base"}
    used = {d for m, deps in graph.items() if package_of(m) == "messages" for d in deps
            if package_of(d) != "messages"}
    assert used <= allowed


def test_no_thread_outside_the_screen_imports_pygame(pygame_users):
    assert sorted(m for m in pygame_users if package_of(m) in NO_PYGAME) == []


def test_the_checker_sees_imports_inside_functions_and_a_cycle(tmp_path):
    source = tmp_path / "kiosk" / "a.py"
    source.parent.mkdir()
    source.write_text("def f():\n    from kiosk.b import g\n")
    assert imported_names(source, "kiosk.a") == {"kiosk.b", "kiosk.b.g"}
    assert cycles({"kiosk.a": {"kiosk.b"}, "kiosk.b": {"kiosk.a"}, "kiosk.c": {"kiosk.a"}}) == [["kiosk.a", "kiosk.b"]]


MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def test_modules_and_functions_stay_short():
    too_long = []
    for path in sorted(KIOSK.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if source.count("\n") >= MAX_MODULE_LINES:
            too_long.append(f"{module_name(path)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines >= MAX_FUNCTION_LINES:
                    too_long.append(f"{module_name(path)}.{node.name}: {lines} lines")
    assert too_long == []


SQL_TEXT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|WITH)\b.*\b"
                      r"(FROM|INTO|SET|TABLE|INDEX|TRIGGER|WHERE|VALUES|\w+\s*=|\()", re.DOTALL)  # SQL is upper case here
STORE_INSIDES = {"conn", "query_in", "transaction"}  # the store's connection, raw reads, transactions
RAW_READ = "query"  # called: the store's raw read (the screen's search box has a `query` text too)
# Attributes of the same name that are not the store's: (module, attribute), each with its reason.
NOT_THE_STORE = {("kiosk.web.slow_clients", "conn")}  # uvicorn's h11 protocol keeps its h11.Connection there


def outside_the_store() -> list[Path]:
    return [p for p in sorted(KIOSK.rglob("*.py")) if (KIOSK / "store") not in p.parents]


def test_only_the_store_speaks_sql():
    found = []
    for path in outside_the_store():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.match(node.value):
                found.append(f"{module_name(path)}:{node.lineno}: {node.value[:40]!r}")
            elif (isinstance(node, ast.Attribute) and node.attr in STORE_INSIDES
                  and (module_name(path), node.attr) not in NOT_THE_STORE):
                found.append(f"{module_name(path)}:{node.lineno}: .{node.attr}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == RAW_READ:
                found.append(f"{module_name(path)}:{node.lineno}: .{RAW_READ}()")
            elif isinstance(node, (ast.Import, ast.ImportFrom)) and "sqlite3" in imported_names(path, module_name(path)):
                found.append(f"{module_name(path)}:{node.lineno}: imports sqlite3")
    assert sorted(set(found)) == []


def test_the_sql_checker_sees_sql_and_the_connection():
    assert SQL_TEXT.match("SELECT id FROM people") and SQL_TEXT.match("  UPDATE people SET name = ?")
    assert SQL_TEXT.match("PRAGMA integrity_check(5)") and SQL_TEXT.match("INSERT INTO x VALUES (1)")
    assert not SQL_TEXT.match("Select a class from the list") and not SQL_TEXT.match("Delete the photo")
    tree = ast.parse("store.conn.execute('x')\nwith store.transaction(): pass")
    assert {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)} & STORE_INSIDES == {"conn", "transaction"}
