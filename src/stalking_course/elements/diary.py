"""The incident diary on a page: the fictional sample diary as a timeline and as weekly counts, and a form
in which the trainee adds an entry and sees the overview change.

The data, the weekly counts, what they show and the checks of a new entry are content (content/diary.py);
the HTML is in render/templates/diary/. Safety of what the trainee types: every text is escaped by the
templates, never rendered as HTML; empty or invalid input gets a message and the form keeps what was typed;
a description longer than MAX_DESCRIPTION characters is refused with a message. Nothing typed is stored
anywhere: it lives in the page's kernel only and is gone when the page closes.
"""

from __future__ import annotations

import datetime as dt

from ..content import check_lang, format_date, ui
from ..content.diary import (
    add_entry,
    check_entry,
    conclusion_text,
    config,
    count_text,
    date_range,
    escalation,
    load_diary,
    strings,
    summary_items,
    week_of,
    weekly_counts,
)
from ..render import Markup, render
from .base import friendly_errors, show, show_html

# ---------------------------------------------------------------- HTML (every text escaped by the templates)


def weekly_chart_html(df, lang: str) -> str:
    """Contacts and threats per week as a bar chart with its text alternative and data table."""
    from ..render.charts import Series, bar_chart

    t, sample = strings(lang), config()["sample"]
    weeks = weekly_counts(df)
    weeks["label"] = [
        t["week_label"].format(n=w, date=format_date(s, lang, short=True))
        for w, s in zip(weeks["week"], weeks["week_start"])
    ]
    return bar_chart(
        weeks,
        category="label",
        series=[Series("contacts", t["contacts"]), Series("threats", t["threats"])],
        lang=lang,
        title=f"{t['weekly_title']}: {sample['title'][lang]}",
        source=sample["source"][lang],
        source_label=ui(lang)["source"],
        category_label=t["weekly_category_label"],
        table_caption=t["weekly_title"],
        value_label=t["weekly_value_label"],
    )


def summary_html(df, lang: str) -> str:
    """The escalation in words, computed from the diary."""
    return render(
        "diary/summary.html.j2",
        t=strings(lang),
        items=summary_items(df, lang),
        escalating=escalation(df)["escalating"],
        conclusion=conclusion_text(df, lang),
    )


def _entries(rows, lang: str) -> list:
    """The rows of a diary frame as the templates show them: words in the page's language, short dates."""
    cfg = config()
    return [
        {
            "date": format_date(row["date"], lang, short=True),
            "time": row["time"],
            "new": bool(row["new"]),
            "threat": bool(row["threat"]),
            "kind": cfg["kinds"][row["kind"]][lang],
            "kept": cfg["kept"][row["kept"]][lang],
            "description_lines": str(row[f"description_{lang}"]).split("\n"),
        }
        for _, row in rows.iterrows()
    ]


def timeline_html(df, lang: str, scroll: bool = True) -> str:
    """Every entry in date order, grouped by week; each week's header gives its counts."""
    t = strings(lang)
    starts = week_of(df)
    weeks = []
    for _, w in weekly_counts(df).iterrows():
        heading = t["week_heading"].format(
            n=int(w["week"]),
            date=format_date(w["week_start"], lang),
            contacts=count_text(w["contacts"], "contact", lang),
            threats=count_text(w["threats"], "threat", lang),
        )
        weeks.append((heading, _entries(df[starts == w["week_start"]], lang)))
    return render("diary/timeline.html.j2", t=t, weeks=weeks, scroll=scroll)


def entries_html(df, lang: str) -> str:
    """Only the entries the trainee added (or a sentence saying there are none)."""
    return render("diary/entries.html.j2", t=strings(lang), entries=_entries(df[df["new"]], lang))


def fictional_html(lang: str) -> str:
    return render("diary/fictional.html.j2", t=strings(lang), intro=config()["sample"]["intro"][lang])


def message_html(kind: str, text: str, problems=()) -> str:
    """The form's feedback box: wrong (with the problems), right or info."""
    return render("diary/message.html.j2", kind=kind, text=text, problems=list(problems))


@friendly_errors
def show_diary_timeline(lang: str) -> None:
    """The fictional sample diary as a timeline, grouped by week."""
    show_html(fictional_html(lang) + timeline_html(load_diary(), lang))


@friendly_errors
def show_diary_weeks(lang: str) -> None:
    """The sample diary's weekly counts as a chart, and what they show in words."""
    df = load_diary()
    show_html(weekly_chart_html(df, lang) + summary_html(df, lang))


# ---------------------------------------------------------------- the trainee's entry


class DiaryEditor:
    """A labelled form (date, time, kind, kept, threat, description) and the overview it updates."""

    def __init__(self, lang: str):
        import ipywidgets as W

        self.lang = check_lang(lang)
        t, cfg = strings(lang), config()
        self.t = t
        self.sample = load_diary()
        self.diary = self.sample.copy()
        first, last = date_range(self.sample)
        style = {"description_width": "initial"}
        default_day = (self.sample["date"].max() + dt.timedelta(days=1)).date()
        # No min/max on the picker: ipywidgets would silently move a date outside them to the nearest end
        # (2030-01-01 became the last day). The kernel checks the range and says so; the typed date stays.
        self.first_day, self.last_day = first, last
        self.date = W.DatePicker(description=t["form_date"], value=default_day, style=style)
        self.time = W.TimePicker(description=t["form_time"], value=None, style=style)
        self.kind = W.Dropdown(
            description=t["form_kind"], options=[(v[lang], k) for k, v in cfg["kinds"].items()], value=None, style=style
        )
        self.kept = W.Dropdown(
            description=t["form_kept"],
            options=[(v[lang], k) for k, v in cfg["kept"].items()],
            value=next(iter(cfg["kept"])),
            style=style,
        )
        self.threat = W.Checkbox(description=t["form_threat"], value=False, indent=False)
        self.description = W.Textarea(
            description=t["form_description"],
            placeholder=t["form_placeholder"],
            rows=4,
            layout=W.Layout(width="100%"),
            style=style,
        )
        self.add = W.Button(description=t["form_add"], button_style="primary", tooltip=t["form_add"])
        self.reset = W.Button(description=t["form_reset"], tooltip=t["form_reset_tooltip"])
        for button in (self.add, self.reset):
            button.layout = W.Layout(width="auto")
        self.add.add_class("course-check")
        self.reset.add_class("course-check")
        self.message = W.HTML("")
        self.message.add_class("course-feedback")
        self.result = W.HTML("")
        self.add.on_click(lambda _b: self.submit())
        self.reset.on_click(lambda _b: self.start_again())
        hint = ui(lang)["diary_date_hint"].format(first=format_date(first, lang), last=format_date(last, lang))
        intro = W.HTML(render("diary/form_intro.html.j2", t=t, date_hint=hint))
        form = W.VBox(
            [
                intro,
                self.date,
                self.time,
                self.kind,
                self.kept,
                self.threat,
                self.description,
                W.HBox([self.add, self.reset]),
                self.message,
            ]
        )
        form.add_class("course-diary-form")
        self.widget = W.VBox([form, self.result])
        self.widget.add_class("course-diary")
        self._just_added = False  # True from a successful add until the trainee changes the form
        for field in (self.date, self.time, self.kind, self.kept, self.threat, self.description):
            field.observe(self._form_changed, names="value")
        self.render()

    def _form_changed(self, _change=None) -> None:
        self._just_added = False

    @property
    def added(self) -> int:
        return int(self.diary["new"].sum())

    def submit(self) -> bool:
        """Check the form; add the entry or say what is missing (the form keeps what was typed)."""
        if self._just_added:
            # A second press before anything changed (a double click): the entry is in; keep saying so.
            return False
        entry, problems = check_entry(
            self.lang,
            self.date.value,
            self.time.value,
            self.kind.value,
            self.kept.value,
            self.description.value,
            self.threat.value,
            self.added,
        )
        if problems:
            self.message.value = message_html("wrong", self.t["msg_problems"], problems)
            return False
        self.diary = add_entry(self.diary, entry)
        kind = config()["kinds"][entry["kind"]][self.lang]
        added = self.t["msg_added"].format(date=format_date(entry["date"], self.lang), kind=kind)
        self.message.value = message_html("right", added)
        self.description.value = ""
        self.threat.value = False
        self.time.value = None
        self._just_added = True  # after clearing the form: those changes are ours, not the trainee's
        self.render()
        return True

    def start_again(self) -> None:
        self._just_added = False
        self.diary = self.sample.copy()
        self.message.value = message_html("info", self.t["msg_reset"])
        self.render()

    def render(self) -> None:
        self.result.value = render(
            "diary/result.html.j2",
            t=self.t,
            summary=Markup(summary_html(self.diary, self.lang)),
            chart=Markup(weekly_chart_html(self.diary, self.lang)),
            entries=Markup(entries_html(self.diary, self.lang)),
            timeline=Markup(timeline_html(self.diary, self.lang)),
        )


@friendly_errors
def show_diary_editor(lang: str) -> DiaryEditor:
    """The form to add an entry to the practice diary, with the weekly overview and timeline it updates."""
    editor = DiaryEditor(lang)
    show(editor.widget)
    return editor


# ---------------------------------------------------------------- registry hooks


def validate() -> int:
    """The diary files, checked, and the sample diary drawn in both languages (as chart.validate does, so
    forked page kernels share what drawing it loads); the number of sample entries."""
    from ..content import LANGS, diary

    count = diary.validate()
    df = load_diary()
    for lang in LANGS:
        for draw in (timeline_html, weekly_chart_html, summary_html):
            draw(df, lang)
    return count


def static(call, lang: str, preview: bool = False):
    return None  # the deck shows the page's own output (the timeline and the chart are plain HTML)


def answer_key(call, page, lang: str):
    return None


__all__ = [
    "DiaryEditor",
    "config",  # the diary's words (content.diary), for the browser tests
    "entries_html",
    "fictional_html",
    "message_html",
    "show_diary_editor",
    "show_diary_timeline",
    "show_diary_weeks",
    "summary_html",
    "timeline_html",
    "validate",
    "weekly_chart_html",
]
