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
restarts, and Voila's message filter. If the zygote is not running, kernels start the usual way.

Safety: the zygote is single-threaded when it forks (BLAS libraries are told to use one thread), each
child gets the environment, working directory and connection file the kernel manager asked for, its
own session (setsid) and fresh random seeds; a child exits when the zygote exits, and the zygote exits
when the app exits.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner
from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

# What every course page's kernel imports; the page modules themselves are added by page_modules().
BASE_PRELOAD = ["ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.comm", "ipykernel.debugger", "comm",
                "IPython.display", "IPython.core.completerlib", "IPython.core.oinspect", "IPython.core.debugger",
                "tornado.queues", "tornado.locks", "psutil", "pydoc", "ipywidgets",
                "stalking_course", "stalking_course.pagekit"]
SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                     "PYDEVD_DISABLE_FILE_VALIDATION": "1"}

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
    modules = sorted({f"stalking_course.{_EXPORTS[n]}" for n in names if n in _EXPORTS})
    extra = []
    package = Path(__file__).resolve().parent
    for module in modules:
        try:
            text = (package / (module.split(".", 1)[1] + ".py")).read_text(encoding="utf-8")
        except OSError:
            continue
        if re.search(r"^\s*(import pandas|from pandas)", text, re.M) and "pandas" not in extra:
            extra.append("pandas")
    return modules + extra


class Zygote:
    """The app's side: starts the zygote process and asks it for kernels."""

    def __init__(self, preload: list, log=None, timeout: float = 60.0):
        self.log = log
        self.dir = tempfile.mkdtemp(prefix="course-zygote-")
        self.path = os.path.join(self.dir, "zygote.sock")
        env = {**os.environ, **SINGLE_THREAD_ENV}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stalking_course.kernelfork", self.path, *preload],
            env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.path):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the kernel zygote did not start")
            time.sleep(0.02)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    async def spawn(self, cmd: list, env: dict, cwd: str) -> int:
        reader, writer = await asyncio.open_unix_connection(self.path)
        try:
            writer.write(json.dumps({"argv": cmd[1:], "env": env, "cwd": cwd}).encode() + b"\n")
            await writer.drain()
            reply = json.loads(await asyncio.wait_for(reader.readline(), 10))
        finally:
            writer.close()
        if "pid" not in reply:
            raise RuntimeError(reply.get("error", "the zygote gave no pid"))
        return int(reply["pid"])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        try:
            os.unlink(self.path)
        except OSError:
            pass
        try:
            os.rmdir(self.dir)
        except OSError:
            pass


def start(preload: list, log=None):
    """Start the zygote for this process (once); None if it cannot start (kernels then start as usual)."""
    global _zygote
    if _zygote is None or not _zygote.alive():
        try:
            _zygote = Zygote(preload, log)
        except (OSError, RuntimeError) as error:
            if log:
                log.warning("Kernels start the usual way: %s", error)
            _zygote = None
    return _zygote


def stop() -> None:
    global _zygote
    if _zygote is not None:
        _zygote.stop()
        _zygote = None


def current():
    return _zygote if _zygote is not None and _zygote.alive() else None


class ForkedProcess:
    """A Popen look-alike for a kernel that is the zygote's child (the zygote reaps it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:
                with open(f"/proc/{self.pid}/stat", "rb") as fh:
                    state = fh.read().rsplit(b")", 1)[1].split()[0]
                if state in (b"Z", b"X"):
                    self.returncode = -signal.SIGKILL
            except (FileNotFoundError, ProcessLookupError, IndexError):
                self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum):
        os.kill(self.pid, signum)

    def terminate(self):
        self.send_signal(signal.SIGTERM)

    def kill(self):
        self.send_signal(signal.SIGKILL)


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, but the process comes from the zygote."""

    async def launch_kernel(self, cmd, **kwargs):
        zygote = current()
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = await zygote.spawn(list(cmd), env, cwd)
        self.process = ForkedProcess(pid)
        self.pid = pid
        self.pgid = pid  # the child calls setsid()
        self.cwd = cwd
        return self.connection_info


def _forkable(cmd) -> bool:
    """A kernel command for this very Python's ipykernel (the only kind the zygote can be)."""
    if len(cmd) < 5 or list(cmd[1:3]) != ["-m", "ipykernel_launcher"] or "-f" not in cmd:
        return False
    exe = cmd[0]
    return exe in ("python", "python3") or os.path.realpath(exe) == os.path.realpath(sys.executable)


class ForkKernelManager(ServerKernelManager):
    """Jupyter Server's kernel manager; new kernels come from the zygote when it runs."""

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if current() is not None and type(self.provisioner) is LocalProvisioner and _forkable(kernel_cmd):
            self.provisioner.__class__ = ForkProvisioner
        try:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        except (OSError, RuntimeError, ValueError, asyncio.TimeoutError) as error:
            if type(self.provisioner) is not ForkProvisioner:
                raise
            self.log.warning("Forking a kernel failed (%s); starting it the usual way", error)
            self.provisioner.__class__ = LocalProvisioner
            return await super()._async_launch_kernel(kernel_cmd, **kw)


# ---------------------------------------------------------------- the zygote process itself

def _child(conn: socket.socket, server: socket.socket, request: dict) -> None:
    """In the forked child: become the kernel the request describes. Never returns."""
    code = 1
    try:
        server.close()
        conn.close()
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
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:  # noqa: BLE001 - report and leave; the kernel manager sees the exit
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _serve(path: str, preload: list) -> int:
    if sys.path and Path(sys.path[0] or ".").resolve() == Path.cwd().resolve():
        del sys.path[0]  # as ipykernel_launcher does
    import gc
    import importlib

    for name in preload:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - a module that fails here fails in the page too
            print(f"kernel zygote: could not preload {name}: {error}", file=sys.stderr)
    try:  # read and check the course data once, so each kernel finds it parsed
        from stalking_course.validate import validate_all

        validate_all()
    except Exception:  # noqa: BLE001 - the app has validated already; pages report errors themselves
        pass
    threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
    if threads != 1:
        print(f"kernel zygote: {threads} threads after preloading; not forking", file=sys.stderr)
        return 1
    gc.collect()
    gc.freeze()  # keep the garbage collector from touching (and so copying) the shared objects
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    tmp = path + ".tmp"
    server.bind(tmp)
    os.chmod(tmp, 0o600)
    server.listen(128)
    os.rename(tmp, path)  # appears only when ready
    server.settimeout(1.0)
    while True:
        if os.getppid() != parent:
            return 0  # the app is gone
        try:
            conn, _ = server.accept()
        except socket.timeout:
            continue
        try:
            conn.settimeout(10)
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            request = json.loads(data)
            pid = os.fork()
            if pid == 0:
                _child(conn, server, request)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        except Exception as error:  # noqa: BLE001 - one bad request must not stop the zygote
            try:
                conn.sendall(json.dumps({"error": str(error)}).encode() + b"\n")
            except OSError:
                pass
        finally:
            conn.close()


if __name__ == "__main__":
    sys.exit(_serve(sys.argv[1], sys.argv[2:]))
