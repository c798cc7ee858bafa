"""Start and stop the two servers the benchmark compares, and look at their processes."""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MB = 2**20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, cmd: list, url: str, page_url: str, cwd: Path, env: dict, log: Path):
        self.name, self.url, self.page_url = name, url, page_url
        self.log_path = log
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {self.log_path}")
            try:
                urllib.request.urlopen(self.url, timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {timeout} s: see {self.log_path}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_pool(self, notebook: str, size: int, timeout: float = 240) -> bool:
        """Wait until the preheated pool of notebook is full again (Voila logs it) after it was last used."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log_text()
            uses = list(re.finditer(rf"Using pre-heated kernel: \S+ for {re.escape(notebook)}", text))
            used = uses[-1].end() if uses else 0
            if f"Kernel pool of {notebook} is filled with {size} kernel(s)" in text[used:]:
                return True
            time.sleep(1)
        return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # Voila shuts its kernels down on SIGINT
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        for kernel in self.orphans:
            try:
                kernel.kill()
            except psutil.Error:
                pass
        self._log.close()

    # ---------------------------------------------------------------- processes

    def processes(self) -> list:
        try:
            root = psutil.Process(self.proc.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return []
        self.orphans = [p for p in procs[1:]]
        return procs

    orphans: list = []

    def kernels(self) -> list:
        """The server's kernel processes (not the zygote that course kernels are forked from)."""
        out = []
        for p in self.processes()[1:]:
            try:
                if p.ppid() == self.proc.pid and "stalking_course.kernelfork" in " ".join(p.cmdline()):
                    continue
                out.append(p)
            except psutil.Error:
                pass
        return out

    def pss_mb(self) -> float:
        """Memory of the whole app: proportional set size (shared pages split between sharers) summed."""
        total = 0
        for p in self.processes():
            try:
                total += p.memory_full_info().pss
            except psutil.Error:
                pass
        return total / MB


def kernel_process(kernel_id: str):
    """The process of a kernel, found by the shell port in its connection file (forked kernels have
    the zygote's command line, so the connection file's name is not in it)."""
    files = glob.glob(os.path.join(tempfile.gettempdir(), "voila_*", f"kernel-{kernel_id}.json"))
    if not files:
        return None
    port = json.loads(Path(files[0]).read_text())["shell_port"]
    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN and conn.pid:
            return psutil.Process(conn.pid)
    return None


def uss_mb(proc) -> float:
    return proc.memory_full_info().uss / MB


def start_course(port: int, workdir: Path, extra: list = (), name: str = "course") -> Server:
    cmd = [PYTHON, "-m", "stalking_course.app", f"--port={port}", "--Voila.ip=127.0.0.1", "--no-browser", *extra]
    url = f"http://127.0.0.1:{port}/"
    return Server(
        name,
        cmd,
        url,
        f"{url}voila/render/notebooks/nl/01_wat-is-stalking.ipynb",
        REPO,
        dict(os.environ),
        workdir / f"{name}.log",
    )


def start_stock(port: int, workdir: Path, notebook: str) -> Server:
    """Plain `voila notebooks/` with default settings: no config file (empty config dir, neutral cwd). It serves
    the folder, so a trainee can open the next lesson as on the course app."""
    cwd = workdir / "stock"
    cwd.mkdir(exist_ok=True)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(cwd / "config"))
    voila = shutil.which("voila", path=str(Path(PYTHON).parent)) or "voila"
    cmd = [voila, str(REPO / "notebooks"), f"--port={port}", "--Voila.ip=127.0.0.1", "--no-browser"]
    url = f"http://127.0.0.1:{port}/"
    page = f"{url}voila/render/{Path(notebook).relative_to('notebooks').as_posix()}"
    return Server("stock", cmd, url, page, cwd, env, workdir / "stock.log")


def lesson_url(server: Server, notebook: str) -> str:
    """The URL of another lesson on the same server (notebook: its path under the repository)."""
    if server.name == "stock":
        return f"{server.url}voila/render/{Path(notebook).relative_to('notebooks').as_posix()}"
    return f"{server.url}voila/render/{notebook}"
