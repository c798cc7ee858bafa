"""Binder / JupyterHub: the course renders through Voila's server extension with the course template."""

import subprocess
import sys

from conftest import REPO, free_port, stop, wait_for


def test_a_lesson_renders_through_the_voila_server_extension(tmp_path):
    import os
    import urllib.request

    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}",
    }
    proc = subprocess.Popen(
        [
            "bash",
            "binder/start",
            sys.executable,
            "-m",
            "jupyter",
            "server",
            "--allow-root",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/voila/render/notebooks/nl/01_wat-is-stalking.ipynb"
        wait_for(f"http://127.0.0.1:{port}/api", timeout=60)
        html = urllib.request.urlopen(url, timeout=120).read().decode()
    finally:
        stop(proc)
    assert '<html lang="nl"' in html and 'class="course-quick-exit"' in html
    assert ">Snel weg<" in html and "buienradar" in html, "the template has its Dutch interface text"
    assert "https://" not in html.replace("https://www.buienradar.nl/", ""), "nothing from outside the machine"
