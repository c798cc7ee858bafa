"""The course on JupyterHub: a trainee's single-user server that serves the course and nothing else.

    python -m stalking_course.hub_server        (the hub's single-user command: Spawner.cmd / singleuser.cmd)

On a hub every trainee gets a Jupyter Server of their own, started by the hub, logged in through the hub's
OAuth (jupyterhub-singleuser). Voila runs in it as a server extension, loaded by this module, which locks the
server down to the course:

- the command checks the content in data/ first (a broken file stops the server with a message that names
  the file and the field, which the hub shows as a failed start), then starts `jupyterhub-singleuser` with
  this module as a server extension, whatever the configuration files say;
- the extension refuses to run (the server exits) unless the lockdown of deploy/singleuser/ is in effect:
  terminals off, no JupyterLab / notebook / LSP / terminal extensions, the course's authorizer, kernel
  messages limited to Voila's own (comms and kernel info, never execute_request);
- `CourseAuthorizer`: only reading kernels and talking to one's own page kernels over their websocket.
  Contents, files, kernel create / restart / delete, sessions, kernelspecs, nbconvert, config: 403. Every
  request must also carry the hub's `access:servers` scope for this server (JupyterHub's own check);
- the course's routes before Voila's: `/` and the Voila tree go to the start page, the contents listing is
  gone, only course pages render (others: the course's 404 page in their language), only with the
  course's templates; any other unknown address gets the course's 404 page (Dutch and English);
- a cap on kernels per trainee (opening 50 tabs does not take the node's memory);
- `/trainer`: the trainer's view (stalking_course.progress), only for users whose hub token carries
  TRAINER_SCOPE, granted by a role to the `trainers` group (deploy/): never the hub's admin role, which
  carries `access:servers` for every trainee's server.

Voila in extension mode cannot keep preheated kernels (it forces the pool to 0) and does not fork kernels,
so a page starts its kernel when it is opened (measured in docs/deploy.md). Why this and not the course app
speaking the hub's OAuth itself: docs/deploy.md.
"""
from __future__ import annotations

import json
import os
import sys
from html import escape
from pathlib import Path

import tornado.web
from jinja2 import ChoiceLoader, DictLoader
from jupyter_server.utils import url_path_join
from jupyterhub.singleuser.extension import JupyterHubAuthorizer

from .content import LANGS, REPO_ROOT, ui

EXTENSION = "stalking_course.hub_server"
# Granted to the `trainers` group by a hub role (deploy/); the single-user server's OAuth client is allowed to
# ask for it (Spawner.oauth_client_allowed_scopes), so a trainer's token carries it and a trainee's does not.
TRAINER_SCOPE = "custom:stalking-course:trainer"
# What a trainee may do on their own server: read kernels and talk to the page's kernel (the websocket).
ALLOWED = frozenset({("read", "kernels"), ("execute", "kernels")})
# The message types Voila's own app allows on a kernel websocket (voila/app.py): no execute_request.
VOILA_MESSAGE_TYPES = ["comm_open", "comm_close", "comm_msg", "comm_info_request", "kernel_info_request",
                       "shutdown_request"]
# Server extensions that may be loaded next to the course (anything else: the server refuses to start).
ALLOWED_EXTENSIONS = {EXTENSION, "jupyterhub", "jupyterhub.singleuser.extension"}
# Set on the command line by main(), so no configuration file can turn them on again. Voila is loaded by
# the course's extension itself, after the course's own routes.
SERVER_EXTENSIONS = {EXTENSION: True, **{name: False for name in (
    "voila.server_extension", "voila", "jupyterlab", "notebook_shim", "notebook", "nbclassic", "jupyter_lsp",
    "jupyter_server_terminals", "jupyter_server_proxy", "jupyter_server_ydoc", "jupyter_collaboration",
    "jupyter_server_fileid", "jupyter_resource_usage", "nbdime", "jupyterlab_git")}}
SHARE = REPO_ROOT / "src" / "stalking_course" / "share" / "jupyter"
ALLOWED_TEMPLATES = {None, "course"}


class CourseAuthorizer(JupyterHubAuthorizer):
    """JupyterHub's check (the user holds `access:servers` for this server), and then only ALLOWED."""

    def is_authorized(self, handler, user, action, resource):
        if (action, resource) not in ALLOWED:
            self.log.info("refused: %s %s %s", getattr(user, "username", "?"), action, resource)
            return False
        return super().is_authorized(handler, user, action, resource)


def hub_scopes(handler) -> set:
    """The scopes of the hub token behind this request (empty if not logged in through the hub)."""
    user = handler.current_user
    return set((getattr(user, "hub_user", None) or {}).get("scopes", []))


def is_trainer(handler) -> bool:
    """Whether the logged-in user may see the trainer's view: their hub token carries TRAINER_SCOPE."""
    return TRAINER_SCOPE in hub_scopes(handler)


def _course():
    from .content.course import course
    return course()


def _start_url(base_url: str, lang: str = "nl") -> str:
    return url_path_join(base_url, "voila/render", _course().start.path(lang))


def _page_lang(path: str) -> str:
    return "en" if "/en/" in f"/{path}/" else "nl"


def _simple_page(base_url: str, lang: str, title: str, text: str, extra: str = "") -> str:
    """A small page in the course's look (404, busy), with the quick-exit control."""
    t = ui(lang)
    static = url_path_join(base_url, "voila/static")
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><link rel="stylesheet" href="{static}/course.css"></head>
<body class="course-simple-page" data-exit-url="{escape(t['quick_exit_url'])}">
<a class="course-quick-exit" href="{escape(t['quick_exit_url'])}" title="{escape(t['quick_exit_hint'])}">{escape(t['quick_exit'])}</a>
<main><h1>{escape(title)}</h1><p>{escape(text)}</p>
<p><a href="{escape(_start_url(base_url, lang))}">{escape(t['to_start'])}</a></p>{extra}</main>
<script src="{static}/course.js"></script></body></html>"""


def not_found_page(base_url: str, lang: str) -> str:
    t = ui(lang)
    return _simple_page(base_url, lang, t["not_found_title"], t["not_found_text"])


def bilingual_not_found_page(base_url: str) -> str:
    """For addresses outside the course (no language in them): Dutch first, then English."""
    en = ui("en")
    english = (f'<div lang="en"><h2>{escape(en["not_found_title"])}</h2><p>{escape(en["not_found_text"])}</p>'
               f'<p><a href="{escape(_start_url(base_url, "en"))}">{escape(en["to_start"])}</a></p></div>')
    nl = ui("nl")
    return _simple_page(base_url, "nl", nl["not_found_title"], nl["not_found_text"], english)


class StartRedirectHandler(tornado.web.RequestHandler):
    """`/`, `/voila` and the Voila tree: the start page (Dutch unless the path says English)."""

    def get(self, path=""):
        self.redirect(_start_url(self.settings["base_url"], _page_lang(path or "")))


class NotFoundHandler(tornado.web.RequestHandler):
    """The course's 404 page in the language of the path (the Voila contents listing is one of these)."""

    def prepare(self):
        self.set_status(404)
        self.finish(not_found_page(self.settings["base_url"], _page_lang(self.request.path)))


def course_voila_handler(voila_handler_class, max_kernels: int):
    """Voila's page handler, limited to the course's pages and templates and to max_kernels per trainee."""

    class CourseHubVoilaHandler(voila_handler_class):
        @tornado.web.authenticated
        async def get(self, path=None):
            base_url = self.settings["base_url"]
            lang = _page_lang(path or "")
            if path not in _course().by_path() or self.get_argument("template", None) not in ALLOWED_TEMPLATES:
                self.set_status(404)
                self.finish(not_found_page(base_url, lang))
                return
            if len(self.kernel_manager.list_kernel_ids()) >= max_kernels:
                t = ui(lang)
                self.set_status(503)
                self.set_header("Retry-After", "10")
                self.finish(_simple_page(base_url, lang, t["busy_title"], t["busy_text"]))
                return
            self.xsrf_token  # the _xsrf cookie the page's shutdown beacon needs (voila-dashboards/voila#1458)
            await super().get(path)

    return CourseHubVoilaHandler


def lockdown_problems(server_app) -> list:
    """What is missing from the lockdown (deploy/singleuser/jupyter_server_config.py); empty when all is in place."""
    problems = []
    if server_app.terminals_enabled:
        problems.append("ServerApp.terminals_enabled must be False")
    if not isinstance(server_app.authorizer, CourseAuthorizer):
        problems.append(f"ServerApp.authorizer_class must be {__name__}.CourseAuthorizer")
    allowed = set(server_app.kernel_manager.allowed_message_types or [])
    if not allowed or not allowed <= set(VOILA_MESSAGE_TYPES):
        problems.append(f"MappingKernelManager.allowed_message_types must be a part of {VOILA_MESSAGE_TYPES}")
    enabled = {name for name, on in server_app.jpserver_extensions.items() if on}
    enabled |= {name for name, package in server_app.extension_manager.extensions.items() if package.enabled}
    extra = sorted(enabled - ALLOWED_EXTENSIONS)
    if extra:
        problems.append(f"server extensions other than the course's are enabled: {extra}")
    if not getattr(server_app.identity_provider, "hub_auth", None):
        problems.append("the server does not log in through JupyterHub (run it with jupyterhub-singleuser)")
    return problems


def _voila_configuration_defaults(server_app) -> None:
    """The repository's voila.json (template, tracebacks off, sources stripped, ...) plus the interface text."""
    settings = json.loads((REPO_ROOT / "voila.json").read_text())["VoilaConfiguration"]
    settings["resources"] = {"course_ui": {lang: ui(lang) for lang in LANGS}, "course_preload": []}
    settings["preheat_kernel"] = False  # Voila's extension mode has no pools
    for key, value in settings.items():
        server_app.config.VoilaConfiguration[key] = value


def _load_jupyter_server_extension(server_app):
    problems = lockdown_problems(server_app)
    if problems:
        server_app.log.critical("The course's lockdown is not in effect, so this server does not start:\n  %s",
                                "\n  ".join(problems))
        raise SystemExit(1)
    from voila import server_extension as voila_extension
    from voila.tornado.handler import TornadoVoilaHandler

    # The course template lives in the package; Voila looks for templates on the Jupyter path.
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if str(SHARE) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(SHARE), *paths])
    _voila_configuration_defaults(server_app)

    web_app = server_app.web_app
    base_url = web_app.settings["base_url"]
    max_kernels = int(os.environ.get("COURSE_MAX_KERNELS", "10"))
    # Handlers added first are matched first (tornado): the course's routes come before Voila's.
    handlers = [
        (url_path_join(base_url, "/?"), StartRedirectHandler),
        (url_path_join(base_url, "/voila/?"), StartRedirectHandler),
        (url_path_join(base_url, "/voila/tree(.*)"), StartRedirectHandler),
        (url_path_join(base_url, "/voila/api/contents(.*)"), NotFoundHandler),
    ]
    handlers += trainer_handlers(base_url)
    web_app.add_handlers(".*$", handlers)
    voila_extension._load_jupyter_server_extension(server_app)

    swapped = 0
    for host_rule in web_app.default_router.rules:
        for rule in getattr(host_rule.target, "rules", []):
            if rule.target is TornadoVoilaHandler:
                rule.target = course_voila_handler(TornadoVoilaHandler, max_kernels)
                swapped += 1
    if swapped != 1:
        server_app.log.critical("Could not put the course's page handler in place of Voila's (%d found)", swapped)
        raise SystemExit(1)
    template = server_app.config.VoilaConfiguration.get("template")
    if template != "course":
        server_app.log.critical("Voila's template is %r, not the course's", template)
        raise SystemExit(1)

    # Every other unknown address: the course's 404 page (JupyterHandler renders "404.html").
    env = web_app.settings["jinja2_env"]
    page = bilingual_not_found_page(base_url)
    env.loader = ChoiceLoader([DictLoader({"404.html": "{% raw %}" + page + "{% endraw %}"}), env.loader])
    env.cache = None if env.cache is None else type(env.cache)(env.cache.capacity)
    server_app.log.info("The course is served at %s (locked down: %s)", _start_url(base_url), sorted(ALLOWED))
    _start_retention(server_app.log)


def _start_retention(log) -> None:
    """Progress records older than the retention setting are deleted, as the standalone app does: at start and
    every 6 hours, off the event loop (every trainee's server does it; the delete is cheap and idempotent)."""
    try:
        from .progress import web
    except ImportError:
        return
    from tornado.ioloop import IOLoop, PeriodicCallback

    days = web.retention_days()

    def purge():
        try:
            gone = web._store().purge(days)
            if gone:
                log.info("Retention: deleted %s progress records older than %s days", gone, days)
        except Exception as error:  # noqa: BLE001 - the course still works without its database
            log.error("Progress database not available (%s): %s", web._safe_url(), error)

    def in_background():
        IOLoop.current().run_in_executor(None, purge)

    IOLoop.current().add_callback(in_background)
    PeriodicCallback(in_background, 6 * 3600 * 1000).start()


def hub_user_page(handler_class):
    """A page of stalking_course.progress, for the hub: the user is whoever JupyterHub says is logged in and
    allowed on this server (its own check); the trainee is the keyed hash of their hub name, the id their
    page kernels record under (no cookie of the standalone app's counts here)."""

    class HubUserPage(handler_class):
        _hub_user = None

        async def prepare(self):
            provider = self.settings.get("identity_provider")
            if getattr(provider, "hub_auth", None) is None:
                raise tornado.web.HTTPError(403)
            user = await provider.get_user(self)
            if user is None:
                if self.request.method in ("GET", "HEAD"):
                    # not logged in: the hub's log-in (for a user of another server: 403, JupyterHub's rule)
                    self.redirect(self.get_login_url())
                    return
                raise tornado.web.HTTPError(403)
            self._hub_user = user.hub_user
            result = super().prepare()
            if result is not None:
                await result

        async def learner(self):
            from .progress import identity, web

            learner = identity.hub_learner_id(self._hub_user["name"])
            try:
                return learner if await web.db(web._store().learner_exists, learner) else None
            except Exception:  # noqa: BLE001 - no database: nothing to show, as in the standalone app
                return None

        def remember(self, learner):  # the hub says who the trainee is; no cookie of ours
            pass

        def forget(self):
            pass

        def is_trainer(self) -> bool:
            return TRAINER_SCOPE in set((self._hub_user or {}).get("scopes", []))

    HubUserPage.__name__ = f"Hub{handler_class.__name__}"
    return HubUserPage


def hub_trainer(handler_class):
    """A trainer page of stalking_course.progress, for the hub: the trainer is whoever the hub says holds
    TRAINER_SCOPE (and may use this server); the standalone app's trainer token is not accepted here."""

    class HubTrainerHandler(hub_user_page(handler_class)):
        def require_trainer(self) -> bool:
            if self.is_trainer():
                return True
            raise tornado.web.HTTPError(403)

        def _login(self, token):  # the standalone app's trainer token means nothing on a hub
            raise tornado.web.HTTPError(403)

    HubTrainerHandler.__name__ = f"Hub{handler_class.__name__}"
    return HubTrainerHandler


def trainer_handlers(base_url: str) -> list:
    """The pages of stalking_course.progress that make sense on a hub, with the hub's identity: the trainer's
    view (`/trainer`, its groups and reports) behind the trainer scope; a trainee's own data (see, export,
    delete), the certificate and `/verify/<code>`. Joining with a group code and signing out are the
    standalone app's (the hub knows who the trainee is). Nothing if the progress package is not there."""
    try:
        from .progress import web
    except ImportError:
        return []
    code = r"([A-Za-z0-9-]{1,40})"
    routes = [("/trainer", "TrainerHandler", hub_trainer), ("/trainer/groups", "TrainerGroupsHandler", hub_trainer),
              (rf"/trainer/group/{code}(\.csv)?", "TrainerGroupHandler", hub_trainer),
              (rf"/trainer/group/{code}/delete", "TrainerDeleteGroupHandler", hub_trainer),
              ("/course/me", "MeHandler", hub_user_page), ("/course/me/export", "ExportHandler", hub_user_page),
              ("/course/me/delete", "DeleteMeHandler", hub_user_page),
              ("/course/certificate", "CertificateHandler", hub_user_page),
              (rf"/verify/{code}", "VerifyHandler", hub_user_page)]
    return [(url_path_join(base_url, path), wrap(getattr(web, name)))
            for path, name, wrap in routes if hasattr(web, name)]


def _jupyter_server_extension_points():
    return [{"module": EXTENSION}]


def main(argv=None) -> int:
    # In a process of its own: the check imports pandas and the rest (~60 MB), which the server need not keep.
    import subprocess

    checked = subprocess.run([sys.executable, "-m", "stalking_course.validate"], stdout=subprocess.DEVNULL)
    if checked.returncode != 0:
        print("The course content has an error (above), so the server did not start.", file=sys.stderr)
        return 2
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if str(SHARE) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(SHARE), *paths])
    # Whatever the configuration files say, the course's extension is loaded; it checks the lockdown.
    argv = list(sys.argv[1:] if argv is None else argv)
    for name, enabled in SERVER_EXTENSIONS.items():
        argv += ["--ServerApp.jpserver_extensions", f"{name}={enabled}"]
    from jupyterhub.singleuser import main as singleuser_main

    return singleuser_main(argv) or 0


if __name__ == "__main__":
    sys.exit(main())
