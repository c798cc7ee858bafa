"""Speed on a classroom's shared Wi-Fi and for thirty trainees at once (issue 13; `make bench` measures it).

- gzip: the app switches on tornado's `compress_response` before Voila builds its tornado Application
  (Voila 0.5 applies `tornado_settings` after the constructor, where tornado adds its gzip transform, so the
  setting had no effect): a cold lesson page went from 5.0 MB to about 1.4 MB on the wire.
- caching: a static file whose URL says which version it is may be kept by the browser for a year
  (`Cache-Control: public, max-age=31536000, immutable`), so a trainee's second lesson fetches almost
  nothing. A URL is versioned when
    * its name holds a content hash (webpack's `[contenthash]`: labextension chunks, Voila's fonts), or
    * it carries `?v=<hash>` and the hash is the file's own content hash (a stale or made-up `v` gets none), or
    * it is under `voila/static/_v/<tag>/` with the tag of the files installed now (Voila's own chunks,
      `1187.voila.js`, have no hash in their names; the tag changes when any of them changes).
  Everything else is sent `no-cache` (the browser asks again and gets a 304): an unversioned file is never
  kept for a year. The page HTML stays uncached (Voila sends it no-store).
- compiled page templates are kept (`TemplateCache`): Voila makes a new Jinja environment for every page
  and would compile the same dozen templates each time;
- preloads: the scripts a lesson page loads are learned from the first visits (`learns_preloads`) and listed
  in the page head as <link rel="preload">;
- classroom mode (`make app CLASS=30 PREHEAT=<lesson>`): see CourseVoila.classroom in app.py; the memory
  per kernel is measured here (unique set size of a rendered kernel of the lesson).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re

import jinja2
import psutil

IMMUTABLE = "public, max-age=31536000, immutable"
HASHED_NAME = re.compile(r"(?:^|[.\-_])[0-9a-f]{16,}\.[A-Za-z0-9]+$")  # e.g. remoteEntry.5cbb9d2323598fbda535.js
TAGGED_PREFIX = "_v"  # voila/static/_v/<tag>/<file>
MB = 2**20

_versions: dict = {}


def file_version(path: str) -> str:
    """sha512 of a file's content (hex), as tornado and Voila's templates put in `?v=`; kept per mtime."""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    key = (path, st.st_mtime_ns, st.st_size)
    if key not in _versions:
        with open(path, "rb") as fh:
            _versions[key] = hashlib.sha512(fh.read()).hexdigest()
    return _versions[key]


def short_version(path: str) -> str:
    return file_version(path)[:16]


_gzipped: dict = {}


def _compressible(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip()
    return kind.startswith("text/") or kind.endswith(("javascript", "json", "xml", "svg+xml"))


def gzipped(path: str) -> bytes:
    """A file's content gzipped, kept per (path, mtime, size) for the life of the app."""
    st = os.stat(path)
    key = (path, st.st_mtime_ns, st.st_size)
    if key not in _gzipped:
        with open(path, "rb") as fh:
            _gzipped[key] = gzip.compress(fh.read(), compresslevel=6, mtime=0)
    return _gzipped[key]


def static_tag(paths: list) -> str:
    """A tag for the files under Voila's static directories as installed now (names, sizes, times)."""
    digest = hashlib.sha256()
    for root in paths:
        for folder, _dirs, files in sorted(os.walk(root)):
            for name in sorted(files):
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                digest.update(
                    f"{os.path.relpath(os.path.join(folder, name), root)}:{st.st_size}:{st.st_mtime_ns}\n".encode()
                )
    return digest.hexdigest()[:12]


def caching(handler_class, immutable: bool = False):
    """A static file handler class that sends a year's cache for versioned files, `no-cache` for the rest."""

    class Caching(handler_class):
        def get_cache_time(self, path, modified, mime_type):
            return 0  # tornado would give any `?v=` ten years, checked or not: set_headers decides instead

        def versioned(self) -> bool:
            path = getattr(self, "absolute_path", None) or ""
            if immutable or HASHED_NAME.search(os.path.basename(path)):
                return True
            v = self.get_query_argument("v", "")
            return len(v) >= 8 and file_version(path).startswith(v)

        def set_headers(self):
            super().set_headers()
            self.set_header("Cache-Control", IMMUTABLE if self.versioned() else "no-cache")
            # gzip each static file once, not once per request: thirty trainees opening their first lesson
            # ask for the same ~90 files each (tornado's compress_response would compress them 30 times).
            self._gzipped = None
            if (
                "gzip" in self.request.headers.get("Accept-Encoding", "")
                and "Range" not in self.request.headers
                and _compressible(self._headers.get("Content-Type", ""))
            ):
                self._gzipped = gzipped(self.absolute_path)
                self.set_header("Content-Encoding", "gzip")
                self.add_header("Vary", "Accept-Encoding")

        def get_content_size(self):
            gz = getattr(self, "_gzipped", None)
            return len(gz) if gz is not None else super().get_content_size()

        def get_content(self, abspath, start=None, end=None):
            gz = getattr(self, "_gzipped", None)
            if gz is None:
                return handler_class.get_content(abspath, start, end)
            return [gz[start:end]]

        @classmethod
        def get_content_version(cls, abspath):
            # tornado calls this on the class for the ETag (cls.get_content(abspath)), which would reach the
            # instance method above: without this, "Could not open static file" and no ETag, so no 304s.
            return handler_class.get_content_version(abspath)

    Caching.__name__ = f"Caching{handler_class.__name__}"
    return Caching


def page_config_hook(tag: str, base_url: str, previous=None):
    """Voila loads voila.js (and webpack its chunks, from the same folder) from page_config's fullStaticUrl:
    point it at the tagged folder, which is cached for a year."""
    tagged = f"{base_url.rstrip('/')}/voila/static/{TAGGED_PREFIX}/{tag}"

    def hook(page_config, **kwargs):
        if previous is not None:
            page_config = previous(page_config, **kwargs)
        page_config["fullStaticUrl"] = tagged
        return page_config

    return hook


def uss_mb(pid: int) -> float:
    """Memory only this process holds (a forked kernel shares the rest with the process it came from)."""
    return psutil.Process(pid).memory_full_info().uss / MB


def available_mb() -> float:
    return psutil.virtual_memory().available / MB


class TemplateCache(jinja2.BytecodeCache):
    """Compiled page templates, kept in memory for the life of the app.

    Voila makes a new Jinja environment for every page it renders, and so lexes, parses and compiles
    the same dozen templates again each time (a third of the server's work per page). Jinja checks
    the template source's checksum on every load, so an edited template is compiled afresh."""

    def __init__(self):
        self._store = {}

    @staticmethod
    def _key(bucket):
        env = bucket.environment  # compiled code depends on these too
        return bucket.key, bucket.checksum, env.is_async, tuple(sorted(env.extensions))

    def load_bytecode(self, bucket):
        code = self._store.get(self._key(bucket))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket):
        self._store[self._key(bucket)] = bucket.code


def keep_compiled_templates(exporter_class) -> None:
    """Every Jinja environment the exporter (Voila's VoilaExporter) makes shares one TemplateCache."""
    cache = TemplateCache()
    create_environment = exporter_class._create_environment

    def _create_environment(self):
        environment = create_environment(self)
        environment.bytecode_cache = cache
        return environment

    exporter_class._create_environment = _create_environment


# The scripts a lesson page loads, in the order browsers first asked for them (learned from the first
# visits; bounded). The template lists them as <link rel="preload"> in the page head, so a browser
# fetches them all while the kernel runs instead of one wave after another once the page has arrived.
PRELOAD = []
PRELOAD_MAX = 150


def learns_preloads(handler_class):
    """A static file handler class that adds the scripts lesson pages ask for to PRELOAD."""

    class Learning(handler_class):
        def on_finish(self):
            super().on_finish()
            uri = self.request.uri
            if (
                self.get_status() in (200, 304)
                and self.request.path.endswith(".js")
                and not self.request.path.endswith("/course.js")
                and len(PRELOAD) < PRELOAD_MAX
                and "/voila/render/" in self.request.headers.get("Referer", "")
                and uri not in PRELOAD
            ):
                PRELOAD.append(uri)

    Learning.__name__ = f"Learning{handler_class.__name__}"
    return Learning
