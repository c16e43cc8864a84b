"""The architecture holds: import contracts, imports at module top, readable sizes, thin views.

See docs/ARCHITECTURE.md. The allow-lists below are meant to stay short: each entry says why.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("hotline", "workers")

# Function-level imports of our own modules that must stay lazy: (file, imported module) -> why.
LAZY_IMPORTS_ALLOWED: dict[tuple[str, str], str] = {
    # hotline/__init__.py runs before every `import hotline.x`: the composition root loads the
    # app's modules only when an app is built, so importing a leaf (hotline.core.clock from a
    # migration, the bench or a worker helper) does not import every blueprint and model.
    ("hotline/__init__.py", "hotline.models"): "every model on db.metadata, when an app is built",
    ("hotline/__init__.py", "hotline.tickets.watch"): "its listeners register when an app is built",
    ("hotline/__init__.py", "hotline.escalations.undelivered"): "subscribes when an app is built",
    ("hotline/__init__.py", "hotline.routes"): "every blueprint, when an app is built",
    ("hotline/__init__.py", "hotline.cli"): "every CLI command, when an app is built",
    ("hotline/__init__.py", "hotline.core.db_pool"): "PostgreSQL apps only",
    ("hotline/__init__.py", "hotline.core.sqlite"): "SQLite apps (the embedded default) only",
    ("hotline/__init__.py", "hotline.core.logs"): "LOG_FORMAT=json apps only",
    ("hotline/__init__.py", "hotline.core.web.outage"): "the error handlers, when an app is built",
    ("hotline/__init__.py", "hotline.core.web"): "CSP and input guard, when an app is built",
    ("hotline/staff/documents/views.py", "hotline.staff.documents"): "fpdf2 (36 MB) on first print",
}

# Modules over MAX_LINES lines: file -> why it is long.
MAX_LINES = 400
LONG_FILES_ALLOWED: dict[str, str] = {
    "hotline/seed/data.py": "the demo's reference data (units, categories, rules) as literals",
}


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), str(path))


def _own_module(node: ast.Import | ast.ImportFrom, relpath: str) -> list[str]:
    """The hotline./workers. modules an import statement names (relative ones resolved)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif node.level:
        package = relpath.removesuffix(".py").split("/")
        if package[-1] == "__init__":
            package.pop()
        base = package[: len(package) - node.level]
        names = [".".join([*base, *([node.module] if node.module else [])])]
    else:
        names = [node.module or ""]
    return [name for name in names if name.split(".")[0] in PACKAGES]


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def lazy_imports(relpath: str, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, module) for each import of our own modules inside a function body."""
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, in_function = stack.pop()
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                for module in _own_module(child, relpath):
                    yield child.lineno, module
            inner = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            stack.append((child, in_function or inner))


def function_level_imports() -> Iterator[tuple[str, int, str]]:
    for relpath, tree in _sources():
        for line, module in lazy_imports(relpath, tree):
            yield relpath, line, module


def test_import_contracts_hold():
    """The contracts in .importlinter (layers, no cycles, workers on top, pure clock…)."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    command = [str(lint_imports)] if lint_imports.exists() else ["lint-imports"]
    result = subprocess.run(
        [*command, "--no-cache", "--config", str(ROOT / ".importlinter")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_own_modules_are_imported_at_module_top():
    """A function-level import hides a dependency (and often a cycle): move it to the top."""
    lazy = [
        f"{relpath}:{line}: {module}"
        for relpath, line, module in function_level_imports()
        if (relpath, module) not in LAZY_IMPORTS_ALLOWED
    ]
    assert lazy == [], (
        "import these at module top, or allow-list them with a reason:\n" + "\n".join(lazy)
    )


def test_lazy_import_allow_list_has_no_stale_entries():
    found = {(relpath, module) for relpath, _, module in function_level_imports()}
    assert set(LAZY_IMPORTS_ALLOWED) - found == set()


def test_modules_stay_under_the_line_limit():
    long_files = {
        relpath: length
        for relpath, _ in _sources()
        if (length := len((ROOT / relpath).read_text().splitlines())) > MAX_LINES
    }
    assert set(long_files) - set(LONG_FILES_ALLOWED) == set(), long_files
    assert set(LONG_FILES_ALLOWED) - set(long_files) == set(), "no longer long: drop from the list"


def database_access(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, what) for each `select(...)` call and each use of `db.session` in a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "select":
                yield node.lineno, "select("
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "session"
            and isinstance(node.value, ast.Name)
            and node.value.id == "db"
        ):
            yield node.lineno, "db.session"


def test_staff_views_read_through_queries_and_services():
    """A staff views module routes only: its reads live in queries.py or a domain service."""
    found = [
        f"{relpath}:{line}: {what}"
        for relpath, tree in _sources()
        if relpath.startswith("hotline/staff/") and relpath.endswith("views.py")
        for line, what in database_access(tree)
    ]
    assert found == [], "move these into the area's queries.py or a service:\n" + "\n".join(found)


def test_the_database_walker_finds_select_and_the_session():
    tree = ast.parse(
        "from sqlalchemy import select\nimport sqlalchemy as sa\n"
        "def f():\n    return db.session.scalars(select(T))\n"
        "def g():\n    return sa.select(T)\n"
        "def h(session):\n    return queries.selection(session)\n"
    )
    assert sorted(database_access(tree)) == [(4, "db.session"), (4, "select("), (6, "select(")]


def test_the_walker_finds_function_level_imports_but_not_type_checking_ones():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "from hotline.core import queue\n"
        "if TYPE_CHECKING:\n    from hotline.core import clock\n"
        "def f():\n    import json\n    from hotline.core import errors\n"
        "    if TYPE_CHECKING:\n        from hotline.units import models\n"
        "class C:\n    def g(self):\n        from . import bulk\n"
    )
    assert sorted(lazy_imports("hotline/core/queue.py", tree)) == [
        (7, "hotline.core"),
        (12, "hotline.core"),
    ]
