"""Fast, small page kernels: fork them from a process that has already imported what pages use.

Every Voila page gets its own kernel. A kernel started the usual way is a new Python process that
imports ipykernel, ipywidgets and the course package again: about half a second of CPU and 35-45 MB of
memory of its own each time. When thirty trainees open a lesson at once on a two-core server, that is
fifteen seconds of CPU before the last page shows its quiz.

Here the app starts one helper process (the "zygote", as Android and uWSGI call it) that imports all
of that once and then waits. For each new kernel it forks: the child is a ready Python with everything
imported, becomes a normal ipykernel with the connection file jupyter_client wrote, and shares the
imported code and data with the zygote copy-on-write, so its unique memory (USS) is a fraction of a
fresh kernel's. Everything else is unchanged: jupyter_client's kernel manager, culling, interrupts,
restarts, and Voila's message filter.

The package: `client` (the app's side: start the zygote, ask it for kernels, ForkedProcess), `provisioner`
(ForkProvisioner), `server` (the zygote process itself, `python -m stalking_course.kernelfork`), `preload`
(what the zygote imports: BASE_PRELOAD and the page modules the notebooks use, read from the element registry),
`ports` (the kernels' tcp ports, chosen below the OS's ephemeral range: no other program is handed them before the
kernel binds them).

How it plugs in: `ForkProvisioner` is a jupyter_client kernel provisioner (the documented extension
point, jupyter_client >= 7), registered under the entry point `course-fork-provisioner` in
pyproject.toml; `configure()` makes it the default provisioner when the zygote is up. It subclasses
LocalProvisioner and only replaces how the process is made and signalled, so any kernel it cannot fork
(another kernel spec, the zygote gone, a failed fork) starts the usual way.

When kernels start the usual way instead (always with a log line saying why): not Linux, no pidfd
(Linux < 5.3), the provisioner's entry point is not installed, or the zygote fails to start — a preload
module that does not import or course data that does not validate is an error in the log, not a silent
half-warm zygote.

Safety:
- PIDs are never reused by mistake. The zygote (the kernels' parent) reaps its children on SIGCHLD. The
  app never signals a PID number: the zygote opens a pidfd for each child right after the fork (before
  it could be reaped) and passes it to the app over the socket (SCM_RIGHTS); every poll and signal goes
  through that pidfd, which names that one process for as long as the descriptor is open. A kernel that
  has died is "dead" and cannot be signalled, whatever process now has its number.
- The zygote serves requests with a selector loop: a client that connects and sends nothing (or half a
  request) is dropped after `client_timeout` seconds and never delays another kernel start.
- The zygote is single-threaded when it forks (BLAS libraries are told to use one thread); each child
  gets the environment, working directory and connection file the kernel manager asked for, its own
  session (setsid) and fresh random seeds; a child exits when the zygote exits, and the zygote exits
  when the app exits.
"""

from __future__ import annotations

from .client import (
    CLIENT_TIMEOUT,
    PROVISIONER_GROUP,
    PROVISIONER_NAME,
    SINGLE_THREAD_ENV,
    ForkedProcess,
    Zygote,
    configure,
    current,
    start,
    stop,
    unsupported,
)
from .preload import BASE_PRELOAD, page_modules, recording_modules
from .provisioner import ForkProvisioner

__all__ = [
    "BASE_PRELOAD",
    "CLIENT_TIMEOUT",
    "PROVISIONER_GROUP",
    "PROVISIONER_NAME",
    "SINGLE_THREAD_ENV",
    "ForkProvisioner",
    "ForkedProcess",
    "Zygote",
    "configure",
    "current",
    "page_modules",
    "recording_modules",
    "start",
    "stop",
    "unsupported",
]
