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
HEAVY = ("pandas",)  # imported inside the element modules' functions; worth having in the zygote


def _code_cells(path: Path) -> list:
    """The sources of a notebook's code cells (read as JSON: nbformat's validation is not needed here)."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return []
    sources = (cell.get("source", "") for cell in cells if cell.get("cell_type") == "code")
    return ["".join(source) if isinstance(source, list) else source for source in sources]


def _imports_inside(module_file: Path) -> set:
    """The top-level package names a module imports anywhere in it (also inside its functions)."""
    try:
        tree = ast.parse(module_file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def page_modules(repo_root: Path) -> list:
    """The element modules of every kind the notebooks call (elements/registry.py reads the calls), and
    the heavy libraries those modules import inside their functions (pandas), so a fork has them."""
    kinds = set()
    for folder in NOTEBOOK_FOLDERS:
        for path in (repo_root / folder).rglob("*.ipynb"):
            if ".ipynb_checkpoints" not in path.parts:
                kinds.update(call.kind for source in _code_cells(path) for call in registry.calls_in(source))
    modules = sorted(registry.module_name(kind) for kind in kinds)
    package = Path(__file__).resolve().parents[1]
    heavy = set()
    for module in modules:
        heavy |= _imports_inside(package / (module.split(".", 1)[1].replace(".", "/") + ".py"))
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
