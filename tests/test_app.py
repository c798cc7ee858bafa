"""The Voila app over HTTP: every page of course.yaml, the start redirect, widgets, no traceback, nothing external."""

import re
import urllib.error
import urllib.request

import pytest

from helpers import page_ids, page_params, read_notebook, sources

# What a page would fetch from elsewhere: a src, a <link href> (stylesheets, preloads), CSS imports and urls,
# script imports. A plain link (<a href>) to an organisation's website loads nothing.
EXTERNAL = re.compile(
    r"""\bsrc\s*=\s*["']?(?:https?:)?//|<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//|"""
    r"""@import\s+(?:url\()?["']?https?:|url\(\s*["']?https?:|import\s*\(?\s*["']https?:""",
    re.I,
)
WIDGET_CALLS = (
    "show_quiz",
    "show_referral_guide",
    "show_signal_sorter",
    "show_case",
    "show_cases",
    "show_final_assessment",
    "show_diary",
)


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.status, r.read().decode("utf-8", "replace"), r.geturl()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), url


def test_root_opens_the_dutch_start_page(course_server):
    status, html, final = fetch(course_server)
    assert status == 200 and final.endswith("voila/render/notebooks/nl/00_start.ipynb")
    assert '<html lang="nl"' in html and "Stalking herkennen en handelen" in html


@pytest.mark.parametrize("page,lang", page_params(), ids=page_ids())
def test_every_page_renders(course_server, page, lang):
    status, html, _ = fetch(f"{course_server}voila/render/{page.path(lang)}")
    assert status == 200
    assert f'<html lang="{lang}"' in html
    assert "Traceback" not in html and "There was an error when executing" not in html
    assert '"output_type": "error"' not in html and '"name": "stderr"' not in html
    assert page.title[lang] in html.replace("&#39;", "'").replace("&#x27;", "'")
    outside = [
        m.group(0)
        for m in EXTERNAL.finditer(html)
        if "course-quick-exit" not in html[max(0, m.start() - 120) : m.start()]
    ]
    assert not outside, f"the page loads something from outside the machine: {outside[:3]}"
    assert "course-quick-exit" in html
    code = "\n".join(sources(read_notebook(page.path(lang)), "code"))
    if any(call in code for call in WIDGET_CALLS):
        assert "application/vnd.jupyter.widget-view+json" in html, "the page's widgets are missing"
    assert "def " not in html.split("</head>")[1] or "show_quiz(" not in html, "no source code on the page"


def test_pages_link_to_each_other_in_course_order(course_server):
    _, html, _ = fetch(f"{course_server}voila/render/notebooks/en/01_what-is-stalking.ipynb")
    html = html.replace('\\"', '"')  # outputs travel as JSON inside the page
    assert 'href="00_start.ipynb"' in html and 'href="02_recognising-the-pattern.ipynb"' in html
    assert 'href="../nl/01_wat-is-stalking.ipynb"' in html


@pytest.mark.parametrize(
    "path,lang",
    [
        ("voila/render/notebooks/en/99_nope.ipynb", "en"),
        ("nope", "nl"),
        ("voila/render/src/stalking_course/app.py", "nl"),
    ],
)
def test_unknown_pages_get_a_friendly_404_in_their_language(course_server, path, lang):
    status, html, _ = fetch(course_server + path)
    assert status == 404 and f'<html lang="{lang}"' in html
    assert ("This page does not exist" if lang == "en" else "Deze pagina bestaat niet") in html
    assert "00_start.ipynb" in html and "Traceback" not in html


def test_the_small_pages_are_one_template_in_both_languages_and_escape_the_base_url():
    """The app's and the hub's 404 and busy pages come from stalking_course.pages (one Jinja template)."""
    from stalking_course.content import ui
    from stalking_course.pages import bilingual_not_found_page, page_lang, simple_page, start_url

    assert page_lang("notebooks/en/00_start.ipynb") == "en" and page_lang("no/such") == "nl"
    for lang in ("nl", "en"):
        t = ui(lang)
        html = simple_page('/user/a"b/', lang, "busy_title", "busy_text")
        assert html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in html
        assert "course-quick-exit" in html and 'class="course-simple-page"' in html
        assert t["busy_text"] in html.replace("&#39;", "'")
        assert 'a"b' not in html and "a&#34;b" in html  # the base URL is text, not markup
        assert start_url("/", lang).startswith("/voila/render/notebooks/")
    both = bilingual_not_found_page("/")
    assert both.index(ui("nl")["not_found_title"]) < both.index(ui("en")["not_found_title"]) and 'lang="en"' in both
