"""The zygote process itself (`python -m stalking_course.kernelfork <socket> <status fd> <timeout> <modules>`):
import what the pages use, then fork a kernel for each request on the socket, and reap the children."""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sys
import time
from pathlib import Path

from .preload import preload_modules

MAX_REQUEST = 1 << 20  # bytes (a kernel's environment and command line)


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
        sys.argv = [
            "ipykernel_launcher",
            *request["argv"][2:],
            "--HistoryManager.enabled=False",
            f"--IPKernelApp.parent_handle={os.getppid()}",
        ]
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
            print(
                f"kernel zygote: kernel {pid} exited with status {os.WEXITSTATUS(status)}", file=sys.stderr, flush=True
            )


def serve(path: str, status_fd: int, client_timeout: float, preload: list) -> int:
    if sys.path and Path(sys.path[0] or ".").resolve() == Path.cwd().resolve():
        del sys.path[0]  # as ipykernel_launcher does
    import gc

    status = os.fdopen(status_fd, "w")
    problem = preload_modules(preload)
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
