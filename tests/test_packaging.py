"""The set-up a newcomer relies on: the README's two commands, one dependency list in two files, CI."""

import re

import tomllib
import yaml

from stalking_course.content import REPO_ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    conda = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())["dependencies"]
    conda_specs = {
        _name(d): d.split("#")[0].replace(" ", "")
        for d in conda
        if isinstance(d, str) and _name(d) not in ("python", "pip")
    }
    # conda has no pip extras ([binary]): conda-forge's package already brings what the extra adds
    pip_specs = {_name(d): re.sub(r"\[.*?\]", "", d.replace(" ", "")) for d in project["dependencies"]}
    assert conda_specs == pip_specs


def test_voila_has_the_security_fix():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    voila = next(d for d in project["dependencies"] if _name(d) == "voila")
    assert ">=0.5.6" in voila.replace(" ", "")


def test_readme_quick_start_is_two_commands():
    readme = (REPO_ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\s*(make [a-z]+)\s*$", quick, flags=re.M)
    assert commands == ["make app", "make test"]


def test_ci_runs_the_readme_test_command_and_fails_on_no_tests():
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "chromium" in ci and '"$status" -eq 5' in ci


def test_voila_settings_keep_the_safe_defaults():
    import json

    settings = json.loads((REPO_ROOT / "voila.json").read_text())
    voila = settings["VoilaConfiguration"]
    assert voila["show_tracebacks"] is False and voila["strip_sources"] is True and voila["template"] == "course"
    culling = settings["MappingKernelManager"]
    assert culling["cull_idle_timeout"] > 0 and culling["cull_interval"] > 0


def test_make_test_without_a_browser_stops_at_once_with_one_line(tmp_path):
    """A fresh machine without Chromium: the run stops before any test, saying how to get a browser."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "CHROMIUM"}
    env.update(PATH=str(tmp_path), PLAYWRIGHT_BROWSERS_PATH=str(tmp_path / "none"), COURSE_NO_BROWSER_INSTALL="1")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/test_browser.py",
            "tests/test_referral.py",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 3, out
    assert "No Chromium for the browser tests" in out and "apt-get install chromium" in out
    assert "passed" not in out and "error" not in out.lower().replace("errors", ""), out  # nothing ran
