"""The course app: Voila, with the course's own routes around it.

    python -m stalking_course.app [--port=8866] [--Voila.ip=0.0.0.0]

What this adds to a plain `voila .`:
- `/` opens the Dutch start page; the Voila file tree and the contents API are gone, so nothing but the
  course's pages can be listed or rendered (an unknown page gets a friendly 404 in its language);
- the content in data/ is checked before the server starts: a broken file stops it with a message that
  names the file and the field;
- the `_xsrf` cookie is set on every page, so the page's kernel is shut down when the page is closed,
  also when a page is opened directly (voila-dashboards/voila#1458);
- a cap on live kernels, with a friendly "busy" page instead of running out of memory;
- speed and memory for a classroom (measured by `make bench`): page kernels are forked from a process
  that has already imported what pages use (stalking_course.kernelfork); the start page (or the lesson
  of the day: --CourseVoila.preheat_pages=ID) waits in a preheated kernel; compiled templates are kept;
  pages tell the browser up front which scripts they will load;
- the course template (templates/course): no CDN, a quick-exit control, `lang` set per page.
Settings that plain Voila understands live in voila.json at the repository root.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import tornado.web
from traitlets import Bool, Int, List, Unicode
from voila.app import Voila
from voila.exporter import VoilaExporter
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from . import kernelfork, speed
from .content import REPO_ROOT, ContentError
from .content.course import course
from .pages import (
    SHARE,
    CoursePageGate,
    NotFoundHandler,
    StartRedirectHandler,
    interface_text,
    page_lang,
    start_url,
    use_course_templates,
)
from .validate import validate_all

__all__ = ["CourseVoila", "CourseVoilaHandler", "main", "page_lang", "start_url"]

ALLOWED_TEMPLATES = {None, "course", "course-reveal"}  # Voila's own reveal template loads from CDNs

speed.keep_compiled_templates(VoilaExporter)
PRELOAD = speed.PRELOAD  # the scripts lesson pages load, learned from the first visits (speed.learns_preloads)


class CourseVoilaHandler(CoursePageGate, TornadoVoilaHandler):
    """Renders course pages only, and only with the course's templates."""

    rendering = 0  # pages being rendered right now (shared by all requests)

    @tornado.web.authenticated
    async def get(self, path=None):
        app = self.settings["voila"]
        # Pages still being rendered count too (their kernels may not be registered yet), so a burst of
        # requests cannot start more kernels than the cap; for a moment a page may count twice.
        if self.refused(path, ALLOWED_TEMPLATES, app.max_kernels, pending=CourseVoilaHandler.rendering):
            return
        _ = self.xsrf_token  # sets the _xsrf cookie that the page's shutdown beacon needs (voila#1458)
        CourseVoilaHandler.rendering += 1
        try:
            async with app.render_slots():
                await super().get(path)
        finally:
            CourseVoilaHandler.rendering -= 1


class CourseTemplateStaticHandler(TemplateStaticFileHandler):
    """Voila's handler for template files, but a malformed path is a plain 404, not a server error."""

    def parse_url_path(self, path):
        try:
            return super().parse_url_path(path)
        except (AssertionError, ValueError):
            raise tornado.web.HTTPError(404) from None

    @classmethod
    def get_absolute_path(cls, root, path):
        try:
            return super().get_absolute_path(root, path)
        except (AssertionError, ValueError):
            raise tornado.web.HTTPError(404) from None


class CourseVoila(Voila):
    name = "stalking-course"
    description = "The stalking-awareness course, served by Voila"

    max_kernels = Int(80, config=True, help="Live kernels at most; past it a page says 'busy, try again'.")
    preheat_pages = List(
        Unicode(),
        ["start"],
        config=True,
        help="Ids of pages (data/course.yaml) kept ready in a preheated kernel, one per language: "
        "the start page by default; a trainer can name the lesson of the day instead.",
    )
    concurrent_renders = Int(
        0,
        config=True,
        help="Pages rendered at the same time at most (0: no limit); "
        "the others wait their turn, so the first trainees of a crowd get their page first.",
    )
    classroom = Int(
        0,
        config=True,
        help="Classroom mode (`make app CLASS=30 PREHEAT=<lesson>`): keep this many "
        "rendered kernels of the lesson of the day ready, refilled in the background, as many as "
        "classroom_memory_mb allows (measured at start; the app says how many and how much).",
    )
    classroom_lang = Unicode("nl", config=True, help="The group's language: its lesson pages get the classroom pool.")
    classroom_memory_mb = Int(
        0, config=True, help="Memory the classroom pool may take (0: half of the memory available at start)."
    )
    fork_kernels = Bool(
        True,
        config=True,
        help="Start page kernels by forking a process that has imported "
        "what the pages use (stalking_course.kernelfork): fast starts, small kernels.",
    )

    def initialize(self, argv=None):
        use_course_templates()
        super().initialize(argv)
        if not self.notebook_path:
            self.root_dir = str(REPO_ROOT)
        # The template reads the interface text (quick exit, ...) from here: one source, data/ui.yaml.
        resources = dict(self.config.VoilaConfiguration.get("resources", {}) or {})
        resources["course_ui"] = interface_text()
        resources["course_preload"] = PRELOAD  # the same list object: it grows as the app learns
        # Versions of the course's own files for their URLs (?v=), so browsers may keep them for a year.
        template_static = SHARE / "voila" / "templates" / "course" / "static"
        resources["course_static_version"] = {
            name: speed.short_version(str(template_static / name)) for name in ("course.css", "course.js")
        }
        # voila.js and its chunks from voila/static/_v/<tag>/ (see stalking_course.speed)
        self.static_tag = speed.static_tag(self.static_paths)
        self.voila_configuration.page_config_hook = speed.page_config_hook(
            self.static_tag, self.base_url, self.voila_configuration.page_config_hook
        )
        self.config.VoilaConfiguration.resources = resources
        # Preheated kernels (VoilaConfiguration.preheat_kernel): one per language of each page named here.
        pools = {"default": {"pool_size": 0}}
        pages = course().by_path()
        for page_id in self.preheat_pages:
            paths = [path for path, (page, _lang) in pages.items() if page.id == page_id]
            if not paths:
                self.log.warning("preheat_pages: no page %r in data/course.yaml", page_id)
            for path in paths:
                pools[path] = {"pool_size": 1}
        # Classroom mode: the lesson of the day (the last page named in preheat_pages) in the group's language
        # starts with one kernel, whose memory is measured; then the pool grows to fit (_size_classroom).
        self.classroom_page, self.classroom_ready = None, 0
        if self.classroom > 0:
            page_id = self.preheat_pages[-1] if self.preheat_pages else "start"
            self.classroom_page = next(
                (path for path, (page, lang) in pages.items() if page.id == page_id and lang == self.classroom_lang),
                None,
            )
            if self.classroom_page is None:
                self.log.warning("CLASS: no page %r in %r in data/course.yaml", page_id, self.classroom_lang)
            else:
                pools[self.classroom_page] = {"pool_size": 1}
                # Refill a few seconds after a kernel was taken, not one: when the whole group arrives at once
                # the server first serves the group, then renders the replacements.
                self.config.VoilaKernelManager.fill_delay = 5
        self.config.VoilaKernelManager.kernel_pools_config = pools

    def init_handlers(self):
        handlers = []
        for handler in super().init_handlers():
            pattern, cls = handler[0], handler[1]
            if cls is TornadoVoilaTreeHandler:
                handlers.append((pattern, StartRedirectHandler))
            elif cls is VoilaContentsHandler:
                continue  # no file listings over HTTP
            elif cls is TornadoVoilaHandler:
                handlers.append((pattern, CourseVoilaHandler, *handler[2:]))
            elif cls is TemplateStaticFileHandler:
                handlers.append((pattern, speed.caching(CourseTemplateStaticHandler), *handler[2:]))
            elif pattern.endswith(("/voila/static/(.*)", "/voila/labextensions/(.*)")):
                if pattern.endswith("/voila/static/(.*)"):  # voila.js and its chunks, by the installed files' tag
                    tagged = pattern[: -len("(.*)")] + speed.TAGGED_PREFIX
                    handlers.append(
                        (
                            f"{tagged}/{self.static_tag}/(.*)",
                            speed.learns_preloads(speed.caching(cls, immutable=True)),
                            *handler[2:],
                        )
                    )
                    handlers.append((f"{tagged}/[0-9a-f]+/(.*)", speed.caching(cls), *handler[2:]))  # an old tag
                handlers.append((pattern, speed.learns_preloads(speed.caching(cls)), *handler[2:]))
            else:
                handlers.append(handler)
        handlers.append((r"/((?:en|nl)/?)", StartRedirectHandler))  # /en, /en/: that language's start page
        handlers.append((r"/(.*)", NotFoundHandler))
        from .progress import web as progress_web  # join, my data, certificate, /verify, /trainer (before the 404)

        return progress_web.install(self, handlers, CourseVoilaHandler)

    def init_settings(self):
        if self.fork_kernels:  # logs why not if it cannot (not Linux, a preload that fails, ...)
            kernelfork.configure(self.config, self.kernel_preload(), self.log)
        settings = super().init_settings()
        settings["voila"] = self
        # gzip: Voila builds its tornado Application from these settings and only then applies
        # Voila.tornado_settings, too late for tornado to add its gzip transform (speed.py).
        settings["compress_response"] = True
        self._hand_over_fresh_pool_kernels()
        if self.classroom_page is not None:
            asyncio.get_event_loop().create_task(self._size_classroom(self.classroom_page))
        return settings

    async def _size_classroom(self, path: str):
        """Measure a rendered kernel of the lesson, then keep as many as the group needs and the cap allows."""
        manager = self.kernel_manager
        page_id = course().by_path()[path][0].id
        try:
            content = await manager._pools[path][0]  # the first kernel that rendered the lesson
            uss = speed.uss_mb(manager.get_kernel(content["kernel_id"]).provisioner.pid)
        except Exception as error:  # taken and gone already, or no pid: keep the one kernel
            self.log.warning("CLASS: could not measure a kernel of %s (%s)", path, error)
            return
        cap = self.classroom_memory_mb or speed.available_mb() / 2
        keep = max(1, min(self.classroom, int(cap // uss)))
        manager.kernel_pools_config[path]["pool_size"] = keep
        manager.fill_if_needed(delay=0, notebook_name=path)
        # ready kernels, the group's kernels and the refills all count against the cap on live kernels
        self.max_kernels = max(self.max_kernels, 2 * keep + len(manager.kernel_pools_config))
        self.classroom_ready = keep
        print(
            f"CLASS={self.classroom}: keeping {keep} kernels of {page_id} ready, about {round(keep * uss)} MB "
            f"({uss:.0f} MB each, measured; cap {cap:.0f} MB)",
            flush=True,
        )

    def _hand_over_fresh_pool_kernels(self):
        """A preheated kernel has been idle in its pool since it rendered the page (kept from the culler
        below). When a page takes it, it counts as active again: otherwise the culler may stop it in
        the second before the browser connects, and the page never gets its widgets."""
        manager = self.kernel_manager
        take = getattr(manager, "get_rendered_notebook", None)
        if take is None:
            return

        async def get_rendered_notebook(*args, **kwargs):
            render_task, rendered_cache, kernel_id = await take(*args, **kwargs)
            try:
                manager.get_kernel(kernel_id).last_activity = datetime.now(timezone.utc)
            except KeyError:
                pass
            return render_task, rendered_cache, kernel_id

        manager.get_rendered_notebook = get_rendered_notebook

        # Kernels waiting in a pool have no connection and do nothing, so the culler would stop them after
        # cull_idle_timeout (seen in `make bench`: a classroom pool culled, its pages never got their widgets).
        # A kernel leaves the pool when a page takes it; from then on it is culled like any other.
        cull = manager.cull_kernel_if_idle

        async def cull_kernel_if_idle(kernel_id):
            for pool in getattr(manager, "_pools", {}).values():
                for task in pool:
                    if (
                        task.done()
                        and not task.cancelled()
                        and task.exception() is None
                        and task.result().get("kernel_id") == kernel_id
                    ):
                        return None
            return await cull(kernel_id)

        manager.cull_kernel_if_idle = cull_kernel_if_idle

        # Pools start and render their kernels a few at a time: a classroom pool of 30 all at once took both
        # cores for a minute and made kernels race for the same ports ("Address already in use", seen in
        # `make bench`); a few at a time, the pages being served now come first.
        initialize = manager._initialize
        slots = asyncio.Semaphore(2)

        async def _initialize(*args, **kwargs):
            async with slots:
                return await initialize(*args, **kwargs)

        manager._initialize = _initialize

        # A pool kernel that failed to start or died is dropped (and replaced) before a page is given it: the
        # page would wait for its HTML for ever (seen in `make bench` after a port clash).
        pool_size = manager.get_pool_size

        def unusable(task) -> bool:
            if not task.done():
                return False
            if task.cancelled() or task.exception() is not None:
                return True
            content = task.result()
            try:
                process = getattr(manager.get_kernel(content["kernel_id"]).provisioner, "process", None)
            except KeyError:
                return True
            render = content.get("task")
            return (process is not None and process.poll() is not None) or (
                render is not None and render.done() and (render.cancelled() or render.exception() is not None)
            )

        def get_pool_size(notebook_name):
            pool = manager._pools.get(notebook_name) or []
            failed = [t for t in pool if unusable(t)]
            for task in failed:
                pool.remove(task)
                if not task.cancelled() and task.exception() is None:
                    asyncio.ensure_future(manager.shutdown_kernel(task.result()["kernel_id"], now=True))
            if failed:
                self.log.warning(
                    "%d kernel(s) of the pool of %s failed to start; replacing them", len(failed), notebook_name
                )
                manager.fill_if_needed(delay=0, notebook_name=notebook_name)
            return pool_size(notebook_name)

        manager.get_pool_size = get_pool_size

    def render_slots(self):
        if self.concurrent_renders <= 0:
            return contextlib.nullcontext()
        if getattr(self, "_render_slots", None) is None:
            self._render_slots = asyncio.Semaphore(self.concurrent_renders)
        return self._render_slots

    def kernel_preload(self) -> list:
        return kernelfork.BASE_PRELOAD + kernelfork.page_modules(Path(self.root_dir)) + kernelfork.recording_modules()

    def stop(self):
        try:
            super().stop()
        finally:
            kernelfork.stop()


def main(argv=None):
    try:
        validate_all()
    except ContentError as error:
        print(f"The course content has an error, so the app did not start:\n  {error}", file=sys.stderr)
        return 2
    os.chdir(REPO_ROOT)  # Voila reads voila.json from the working directory
    CourseVoila.launch_instance(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
