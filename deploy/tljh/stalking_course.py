# The stalking course on JupyterHub: what every hub that serves it needs (one server or many).
#
# The Littlest JupyterHub: copy this file to /opt/tljh/config/jupyterhub_config.d/stalking_course.py and run
# `sudo tljh-config reload` (docs/deploy.md). deploy/jupyterhub_config.py (a plain hub) loads it too.
# Self-contained: the hub's Python need not have the course installed (in TLJH it lives in the user
# environment, /opt/tljh/user).
#
# Environment it reads (all optional):
#   COURSE_DIR       the course's folder on the machine (a clone of the repository), default /srv/course
#   COURSE_PYTHON    the Python that has the course installed, default /opt/tljh/user/bin/python (TLJH)
#   COURSE_TRAINERS  comma-separated user names put in the `trainers` group at start-up
#   COURSE_DB_URL    where progress is stored (PostgreSQL for a hub); handed to every trainee's server
#   COURSE_SECRET_KEY  the key of the course's keyed hashes (64 hex digits), the same for every server
import os

c = get_config()  # noqa: F821 (provided by JupyterHub's config loader)

course_dir = os.environ.get("COURSE_DIR", "/srv/course")
course_python = os.environ.get("COURSE_PYTHON", "/opt/tljh/user/bin/python")

# Must equal stalking_course.hub_server.TRAINER_SCOPE (tests/test_hub_deploy.py checks it).
TRAINER_SCOPE = "custom:stalking-course:trainer"

# Every user's server is the course, started by the course's command (it checks the content, then runs
# jupyterhub-singleuser with the course's locked-down extension) and opening on the Dutch start page.
c.Spawner.cmd = [course_python, "-m", "stalking_course.hub_server"]
c.Spawner.default_url = "/voila/render/notebooks/nl/00_start.ipynb"
c.Spawner.disable_user_config = True  # a ~/.jupyter of the trainee's cannot undo the lockdown
# (.update / .extend add to what other config files or the defaults hold, as traitlets does for containers)
c.Spawner.environment.update({"JUPYTER_CONFIG_PATH": os.path.join(course_dir, "deploy", "singleuser")})
c.Spawner.env_keep.extend(["COURSE_DB_URL", "COURSE_KERNEL_IDLE_SECONDS", "COURSE_KERNEL_CULL_INTERVAL",
                           "COURSE_MAX_KERNELS", "COURSE_DATA_DIR", "COURSE_RETENTION_DAYS",
                           "COURSE_SECRET_KEY"])
# A server's start: the content check, then Jupyter Server (a few seconds; more on a busy machine).
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120

# Trainers: members of the `trainers` group get the trainer's view (/trainer on their own server) through a
# custom scope, never through the hub's admin role (admin carries access:servers: every trainee's server).
c.JupyterHub.custom_scopes = {
    TRAINER_SCOPE: {"description": "See the trainer's view of the stalking course (group numbers, no names)."},
}
c.JupyterHub.load_roles.append({
    "name": "course-trainer", "description": "Trainers of the stalking course",
    "scopes": [TRAINER_SCOPE], "groups": ["trainers"],
})
trainers = [name.strip() for name in os.environ.get("COURSE_TRAINERS", "").split(",") if name.strip()]
c.JupyterHub.load_groups.update({"trainers": {"users": trainers}})
# The token a user's browser gets for their own server may carry the trainer scope (if the user holds it).
c.Spawner.oauth_client_allowed_scopes = [TRAINER_SCOPE]
