"""Recognising stalking and acting on it: the course package.

Notebooks are thin pages that call these functions; the content lives in data/.
Names are imported lazily, so that a page loads only what it uses (a kernel with pandas
imported costs tens of megabytes more than one without).
"""
import importlib

_EXPORTS = {
    "page_header": "chrome", "page_footer": "chrome", "show_facts": "chrome", "lesson_overview": "chrome", "progress_overview": "chrome", "content_notice": "chrome",
    "show_quiz": "quiz", "advise": "referral", "show_referral_guide": "guide",
    "ContentError": "content",
    "show_case": "cases", "show_cases": "cases",
    "show_final_assessment": "assessment", "show_resources": "resources", "show_referral_table": "resources",
    "show_signal_sorter": "signals",
    "show_chart": "stats", "show_diary_timeline": "diary", "show_diary_weeks": "diary", "show_diary_editor": "diary",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'stalking_course' has no attribute {name!r}")
