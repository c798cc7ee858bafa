"""kernelfork: page kernels forked from a preloaded process (the zygote).

Real processes throughout: a real zygote, real ipykernel kernels forked from it, jupyter_client's own
kernel manager and restarter, signals and sockets of the OS. The zygote here preloads only ipykernel,
so it starts in a second or two."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from jupyter_client.ioloop import AsyncIOLoopKernelManager
from jupyter_client.provisioning import KernelProvisionerFactory
from traitlets.config import Config

from stalking_course import kernelfork

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernels are forked on Linux only")

PRELOAD = ["ipykernel.kernelapp", "ipykernel.ipkernel"]
REPO = Path(__file__).resolve().parents[1]
CLIENT_TIMEOUT = 6.0  # the zygote drops a client that has not sent its request by then


def run_on_own_loop(coro):
    """asyncio.run in a thread of its own: in the full suite the session's sync Playwright browser keeps an
    event loop running in this thread, and asyncio.run refuses to start inside it."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append((record.levelno, record.getMessage()))


def logger():
    log = logging.getLogger(f"test-kernelfork-{time.monotonic_ns()}")
    log.propagate = False
    records = Records()
    log.addHandler(records)
    log.setLevel(logging.DEBUG)
    return log, records


def wait_until(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


async def async_wait_until(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(step)
    return bool(await condition())


@pytest.fixture(scope="module")
def zygote():
    if kernelfork.unsupported():
        pytest.fail(f"kernels cannot be forked here: {kernelfork.unsupported()}")
    factory = KernelProvisionerFactory.instance()
    before = factory.default_provisioner_name
    log, records = logger()
    config = Config()
    assert kernelfork.configure(config, PRELOAD, log, client_timeout=CLIENT_TIMEOUT), records.lines
    assert config.KernelProvisionerFactory.default_provisioner_name == kernelfork.PROVISIONER_NAME
    assert factory.default_provisioner_name == kernelfork.PROVISIONER_NAME
    try:
        yield kernelfork.current()
    finally:
        factory.default_provisioner_name = before
        kernelfork.stop()


async def forked_kernel(zygote, **config) -> AsyncIOLoopKernelManager:
    km = AsyncIOLoopKernelManager(kernel_name="python3", config=Config(config))
    await km.start_kernel()
    assert isinstance(km.provisioner, kernelfork.ForkProvisioner)
    assert isinstance(km.provisioner.process, kernelfork.ForkedProcess), "the kernel was not forked"
    assert psutil.Process(km.provisioner.pid).ppid() == zygote.pid
    return km


def test_a_kernel_that_dies_is_seen_dead_reaped_restarted_and_shut_down(zygote):
    async def run():
        # The restarter as the app's kernel manager runs it (jupyter_server: autorestart), polling quickly.
        km = await forked_kernel(zygote, KernelRestarter={"time_to_dead": 0.2, "stable_start_time": 1.0})
        km.start_restarter()
        try:
            first = psutil.Process(km.provisioner.pid)
            first.kill()  # as the OOM killer would
            assert await async_wait_until(lambda: _not(km.is_alive()), 2), "the manager did not see it die"
            assert wait_until(lambda: not first.is_running(), 5), "the zygote did not reap the dead kernel"
            # The restarter starts a new kernel, forked again.
            assert await async_wait_until(lambda: _restarted(km, first.pid), 20), "the kernel was not restarted"
            assert isinstance(km.provisioner.process, kernelfork.ForkedProcess)
            assert psutil.Process(km.provisioner.pid).ppid() == zygote.pid
        finally:
            km.stop_restarter()
        # It dies again; the culler (MappingKernelManager.cull_kernel_if_idle) shuts dead kernels down
        # the ordinary way: a shutdown request, then a wait for the process. That must end, quickly.
        second = psutil.Process(km.provisioner.pid)
        second.kill()
        assert await async_wait_until(lambda: _not(km.is_alive()), 2)
        started = time.monotonic()
        await km.shutdown_kernel()
        assert time.monotonic() - started < 10
        assert not km.has_kernel
        assert wait_until(lambda: not second.is_running(), 5)

    run_on_own_loop(run())


async def _not(awaitable):
    return not await awaitable


async def _restarted(km, old_pid):
    return km.provisioner is not None and km.provisioner.pid not in (None, old_pid) and await km.is_alive()


def test_a_reused_pid_is_never_signalled(zygote):
    """After a kernel has ended, its PID is free and the OS may give it to any new process. Nothing the
    kernel manager does afterwards (interrupt, terminate, kill, shutdown) may reach that process."""
    # Another process, leading its own session and process group as a forked kernel does (setsid).
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    try:

        async def run():
            km = await forked_kernel(zygote)
            provisioner = km.provisioner
            kernel = psutil.Process(provisioner.pid)
            kernel.kill()
            assert wait_until(lambda: not kernel.is_running(), 5), "the zygote did not reap the dead kernel"
            # The kernel's number now names another process, exactly as after PID reuse.
            provisioner.pid = provisioner.pgid = provisioner.process.pid = stranger.pid
            assert not await km.is_alive()
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
                await provisioner.send_signal(signum)  # dropped, as subprocess.Popen drops them
            await km.interrupt_kernel()
            await provisioner.terminate()
            await provisioner.kill()
            process = provisioner.process
            process.send_signal(signal.SIGTERM)
            process.terminate()
            process.kill()
            await km.shutdown_kernel(now=True)

        run_on_own_loop(run())
        time.sleep(0.2)
        assert stranger.poll() is None, "a signal meant for a dead kernel reached another process"
    finally:
        stranger.kill()
        stranger.wait()


def test_a_slow_client_does_not_hold_up_other_kernel_starts(zygote):
    half = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        half.connect(zygote.path)
        half.sendall(b'{"argv": ["python", "-m"')  # half a request, then nothing
        silent.connect(zygote.path)  # nothing at all

        async def run():
            started = time.monotonic()
            km = await forked_kernel(zygote)
            took = time.monotonic() - started
            await km.shutdown_kernel(now=True)
            return took

        took = run_on_own_loop(run())
        # Both slow clients are still connected: the kernel start did not wait for either.
        for slow in (half, silent):
            slow.setblocking(False)
            with pytest.raises(BlockingIOError):
                slow.recv(1)
        assert took < CLIENT_TIMEOUT
        # And the zygote drops them once their time is up.
        for slow in (half, silent):
            slow.settimeout(CLIENT_TIMEOUT + 10)
            assert slow.recv(1) == b""
    finally:
        half.close()
        silent.close()


@pytest.mark.parametrize("failure", ["a preload that does not import", "course data that does not validate"])
def test_a_failing_validation_is_logged_and_kernels_start_the_usual_way(zygote, monkeypatch, tmp_path, failure):
    monkeypatch.setattr(kernelfork.client, "_zygote", None)  # as in a fresh app
    if failure == "a preload that does not import":
        preload, expected = [*PRELOAD, "stalking_course.no_such_module"], "stalking_course.no_such_module"
    else:  # the zygote reads the course data from an empty folder
        monkeypatch.setenv("STALKING_COURSE_DATA", str(tmp_path))
        preload, expected = [*PRELOAD, "stalking_course"], "did not validate"
    log, records = logger()
    config = Config()
    assert not kernelfork.configure(config, preload, log)
    errors = [text for level, text in records.lines if level >= logging.ERROR]
    assert errors and "usual way" in errors[0] and expected in errors[0], records.lines
    assert "default_provisioner_name" not in config.KernelProvisionerFactory  # the app keeps jupyter's default
    assert kernelfork.current() is None
    zygotes = [p for p in psutil.Process().children() if "stalking_course.kernelfork" in " ".join(p.cmdline())]
    assert [p.pid for p in zygotes] == [zygote.pid], "the failed zygote is still running"

    # A kernel manager told to fork, with no zygote, starts its kernel the usual way.
    async def run():
        km = AsyncIOLoopKernelManager(kernel_name="python3")
        await km.start_kernel()
        try:
            assert isinstance(km.provisioner, kernelfork.ForkProvisioner)
            assert isinstance(km.provisioner.process, subprocess.Popen)
            assert psutil.Process(km.provisioner.pid).ppid() == os.getpid()
        finally:
            await km.shutdown_kernel(now=True)

    run_on_own_loop(run())


def test_not_linux_means_the_usual_kernels_and_a_log_line(monkeypatch):
    monkeypatch.setattr(kernelfork.client, "_zygote", None)
    monkeypatch.setattr(sys, "platform", "darwin")
    log, records = logger()
    assert not kernelfork.configure(Config(), PRELOAD, log)
    assert any("needs Linux" in text for _, text in records.lines), records.lines
    assert kernelfork.client._zygote is None


def test_a_bad_request_gets_an_error_and_the_zygote_goes_on(zygote, tmp_path):
    for request in (b"not json\n", b'{"argv": [], "env": {}, "cwd": "/no/such/folder"}\n'):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(10)
            client.connect(zygote.path)
            client.sendall(request)
            assert b'"error"' in client.recv(65536)
    assert zygote.alive()
    connection_file = str(tmp_path / "kernel.json")
    process = zygote.spawn_blocking([sys.executable, "-m", "ipykernel_launcher", "-f", connection_file], {}, "/")
    try:
        assert process.poll() is None and psutil.Process(process.pid).ppid() == zygote.pid
    finally:
        process.kill()
        assert process.wait(10) is not None


def test_the_zygote_preloads_the_element_modules_the_notebooks_call(tmp_path):
    """page_modules reads the notebooks' element calls with the registry (ast), not regexes: a call in a
    comment or a string is no call, an import alone is no call, and pandas comes with the chart's module."""
    import json as json_

    from stalking_course.elements import registry

    folder = tmp_path / "notebooks"
    folder.mkdir()
    cells = [
        {
            "cell_type": "code",
            "source": ["from stalking_course import show_chart, show_quiz\n", "show_chart('x', 'nl')"],
        },
        {"cell_type": "code", "source": "# show_quiz('referral', 'nl')\nprint('show_diary_weeks(1)')"},
        {"cell_type": "markdown", "source": "show_case('a', 'nl')"},
    ]
    (folder / "page.ipynb").write_text(json_.dumps({"cells": cells}), encoding="utf-8")
    assert kernelfork.page_modules(tmp_path) == [registry.module_name("chart"), "pandas"]
    every = kernelfork.page_modules(REPO)
    assert registry.module_name("quiz") in every and "pandas" in every


def test_a_recording_kernel_finds_the_store_preloaded():
    modules = kernelfork.recording_modules()
    assert modules[0] == "stalking_course.progress.store" and any(m.startswith("sqlalchemy.dialects") for m in modules)
