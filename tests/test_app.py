"""The Voila app over HTTP: every page of course.yaml, the start redirect, widgets, no traceback, nothing external."""
import re
import urllib.error
import urllib.request

import pytest

from helpers import page_ids, page_params, read_notebook, sources

# What a page would fetch from elsewhere: a src, a <link href> (stylesheets, preloads), CSS imports and urls,
# script imports. A plain link (<a href>) to an organisation's website loads nothing.
EXTERNAL = re.compile(r"""\bsrc\s*=\s*["']?(?:https?:)?//|<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//|"""
                      r"""@import\s+(?:url\()?["']?https?:|url\(\s*["']?https?:|import\s*\(?\s*["']https?:""", re.I)
WIDGET_CALLS = ("show_quiz", "show_referral_guide", "show_signal_sorter", "show_case", "show_cases", "show_final_assessment", "show_diary")


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
    outside = [m.group(0) for m in EXTERNAL.finditer(html) if "course-quick-exit" not in html[max(0, m.start() - 120):m.start()]]
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


@pytest.mark.parametrize("path,lang", [("voila/render/notebooks/en/99_nope.ipynb", "en"), ("nope", "nl"),
                                       ("voila/render/src/stalking_course/app.py", "nl")])
def test_unknown_pages_get_a_friendly_404_in_their_language(course_server, path, lang):
    status, html, _ = fetch(course_server + path)
    assert status == 404 and f'<html lang="{lang}"' in html
    assert ("This page does not exist" if lang == "en" else "Deze pagina bestaat niet") in html
    assert "00_start.ipynb" in html and "Traceback" not in html
