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


# ---------------------------------------------------------------- kernel ports below the ephemeral range


def _ephemeral_lower_bound() -> int:
    return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])


def _prepared_managers(count: int) -> list:
    """Kernel managers whose ForkProvisioner has chosen ports (pre_launch), all at once on one event loop."""

    async def run():
        managers = [AsyncIOLoopKernelManager(kernel_name="python3") for _ in range(count)]
        for km in managers:
            km.provisioner = kernelfork.ForkProvisioner(kernel_id=str(id(km)), kernel_spec=km.kernel_spec, parent=km)
        await asyncio.gather(*(km.provisioner.pre_launch() for km in managers))
        return managers

    return run_on_own_loop(run())


def _ports(km) -> list[int]:
    return [km.provisioner.connection_info[name] for name in kernelfork.ports.PORT_NAMES]


def test_kernel_ports_are_below_the_ephemeral_range_distinct_and_given_back():
    """jupyter_client's ports come from the ephemeral range, where the OS may hand them to any other bind(port 0)
    on the machine before the kernel binds them ("Address already in use"); ours never come from there."""
    cache = kernelfork.ports.LocalPortCache.instance()
    # Kernel managers on four threads, each preparing fifteen kernels at once (the lock and the cache are shared).
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        managers = [km for batch in pool.map(_prepared_managers, [15] * 4) for km in batch]
    try:
        chosen = [port for km in managers for port in _ports(km)]
        assert len(set(chosen)) == len(chosen) == 5 * 60
        assert all(kernelfork.ports.LOWEST <= port < _ephemeral_lower_bound() for port in chosen)
        assert set(chosen) <= cache.currently_used_ports
        assert all(km.provisioner.ports_cached for km in managers)
    finally:
        for km in managers:
            run_on_own_loop(km.provisioner.cleanup(restart=False))
            km.cleanup_connection_file()
    assert not set(chosen) & cache.currently_used_ports, "cleanup did not give the ports back"


class _Picks(list):
    """Stands in for the random choice: these ports first, then random ones."""

    def randrange(self, low, high):
        return self.pop(0) if self else kernelfork.ports.random.randrange(low, high)


def test_a_port_in_use_is_never_chosen_and_without_a_range_jupyter_chooses(monkeypatch, tmp_path):
    ports = kernelfork.ports
    cache = ports.LocalPortCache.instance()
    held = socket.socket()
    try:
        while True:  # a port below the ephemeral range that another program listens on
            try:
                held.bind(("127.0.0.1", ports.random.randrange(ports.LOWEST, _ephemeral_lower_bound())))
                break
            except OSError:
                continue
        held.listen()
        held_port = held.getsockname()[1]
        given = held_port + 1 if held_port + 1 < _ephemeral_lower_bound() else held_port - 1
        cache.currently_used_ports.add(given)  # already another kernel's
        monkeypatch.setattr(ports, "_choice", _Picks([held_port, given, held_port]))
        chosen = ports.reserve("127.0.0.1")
        assert chosen and held_port not in chosen and given not in chosen and len(set(chosen)) == 5
        ports.release(chosen + [given])
        # No usable range (not Linux, or one starting below LOWEST): nothing reserved, jupyter_client chooses.
        (tmp_path / "range").write_text("1024 65535")
        for range_file in (tmp_path / "range", tmp_path / "none"):
            monkeypatch.setattr(ports, "EPHEMERAL_RANGE", range_file)
            assert ports.reserve("127.0.0.1") is None
        [km] = _prepared_managers(1)
        assert km.provisioner.ports_cached and all(port >= 1024 for port in _ports(km))
        run_on_own_loop(km.provisioner.cleanup(restart=False))
        km.cleanup_connection_file()
    finally:
        held.close()


def test_a_forked_kernel_on_ports_below_the_range_answers_and_gives_them_back(zygote):
    async def run():
        km = await forked_kernel(zygote)
        chosen = _ports(km)
        try:
            assert all(kernelfork.ports.LOWEST <= port < _ephemeral_lower_bound() for port in chosen)
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=30)
                msg_id = kc.execute("6 * 7")
                reply = await kc.get_shell_msg(timeout=30)
                assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "ok"
            finally:
                kc.stop_channels()
        finally:
            await km.shutdown_kernel(now=True)
        return chosen

    chosen = run_on_own_loop(run())
    assert not set(chosen) & kernelfork.ports.LocalPortCache.instance().currently_used_ports
