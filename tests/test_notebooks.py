"""Every page executes headless, as Voila runs it, in both languages, without an error or a content error."""
import nbformat
import pytest
from nbclient import NotebookClient

from stalking_course.content import REPO_ROOT

from helpers import all_notebook_paths


@pytest.mark.parametrize("path", all_notebook_paths())
def test_notebook_executes_without_error(path):
    nb = nbformat.read(REPO_ROOT / path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str((REPO_ROOT / path).parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "course-msg-wrong\" role=\"alert\"" not in html, "a content error is shown on the page"
    assert "PLACEHOLDER" not in "".join(c.source for c in nb.cells), "a page is still a placeholder"
    assert not [o for o in outputs if o.get("name") == "stderr"], "nothing is written to stderr"
