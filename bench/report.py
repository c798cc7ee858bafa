"""`make bench`'s goals and its table (bench/results/latest.json holds the same numbers)."""

from __future__ import annotations

from . import recording

GOALS = {
    "text_ratio": 0.2,
    "tti_ratio": 0.5,
    "link_cold_ratio": 0.35,
    "link_warm_ratio": 0.25,
    "p95_tti_ratio": 3,
    "kernel_uss_mb": 60,
    "lighthouse_mobile": 80,
    "lighthouse_desktop": 95,
    "cls": 0.1,
    "recording_p95_ratio": 1.10,
    "recording_kernel_mb": 60,
}


def goals_met(result: dict) -> dict:
    """Which goals the run met (a goal whose part did not run is left out)."""
    lh = result.get("lighthouse", {})

    def lh_ok(preset, goal):
        """The course's Lighthouse performance reaches the goal, beats stock Voila's, with CLS <= 0.1."""
        course = lh.get("course", {}).get(preset, {})
        return (
            course.get("performance", -1) >= goal
            and course["performance"] > lh["stock"][preset].get("performance", 101)
            and (course.get("cls") or 0) <= 0.1
        )

    result["goals_met"] = {
        "text_ratio": result["text_ratio"] <= GOALS["text_ratio"],
        "tti_ratio": result["tti_ratio"] <= GOALS["tti_ratio"],
        "link_cold_ratio": result["link_cold_ratio"] <= GOALS["link_cold_ratio"],
        "link_warm_ratio": result["link_warm_ratio"] <= GOALS["link_warm_ratio"],
        "p95_tti_ratio": result["classroom"]["p95_tti_ratio"] <= GOALS["p95_tti_ratio"],
        "kernel_uss_mb": result["kernel_uss_mb"] is not None and result["kernel_uss_mb"] <= GOALS["kernel_uss_mb"],
        "kernels_after_leave": result["kernels_after_leave"] <= result["classroom"]["with_class"]["pool"],
    }
    if "recording" in result:
        result["goals_met"].update(recording.goals(result["recording"]))
    if lh:
        result["goals_met"]["lighthouse_mobile"] = lh_ok("mobile", 80)
        result["goals_met"]["lighthouse_desktop"] = lh_ok("desktop", 95)
    return result["goals_met"]


def table(result: dict) -> str:
    t, c = result["tti_s"], result["classroom"]
    w, wc, cs = c["with_class"], c["without_class"], c.get("stock", {})
    lk = result["link_s"]
    lh = result.get("lighthouse", {})

    def kb(b):
        return f"{b / 1024:.0f}" if isinstance(b, (int, float)) else ""

    rows = [
        (
            "lesson text visible, median (s)",
            result["text_s"]["stock"],
            result["text_s"]["course"],
            f"text_ratio {result['text_ratio']:.2f} (goal <= 0.2)",
        ),
        (
            "time to interactive, median (s)",
            t["stock"],
            t["course"],
            f"tti_ratio {result['tti_ratio']:.2f} (goal <= 0.5)",
        ),
        ("  same, lesson not preheated (s)", "", t["course_cold"], f"ratio {result['tti_ratio_cold']:.2f}"),
        ("layout shift until interactive (CLS)", result["cls"]["stock"], result["cls"]["course"], ""),
        ("server render of the lesson (s)", result["render_s"]["stock"], result["render_s"]["course"], ""),
        ("  same, lesson not preheated (s)", "", result["render_s"]["course_cold"], ""),
        (
            "classroom link: first lesson TTI (s)",
            lk["stock"]["cold"],
            lk["course"]["cold"],
            f"link_cold_ratio {result['link_cold_ratio']:.2f} (goal <= 0.35)",
        ),
        (
            "classroom link: next lesson TTI (s)",
            lk["stock"]["warm"],
            lk["course"]["warm"],
            f"link_warm_ratio {result['link_warm_ratio']:.2f} (goal <= 0.25)",
        ),
        ("bytes_cold: first lesson (kB)", kb(result["bytes_cold"]["stock"]), kb(result["bytes_cold"]["course"]), ""),
        ("bytes_warm: next lesson (kB)", kb(result["bytes_warm"]["stock"]), kb(result["bytes_warm"]["course"]), ""),
        (
            "requests, first lesson / next lesson",
            f"{result['requests']['stock']['cold']} / {result['requests']['stock']['warm']}",
            f"{result['requests']['course']['cold']} / {result['requests']['course']['warm']}",
            "",
        ),
        (
            "kernel USS, lesson 1 (MB)",
            result["kernel_uss_stock_mb"],
            result["kernel_uss_by_page"].get("what-is-stalking"),
            "",
        ),
        ("kernel USS, largest page (MB)", "", result["kernel_uss_mb"], "goal <= 60"),
        (
            f"classroom of {w['trainees']}, CLASS={result['settings']['class']}: p95 TTI (s)",
            cs.get("p95_tti_s", ""),
            w["p95_tti_s"],
            f"p95_tti_ratio {c['p95_tti_ratio']:.2f} (goal <= 3; stock {cs.get('p95_tti_ratio', '')})",
        ),
        ("  same, no CLASS (course as shipped)", "", wc["p95_tti_s"], f"ratio {wc['p95_tti_ratio']:.2f}"),
        ("  p50 TTI (s), CLASS", cs.get("p50_tti_s", ""), w["p50_tti_s"], ""),
        ("  peak memory, whole app (MB), CLASS", cs.get("peak_mb", ""), w["peak_mb"], ""),
        (
            "  kernels alive after leaving",
            cs.get("kernels_after_leave", ""),
            w["kernels_after_leave"],
            f"goal <= the pool ({w['pool']})",
        ),
    ]
    if "recording" in result:
        rows += recording.rows(result["recording"])
    for preset in ("mobile", "desktop"):
        st, co = lh.get("stock", {}).get(preset, {}), lh.get("course", {}).get(preset, {})
        goal = {"mobile": 80, "desktop": 95}[preset]
        rows.append(
            (
                f"lighthouse {preset}: performance",
                st.get("performance", ""),
                co.get("performance", ""),
                f"goal >= {goal}, ahead of stock",
            )
        )
        for key, label in (("fcp_s", "FCP (s)"), ("lcp_s", "LCP (s)"), ("tti_s", "TTI (s)"), ("cls", "CLS")):
            rows.append((f"  {label}", st.get(key, ""), co.get(key, ""), "goal <= 0.1" if key == "cls" else ""))
    head = ("", "stock voila", "course app", "")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(4)]

    def fmt(r):
        return "  ".join(str(v).ljust(widths[i]) if i in (0, 3) else str(v).rjust(widths[i]) for i, v in enumerate(r))

    lines = [fmt(head), "-" * (sum(widths) + 6)] + [fmt(r) for r in rows]
    lines.append("")
    lines.append("goals: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in result["goals_met"].items()))
    if result.get("failed_visits"):
        lines.append(f"failed visits (left out of the medians): {result['failed_visits']}")
    m = result["machine"]
    lines.append(
        f"machine: {m['cpus']} CPUs, load average {m['load_average_start']} at start, {m['load_average']} at end"
    )
    return "\n".join(lines)
