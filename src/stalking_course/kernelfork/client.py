"""The app's side of the zygote: start it (once per process), ask it for kernel processes, and hold each
kernel by the pidfd the zygote sends with it (ForkedProcess, a Popen look-alike)."""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

SINGLE_THREAD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}
PROVISIONER_NAME = "course-fork-provisioner"  # the entry point in pyproject.toml
PROVISIONER_GROUP = "jupyter_client.kernel_provisioners"
CLIENT_TIMEOUT = 10.0  # seconds a client of the zygote has to send its request
_zygote = None  # the running Zygote of this process, if any


def unsupported() -> str | None:
    """Why page kernels cannot be forked here (None: they can)."""
    if not sys.platform.startswith("linux"):
        return f"forking page kernels needs Linux (this is {sys.platform})"
    if not hasattr(os, "pidfd_open") or not hasattr(signal, "pidfd_send_signal"):
        return "forking page kernels needs os.pidfd_open (Python 3.9+ on Linux)"
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError as error:
        return f"this Linux kernel has no pidfd (Linux 5.3+ is needed): {error}"
    from importlib.metadata import entry_points

    if not list(entry_points(group=PROVISIONER_GROUP, name=PROVISIONER_NAME)):
        return (
            f"the kernel provisioner {PROVISIONER_NAME!r} is not installed "
            "(the package's entry points are out of date: pip install -e .)"
        )
    return None


class Zygote:
    """The app's side: starts the zygote process and asks it for kernels."""

    def __init__(self, preload: list, log=None, timeout: float = 120.0, client_timeout: float = CLIENT_TIMEOUT):
        self.log = log
        self.dir = tempfile.mkdtemp(prefix="course-zygote-")
        self.path = os.path.join(self.dir, "zygote.sock")
        env = {**os.environ, **SINGLE_THREAD_ENV}
        status_r, status_w = os.pipe()  # the zygote writes one line: "ready" or why it cannot serve
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "stalking_course.kernelfork",
                    self.path,
                    str(status_w),
                    str(client_timeout),
                    *preload,
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                pass_fds=(status_w,),
            )
        except BaseException:
            os.close(status_r)
            self._remove_dir()
            raise
        finally:
            os.close(status_w)
        try:
            status = self._read_status(status_r, timeout)
        finally:
            os.close(status_r)
        if status != "ready":
            self.stop()
            raise RuntimeError(status)

    def _read_status(self, fd: int, timeout: float) -> str:
        data = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in data:
            left = deadline - time.monotonic()
            if left <= 0:
                return f"the kernel zygote was not ready within {timeout:.0f} s"
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                data += chunk
        line = data.decode("utf-8", "replace").strip()
        if not line:
            return f"the kernel zygote exited before it was ready (exit status {self.process.poll()})"
        return line

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def spawn_blocking(self, cmd: list, env: dict, cwd: str, timeout: float = 30.0) -> ForkedProcess:
        """Ask the zygote for a kernel process; its pidfd comes with the answer."""
        request = json.dumps({"argv": list(cmd[1:]), "env": env, "cwd": cwd}).encode() + b"\n"
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(self.path)
            sock.sendall(request)
            data, fds = b"", []
            while not data.endswith(b"\n"):
                chunk, new_fds, _flags, _addr = socket.recv_fds(sock, 65536, 1, getattr(socket, "MSG_CMSG_CLOEXEC", 0))
                fds.extend(new_fds)
                if not chunk:
                    break
                data += chunk
        try:
            reply = json.loads(data or b"{}")
            if "pid" not in reply or len(fds) != 1:
                raise RuntimeError(reply.get("error", "the kernel zygote gave no process"))
            process = ForkedProcess(int(reply["pid"]), fds.pop())
        finally:
            for fd in fds:
                os.close(fd)
        return process

    async def spawn(self, cmd: list, env: dict, cwd: str) -> ForkedProcess:
        return await asyncio.to_thread(self.spawn_blocking, cmd, env, cwd)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._remove_dir()

    def _remove_dir(self) -> None:
        for path in (self.path, self.path + ".tmp"):
            try:
                os.unlink(path)
            except OSError:
                pass
        try:
            os.rmdir(self.dir)
        except OSError:
            pass


def start(preload: list, log=None, **kwargs):
    """Start the zygote for this process (once); None if it cannot start (kernels then start as usual).
    Why not is logged: a warning where forking is not supported (not Linux, ...), an error when the zygote
    fails (measured: a page then takes two to three times as long to start and its kernel 12 MB more)."""
    global _zygote
    if _zygote is None or not _zygote.alive():
        _zygote = None
        reason = unsupported()
        if reason is not None:
            if log:
                log.warning("Page kernels start the usual way: %s", reason)
            return None
        try:
            _zygote = Zygote(preload, log, **kwargs)
        except (OSError, RuntimeError) as error:
            if log:
                log.error("Page kernels start the usual way (slower, larger): the kernel zygote failed: %s", error)
    return _zygote


def configure(config, preload: list, log=None, **kwargs) -> bool:
    """Make forked kernels the default of this app's kernel managers (config: the app's traitlets
    Config), if the zygote starts; otherwise leave kernels alone. True if kernels will be forked."""
    zygote = start(preload, log, **kwargs)
    if zygote is None:
        return False
    from jupyter_client.provisioning import KernelProvisionerFactory

    config.KernelProvisionerFactory.default_provisioner_name = PROVISIONER_NAME
    if KernelProvisionerFactory.initialized():  # made already (listing kernel specs does): tell it too
        KernelProvisionerFactory.instance().default_provisioner_name = PROVISIONER_NAME
    if log:
        log.info("Page kernels are forked from a preloaded process (pid %s)", zygote.pid)
    return True


def stop() -> None:
    global _zygote
    if _zygote is not None:
        _zygote.stop()
        _zygote = None


def current():
    """The running zygote of this process, or None."""
    return _zygote if _zygote is not None and _zygote.alive() else None


def started() -> bool:
    """Whether this process started a zygote (that may have ended since)."""
    return _zygote is not None


class ForkedProcess:
    """A Popen look-alike for a kernel that is the zygote's child, held by a pidfd.

    The zygote reaps the process and so has its exit status; here a finished kernel reports 1 ("ended",
    status unknown). Signals go through the pidfd only: once the kernel has ended they are dropped (as
    subprocess.Popen drops them), and no other process can ever receive them."""

    stdin = stdout = stderr = None
    UNKNOWN_EXIT = 1

    def __init__(self, pid: int, pidfd: int):
        self.pid = pid
        self.pidfd = pidfd
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            if self.pidfd is None:
                self.returncode = self.UNKNOWN_EXIT
            else:
                ended, _, _ = select.select([self.pidfd], [], [], 0)  # a pidfd is readable once its process ended
                if ended:
                    self.returncode = self.UNKNOWN_EXIT
                    self.close()
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            select.select([self.pidfd], [], [], 0.5 if left is None else min(left, 0.5))
        return self.returncode

    def send_signal(self, signum):
        # As subprocess.Popen does: a process that has ended is not signalled, and that is no error.
        if self.poll() is not None:
            return
        try:
            signal.pidfd_send_signal(self.pidfd, signum)
        except ProcessLookupError:  # it ended just now
            pass

    def terminate(self):
        self.send_signal(signal.SIGTERM)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def close(self):
        fd, self.pidfd = self.pidfd, None
        if fd is not None:
            os.close(fd)

    def __del__(self):
        try:
            self.close()
        except OSError:
            pass
