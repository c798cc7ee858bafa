"""The HTML layer: every fragment the course shows is a Jinja template in render/templates/.

Templates escape everything they are given (autoescape), so text from data files or typed by a trainee
can never become markup; a value that is already safe HTML is passed through `markupsafe.Markup`.
Shared pieces (the feedback box, the list of chosen options with ✔/✘) are macros in `macros.html.j2`.
"""

from __future__ import annotations

import functools
from pathlib import Path

from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"

__all__ = ["Markup", "TEMPLATES", "environment", "render"]


@functools.cache
def environment():
    import jinja2

    from .phones import link_phones

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,  # a missing value is a bug to see, not an empty string
        keep_trailing_newline=False,
    )
    env.filters["phones"] = lambda markup: Markup(link_phones(str(markup)))
    return env


def render(template: str, **context) -> str:
    """render/templates/<template> with the given values; the result is HTML, trimmed."""
    return environment().get_template(template).render(**context).strip()
