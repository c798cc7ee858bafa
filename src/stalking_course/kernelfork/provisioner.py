"""ForkProvisioner: jupyter_client's local provisioner, with the kernel process forked by the zygote."""

from __future__ import annotations

import os
import sys

from jupyter_client.provisioning import LocalProvisioner

from . import client, ports
from .client import ForkedProcess


def _forkable(cmd) -> bool:
    """A kernel command for this very Python's ipykernel (the only kind the zygote can be)."""
    if len(cmd) < 5 or list(cmd[1:3]) != ["-m", "ipykernel_launcher"] or "-f" not in cmd:
        return False
    exe = cmd[0]
    return exe in ("python", "python3") or os.path.realpath(exe) == os.path.realpath(sys.executable)


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, but the process comes from the zygote when it can.

    Registered as the entry point `course-fork-provisioner`; `configure()` makes it the default. Its kernels'
    tcp ports come from below the OS's ephemeral range (see `ports`), so no other program is handed them
    between the choice and the kernel's bind."""

    async def pre_launch(self, **kwargs):
        km = self.parent
        chosen = None
        if km is not None and km.transport == "tcp" and km.cache_ports and not self.ports_cached:
            chosen = ports.reserve(km.ip)  # None: jupyter_client picks them the usual way
            if chosen:
                for name, port in zip(ports.PORT_NAMES, chosen, strict=True):
                    setattr(km, name, port)
                self.ports_cached = True  # LocalProvisioner keeps them, and cleanup() returns them
        try:
            return await super().pre_launch(**kwargs)
        except BaseException:
            if chosen:  # no kernel will have them
                ports.release(chosen)
                self.ports_cached = False
            raise

    async def launch_kernel(self, cmd, **kwargs):
        zygote = client.current()
        if zygote is not None and _forkable(cmd):
            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            try:
                process = await zygote.spawn(list(cmd), env, cwd)
            except (OSError, RuntimeError, ValueError) as error:
                self.log.warning("Forking a kernel failed (%s); starting it the usual way", error)
            else:
                self.process = process
                self.pid = self.pgid = process.pid  # the child called setsid(); signals use the pidfd only
                self.cwd = cwd
                return self.connection_info
        elif client.started() and zygote is None:
            self.log.warning("The kernel zygote has ended; this kernel starts the usual way")
        return await super().launch_kernel(cmd, **kwargs)

    async def send_signal(self, signum: int) -> None:
        if isinstance(self.process, ForkedProcess):
            # Not os.killpg(self.pgid): after the kernel ended, that number may be another process's.
            self.process.send_signal(signum)
            return
        await super().send_signal(signum)

    async def cleanup(self, restart: bool = False) -> None:
        if isinstance(self.process, ForkedProcess):
            self.process.close()
        await super().cleanup(restart)
