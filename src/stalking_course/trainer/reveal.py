"""reveal.js for the decks and the live presentation: the pinned npm package, copied for offline use."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from ..content.slides import speaker_labels
from .base import LIVE_STATIC, SLIDES_DIR, SlidesError

REVEAL_PACKAGE = SLIDES_DIR / "node_modules" / "reveal.js"
# What a deck needs from the reveal.js package (it is 5 MB; these are a few hundred kB).
REVEAL_FILES = (
    "LICENSE",
    "dist/reveal.css",
    "dist/reveal.js",
    "dist/theme/white.css",
    "dist/theme/fonts/source-sans-pro/*",
    "plugin/notes/notes.js",
)


def speaker_labels_js() -> str:
    """The speaker view's labels (data/slides.yaml) as a script course-reveal.js reads."""
    return f"window.courseSpeakerView = {json.dumps(speaker_labels(), ensure_ascii=False, sort_keys=True)};\n"


def pinned_reveal_version() -> str:
    lock = json.loads((SLIDES_DIR / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/reveal.js"]["version"]


def ensure_reveal(log=print) -> Path:
    """slides/node_modules/reveal.js at the pinned version; runs `npm ci` in slides/ when it is missing."""
    want = pinned_reveal_version()
    manifest = REVEAL_PACKAGE / "package.json"
    have = json.loads(manifest.read_text(encoding="utf-8")).get("version") if manifest.is_file() else None
    if have != want:
        npm = shutil.which("npm")
        if not npm:
            raise SlidesError(
                f"reveal.js {want} is not in slides/node_modules and npm was not found. "
                "Install Node.js (with npm), then run `make slides` again."
            )
        log(f"Installing reveal.js {want} (npm ci in slides/) ...")
        run = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=SLIDES_DIR, capture_output=True, text=True
        )
        if run.returncode != 0:
            raise SlidesError(f"npm ci in slides/ failed:\n{run.stdout}{run.stderr}")
    return REVEAL_PACKAGE


def _complete(target: Path) -> bool:
    return all(any(target.glob(pattern)) for pattern in REVEAL_FILES)


def _unchanged(dest: Path, source: Path) -> bool:
    if not dest.is_file():
        return False
    have, want = dest.stat(), source.stat()
    return have.st_size == want.st_size and have.st_mtime >= want.st_mtime


def copy_reveal(target: Path) -> Path:
    """Copy the files a deck needs from the reveal.js package to target (unchanged files are skipped).
    Offline without slides/node_modules, an earlier complete copy is used as it is."""
    manifest = REVEAL_PACKAGE / "package.json"
    if not manifest.is_file() and _complete(target):
        return target
    source = ensure_reveal()
    for pattern in REVEAL_FILES:
        for path in sorted(source.glob(pattern)):
            dest = target / path.relative_to(source)
            if _unchanged(dest, path):
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
    return target


def ensure_live_assets() -> Path:
    """reveal.js for the live presentation, served by Voila from templates/course-reveal/static/reveal, and
    the speaker view's labels from data/slides.yaml (static/speaker-view-labels.js, not committed)."""
    labels = LIVE_STATIC / "speaker-view-labels.js"
    text = speaker_labels_js()
    if not labels.is_file() or labels.read_text(encoding="utf-8") != text:
        labels.write_text(text, encoding="utf-8")
    return copy_reveal(LIVE_STATIC / "reveal")
