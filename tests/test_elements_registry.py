"""A new kind of page element is one module and one registry entry.

The test builds the README's worked example ("Adding a page element") in a copy of the package and checks,
in a fresh Python, that the new kind is exported, validated, drawn in a trainer's deck and listed in the answer
keys, without touching anything else. It also reads the registry on the real notebooks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def readme_examples() -> dict:
    """The README's worked example: {target: code} from blocks marked <!-- example: target -->."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- example: (.+?) -->\s*```[a-z]*\n(.*?)```", readme, flags=re.S)
    return dict(blocks)


@pytest.fixture(scope="module")
def copy_with_new_kind(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("registry") / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", "build")
    for folder in ("src", "data", "notebooks", "exercises", "slides"):
        shutil.copytree(REPO / folder, root / folder, ignore=ignore)
    examples = readme_examples()
    entry = examples.pop("registry entry")
    for target, code in examples.items():
        (root / target).write_text(code, encoding="utf-8")
    registry = root / "src/stalking_course/elements/registry.py"
    text = registry.read_text(encoding="utf-8")
    text = text.replace("KINDS = {\n", "KINDS = {\n" + entry, 1)
    registry.write_text(text, encoding="utf-8")
    # one lesson uses the new element, in both languages
    for lang in ("nl", "en"):
        path = next((root / "notebooks" / lang).glob("01_*.ipynb"))
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["cells"].insert(
            2,
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "reflection-cell",
                "metadata": {"slideshow": {"slide_type": "slide"}},
                "outputs": [],
                "source": f'from stalking_course import show_reflection\nshow_reflection("first-contact", "{lang}")',
            },
        )
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    return root


def run_in(root: Path, code: str, **env) -> subprocess.CompletedProcess:
    import os

    environment = {**os.environ, "PYTHONPATH": str(root / "src"), **env}
    environment.pop("STALKING_COURSE_DATA", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=environment, capture_output=True, text=True, timeout=180
    )


def test_the_readme_example_is_complete():
    examples = readme_examples()
    assert set(examples) == {
        "data/reflections.yaml",
        "src/stalking_course/content/schemas/reflections.schema.json",
        "src/stalking_course/elements/reflection.py",
        "registry entry",
    }


def test_a_new_kind_is_exported_and_validated(copy_with_new_kind):
    result = run_in(
        copy_with_new_kind,
        """
import json, stalking_course
from stalking_course.validate import validate_all
from stalking_course.elements import registry
print(json.dumps({"exported": "show_reflection" in stalking_course.__all__,
                  "callable": callable(stalking_course.show_reflection),
                  "module": stalking_course.show_reflection.__module__,
                  "counts": validate_all(),
                  "calls": [c.kind for c in registry.calls_in('show_reflection("first-contact", "nl")')]}))
""",
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["exported"] and out["callable"]
    assert out["module"] == "stalking_course.elements.reflection"
    assert out["counts"]["reflection element"] == 1
    assert out["calls"] == ["reflection"]


def test_a_new_kind_is_drawn_in_a_deck_and_listed_in_the_answer_keys(copy_with_new_kind):
    result = run_in(
        copy_with_new_kind,
        """
import json, nbformat
from stalking_course.content.course import course
from stalking_course.trainer.decks import transform
from stalking_course.trainer.keys import answer_keys_html
from stalking_course.trainer.notebooks import read_notebook
out = {}
for lang in ("nl", "en"):
    page = course().lessons[0]
    nb = transform(read_notebook(page.path(lang)), lang, page.path(lang))
    out[lang] = {"deck": [c.source if c.cell_type != "code" else "".join(o["data"].get("text/html", "")
                          for o in c.outputs) for c in nb.cells],
                 "keys": answer_keys_html(lang)}
print(json.dumps(out))
""",
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    for lang, question, points in (
        ("nl", "Wat zou jij als eerste vragen?", "Veiligheid, wat er is gebeurd"),
        ("en", "What would you ask first?", "Safety, what happened"),
    ):
        deck = "\n".join(out[lang]["deck"])
        assert f'<h2 class="deck-reflection">{question}</h2>' in deck, f"{lang}: no slide for the new element"
        keys = out[lang]["keys"]
        assert 'id="reflection-first-contact"' in keys and points in keys
        assert 'href="#reflection-first-contact"' in keys, f"{lang}: the answer keys' contents do not list it"


def test_a_broken_data_file_of_a_new_kind_names_the_file_and_field(copy_with_new_kind, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(copy_with_new_kind / "data", data)
    broken = (
        (data / "reflections.yaml").read_text(encoding="utf-8").replace('en: "What would you ask first?"', "en: ''")
    )
    (data / "reflections.yaml").write_text(broken, encoding="utf-8")
    result = run_in(
        copy_with_new_kind,
        "import sys; from stalking_course.validate import main; sys.exit(main())",
        STALKING_COURSE_DATA=str(data),
    )
    assert result.returncode == 1
    assert (
        "reflections.yaml: reflections[1] (id first-contact).question.en: missing or empty translation" in result.stderr
    )


def test_the_registry_reads_every_element_of_the_real_notebooks():
    import nbformat

    from stalking_course.content.course import course
    from stalking_course.elements import registry

    kinds = set()
    for page in course().pages:
        for lang in ("nl", "en"):
            nb = nbformat.read(REPO / page.path(lang), as_version=4)
            calls = registry.calls_in_notebook(nb)
            assert calls or page.kind == "start", f"{page.path(lang)}: no element found"
            kinds.update(c.kind for c in calls)
            shown = sum(
                len(re.findall(r"\b(show_[a-z_]+|page_header|page_footer)\(", c.source))
                for c in nb.cells
                if c.cell_type == "code"
            )
            assert len([c for c in calls if c.function.startswith("show_") or c.function.startswith("page_")]) == shown
    assert kinds == set(registry.KINDS), f"kinds no page uses: {set(registry.KINDS) - kinds}"
