"""The incident diary: a fictional sample diary that pandas turns into a timeline and weekly counts, and a
form in which the trainee adds an entry and sees the overview change.

Data: data/diary/diary.yaml (the words: kinds of contact, what was kept, interface text) and the sample CSV
it names (one row per contact or incident; see the comment at the top of diary.yaml). A broken file raises
ContentError naming the file, the line and the column.

Safety of what the trainee types: every text is escaped (html.escape) before it is put into HTML, never
rendered as HTML; empty or invalid input gets a message and the form keeps what was typed; a description
longer than MAX_DESCRIPTION characters is refused with a message. Nothing typed is stored anywhere: it lives
in the page's kernel only and is gone when the page closes.
pandas is imported here, inside the functions, never when the package is imported.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from html import escape

from ..content import LANGS, ContentError, check_lang, data_dir, load_yaml, read_csv
from ..content.loader import bilingual, require
from .base import friendly_errors, show, show_html

FOLDER = "diary"
META = f"data/{FOLDER}/diary.yaml"
COLUMNS = ("date", "time", "kind", "threat", "kept", "description_nl", "description_en")
MAX_DESCRIPTION = 1000  # characters; longer text is refused with a message (the form keeps it)
MAX_ADDED = 100  # entries a trainee can add in one page
EXTRA_DAYS = 56  # the practice diary takes dates up to eight weeks after its last entry
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
UI_KEYS = (
    "months", "months_short", "fictional_label", "weekly_title", "weekly_category_label", "weekly_value_label",
    "week_label", "week_heading", "contacts", "threats", "contact_one", "contact_many", "threat_one", "threat_many",
    "summary_heading", "first_week", "busiest_week", "first_threat", "no_threat", "timeline_caption",
    "timeline_region", "col_date", "col_kind", "col_description", "col_threat", "col_kept", "threat_yes",
    "threat_no", "new_entry", "form_heading", "form_intro", "privacy", "form_date", "form_time", "form_kind",
    "form_kept", "form_threat", "form_description", "form_placeholder", "form_add", "form_reset", "form_reset_tooltip",
    "msg_added", "msg_reset", "msg_problems", "err_date_missing", "err_date_range", "err_time", "err_kind_missing",
    "err_kept", "err_description_missing", "err_too_long", "err_too_many", "your_entries_heading", "your_entries_none",
    "whole_diary",
)


# ---------------------------------------------------------------- the words (diary.yaml)

@functools.lru_cache(maxsize=4)
def _config(key) -> dict:
    data = load_yaml(f"{FOLDER}/diary.yaml")
    sample = require(data, "sample", META, "", dict)
    require(sample, "file", META, "sample", str)
    bilingual(sample, "source", META, "sample")
    if sample.get("fictional") is not True:
        raise ContentError(META, "sample.fictional", "must be true: the sample diary is fictional and says so")
    bilingual(sample, "title", META, "sample")
    bilingual(sample, "intro", META, "sample")
    for group in ("kinds", "kept"):
        entries = require(data, group, META, "", dict)
        for name in entries:
            bilingual(entries, name, META, group)
    ui = require(data, "ui", META, "", dict)
    for lang in LANGS:
        strings = require(ui, lang, META, "ui", dict)
        for k in UI_KEYS:
            require(strings, k, META, f"ui.{lang}", (str, list))
        for k in ("months", "months_short"):
            if not isinstance(strings[k], list) or len(strings[k]) != 12:
                raise ContentError(META, f"ui.{lang}.{k}", "must list the twelve months")
    return data


def config() -> dict:
    path = data_dir() / FOLDER / "diary.yaml"
    try:
        key = (str(path), path.stat().st_mtime)
    except FileNotFoundError:
        raise ContentError(META, "file", "does not exist") from None
    return _config(key)


def _t(lang: str) -> dict:
    return config()["ui"][check_lang(lang)]


def format_date(day, lang: str, short: bool = False) -> str:
    """'27 februari 2025' / '27 February 2025'; short: '27 feb' / '27 Feb'."""
    t = _t(lang)
    if short:
        return f"{day.day} {t['months_short'][day.month - 1]}"
    return f"{day.day} {t['months'][day.month - 1]} {day.year}"


def _count(n: int, what: str, lang: str) -> str:
    t = _t(lang)
    return t[f"{what}_one" if n == 1 else f"{what}_many"].format(n=int(n))


# ---------------------------------------------------------------- the diary as a DataFrame

def check_diary(df, file: str):
    """Check a diary frame read as text; return it with dates, times and threats as values. Errors name file, line and column."""
    import pandas as pd

    cfg = config()
    df.columns = [str(c).strip() for c in df.columns]
    for col in COLUMNS:
        if col not in df.columns:
            raise ContentError(file, f"column {col}", f"missing (the header has: {', '.join(df.columns)})")
    if df.empty:
        raise ContentError(file, "file", "has no entries")
    out = pd.DataFrame(index=df.index)
    cells = {col: df[col].astype(str).str.strip() for col in COLUMNS}
    dates = pd.to_datetime(cells["date"], format="%Y-%m-%d", errors="coerce")
    for i in df.index:
        line = f"line {i + 2}"
        if pd.isna(dates[i]):
            raise ContentError(file, f"{line}, column date", f"not a date (YYYY-MM-DD): {cells['date'][i]!r}")
        if cells["time"][i] and not TIME.match(cells["time"][i]):
            raise ContentError(file, f"{line}, column time", f"not a time (HH:MM) and not empty: {cells['time'][i]!r}")
        if cells["kind"][i] not in cfg["kinds"]:
            raise ContentError(file, f"{line}, column kind", f"{cells['kind'][i]!r} is not one of the kinds in {META}")
        if cells["threat"][i] not in ("yes", "no"):
            raise ContentError(file, f"{line}, column threat", f"must be yes or no, not {cells['threat'][i]!r}")
        if cells["kept"][i] not in cfg["kept"]:
            raise ContentError(file, f"{line}, column kept", f"{cells['kept'][i]!r} is not one of the kept values in {META}")
        for lang in LANGS:
            if not cells[f"description_{lang}"][i]:
                raise ContentError(file, f"{line}, column description_{lang}", "empty")
    out["date"] = dates.dt.normalize()
    out["time"] = cells["time"]
    out["kind"] = cells["kind"]
    out["threat"] = cells["threat"].eq("yes")
    out["kept"] = cells["kept"]
    for lang in LANGS:
        out[f"description_{lang}"] = cells[f"description_{lang}"]
    out["new"] = False
    return out.sort_values(["date", "time"], kind="stable").reset_index(drop=True)


@functools.lru_cache(maxsize=4)
def _sample(key):
    name = config()["sample"]["file"]
    path, file = data_dir() / FOLDER / name, f"data/{FOLDER}/{name}"
    raw = read_csv(f"{FOLDER}/{name}")
    return check_diary(raw, file)


def load_diary():
    """The fictional sample diary, checked: one row per entry, sorted by date and time (a copy)."""
    cfg = config()
    path = data_dir() / FOLDER / cfg["sample"]["file"]
    try:
        key = (str(path), path.stat().st_mtime, id(cfg))
    except FileNotFoundError:
        raise ContentError(f"data/{FOLDER}/{cfg['sample']['file']}", "file", "does not exist") from None
    return _sample(key).copy()


def _week_start(dates):
    """The Monday of each date's week."""
    import pandas as pd

    days = dates.dt.normalize()
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def weekly_counts(df):
    """Contacts and threats per week (weeks start on Monday), weeks without entries included as 0.

    Columns: week (1, 2, ...), week_start (the Monday), contacts, threats.
    """
    import pandas as pd

    counts = (df.assign(week_start=_week_start(df["date"]))
                .groupby("week_start")
                .agg(contacts=("kind", "size"), threats=("threat", "sum")))
    weeks = pd.date_range(counts.index.min(), counts.index.max(), freq="7D", name="week_start")
    counts = counts.reindex(weeks, fill_value=0).reset_index()
    counts["contacts"] = counts["contacts"].astype(int)
    counts["threats"] = counts["threats"].astype(int)
    counts.insert(0, "week", range(1, len(counts) + 1))
    return counts


def escalation(df) -> dict:
    """What the weekly counts say, computed from the entries only.

    rising: the busiest week comes after week 1 and has at least twice week 1's contacts (the trend up to
    the peak); threats_grow: the weeks after week 1 hold more threats than week 1; escalating: both.
    quiet_weeks: the weeks without entries after the busiest week. A single late entry after a gap (one entry
    in May) neither hides the rise nor counts as a rise; the gap is reported as what it is: weeks without
    entries, which may mean quieter weeks or weeks in which nothing was written down."""
    weeks = weekly_counts(df)
    first = weeks.iloc[0]
    busiest = weeks.loc[weeks["contacts"][::-1].idxmax()]  # the latest of equally busy weeks
    threats = df[df["threat"]].sort_values(["date", "time"])
    first_threat = threats["date"].iloc[0] if len(threats) else None
    first_threat_week = None
    if first_threat is not None:
        first_threat_week = int(weeks.loc[weeks["week_start"] <= first_threat, "week"].iloc[-1])
    peak = int(busiest["week"])
    rising = peak > 1 and int(busiest["contacts"]) >= 2 * max(int(first["contacts"]), 1)
    threats_grow = int(weeks["threats"].iloc[1:].sum()) > int(first["threats"])
    after = weeks[weeks["week"] > peak]
    quiet = [int(w) for w, c in zip(after["week"], after["contacts"]) if c == 0]
    return {
        "weeks": len(weeks),
        "first_week": {"week": 1, "start": first["week_start"], "contacts": int(first["contacts"]), "threats": int(first["threats"])},
        "busiest_week": {"week": peak, "start": busiest["week_start"], "contacts": int(busiest["contacts"]),
                         "threats": int(busiest["threats"])},
        "first_threat": first_threat,
        "first_threat_week": first_threat_week,
        "total_threats": int(weeks["threats"].sum()),
        "rising": rising,
        "threats_grow": threats_grow,
        "escalating": rising and threats_grow,
        "quiet_weeks": quiet,
    }


def conclusion_text(df, lang: str) -> str:
    """The conclusion in words, stated as following from the entries ("Op basis van de notities: ...")."""
    from ..content import ui

    t, e = ui(lang), escalation(df)
    fw, bw = e["first_week"], e["busiest_week"]
    first, peak = _count(fw["contacts"], "contact", lang), _count(bw["contacts"], "contact", lang)
    if e["escalating"]:
        text = t["diary_worse"].format(first=first, peak=peak, n=bw["week"], k=e["first_threat_week"])
    else:
        text = t["diary_not_worse"].format(first=first, peak=peak, n=bw["week"])
    text = f'{t["diary_based_on"]} {text}'
    if len(e["quiet_weeks"]) >= 2:
        text += " " + t["diary_gap"].format(n=bw["week"], k=len(e["quiet_weeks"]))
    return text


# ---------------------------------------------------------------- HTML (every text escaped)

def _description(row, lang: str) -> str:
    return escape(str(row[f"description_{lang}"])).replace("\n", "<br>")


def weekly_chart_html(df, lang: str) -> str:
    """Contacts and threats per week as a bar chart with its text alternative and data table."""
    from ..render.charts import Series, bar_chart
    from ..content import ui

    t, cfg = _t(lang), config()
    weeks = weekly_counts(df)
    weeks["label"] = [t["week_label"].format(n=w, date=format_date(s, lang, short=True))
                      for w, s in zip(weeks["week"], weeks["week_start"])]
    title = f"{t['weekly_title']}: {cfg['sample']['title'][lang]}"
    return bar_chart(weeks, category="label", series=[Series("contacts", t["contacts"]), Series("threats", t["threats"])],
                     lang=lang, title=title, source=cfg["sample"]["source"][lang], source_label=ui(lang)["source"],
                     category_label=t["weekly_category_label"], table_caption=t["weekly_title"],
                     value_label=t["weekly_value_label"])


def summary_html(df, lang: str) -> str:
    """The escalation in words, computed from the diary."""
    t, e = _t(lang), escalation(df)
    fw, bw = e["first_week"], e["busiest_week"]
    items = [t["first_week"].format(date=format_date(fw["start"], lang), contacts=_count(fw["contacts"], "contact", lang),
                                    threats=_count(fw["threats"], "threat", lang))]
    if bw["week"] != 1:
        items.append(t["busiest_week"].format(n=bw["week"], date=format_date(bw["start"], lang),
                                              contacts=_count(bw["contacts"], "contact", lang),
                                              threats=_count(bw["threats"], "threat", lang)))
    if e["first_threat"] is not None:
        items.append(t["first_threat"].format(date=format_date(e["first_threat"], lang), n=e["first_threat_week"]))
    else:
        items.append(t["no_threat"])
    sign, css = ("⚠", "course-diary-escalating") if e["escalating"] else ("ℹ", "course-diary-conclusion")
    conclusion = f'<p class="{css}"><strong>{sign} {escape(conclusion_text(df, lang))}</strong></p>'
    lis = "".join(f"<li>{escape(i)}</li>" for i in items)
    return (f'<section class="course-diary-summary" aria-label="{escape(t["summary_heading"])}">'
            f'<h3>{escape(t["summary_heading"])}</h3><ul>{lis}</ul>{conclusion}</section>')


def _row_html(row, lang: str) -> str:
    t, cfg = _t(lang), config()
    new = f'<br><strong class="course-diary-new">({escape(t["new_entry"])})</strong>' if row["new"] else ""
    threat = f'<strong>{escape(t["threat_yes"])}</strong>' if row["threat"] else escape(t["threat_no"])
    css = ' class="course-diary-threat"' if row["threat"] else ""
    when = escape(format_date(row["date"], lang, short=True)) + (f'<br>{escape(row["time"])}' if row["time"] else "")
    return (f'<tr{css}>'
            f'<td>{when}{new}</td>'
            f'<td>{escape(cfg["kinds"][row["kind"]][lang])}</td>'
            f'<td>{_description(row, lang)}<br><span class="course-diary-kept">{escape(t["col_kept"])}: '
            f'{escape(cfg["kept"][row["kept"]][lang])}</span></td>'
            f'<td>{threat}</td></tr>')


COLUMN_WIDTHS = ("6.5rem", "8rem", "auto", "8rem")  # table-layout: fixed, so long text wraps


def _head(t: dict) -> str:
    cols = ("col_date", "col_kind", "col_description", "col_threat")
    widths = "".join(f'<col style="width:{w}">' for w in COLUMN_WIDTHS)
    return (f"<colgroup>{widths}</colgroup><thead><tr>"
            + "".join(f'<th scope="col">{escape(t[c])}</th>' for c in cols) + "</tr></thead>")


def timeline_html(df, lang: str, scroll: bool = True) -> str:
    """Every entry in date order, grouped by week; each week's header gives its counts."""
    t = _t(lang)
    weeks = weekly_counts(df)
    week_of = _week_start(df["date"])
    bodies = []
    for _, w in weeks.iterrows():
        rows = df[week_of == w["week_start"]]
        heading = t["week_heading"].format(n=int(w["week"]), date=format_date(w["week_start"], lang),
                                           contacts=_count(w["contacts"], "contact", lang),
                                           threats=_count(w["threats"], "threat", lang))
        body = [f'<tr class="course-diary-week"><th scope="colgroup" colspan="4">{escape(heading)}</th></tr>']
        body += [_row_html(r, lang) for _, r in rows.iterrows()]
        bodies.append(f"<tbody>{''.join(body)}</tbody>")
    table = (f'<table class="course-table course-diary-table" style="width:100%;table-layout:fixed"><caption>{escape(t["timeline_caption"])}</caption>'
             f'{_head(t)}{"".join(bodies)}</table>')
    if not scroll:
        return table
    return (f'<div class="course-scroll" role="region" tabindex="0" aria-label="{escape(t["timeline_region"])}">'
            f"{table}</div>")


def entries_html(df, lang: str) -> str:
    """Only the entries the trainee added (or a sentence saying there are none)."""
    t = _t(lang)
    added = df[df["new"]]
    if added.empty:
        return (f'<p class="course-diary-none"><strong>{escape(t["your_entries_heading"])}:</strong> '
                f'{escape(t["your_entries_none"])}</p>')
    rows = "".join(_row_html(r, lang) for _, r in added.iterrows())
    return (f'<table class="course-table course-diary-table" style="width:100%;table-layout:fixed"><caption>{escape(t["your_entries_heading"])}</caption>'
            f"{_head(t)}<tbody>{rows}</tbody></table>")


def _fictional(lang: str) -> str:
    t, sample = _t(lang), config()["sample"]
    return (f'<p class="course-diary-fictional"><strong>{escape(t["fictional_label"])}.</strong> '
            f'{escape(sample["intro"][lang])}</p>')


@friendly_errors
def show_diary_timeline(lang: str) -> None:
    """The fictional sample diary as a timeline, grouped by week."""
    show_html(_fictional(lang) + timeline_html(load_diary(), lang))


@friendly_errors
def show_diary_weeks(lang: str) -> None:
    """The sample diary's weekly counts as a chart, and what they show in words."""
    df = load_diary()
    show_html(weekly_chart_html(df, lang) + summary_html(df, lang))


# ---------------------------------------------------------------- the trainee's entry

def clean_description(text) -> str:
    """The typed text without control characters and surrounding space (never HTML: it is escaped on output)."""
    return CONTROL.sub("", str(text or "")).strip()


def date_range(df=None) -> tuple:
    """The first and last date the practice diary accepts."""
    sample = load_diary() if df is None else df[~df["new"]]
    first = sample["date"].min().date()
    last = sample["date"].max().date() + dt.timedelta(days=EXTRA_DAYS)
    return first, last


def check_entry(lang: str, date, time, kind, kept, description, threat=False, added: int = 0):
    """(entry, problems): entry is a dict ready for the diary when problems is empty."""
    from ..render.charts import format_number

    t, cfg = _t(lang), config()
    problems = []
    if added >= MAX_ADDED:
        return None, [t["err_too_many"].format(max=MAX_ADDED)]
    first, last = date_range()
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date):
        problems.append(t["err_date_missing"])
    elif not first <= date <= last:
        problems.append(t["err_date_range"].format(first=format_date(first, lang), last=format_date(last, lang)))
    if time is not None and not isinstance(time, dt.time):
        problems.append(t["err_time"])
    if kind not in cfg["kinds"]:
        problems.append(t["err_kind_missing"])
    if kept not in cfg["kept"]:
        problems.append(t["err_kept"])
    text = clean_description(description)
    if not text:
        problems.append(t["err_description_missing"])
    elif len(text) > MAX_DESCRIPTION:
        problems.append(t["err_too_long"].format(n=format_number(len(text), lang), max=format_number(MAX_DESCRIPTION, lang)))
    if problems:
        return None, problems
    entry = {"date": date, "time": time.strftime("%H:%M") if time else "", "kind": kind, "threat": bool(threat),
             "kept": kept, "description_nl": text, "description_en": text, "new": True}
    return entry, []


def add_entry(df, entry: dict):
    """A new diary frame with the entry in its place (date, then time)."""
    import pandas as pd

    row = pd.DataFrame([{**entry, "date": pd.Timestamp(entry["date"])}])
    both = pd.concat([df, row[df.columns]], ignore_index=True)
    return both.sort_values(["date", "time"], kind="stable").reset_index(drop=True)


class DiaryEditor:
    """A labelled form (date, time, kind, kept, threat, description) and the overview it updates."""

    def __init__(self, lang: str):
        import ipywidgets as W

        self.lang = check_lang(lang)
        t, cfg = _t(lang), config()
        self.t = t
        self.sample = load_diary()
        self.diary = self.sample.copy()
        first, last = date_range(self.sample)
        style = {"description_width": "initial"}
        wide = W.Layout(width="100%")
        default_day = (self.sample["date"].max() + dt.timedelta(days=1)).date()
        # No min/max on the picker: ipywidgets would silently move a date outside them to the nearest end
        # (2030-01-01 became the last day). The kernel checks the range and says so; the typed date stays.
        self.first_day, self.last_day = first, last
        self.date = W.DatePicker(description=t["form_date"], value=default_day, style=style)
        self.time = W.TimePicker(description=t["form_time"], value=None, style=style)
        self.kind = W.Dropdown(description=t["form_kind"], options=[(v[lang], k) for k, v in cfg["kinds"].items()],
                               value=None, style=style)
        self.kept = W.Dropdown(description=t["form_kept"], options=[(v[lang], k) for k, v in cfg["kept"].items()],
                               value=next(iter(cfg["kept"])), style=style)
        self.threat = W.Checkbox(description=t["form_threat"], value=False, indent=False)
        self.description = W.Textarea(description=t["form_description"], placeholder=t["form_placeholder"],
                                      rows=4, layout=wide, style=style)
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
        from ..content import ui

        hint = ui(lang)["diary_date_hint"].format(first=format_date(first, lang), last=format_date(last, lang))
        intro = W.HTML(f'<h3 class="course-diary-form-heading">{escape(t["form_heading"])}</h3>'
                       f'<p>{escape(t["form_intro"])}</p><p class="course-diary-date-hint">{escape(hint)}</p>'
                       f'<p class="course-diary-privacy">ℹ {escape(t["privacy"])}</p>')
        form = W.VBox([intro, self.date, self.time, self.kind, self.kept, self.threat, self.description,
                       W.HBox([self.add, self.reset]), self.message])
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
        t = self.t
        if self._just_added:
            # A second press before anything changed (a double click): the entry is in; keep saying so.
            return False
        entry, problems = check_entry(self.lang, self.date.value, self.time.value, self.kind.value, self.kept.value,
                                      self.description.value, self.threat.value, self.added)
        if problems:
            items = "".join(f"<li>{escape(p)}</li>" for p in problems)
            self.message.value = (f'<div class="course-msg course-msg-wrong"><p><strong>✘ {escape(t["msg_problems"])}'
                                  f"</strong></p><ul>{items}</ul></div>")
            return False
        self.diary = add_entry(self.diary, entry)
        kind = config()["kinds"][entry["kind"]][self.lang]
        self.message.value = (f'<div class="course-msg course-msg-right"><p><strong>✔ '
                              f'{escape(t["msg_added"].format(date=format_date(entry["date"], self.lang), kind=kind))}'
                              f"</strong></p></div>")
        self.description.value = ""
        self.threat.value = False
        self.time.value = None
        self._just_added = True  # after clearing the form: those changes are ours, not the trainee's
        self.render()
        return True

    def start_again(self) -> None:
        self._just_added = False
        self.diary = self.sample.copy()
        self.message.value = f'<div class="course-msg course-msg-info"><p>ℹ {escape(self.t["msg_reset"])}</p></div>'
        self.render()

    def render(self) -> None:
        t = self.t
        self.result.value = (
            f'<div class="course-diary-result">{summary_html(self.diary, self.lang)}'
            f'{weekly_chart_html(self.diary, self.lang)}'
            f'{entries_html(self.diary, self.lang)}'
            f'<details class="course-diary-details"><summary>{escape(t["whole_diary"])}</summary>'
            f'{timeline_html(self.diary, self.lang)}</details></div>')


@friendly_errors
def show_diary_editor(lang: str) -> DiaryEditor:
    """The form to add an entry to the practice diary, with the weekly overview and timeline it updates."""
    editor = DiaryEditor(lang)
    show(editor.widget)
    return editor


def validate_diary() -> int:
    """Load and check the diary files (for the validator); the number of sample entries."""
    return len(load_diary())


__all__ = ["load_diary", "weekly_counts", "escalation", "timeline_html", "entries_html", "weekly_chart_html", "summary_html",
           "check_entry", "add_entry", "clean_description", "DiaryEditor", "show_diary_timeline", "show_diary_weeks",
           "show_diary_editor", "validate_diary", "format_date"]
