"""Lighthouse (npm, pinned in bench/package.json; `npm ci` here when it is missing) against Debian's chromium,
offline (every host but this machine fails to resolve), performance category only, mobile and desktop presets."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .browser import CHROMIUM, OFFLINE

HERE = Path(__file__).resolve().parent
CLI = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
AUDITS = {
    "fcp_s": "first-contentful-paint",
    "lcp_s": "largest-contentful-paint",
    "tti_s": "interactive",
    "tbt_s": "total-blocking-time",
}


def install() -> None:
    if CLI.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed for Lighthouse (bench/package.json)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True, timeout=600)


def run(url: str, preset: str, timeout: float = 240) -> dict:
    """One Lighthouse run; preset 'mobile' (its default: a phone on simulated slow 4G) or 'desktop'."""
    node = shutil.which("node") or "node"
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        out = Path(tmp) / "report.json"
        cmd = [
            node,
            str(CLI),
            url,
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance",
            "--quiet",
            "--max-wait-for-load=60000",
            f"--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync "
            f'--disable-background-networking --disable-component-update "{OFFLINE}"',
        ]
        if preset == "desktop":
            cmd.append("--preset=desktop")
        env = dict(os.environ, CHROME_PATH=CHROMIUM, HOME=tmp)  # a throwaway home: no profile is kept
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        if not out.exists():
            return {"error": (done.stderr or done.stdout)[-500:]}
        report = json.loads(out.read_text())
    audits = report["audits"]
    result = {"performance": round(100 * (report["categories"]["performance"]["score"] or 0))}
    for key, audit in AUDITS.items():
        value = audits.get(audit, {}).get("numericValue")
        result[key] = round(value / 1000, 2) if value is not None else None
    result["cls"] = round(audits.get("cumulative-layout-shift", {}).get("numericValue", float("nan")), 3)
    if report.get("runtimeError"):
        result["error"] = report["runtimeError"].get("message", "")
    return result
