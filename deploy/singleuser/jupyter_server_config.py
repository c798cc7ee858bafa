# The trainee's single-user server on JupyterHub: the course and nothing else.
#
# Read by Jupyter Server from a config directory: the image copies it to /etc/jupyter/ (deploy/Dockerfile),
# Zero to JupyterHub mounts it there (singleuser.extraFiles in deploy/z2jh/values.yaml, the same text), a
# hub on one machine points JUPYTER_CONFIG_PATH at this folder (deploy/jupyterhub_config.py).
# The server is started by `python -m stalking_course.hub_server` (the hub's single-user command), which
# loads the course's extension; the extension refuses to start unless the lockdown below is in effect.
# Tunable without editing this file (environment of the single-user server, e.g. singleuser.extraEnv):
#   COURSE_KERNEL_IDLE_SECONDS  a page's kernel is stopped after this long without a message (default 1800)
#   COURSE_KERNEL_CULL_INTERVAL how often idle kernels are looked for, in seconds (default 60)
#   COURSE_MAX_KERNELS          pages (kernels) open at once per trainee (default 10)
import os

c = get_config()  # noqa: F821 (provided by Jupyter's config loader)

# -- Lockdown -----------------------------------------------------------------------------------------
# Server extensions: the course's command (stalking_course.hub_server) turns on the course's extension and
# turns off JupyterLab, the notebook, terminals, LSP, server-proxy, ... on its command line, which no file
# can override; the course's extension refuses to start if any other extension is on.
c.ServerApp.terminals_enabled = False
# Reading kernels and talking to one's own page kernel; everything else (contents, files, kernel start /
# restart / delete, sessions, kernelspecs, nbconvert, config) is refused with 403.
c.ServerApp.authorizer_class = "stalking_course.hub_server.CourseAuthorizer"
# The messages Voila's own app lets through a kernel websocket: widgets and kernel info, no execute_request.
c.MappingKernelManager.allowed_message_types = [
    "comm_open", "comm_close", "comm_msg", "comm_info_request", "kernel_info_request", "shutdown_request",
]
c.ServerApp.reraise_server_extension_failures = True  # a broken course extension stops the server
c.FileContentsManager.allow_hidden = False
c.ContentsManager.allow_hidden = False

# The course's folder (notebooks/, data/); in the image /srv/course, on one machine the repository.
from stalking_course.content import REPO_ROOT  # noqa: E402

c.ServerApp.root_dir = str(REPO_ROOT)

# -- Speed ----------------------------------------------------------------------------------------------
# gzip for every text response: tornado adds it when the Application is built, which Jupyter Server does
# after reading this setting (a lesson page: 5.0 MB -> 1.4 MB transferred, see the speed issue).
# mathjax_url: no CDN address in any page (the course has no formulas).
c.ServerApp.tornado_settings = {"compress_response": True, "mathjax_url": ""}

# -- Idle kernels ---------------------------------------------------------------------------------------
# An open tab keeps its kernel's websocket connected, and jupyterhub-idle-culler does not count an open tab
# as idle, so page kernels are culled here, connected or not. 30 minutes: a trainee back from a 15-minute
# break finds the page still working; a tab left open over lunch frees its ~35-60 MB.
c.MappingKernelManager.cull_idle_timeout = int(os.environ.get("COURSE_KERNEL_IDLE_SECONDS", "1800"))
c.MappingKernelManager.cull_interval = int(os.environ.get("COURSE_KERNEL_CULL_INTERVAL", "60"))
c.MappingKernelManager.cull_connected = True
c.MappingKernelManager.cull_busy = False
