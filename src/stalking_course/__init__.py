"""Recognising stalking and acting on it: the course package.

Notebooks are thin pages that call these functions; the content lives in data/. The names come from the
element registry (elements/registry.py) and are imported lazily, so that a page loads only what it uses
(a kernel with pandas imported costs tens of megabytes more than one without).

Layers, lowest first (tests/test_architecture.py holds them): content (data, no widgets, no HTML) ->
render (HTML templates) -> elements (widgets on a page) -> trainer (decks, keys, plans) and the app.
"""

import importlib

from .elements.registry import exports as _exports

_EXPORTS = _exports()

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'stalking_course' has no attribute {name!r}")
