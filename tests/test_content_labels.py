"""What goes beyond the sources is labelled as the course's own explanation, regional contacts are labelled
as regional, source lines carry no English words on Dutch pages, and the high-risk material says what to do."""

import re

import pytest
import yaml

from helpers import read_notebook
from stalking_course.content import LANGS, REPO_ROOT, facts
from stalking_course.content.course import course

LABEL = {"nl": "uitleg van de cursus", "en": "course explanation"}

# (page, text that only the course's own explanation holds, per language)
EXPLANATIONS = [
    ("what-is-stalking", {"nl": "Vraag die je jezelf stelt", "en": "Question to ask yourself"}),
    ("recognising-the-pattern", {"nl": "een **nepaccount** maken", "en": "making a **fake account**"}),
    ("who-stalks-whom", {"nl": "| Type | In gewone woorden |", "en": "| Type | In plain words |"}),
    ("cyberstalking", {"nl": "een **volgapp**", "en": "a **tracking app**"}),
    (
        "cyberstalking",
        {
            "nl": "vanaf een telefoon of computer waar de stalker niet bij kan",
            "en": "from a phone or computer the stalker cannot reach",
        },
    ),
    ("advice-to-victims", {"nl": "geen nieuw adres", "en": "a new address"}),
]


def cells(page_id, lang, kind=None):
    nb = read_notebook(course().page(page_id).path(lang))
    out = []
    for c in nb["cells"]:
        if kind and c["cell_type"] != kind:
            continue
        if c["metadata"].get("slideshow", {}).get("slide_type") == "notes":
            continue  # speaker notes are not on the trainee's page
        out.append("".join(c["source"]) if isinstance(c["source"], list) else c["source"])
    return out


@pytest.mark.parametrize("page_id,markers", EXPLANATIONS, ids=[f"{p}-{i}" for i, (p, _) in enumerate(EXPLANATIONS)])
@pytest.mark.parametrize("lang", LANGS)
def test_the_courses_own_explanations_are_labelled_on_the_page(page_id, markers, lang):
    found = [c for c in cells(page_id, lang, "markdown") if markers[lang] in c]
    assert found, f"{page_id} ({lang}) no longer holds {markers[lang]!r}: update this test"
    assert all(LABEL[lang] in c.lower() for c in found), f"{page_id} ({lang}): {markers[lang]!r} is not labelled"


@pytest.mark.parametrize("lang", LANGS)
def test_four_is_said_to_be_a_uk_tool(lang):
    assert {"nl": "Verenigd Koninkrijk", "en": "United Kingdom"}[lang] in facts()["four_mnemonic"].text[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_the_utrecht_email_and_chat_are_never_shown_as_national(lang):
    """Every page that shows the Veilig Thuis Utrecht e-mail or chat says right before it that it is regional."""
    for page in course().pages:
        page_cells = cells(page.id, lang)
        for i, c in enumerate(page_cells):
            if "veilig_thuis_email" in c or "veilig_thuis_chat" in c:
                before = page_cells[i - 1] if i else ""
                assert "Utrecht" in before, f"{page.id} ({lang}): regional contact without 'Utrecht' before it"
    raw = yaml.safe_load((REPO_ROOT / "data" / "resources.yaml").read_text(encoding="utf-8"))
    for group in raw["groups"].values():
        for entry in group:
            if {"veilig_thuis_email", "veilig_thuis_chat"} & set(entry.get("facts") or []):
                assert "Utrecht" in entry["name"][lang], entry["id"]


ENGLISH = re.compile(r"\b(page|citing|reporting|quoting|commentary|news|May|course fact sheet|in our own words)\b")


def test_source_lines_hold_no_english_words_that_a_dutch_page_would_show():
    sources = {f"facts.{k}": f.source for k, f in facts().items()}
    for path in sorted((REPO_ROOT / "data" / "stats").glob("*.yaml")) + [
        REPO_ROOT / "data" / "resources.yaml",
        REPO_ROOT / "data" / "referral.yaml",
    ]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data.get("source"), str):
            sources[path.name] = data["source"]
        for group in (data.get("groups") or {}).values():
            for entry in group:
                if entry.get("source"):
                    sources[f"{path.name}:{entry['id']}"] = entry["source"]
    bad = {k: s for k, s in sources.items() if ENGLISH.search(re.sub(r"\S*/\S*", "", s))}  # web addresses aside
    assert not bad


@pytest.mark.parametrize("lang", LANGS)
def test_the_fatal_violence_lesson_warns_trainees_on_the_page_not_only_in_trainer_notes(lang):
    page_cells = cells("impact-and-escalation", lang, "markdown")
    first = page_cells[0]
    assert {"nl": "dodelijk geweld", "en": "fatal violence"}[lang] in first
    assert {"nl": "Snel weg", "en": "Quick exit"}[lang] in first


@pytest.mark.parametrize("lang", LANGS)
def test_the_high_risk_diary_says_what_a_professional_does_today(lang):
    page_cells = cells("incident-diary", lang)
    i = next(
        i
        for i, c in enumerate(page_cells)
        if c.startswith({"nl": "## Wat doe je nu?", "en": "## What do you do now?"}[lang])
    )
    text = page_cells[i]
    for word in ("Veilig Thuis", "meldcode", {"nl": "alarmnummer", "en": "emergency number"}[lang], "aangifte"):
        assert word in text, word
    assert "call_112_when" in page_cells[i + 1] and "meldcode_unsafety" in page_cells[i + 1]
    editor = next(c for c in page_cells if {"nl": "op welke school", "en": "which school"}[lang] in c)
    assert "Veilig Thuis" in editor, "the school threat example says what to do, not only whether to record it"


def test_monckton_smith_counts_cases_of_fatal_violence_not_murders():
    text = facts()["homicide_stalking"].text
    assert "moorden" not in text["nl"] and "dodelijk geweld" in text["nl"]
