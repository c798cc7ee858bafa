"""`make bench`'s last part: the cost of recording progress (issue 11), measured by
stalking_course.progress.bench on a course app of its own, after the other servers have stopped.

Goals: the classroom's p95 time to interactive with recording on within 10% of it off
(`recording_p95_ratio` <= 1.10, the median of rounds that alternate off-on / on-off), and a recording
kernel's unique memory `recording_kernel_mb` <= 60 MB. Also reported: `recording_cpu_ratio`, the CPU
seconds of the app and its kernels per classroom, on / off (what recording costs, which other load on
the machine hardly moves, unlike a time).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from stalking_course.progress import bench as progress_bench

REPO = Path(__file__).resolve().parents[1]


def run(trainees: int, rounds: int) -> dict:
    """The report of stalking_course.progress.bench (in a process of its own: it sets the data folder)."""
    folder = Path(tempfile.mkdtemp(prefix="progress-bench-"))
    out = folder / "report.json"
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from stalking_course.progress import bench\n"
        f"result = bench.measure({trainees}, {rounds}, Path({str(folder)!r}))\n"
        f"Path({str(out)!r}).write_text(json.dumps(result))\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
    return json.loads(out.read_text())


def summary(report: dict) -> dict:
    """The keys `make bench` puts in latest.json next to its own."""
    return {
        "recording_p95_ratio": report["recording_p95_ratio"],
        "recording_kernel_mb": report["recording_kernel_mb"],
        "recording_cpu_ratio": report.get("recording_cpu_ratio"),
    }


def goals(report: dict) -> dict:
    return {
        "recording_p95_ratio": report["goals_met"]["recording_p95_ratio"],
        "recording_kernel_mb": report["goals_met"]["recording_kernel_mb"],
        "recording_no_lost_answer": report["goals_met"]["no_lost_or_doubled_answer"],
    }


def rows(report: dict) -> list:
    """Lines of `make bench`'s table: (what, stock, course app, goal)."""
    return [
        (
            f"classroom p95 TTI (s), recording off / on, {report['rounds']} rounds",
            "",
            f"{report['off']['p95_tti_s']} / {report['on']['p95_tti_s']}",
            f"recording_p95_ratio {report['recording_p95_ratio']} (goal <= {progress_bench.GOAL_RATIO})",
        ),
        (
            "  recording kernel USS after an answer (MB)",
            "",
            report["recording_kernel_mb"],
            f"recording_kernel_mb (goal <= {progress_bench.GOAL_KERNEL_MB})",
        ),
        (
            "  CPU of app and kernels per classroom (s), off / on",
            "",
            f"{report['off'].get('cpu_s')} / {report['on'].get('cpu_s')}",
            f"recording_cpu_ratio {report.get('recording_cpu_ratio')}",
        ),
    ]
