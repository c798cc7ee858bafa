"""The app side of progress: the pages of trainees and trainer, and how the app hands a trainee's id to
their page's kernel.

`install(app, handlers)` is the one call from CourseVoila.init_handlers: it adds these pages before the
catch-all 404, and swaps the course's page handler for one that hands the trainee's id to the page's
kernel: in a new kernel's environment, or, for a preheated kernel that rendered the page before anyone asked,
in a hand-over note in the data folder named after the kernel id, which the kernel picks up; never through
the browser.

The pages themselves: webbase (the shell, cookies, trainer token), trainee_web (join, my data,
certificate, /verify), trainer_web (the trainer's view), labels (the trainer's tables); hub_web wraps
them for JupyterHub.
"""

from __future__ import annotations

import os

from jupyter_server.utils import url_path_join
from tornado.ioloop import PeriodicCallback

from ..content import LANGS
from . import identity
from .trainee_web import (
    CertificateHandler,
    DeleteMeHandler,
    ExportHandler,
    JoinHandler,
    MeHandler,
    SignOutHandler,
    VerifyHandler,
)
from .trainer_web import TrainerDeleteGroupHandler, TrainerGroupHandler, TrainerGroupsHandler, TrainerHandler
from .webbase import (
    LEARNER_COOKIE,
    ProgressPage,
    cookie_secret,
    db,
    log,
    progress_store,
    retention_days,
    safe_db_url,
    trainer_token,
)

__all__ = [
    "LEARNER_COOKIE",
    "CertificateHandler",
    "DeleteMeHandler",
    "ExportHandler",
    "JoinHandler",
    "MeHandler",
    "SignOutHandler",
    "TrainerDeleteGroupHandler",
    "TrainerGroupHandler",
    "TrainerGroupsHandler",
    "TrainerHandler",
    "VerifyHandler",
    "cookie_secret",
    "safe_db_url",
    "progress_store",
    "db",
    "install",
    "learner_aware",
    "purge_every_6_hours",
    "purge_old_records",
    "retention_days",
    "trainer_token",
]


class _KernelManagerFor:
    """The app's kernel manager, as seen by one page request: a kernel it starts gets the trainee's id."""

    def __init__(self, manager, learner: str | None):
        self._manager, self._learner = manager, learner

    def __getattr__(self, name):
        return getattr(self._manager, name)

    def start_kernel(self, *args, **kwargs):
        env = dict(kwargs.get("env") or os.environ)
        env.pop(identity.LEARNER_ENV, None)
        if self._learner:
            env[identity.LEARNER_ENV] = self._learner
        kwargs["env"] = env
        return self._manager.start_kernel(*args, **kwargs)

    async def get_rendered_notebook(self, *args, **kwargs):
        """A preheated kernel taken for this page: leave it a note with the trainee's id (empty: nobody)."""
        result = await self._manager.get_rendered_notebook(*args, **kwargs)
        try:
            notebook = kwargs.get("notebook_name") or (args[0] if args else "")
            await db(identity.write_handoff, result[2], self._learner or "", str(notebook))
        except Exception:  # noqa: BLE001 - the page still works; it just does not record
            log.exception("could not hand the learner id to a preheated kernel")
        return result


def learner_aware(handler_class):
    class LearnerAwareHandler(handler_class):
        _course_learner = _course_path = None

        @property
        def kernel_manager(self):
            return _KernelManagerFor(super().kernel_manager, self._course_learner)

        async def get(self, path=None):
            self._course_learner = await ProgressPage.learner(self)
            self._course_path = path
            return await super().get(path)

        def should_use_rendered_notebook(self, *args, **kwargs):
            from ..content.course import course

            if self._course_learner and self._course_path in (course().start.path(lang) for lang in LANGS):
                return False  # the start page shows this trainee's progress as it renders: a fresh kernel
            return super().should_use_rendered_notebook(*args, **kwargs)

    LearnerAwareHandler.__name__ = f"LearnerAware{handler_class.__name__}"
    return LearnerAwareHandler


def install(app, handlers: list, page_handler=None) -> list:
    """Add the progress pages to the app's handlers (before the catch-all), and make `page_handler` (the
    course's page handler class) hand the trainee's id to page kernels. Returns the new list."""
    os.environ.pop(identity.LEARNER_ENV, None)  # only a page request may name a learner
    base = getattr(app, "base_url", "/") or "/"
    code = r"([A-Za-z0-9-]{1,40})"
    ours = [
        (url_path_join(base, r"/course/join"), JoinHandler),
        (url_path_join(base, r"/course/me"), MeHandler),
        (url_path_join(base, r"/course/me/export"), ExportHandler),
        (url_path_join(base, r"/course/me/delete"), DeleteMeHandler),
        (url_path_join(base, r"/course/me/signout"), SignOutHandler),
        (url_path_join(base, r"/course/certificate"), CertificateHandler),
        (url_path_join(base, rf"/verify/{code}"), VerifyHandler),
        (url_path_join(base, r"/trainer"), TrainerHandler),
        (url_path_join(base, r"/trainer/groups"), TrainerGroupsHandler),
        (url_path_join(base, rf"/trainer/group/{code}(\.csv)?"), TrainerGroupHandler),
        (url_path_join(base, rf"/trainer/group/{code}/delete"), TrainerDeleteGroupHandler),
    ]
    result = []
    for handler in handlers:
        if page_handler is not None and handler[1] is page_handler:
            handler = (handler[0], learner_aware(page_handler), *handler[2:])
        result.append(handler)
    catch_all = next(
        (i for i, h in enumerate(result) if h[0] in (r"/(.*)", url_path_join(base, r"/(.*)"))), len(result)
    )
    result[catch_all:catch_all] = ours
    _start(app)
    return result


def _start(app) -> None:
    import shutil

    shutil.rmtree(identity.data_dir() / "handoff", ignore_errors=True)  # notes for kernels of an earlier run
    days = retention_days()
    try:
        gone = progress_store().purge(days)  # opens (and migrates) the database before any kernel uses it
        if gone:
            log.info("Retention: deleted %s records older than %s days", gone, days)
        purge_every_6_hours(days, log)
    except Exception as error:  # noqa: BLE001 - the course still works; progress is off until the database is back
        log.error("Progress is not recorded: the database (%s) is not available: %s", safe_db_url(), error)
    url = f"http://{app.ip or 'localhost'}:{app.port}{getattr(app, 'base_url', '/')}"
    message = f"Trainer's view / trainersoverzicht: {url}trainer?token={trainer_token()}"
    print(message, flush=True)


def purge_old_records(days: int, logger) -> None:
    """Delete the records older than `days` (the retention period); log what went, or why not."""
    try:
        gone = progress_store().purge(days)
        if gone:
            logger.info("Retention: deleted %s progress records older than %s days", gone, days)
    except Exception as error:  # noqa: BLE001 - the course still works without its database
        logger.error("Progress database not available (%s): %s", safe_db_url(), error)


def purge_every_6_hours(days: int, logger) -> None:
    """The retention period applied every 6 hours, off the event loop (the delete is cheap and idempotent)."""
    from tornado.ioloop import IOLoop

    def in_background():
        IOLoop.current().run_in_executor(None, purge_old_records, days, logger)

    PeriodicCallback(in_background, 6 * 3600 * 1000).start()
