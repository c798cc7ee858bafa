"""What the zygote imports before it forks, so every page kernel finds it imported: ipykernel and the rest
of what any page uses (BASE_PRELOAD), plus the element modules the course's notebooks call, read from the
element registry (elements/registry.py), and the heavy libraries those modules import inside their
functions (pandas)."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

from ..elements import registry

# What every course page's kernel imports; the page modules themselves are added by page_modules().
BASE_PRELOAD = [
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.comm",
    "ipykernel.debugger",
    "comm",
    "IPython.display",
    "IPython.core.completerlib",
    "IPython.core.oinspect",
    "IPython.core.debugger",
    "tornado.queues",
    "tornado.locks",
    "psutil",
    "pydoc",
    "ipywidgets",
    "stalking_course",
    "stalking_course.elements.base",
]
NOTEBOOK_FOLDERS = ("notebooks", "exercises")
HEAVY = ("pandas",)  # imported inside functions (element modules, the content they read); worth preloading
PACKAGE = Path(__file__).resolve().parents[1]  # stalking_course


def _code_cells(path: Path) -> list:
    """The sources of a notebook's code cells (read as JSON: nbformat's validation is not needed here)."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return []
    sources = (cell.get("source", "") for cell in cells if cell.get("cell_type") == "code")
    return ["".join(source) if isinstance(source, list) else source for source in sources]


def _module_file(name: str) -> Path | None:
    """The source file of a module of this package (stalking_course.x.y), or None."""
    parts = name.split(".")
    if parts[0] != PACKAGE.name:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _statements(node):
    """Every statement in a module, also inside functions, classes and blocks (imports are statements; the
    expressions, most of a module's nodes, are skipped: that keeps this quick at the app's start)."""
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        for child in getattr(node, field, None) or ():
            if isinstance(child, (ast.stmt, ast.excepthandler, getattr(ast, "match_case", ast.stmt))):
                yield child
                yield from _statements(child)


def _imports(name: str, path: Path) -> set:
    """Every module a module imports, anywhere in it (also inside its functions), as absolute names."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # `from . import x`: module x
    return found


def _heavy_imports(modules: list) -> set:
    """The HEAVY libraries that these modules, or the package's modules they import, import anywhere."""
    heavy, seen, todo = set(), set(), list(modules)
    while todo and len(heavy) < len(HEAVY):  # done once every heavy library is found
        name = todo.pop(0)
        path = _module_file(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        for imported in _imports(name, path):
            top = imported.split(".")[0]
            if top in HEAVY:
                heavy.add(top)
            elif top == PACKAGE.name:
                todo.append(imported)
    return heavy


def page_modules(repo_root: Path) -> list:
    """The element modules of every kind the notebooks call (elements/registry.py reads the calls), and
    the heavy libraries those modules, or the course modules they use, import inside functions (pandas),
    so a fork has them."""
    kinds = set()
    for folder in NOTEBOOK_FOLDERS:
        for path in (repo_root / folder).rglob("*.ipynb"):
            if ".ipynb_checkpoints" not in path.parts:
                kinds.update(call.kind for source in _code_cells(path) for call in registry.calls_in(source))
    modules = sorted(registry.module_name(kind) for kind in kinds)
    heavy = _heavy_imports(modules)
    return modules + [name for name in HEAVY if name in heavy]


def recording_modules() -> list:
    """What a page kernel imports to record a trainee's answers (the progress store, SQLAlchemy and the
    database's dialect): imported in the zygote, a recording kernel shares it instead of importing it at its
    first cell (measured: 1.8 s of CPU per kernel on a busy two-core machine, and several MB of its own)."""
    modules = ["stalking_course.progress.store"]
    try:
        from sqlalchemy.engine import make_url

        from ..progress.schema import db_url

        modules.append(make_url(db_url()).get_dialect().__module__)  # the dialect class
    except Exception:  # noqa: BLE001 - a driver that is not installed: the kernel finds out itself
        pass
    return modules


def preload_modules(preload: list) -> str | None:
    """In the zygote: import what the pages use and read the course data; why that failed, or None."""
    import importlib

    for name in preload:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - reported to the app, which falls back
            return f"could not preload {name}: {type(error).__name__}: {error}"
    if any(name.split(".")[0] == "stalking_course" for name in preload):
        # Read and check the course data once, so each kernel finds it parsed.
        try:
            from stalking_course.validate import validate_all

            validate_all()
        except Exception as error:  # noqa: BLE001 - reported to the app, which falls back
            return f"the course data did not validate in the zygote: {type(error).__name__}: {error}"
    threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
    if threads != 1:
        return f"{threads} threads after preloading (forking needs one)"
    return None
