"""The trainer's build stops at a broken data file: the error names the file and the field, and nothing
half-new is left behind. Fast: the build stops before any notebook runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import yaml

from conftest import REPO


def test_a_broken_signals_file_stops_make_slides_with_the_file_and_the_field(data_copy, tmp_path):
    path = data_copy / "signals.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    exercise = next(iter(data["exercises"].values()))
    exercise["items"][0]["signal"] = "yes"  # must be true or false
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "build" / "slides"
    env = dict(os.environ, STALKING_COURSE_DATA=str(data_copy))
    # -o: never reinstall the venv from a test; PY: the interpreter running the tests
    run = subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", "slides", f"SLIDES_OUT={out}", f"PY={sys.executable}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode != 0, run.stdout + run.stderr
    assert re.search(r"content error: \S*signals\.yaml: [^:\n]*signal[^:\n]*: ", run.stderr), run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    assert not out.exists() and not out.parent.exists(), "no partial output"


def test_the_build_validates_before_it_writes_anything(data_copy, tmp_path):
    from stalking_course import trainer
    from stalking_course.content import ContentError

    path = data_copy / "signals.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("signal: true", "signal: maybe", 1), encoding="utf-8")
    out = tmp_path / "out"
    try:
        trainer.build(out, readme=False, log=lambda *args: None)
    except ContentError as error:
        assert "signals.yaml" in error.file and "signal" in error.field, error
    else:
        raise AssertionError("a broken signals.yaml must stop the build")
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["data"], "no staging folder left behind"
