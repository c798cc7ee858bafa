"""Every page executes headless, in both languages, without an error or a content error.

The notebooks run as the app runs its pages: each in a kernel of its own, forked from a process that has
imported what pages use (stalking_course.kernelfork; started the usual way where forking is not possible).
They are run once per session, two at a time, for the tests selected; each test then checks its own page."""

from __future__ import annotations

import asyncio
import threading

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import all_notebook_paths, forked_kernels
from stalking_course.content import REPO_ROOT

TEST = "test_notebook_executes_without_error"
JOBS = 2  # kernels at a time: the machine's two cores


async def _execute(path: str, semaphore: asyncio.Semaphore):
    nb = nbformat.read(REPO_ROOT / path, as_version=4)
    async with semaphore:
        client = NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str((REPO_ROOT / path).parent)}}
        )
        try:
            await client.async_execute()
        except Exception as error:  # noqa: BLE001 - reported by the test of this notebook
            return error
    return nb


def _execute_all(paths: list) -> dict:
    """{path: executed notebook, or the exception that stopped it}. In a thread of its own: the session's
    Playwright already runs an event loop in this one."""

    async def all_of_them():
        semaphore = asyncio.Semaphore(JOBS)
        return await asyncio.gather(*(_execute(path, semaphore) for path in paths))

    results = {}

    def run():
        results.update(zip(paths, asyncio.run(all_of_them())))

    worker = threading.Thread(target=run, name="notebooks")
    worker.start()
    worker.join()
    return results


@pytest.fixture(scope="module")
def executed(request):
    """The notebooks of the selected tests, each executed once, in forked kernels as the app's pages are."""
    paths = sorted(
        {item.callspec.params["path"] for item in request.session.items if getattr(item, "originalname", "") == TEST}
    )
    with forked_kernels():
        return _execute_all(paths)


@pytest.mark.parametrize("path", all_notebook_paths())
def test_notebook_executes_without_error(executed, path):
    nb = executed[path]
    if isinstance(nb, Exception):
        raise nb
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert 'course-msg-wrong" role="alert"' not in html, "a content error is shown on the page"
    assert "PLACEHOLDER" not in "".join(c.source for c in nb.cells), "a page is still a placeholder"
    assert not [o for o in outputs if o.get("name") == "stderr"], "nothing is written to stderr"
