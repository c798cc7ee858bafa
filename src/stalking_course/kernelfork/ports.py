"""Kernel ports chosen below the OS's ephemeral port range, so nothing else on the machine is handed them.

Why: jupyter_client picks a kernel's five ports with `LocalPortCache.find_available_port`, which binds port 0
and closes the socket again; the kernel binds the port only later, when it has started (a second or more on a
busy server). Until then the port is free as far as the OS knows, and it is in the ephemeral range
(/proc/sys/net/ipv4/ip_local_port_range), from which the OS hands out ports to every other `bind(port 0)` on
the machine: another process's kernel manager (its LocalPortCache knows only its own ports), a ZMQ or test
server binding a random port, and, once a destination's even ports are used up, outgoing connections. The
kernel then fails with "Address already in use" and the trainee gets no page; jupyter_client's restarter
restarts it on the same ports (they are cached, so `newports` changes nothing) and Voila gives up on a kernel
that died before its first reply.

Ports below the ephemeral range are never handed out by the OS; only a program that asks for that very number
gets it. So `reserve()` picks random ones from LOWEST up to the range's lower bound, checks each by binding it,
skips the ports reserved by the administrator (ip_local_reserved_ports) and those this process has already given
to a kernel (`LocalPortCache.currently_used_ports`), and adds them there, so that `LocalProvisioner.cleanup()`
returns them when the kernel ends, as it does with jupyter_client's own."""

from __future__ import annotations

import random
import socket
import threading
from pathlib import Path

from jupyter_client.connect import LocalPortCache

PORT_NAMES = ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")
LOWEST = 20000  # well above the ports services listen on (databases, web servers: mostly below 10000)
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
RESERVED_PORTS = Path("/proc/sys/net/ipv4/ip_local_reserved_ports")
ATTEMPTS = 200  # random tries per port before giving up (and letting jupyter_client choose as usual)

_choice = random.SystemRandom()  # not the random module's state, which a forked process would share
_lock = threading.Lock()  # kernel managers on more than one thread share the one LocalPortCache


def ephemeral_lower_bound() -> int | None:
    """The lowest port the OS hands out for port 0, or None when that is unknown (not Linux)."""
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def reserved_ports() -> set[int]:
    """Ports the administrator set aside (a comma-separated list of ports and ranges such as 20100-20199)."""
    try:
        text = RESERVED_PORTS.read_text().strip()
    except OSError:
        return set()
    reserved = set()
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        reserved.update(range(int(first), int(last or first) + 1))
    return reserved


def _bindable(ip: str, port: int) -> bool:
    """Nothing on this machine holds the port now (any socket bound to it, including TIME_WAIT ones)."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((ip, port))
        except OSError:
            return False
    return True


def reserve(ip: str, count: int = len(PORT_NAMES)) -> list[int] | None:
    """`count` distinct free ports below the ephemeral range, added to LocalPortCache's used ports; None when
    there is no such range to use (unknown, or it starts at or below LOWEST): then nothing is reserved."""
    upper = ephemeral_lower_bound()
    if upper is None or upper <= LOWEST + 100 * count:
        return None
    excluded = reserved_ports()
    used = LocalPortCache.instance().currently_used_ports
    chosen: list[int] = []
    with _lock:
        for _ in range(count):
            for _ in range(ATTEMPTS):
                port = _choice.randrange(LOWEST, upper)
                if port not in used and port not in excluded and _bindable(ip, port):
                    used.add(port)
                    chosen.append(port)
                    break
            else:
                release(chosen)
                return None
    return chosen


def release(ports) -> None:
    """Give ports back to LocalPortCache (a kernel that was never started with them)."""
    cache = LocalPortCache.instance()
    for port in ports:
        cache.return_port(port)
