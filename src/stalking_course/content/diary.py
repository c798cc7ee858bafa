"""The incident diary's data: the fictional sample diary, its weekly counts and what they show, and the
checks of an entry a trainee adds. No widgets and no HTML here (elements/diary.py draws it).

Data: data/diary/diary.yaml (checked by schemas/diary.schema.json: the words for kinds of contact and for
what was kept, and the page's interface text) and the sample CSV it names, one row per contact or incident
(see the comment at the top of diary.yaml). A broken file raises ContentError naming the file, the line and
the column. Dates are written by Babel (text.format_date).
pandas is imported inside the functions, never when the package is imported.
"""

from __future__ import annotations

import datetime as dt
import re

from .loader import LANGS, ContentError, cached, display_name, load_yaml, read_csv
from .text import check_lang, format_date, format_number, ui

FOLDER = "diary"
CONFIG = f"{FOLDER}/diary.yaml"
COLUMNS = ("date", "time", "kind", "threat", "kept", "description_nl", "description_en")
MAX_DESCRIPTION = 1000  # characters; longer text is refused with a message (the form keeps it)
MAX_ADDED = 100  # entries a trainee can add in one page
EXTRA_DAYS = 56  # the practice diary takes dates up to eight weeks after its last entry
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@cached(CONFIG)
def config() -> dict:
    """data/diary/diary.yaml, checked against its schema."""
    return load_yaml(CONFIG, schema="diary")


def strings(lang: str) -> dict:
    """The diary page's interface text in one language ({{fact}} placeholders filled)."""
    config()  # the whole file checked first: its errors name the field ("ui.en.form_add: missing")
    return ui(lang, "diary")


def count_text(n: int, what: str, lang: str) -> str:
    """'1 contact' / '11 contacten', '2 threats': `what` is contact or threat."""
    return strings(lang)[f"{what}_one" if n == 1 else f"{what}_many"].format(n=format_number(int(n), lang))


# ---------------------------------------------------------------- the sample diary as a DataFrame


def check_diary(df, file: str):
    """Check a diary frame read as text; return it with dates, times and threats as values, sorted by date
    and time. The first problem (the earliest line; on one line, the first column) names file, line and column."""
    import pandas as pd

    cfg = config()
    df.columns = [str(c).strip() for c in df.columns]
    for col in COLUMNS:
        if col not in df.columns:
            raise ContentError(file, f"column {col}", f"missing (the header has: {', '.join(df.columns)})")
    if df.empty:
        raise ContentError(file, "file", "has no entries")
    df = df.reset_index(drop=True)
    cells = {col: df[col].astype(str).str.strip() for col in COLUMNS}
    dates = pd.to_datetime(cells["date"], format="%Y-%m-%d", errors="coerce")
    kinds_file = display_name(CONFIG)
    checks = [  # (column, which rows break the rule, the problem for one cell)
        ("date", dates.isna(), lambda v: f"not a date (YYYY-MM-DD): {v!r}"),
        (
            "time",
            cells["time"].ne("") & ~cells["time"].str.match(TIME.pattern),
            lambda v: f"not a time (HH:MM) and not empty: {v!r}",
        ),
        ("kind", ~cells["kind"].isin(list(cfg["kinds"])), lambda v: f"{v!r} is not one of the kinds in {kinds_file}"),
        ("threat", ~cells["threat"].isin(["yes", "no"]), lambda v: f"must be yes or no, not {v!r}"),
        (
            "kept",
            ~cells["kept"].isin(list(cfg["kept"])),
            lambda v: f"{v!r} is not one of the kept values in {kinds_file}",
        ),
    ] + [(f"description_{lang}", cells[f"description_{lang}"].eq(""), lambda v: "empty") for lang in LANGS]
    broken = [(int(bad.idxmax()), order) for order, (_col, bad, _problem) in enumerate(checks) if bad.any()]
    if broken:
        row, order = min(broken)
        col, _, problem = checks[order]
        raise ContentError(file, f"line {row + 2}, column {col}", problem(cells[col][row]))
    out = pd.DataFrame(
        {
            "date": dates.dt.normalize(),
            "time": cells["time"],
            "kind": cells["kind"],
            "threat": cells["threat"].eq("yes"),
            "kept": cells["kept"],
            **{f"description_{lang}": cells[f"description_{lang}"] for lang in LANGS},
            "new": False,
        }
    )
    return out.sort_values(["date", "time"], kind="stable").reset_index(drop=True)


@cached(CONFIG, f"{FOLDER}/{{0}}")
def _sample(file_name: str):
    return check_diary(read_csv(f"{FOLDER}/{file_name}"), display_name(f"{FOLDER}/{file_name}"))


def load_diary():
    """The fictional sample diary, checked: one row per entry, sorted by date and time (a copy)."""
    return _sample(config()["sample"]["file"]).copy()


def _week_start(dates):
    """The Monday of each date's week."""
    import pandas as pd

    days = dates.dt.normalize()
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def week_of(df):
    """The Monday of each entry's week (a Series beside df)."""
    return _week_start(df["date"])


def weekly_counts(df):
    """Contacts and threats per week (weeks start on Monday), weeks without entries included as 0.

    Columns: week (1, 2, ...), week_start (the Monday), contacts, threats.
    """
    import pandas as pd

    counts = (
        df.assign(week_start=_week_start(df["date"]))
        .groupby("week_start")
        .agg(contacts=("kind", "size"), threats=("threat", "sum"))
    )
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
        "first_week": {
            "week": 1,
            "start": first["week_start"],
            "contacts": int(first["contacts"]),
            "threats": int(first["threats"]),
        },
        "busiest_week": {
            "week": peak,
            "start": busiest["week_start"],
            "contacts": int(busiest["contacts"]),
            "threats": int(busiest["threats"]),
        },
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
    t, e = ui(lang), escalation(df)
    fw, bw = e["first_week"], e["busiest_week"]
    first, peak = count_text(fw["contacts"], "contact", lang), count_text(bw["contacts"], "contact", lang)
    if e["escalating"]:
        text = t["diary_worse"].format(first=first, peak=peak, n=bw["week"], k=e["first_threat_week"])
    else:
        text = t["diary_not_worse"].format(first=first, peak=peak, n=bw["week"])
    text = f"{t['diary_based_on']} {text}"
    if len(e["quiet_weeks"]) >= 2:
        text += " " + t["diary_gap"].format(n=bw["week"], k=len(e["quiet_weeks"]))
    return text


def summary_items(df, lang: str) -> list:
    """The escalation as a list of sentences: first week, busiest week, first threat."""
    t, e = strings(lang), escalation(df)
    fw, bw = e["first_week"], e["busiest_week"]
    items = [
        t["first_week"].format(
            date=format_date(fw["start"], lang),
            contacts=count_text(fw["contacts"], "contact", lang),
            threats=count_text(fw["threats"], "threat", lang),
        )
    ]
    if bw["week"] != 1:
        items.append(
            t["busiest_week"].format(
                n=bw["week"],
                date=format_date(bw["start"], lang),
                contacts=count_text(bw["contacts"], "contact", lang),
                threats=count_text(bw["threats"], "threat", lang),
            )
        )
    if e["first_threat"] is not None:
        items.append(t["first_threat"].format(date=format_date(e["first_threat"], lang), n=e["first_threat_week"]))
    else:
        items.append(t["no_threat"])
    return items


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
    t, cfg = strings(check_lang(lang)), config()
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
        problems.append(
            t["err_too_long"].format(n=format_number(len(text), lang), max=format_number(MAX_DESCRIPTION, lang))
        )
    if problems:
        return None, problems
    entry = {
        "date": date,
        "time": time.strftime("%H:%M") if time else "",
        "kind": kind,
        "threat": bool(threat),
        "kept": kept,
        "description_nl": text,
        "description_en": text,
        "new": True,
    }
    return entry, []


def add_entry(df, entry: dict):
    """A new diary frame with the entry in its place (date, then time)."""
    import pandas as pd

    row = pd.DataFrame([{**entry, "date": pd.Timestamp(entry["date"])}])
    both = pd.concat([df, row[df.columns]], ignore_index=True)
    return both.sort_values(["date", "time"], kind="stable").reset_index(drop=True)


def validate() -> int:
    """Load and check the diary files (interface text in both languages too); the number of sample entries."""
    for lang in LANGS:
        strings(lang)
    return len(load_diary())
