"""The package's shape, read from its source: layers, no import cycles, small modules, one loader.

Layers, lowest first: content (data files) -> render (HTML templates) -> elements (widgets on a page)
-> trainer (decks, keys, plans) and the app (Voila server, hub, progress web handlers). A layer imports
only from layers below it, so a change in the app can never break how a data file is read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "stalking_course"
MAX_LINES = 400

# Top-level modules that form the app layer (the Voila server, the hub extension, the kernel zygote).
APP = {"app", "present", "speed", "kernelfork", "hub", "hub_server", "validate", "pages"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _imports(path: Path, name: str) -> set:
    """Every module this one imports, anywhere in it (also inside functions), as absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # `from . import x` imports module x
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    first = parts[1]
    if first in ("content", "render", "elements", "trainer", "progress"):
        return first
    return "app" if first in APP or first.startswith("share") else first


MODULES = _modules()
IMPORTS = {name: {i for i in _imports(path, name)} for name, path in MODULES.items()}


def _internal(imports: set) -> set:
    return {i for i in imports if i in MODULES}


def test_the_package_has_the_layers():
    layers = {_layer(m) for m in MODULES}
    assert {"content", "render", "elements", "trainer", "app", "progress"} <= layers, sorted(layers)


def test_the_content_layer_imports_no_widgets_no_html_and_nothing_above_it():
    for module, imports in IMPORTS.items():
        if _layer(module) != "content":
            continue
        banned = {i for i in imports if i.split(".")[0] in ("ipywidgets", "IPython", "jinja2", "markupsafe", "voila")}
        above = {i for i in _internal(imports) if _layer(i) not in ("content", "package")}
        assert not banned, f"{module} imports {sorted(banned)}"
        assert not above, f"{module} (content layer) imports {sorted(above)}"


def test_the_render_layer_imports_only_content():
    for module, imports in IMPORTS.items():
        if _layer(module) == "render":
            bad = {i for i in _internal(imports) if _layer(i) not in ("content", "render", "package")}
            assert not bad, f"{module} (render layer) imports {sorted(bad)}"
            assert not {i for i in imports if i.split(".")[0] == "ipywidgets"}, f"{module} imports ipywidgets"


def test_elements_never_import_the_app_or_the_trainer_build():
    for module, imports in IMPORTS.items():
        if _layer(module) == "elements":
            bad = {i for i in _internal(imports) if _layer(i) in ("app", "trainer")}
            # progress is reached only through its kernel-side hook (light: no database until a trainee joined)
            allowed = {"stalking_course.progress", "stalking_course.progress.hook"}
            bad |= {i for i in _internal(imports) if _layer(i) == "progress" and i not in allowed}
            assert not bad, f"{module} (elements) imports {sorted(bad)}"


def test_the_trainer_build_never_imports_the_app():
    for module, imports in IMPORTS.items():
        if _layer(module) == "trainer":
            bad = {i for i in _internal(imports) if _layer(i) == "app" and i != "stalking_course.validate"}
            assert not bad, f"{module} (trainer build) imports {sorted(bad)}"


def test_no_import_cycle_anywhere():
    graph = {m: {i for i in _internal(imports) if i != m} for m, imports in IMPORTS.items()}
    # A package's __init__ re-exporting from its own modules is not a cycle of jobs: skip package -> child edges.
    for m in graph:
        graph[m] = {i for i in graph[m] if not i.startswith(m + ".")}
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycle = stack[stack.index(nxt) :] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_400_lines(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(PACKAGE.parent)} has {lines} lines: split it by job"


def _source_outside(allowed: set) -> dict:
    return {n: p.read_text(encoding="utf-8") for n, p in MODULES.items() if n not in allowed}


def test_one_loader_reads_and_caches_the_data_files():
    """The file/field error path of reading a data file is written once, in content/loader.py."""
    loader = "stalking_course.content.loader"
    for name, text in _source_outside({loader}).items():
        assert "yaml.load(" not in text and "yaml.safe_load(" not in text, f"{name} parses YAML itself"
        assert "st_mtime" not in text or _layer(name) in ("app", "trainer", "progress"), (
            f"{name} keys a cache on a file's mtime itself: use content.loader.cached"
        )
        assert not re.search(r'ContentError\([^)]*"does not exist"', text), (
            f"{name} writes the missing-file error again"
        )
        assert "pd.read_csv(" not in text, f"{name} reads a CSV itself: use content.read_csv"


def test_the_id_pattern_is_written_once():
    pattern = "[a-z0-9]+(-[a-z0-9]+)*"
    holders = [n for n, text in _source_outside(set()).items() if pattern in text]
    assert holders == ["stalking_course.content.loader"], holders


def test_every_data_file_has_a_schema():
    from stalking_course.content.loader import SCHEMAS

    used = set()
    for text in (p.read_text(encoding="utf-8") for p in MODULES.values()):
        used.update(re.findall(r'schema="([a-z_-]+)"', text))
    present = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")}
    assert used <= present, f"schemas named in code but missing: {sorted(used - present)}"
    assert present - {"common"} <= used, f"schemas nothing loads: {sorted(present - {'common'} - used)}"
