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

import asyncio
import json
import os
import re
import select
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner

# What every course page's kernel imports; the page modules themselves are added by page_modules().
BASE_PRELOAD = ["ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.comm", "ipykernel.debugger", "comm",
                "IPython.display", "IPython.core.completerlib", "IPython.core.oinspect", "IPython.core.debugger",
                "tornado.queues", "tornado.locks", "psutil", "pydoc", "ipywidgets",
                "stalking_course", "stalking_course.elements.base"]
SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                     "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
PROVISIONER_NAME = "course-fork-provisioner"  # the entry point in pyproject.toml
PROVISIONER_GROUP = "jupyter_client.kernel_provisioners"
CLIENT_TIMEOUT = 10.0  # seconds a client of the zygote has to send its request
MAX_REQUEST = 1 << 20  # bytes (a kernel's environment and command line)

_zygote = None  # the running Zygote of this process, if any


def page_modules(repo_root: Path) -> list:
    """The course modules the pages import (from `from stalking_course import ...` in the notebooks),
    and the heavy libraries those modules import inside their functions (pandas), so a fork has them."""
    from . import _EXPORTS

    names = set()
    pattern = re.compile(r"from\s+stalking_course\s+import\s+\(?([\w\s,]+)")
    for folder in ("notebooks", "exercises"):
        for path in (repo_root / folder).rglob("*.ipynb"):
            if ".ipynb_checkpoints" in path.parts:
                continue
            try:
                cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            except (OSError, ValueError):
                continue
            for cell in cells:
                source = cell.get("source", "")
                source = "".join(source) if isinstance(source, list) else source
                for match in pattern.finditer(source):
                    names.update(n.strip() for n in match.group(1).split(","))
    modules = sorted({_EXPORTS[n] for n in names if n in _EXPORTS})
    extra = []
    package = Path(__file__).resolve().parent
    for module in modules:
        try:
            text = (package / (module.split(".", 1)[1].replace(".", "/") + ".py")).read_text(encoding="utf-8")
        except OSError:
            continue
        if re.search(r"^\s*(import pandas|from pandas)", text, re.M) and "pandas" not in extra:
            extra.append("pandas")
    return modules + extra


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
        return (f"the kernel provisioner {PROVISIONER_NAME!r} is not installed "
                "(the package's entry points are out of date: pip install -e .)")
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
                [sys.executable, "-m", "stalking_course.kernelfork", self.path, str(status_w), str(client_timeout),
                 *preload], env=env, stdin=subprocess.DEVNULL, start_new_session=True, pass_fds=(status_w,))
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

    def spawn_blocking(self, cmd: list, env: dict, cwd: str, timeout: float = 30.0) -> "ForkedProcess":
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

    async def spawn(self, cmd: list, env: dict, cwd: str) -> "ForkedProcess":
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
    return _zygote if _zygote is not None and _zygote.alive() else None


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


def _forkable(cmd) -> bool:
    """A kernel command for this very Python's ipykernel (the only kind the zygote can be)."""
    if len(cmd) < 5 or list(cmd[1:3]) != ["-m", "ipykernel_launcher"] or "-f" not in cmd:
        return False
    exe = cmd[0]
    return exe in ("python", "python3") or os.path.realpath(exe) == os.path.realpath(sys.executable)


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, but the process comes from the zygote when it can.

    Registered as the entry point `course-fork-provisioner`; `configure()` makes it the default."""

    async def launch_kernel(self, cmd, **kwargs):
        zygote = current()
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
        elif _zygote is not None and zygote is None:
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


# ---------------------------------------------------------------- the zygote process itself

def _child(request: dict, keep_out: list) -> None:
    """In the forked child: become the kernel the request describes. Never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for thing in keep_out:  # the zygote's sockets, selector and pipes are not the kernel's
            try:
                thing.close() if hasattr(thing, "close") else os.close(thing)
            except OSError:
                pass
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        env = {str(k): str(v) for k, v in request["env"].items()}
        env["JPY_PARENT_PID"] = str(os.getppid())
        os.environ.clear()
        os.environ.update(env)
        os.chdir(request["cwd"])
        if "numpy" in sys.modules:  # forks must not share a random state
            sys.modules["numpy"].random.seed()
        # A page's kernel keeps no input history (nobody types into it): no shared sqlite file to lock.
        # The kernel exits when the zygote is gone (ipykernel read JPY_PARENT_PID when the zygote imported
        # it, so it is passed here).
        sys.argv = ["ipykernel_launcher", *request["argv"][2:], "--HistoryManager.enabled=False",
                    f"--IPKernelApp.parent_handle={os.getppid()}"]
        from ipykernel import kernelapp

        app = kernelapp.IPKernelApp.instance()
        app.initialize()
        # Modules imported before there was a kernel missed their import-time hooks: run them now.
        # ipywidgets registers its comm targets (without them the page asks for every widget's state
        # one message at a time instead of all at once).
        widgets = sys.modules.get("ipywidgets")
        if widgets is not None:
            widgets.register_comm_target()
        app.start()
        code = 0
    except SystemExit as stop_:
        code = stop_.code if isinstance(stop_.code, int) else 0
    except BaseException:  # noqa: BLE001 - report and leave; the kernel manager sees the exit
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _preload(preload: list) -> str | None:
    """Import what the pages use and read the course data; why that failed, or None."""
    import importlib

    for name in preload:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - reported to the app, which falls back
            return f"could not preload {name}: {type(error).__name__}: {error}"
    if any(name.split(".")[0] == "stalking_course" for name in preload):
        # Read and check the course data once, so each kernel finds it parsed.
        try:
            from stalking_course.validate import validate_all

            validate_all()
        except Exception as error:  # noqa: BLE001 - reported to the app, which falls back
            return f"the course data did not validate in the zygote: {type(error).__name__}: {error}"
    threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
    if threads != 1:
        return f"{threads} threads after preloading (forking needs one)"
    return None


def _reap() -> None:
    """Collect every ended child, so none stays a zombie and its PID is free only once it is ours no more."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) not in (signal.SIGTERM, signal.SIGKILL, signal.SIGINT):
            print(f"kernel zygote: kernel {pid} ended by signal {os.WTERMSIG(status)}", file=sys.stderr, flush=True)
        elif os.WIFEXITED(status) and os.WEXITSTATUS(status) not in (0,):
            print(f"kernel zygote: kernel {pid} exited with status {os.WEXITSTATUS(status)}", file=sys.stderr,
                  flush=True)


def _serve(path: str, status_fd: int, client_timeout: float, preload: list) -> int:
    if sys.path and Path(sys.path[0] or ".").resolve() == Path.cwd().resolve():
        del sys.path[0]  # as ipykernel_launcher does
    import gc

    status = os.fdopen(status_fd, "w")
    problem = _preload(preload)
    if problem is not None:
        print(f"kernel zygote: {problem}", file=sys.stderr, flush=True)
        status.write(problem.replace("\n", " ") + "\n")
        status.close()
        return 3
    gc.collect()
    gc.freeze()  # keep the garbage collector from touching (and so copying) the shared objects
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Children are reaped here (not SIG_IGN): the zygote decides when a kernel's PID is given back.
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    parent = os.getppid()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    tmp = path + ".tmp"
    server.bind(tmp)
    os.chmod(tmp, 0o600)
    server.listen(128)
    os.rename(tmp, path)
    server.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(server, selectors.EVENT_READ, "accept")
    sel.register(wake_r, selectors.EVENT_READ, "signal")
    clients = {}  # socket -> [bytes received, deadline]
    status.write("ready\n")
    status.close()

    def drop(conn):
        sel.unregister(conn)
        clients.pop(conn, None)
        conn.close()

    while True:
        if os.getppid() != parent:
            return 0  # the app is gone
        now = time.monotonic()
        wait = min([1.0, *(deadline - now for _, deadline in clients.values())])
        for key, _ in sel.select(max(wait, 0)):
            if key.data == "accept":
                try:
                    conn, _ = server.accept()
                except (BlockingIOError, InterruptedError):
                    continue
                conn.setblocking(False)
                clients[conn] = [b"", time.monotonic() + client_timeout]
                sel.register(conn, selectors.EVENT_READ, "client")
            elif key.data == "signal":
                try:
                    while os.read(wake_r, 512):
                        pass
                except BlockingIOError:
                    pass
            else:
                conn = key.fileobj
                try:
                    chunk = conn.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    drop(conn)
                    continue
                if not chunk:
                    drop(conn)
                    continue
                clients[conn][0] += chunk
                data = clients[conn][0]
                if b"\n" in data or len(data) > MAX_REQUEST:
                    sel.unregister(conn)
                    clients.pop(conn)
                    keep_out = [server, sel, wake_r, wake_w, conn, *clients]
                    try:
                        _answer(conn, data, keep_out)
                    except Exception as error:  # noqa: BLE001 - one request must not stop the zygote
                        print(f"kernel zygote: a request failed: {error!r}", file=sys.stderr, flush=True)
                    finally:
                        conn.close()
        _reap()
        now = time.monotonic()
        for conn in [c for c, (_, deadline) in clients.items() if deadline <= now]:
            drop(conn)  # a client that did not send its request in time: others go on meanwhile


def _answer(conn: socket.socket, data: bytes, keep_out: list) -> None:
    """Fork the kernel a request asks for and send its pid, with a pidfd for it, to the client."""
    conn.setblocking(True)
    conn.settimeout(2)
    try:
        if len(data) > MAX_REQUEST:
            raise ValueError("request too large")
        request = json.loads(data.split(b"\n", 1)[0])
        if not isinstance(request.get("argv"), list) or not isinstance(request.get("env"), dict):
            raise ValueError("not a kernel request")
        os.stat(request["cwd"])  # a bad working directory is an error here, not a dead kernel
    except (ValueError, KeyError, TypeError, OSError) as error:
        try:
            conn.sendall(json.dumps({"error": f"bad request: {error}"}).encode() + b"\n")
        except OSError:
            pass
        return
    try:
        pid = os.fork()
    except OSError as error:  # out of memory or processes: this kernel starts the usual way
        try:
            conn.sendall(json.dumps({"error": f"fork failed: {error}"}).encode() + b"\n")
        except OSError:
            pass
        return
    if pid == 0:
        _child(request, keep_out)
    try:
        pidfd = os.pidfd_open(pid)  # before any reaping: this descriptor names this child and nothing else
    except OSError as error:
        os.kill(pid, signal.SIGKILL)  # not reaped yet, so this PID is still this child's
        try:
            conn.sendall(json.dumps({"error": f"pidfd_open failed: {error}"}).encode() + b"\n")
        except OSError:
            pass
        return
    try:
        socket.send_fds(conn, [json.dumps({"pid": pid}).encode() + b"\n"], [pidfd])
    except OSError:  # the client is gone: nobody will manage this kernel
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    finally:
        os.close(pidfd)


if __name__ == "__main__":
    sys.exit(_serve(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]))
