"""Running the course where Voila is a Jupyter server extension (Binder, JupyterHub), not our app.

There the course template still needs its interface text (quick exit, ...). `python -m stalking_course.hub`
writes it from data/ui.yaml into a voila.json in the user's Jupyter config folder, which Voila's server
extension reads next to the repository's own voila.json, and blanks the MathJax URL that the extension would
otherwise put in every page's config (a CDN address; the course has no formulas). binder/start runs it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jupyter_core.paths import jupyter_config_dir

from .pages import interface_text


def extension_config() -> dict:
    return {"VoilaConfiguration": {"resources": {"course_ui": interface_text()}}}


def write_extension_config(folder: str | None = None) -> Path:
    target = Path(folder or jupyter_config_dir()) / "voila.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(target.read_text()) if target.exists() else {}
    existing.setdefault("VoilaConfiguration", {}).setdefault("resources", {})["course_ui"] = extension_config()[
        "VoilaConfiguration"
    ]["resources"]["course_ui"]
    target.write_text(json.dumps(existing, ensure_ascii=False, indent=1))
    server = target.parent / "jupyter_server_config.json"
    settings = json.loads(server.read_text()) if server.exists() else {}
    settings.setdefault("ServerApp", {}).setdefault("tornado_settings", {})["mathjax_url"] = ""
    server.write_text(json.dumps(settings, indent=1))
    return target


if __name__ == "__main__":
    print(f"wrote {write_extension_config(sys.argv[1] if len(sys.argv) > 1 else None)}")
