"""Shared test helpers: the course's pages and notebooks, read the way the app reads them."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

from stalking_course.content import LANGS, REPO_ROOT
from stalking_course.content.course import course

PHONE = re.compile(r"(?<![\w-])(?:0\d{3}-\d{4}|1-?1-?2)(?![\w-])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s?%")
QUIZ_CALL = re.compile(r"show_quiz\(\s*[\"']([\w-]+)[\"']")


def edit_yaml(path, change) -> None:
    """Load a YAML file, let `change` edit the data, write it back."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def all_pages():
    return list(course().pages)


def page_params():
    """(page, lang) pairs for parametrised tests, with readable ids."""
    return [(p, lang) for p in all_pages() for lang in LANGS]


def page_ids():
    return [f"{p.id}-{lang}" for p in all_pages() for lang in LANGS]


def read_notebook(path: str) -> dict:
    return json.loads((REPO_ROOT / path).read_text(encoding="utf-8"))


def sources(nb: dict, kind: str | None = None) -> list:
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in nb["cells"]
        if kind is None or c["cell_type"] == kind
    ]


def all_notebook_paths() -> list:
    return sorted(
        str(p.relative_to(REPO_ROOT))
        for d in ("notebooks", "exercises")
        for p in (REPO_ROOT / d).rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


@contextmanager
def forked_kernels():
    """Kernels started in this process inside the block are forked from a preloaded process, as the app's
    page kernels are (stalking_course.kernelfork): a fraction of a second each instead of two. Where
    forking is not possible they start the usual way. The zygote ends with the block, and kernels started
    after it are ordinary again (tests of kernelfork start a zygote of their own)."""
    from jupyter_client.provisioning import KernelProvisionerFactory

    from stalking_course import kernelfork

    factory = KernelProvisionerFactory.instance()
    before, running = factory.default_provisioner_name, kernelfork.current() is not None
    if kernelfork.start(kernelfork.BASE_PRELOAD + kernelfork.page_modules(REPO_ROOT)) is not None:
        factory.default_provisioner_name = kernelfork.PROVISIONER_NAME
    try:
        yield
    finally:
        factory.default_provisioner_name = before
        if not running:  # only the zygote started here
            kernelfork.stop()
