# A plain JupyterHub on one machine serving the stalking course (docs/deploy.md, "One server, plain hub").
#
#   COURSE_SHARED_PASSWORD=... COURSE_USERS=anna,bram,trainer1 COURSE_TRAINERS=trainer1 \
#   COURSE_DIR=$PWD COURSE_PYTHON=$PWD/.venv/bin/python \
#   jupyterhub -f deploy/jupyterhub_config.py
#
# The course's part (single-user command, start page, lockdown, trainers' role) is deploy/tljh/stalking_course.py,
# the same file The Littlest JupyterHub uses; this file adds what TLJH would otherwise bring: addresses, the
# state folder, the spawner, the login and the culling of idle servers. tests/test_hub_deploy.py runs it.
#
# Environment (besides the course's, see deploy/tljh/stalking_course.py):
#   COURSE_HUB_URL          the public address, default http://127.0.0.1:8000 (put TLS in front for a real hub)
#   COURSE_HUB_STATE        folder for the hub's database, cookie secret, progress and the trainees' homes
#                           (default ~/.local/share/stalking-course-hub)
#   COURSE_HUB_API_PORT     port of the hub's own API (loopback), default 8081
#   COURSE_PROXY_API_PORT   port of configurable-http-proxy's API (loopback), default 8001
#   COURSE_SPAWNER          "local" (default: one Unix account per trainee, the hub runs as root) or "simple"
#                           (every trainee's server runs as the hub's own account; a trial or a test machine)
#   COURSE_AUTHENTICATOR    "shared-password" (default; COURSE_SHARED_PASSWORD, at least 8 characters, and the
#                           user names in COURSE_USERS) or any JupyterHub authenticator class (configure it below)
#   COURSE_SERVER_IDLE_SECONDS  stop a trainee's server after this long without activity (default 3600;
#                           needs `pip install jupyterhub-idle-culler` next to the hub)
import os
import shutil
import sys

c = get_config()  # noqa: F821 (provided by JupyterHub's config loader)
here = os.path.dirname(os.path.abspath(__file__))

load_subconfig(os.path.join(here, "tljh", "stalking_course.py"))  # noqa: F821

state = os.path.abspath(os.environ.get("COURSE_HUB_STATE") or os.path.expanduser("~/.local/share/stalking-course-hub"))
os.makedirs(state, mode=0o700, exist_ok=True)

c.JupyterHub.bind_url = os.environ.get("COURSE_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ.get('COURSE_HUB_API_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('COURSE_PROXY_API_PORT', '8001')}"
c.JupyterHub.db_url = os.environ.get("COURSE_HUB_DB_URL", f"sqlite:///{os.path.join(state, 'jupyterhub.sqlite')}")
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "jupyterhub-proxy.pid")
c.JupyterHub.pid_file = os.path.join(state, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.tornado_settings = {"compress_response": True}

# Progress: one database and one key for every trainee's server (COURSE_DB_URL for PostgreSQL; without it
# SQLite in this folder, which every server must be able to write: fine with the simple spawner).
c.Spawner.environment.update({"COURSE_DATA_DIR": os.environ.get("COURSE_DATA_DIR") or os.path.join(state, "course-data")})

if os.environ.get("COURSE_SPAWNER", "local") == "simple":
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "homes", "{username}")
    if os.geteuid() == 0:  # a container or a test machine where everything runs as root
        c.Spawner.args = ["--ServerApp.allow_root=True"]
else:
    c.JupyterHub.spawner_class = "default"  # LocalProcessSpawner: each trainee's server as their Unix account

authenticator = os.environ.get("COURSE_AUTHENTICATOR", "shared-password")
c.JupyterHub.authenticator_class = authenticator
if authenticator == "shared-password":
    c.SharedPasswordAuthenticator.user_password = os.environ["COURSE_SHARED_PASSWORD"]
    users = {name.strip() for name in os.environ.get("COURSE_USERS", "").split(",") if name.strip()}
    c.Authenticator.allowed_users = users
c.Authenticator.admin_users = set()  # trainers are a group with a role, not admins

# Idle servers are stopped (the course keeps progress in its database; the next login starts a fresh server).
# Kernels of pages left open are stopped by the server itself (deploy/singleuser/jupyter_server_config.py).
server_idle = int(os.environ.get("COURSE_SERVER_IDLE_SECONDS", "3600"))
if server_idle > 0:
    try:
        import jupyterhub_idle_culler  # noqa: F401
    except ImportError:
        print("deploy/jupyterhub_config.py: jupyterhub-idle-culler is not installed, idle servers keep running "
              "(pip install jupyterhub-idle-culler)", file=sys.stderr)
    else:
        c.JupyterHub.load_roles.append({"name": "idle-culler", "services": ["idle-culler"],
                                        "scopes": ["list:users", "read:users:activity", "read:servers",
                                                   "delete:servers"]})
        c.JupyterHub.services.append({"name": "idle-culler",
                                      "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                                                  f"--timeout={server_idle}", "--cull-every=300"]})

# configurable-http-proxy from npm: on PATH, or COURSE_CHP names it (tests/hub/ installs one with `npm ci`).
chp = os.environ.get("COURSE_CHP") or shutil.which("configurable-http-proxy")
if chp:
    c.ConfigurableHTTPProxy.command = [chp]
