"""The pages of progress on JupyterHub: a trainee's own data, the certificate, /verify and the trainer's
view, with the hub's identity instead of the standalone app's cookie and trainer token; and the retention
period applied by every trainee's server. Loaded by stalking_course.hub_server.

The trainer is whoever the hub says holds TRAINER_SCOPE, granted by a role to the `trainers` group
(deploy/): never the hub's admin role, which carries `access:servers` for every trainee's server.
"""

from __future__ import annotations

import tornado.web
from jupyter_server.utils import url_path_join

from . import identity, web

# Granted to the `trainers` group by a hub role (deploy/); the single-user server's OAuth client is allowed to
# ask for it (Spawner.oauth_client_allowed_scopes), so a trainer's token carries it and a trainee's does not.
TRAINER_SCOPE = "custom:stalking-course:trainer"


def start_retention(log) -> None:
    """Progress records older than the retention setting are deleted, as the standalone app does: at start and
    every 6 hours, off the event loop (every trainee's server does it; the delete is cheap and idempotent)."""
    from tornado.ioloop import IOLoop

    days = web.retention_days()
    IOLoop.current().add_callback(lambda: IOLoop.current().run_in_executor(None, web.purge_old_records, days, log))
    web.purge_every_6_hours(days, log)


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
            learner = identity.hub_learner_id(self._hub_user["name"])
            try:
                return learner if await web.db(web.progress_store().learner_exists, learner) else None
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
    standalone app's (the hub knows who the trainee is)."""
    code = r"([A-Za-z0-9-]{1,40})"
    routes = [
        ("/trainer", "TrainerHandler", hub_trainer),
        ("/trainer/groups", "TrainerGroupsHandler", hub_trainer),
        (rf"/trainer/group/{code}(\.csv)?", "TrainerGroupHandler", hub_trainer),
        (rf"/trainer/group/{code}/delete", "TrainerDeleteGroupHandler", hub_trainer),
        ("/course/me", "MeHandler", hub_user_page),
        ("/course/me/export", "ExportHandler", hub_user_page),
        ("/course/me/delete", "DeleteMeHandler", hub_user_page),
        ("/course/certificate", "CertificateHandler", hub_user_page),
        (rf"/verify/{code}", "VerifyHandler", hub_user_page),
    ]
    return [
        (url_path_join(base_url, path), wrap(getattr(web, name))) for path, name, wrap in routes if hasattr(web, name)
    ]
