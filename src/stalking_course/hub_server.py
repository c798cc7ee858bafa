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

import tornado.web
from jinja2 import ChoiceLoader, DictLoader
from jupyter_server.utils import url_path_join
from jupyterhub.singleuser.extension import JupyterHubAuthorizer

from .content import REPO_ROOT
from .pages import (
    CoursePageGate,
    NotFoundHandler,
    StartRedirectHandler,
    bilingual_not_found_page,
    interface_text,
    start_url,
    use_course_templates,
)
from .progress import hub_web
from .progress.hub_web import TRAINER_SCOPE  # noqa: F401 - deploy/ and its tests name it here

EXTENSION = "stalking_course.hub_server"
# What a trainee may do on their own server: read kernels and talk to the page's kernel (the websocket).
ALLOWED = frozenset({("read", "kernels"), ("execute", "kernels")})
# The message types Voila's own app allows on a kernel websocket (voila/app.py): no execute_request.
VOILA_MESSAGE_TYPES = [
    "comm_open",
    "comm_close",
    "comm_msg",
    "comm_info_request",
    "kernel_info_request",
    "shutdown_request",
]
# Server extensions that may be loaded next to the course (anything else: the server refuses to start).
ALLOWED_EXTENSIONS = {EXTENSION, "jupyterhub", "jupyterhub.singleuser.extension"}
# Set on the command line by main(), so no configuration file can turn them on again. Voila is loaded by
# the course's extension itself, after the course's own routes.
SERVER_EXTENSIONS = {
    EXTENSION: True,
    **{
        name: False
        for name in (
            "voila.server_extension",
            "voila",
            "jupyterlab",
            "notebook_shim",
            "notebook",
            "nbclassic",
            "jupyter_lsp",
            "jupyter_server_terminals",
            "jupyter_server_proxy",
            "jupyter_server_ydoc",
            "jupyter_collaboration",
            "jupyter_server_fileid",
            "jupyter_resource_usage",
            "nbdime",
            "jupyterlab_git",
        )
    },
}
ALLOWED_TEMPLATES = {None, "course"}


class CourseAuthorizer(JupyterHubAuthorizer):
    """JupyterHub's check (the user holds `access:servers` for this server), and then only ALLOWED."""

    def is_authorized(self, handler, user, action, resource):
        if (action, resource) not in ALLOWED:
            self.log.info("refused: %s %s %s", getattr(user, "username", "?"), action, resource)
            return False
        return super().is_authorized(handler, user, action, resource)


def course_voila_handler(voila_handler_class, max_kernels: int):
    """Voila's page handler, limited to the course's pages and templates and to max_kernels per trainee."""

    class CourseHubVoilaHandler(CoursePageGate, voila_handler_class):
        @tornado.web.authenticated
        async def get(self, path=None):
            if self.refused(path, ALLOWED_TEMPLATES, max_kernels):
                return
            _ = self.xsrf_token  # the _xsrf cookie the page's shutdown beacon needs (voila-dashboards/voila#1458)
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
    settings["resources"] = {"course_ui": interface_text(), "course_preload": []}
    settings["preheat_kernel"] = False  # Voila's extension mode has no pools
    for key, value in settings.items():
        server_app.config.VoilaConfiguration[key] = value


def _load_jupyter_server_extension(server_app):
    problems = lockdown_problems(server_app)
    if problems:
        server_app.log.critical(
            "The course's lockdown is not in effect, so this server does not start:\n  %s", "\n  ".join(problems)
        )
        raise SystemExit(1)
    from voila import server_extension as voila_extension
    from voila.tornado.handler import TornadoVoilaHandler

    use_course_templates()
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
    handlers += hub_web.trainer_handlers(base_url)
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
    server_app.log.info("The course is served at %s (locked down: %s)", start_url(base_url), sorted(ALLOWED))
    hub_web.start_retention(server_app.log)


def _jupyter_server_extension_points():
    return [{"module": EXTENSION}]


def main(argv=None) -> int:
    # In a process of its own: the check imports pandas and the rest (~60 MB), which the server need not keep.
    import subprocess

    checked = subprocess.run([sys.executable, "-m", "stalking_course.validate"], stdout=subprocess.DEVNULL)
    if checked.returncode != 0:
        print("The course content has an error (above), so the server did not start.", file=sys.stderr)
        return 2
    use_course_templates()
    # Whatever the configuration files say, the course's extension is loaded; it checks the lockdown.
    argv = list(sys.argv[1:] if argv is None else argv)
    for name, enabled in SERVER_EXTENSIONS.items():
        argv += ["--ServerApp.jpserver_extensions", f"{name}={enabled}"]
    from jupyterhub.singleuser import main as singleuser_main

    return singleuser_main(argv) or 0


if __name__ == "__main__":
    sys.exit(main())
