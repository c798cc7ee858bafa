"""The data folder, the key file and pseudonymous ids (standard library only: kernels import this)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

# Codes people type: no 0/O, 1/I/L, so a code read aloud or from a slide is typed right.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LEARNER_ENV = "COURSE_LEARNER"  # set by the app for the page's kernel; never taken from the browser


def data_dir() -> Path:
    """Where the SQLite database and the key file live: COURSE_DATA_DIR, else ~/.local/share/stalking-course."""
    folder = os.environ.get("COURSE_DATA_DIR")
    if folder:
        path = Path(folder)
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(base) / "stalking-course"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def secret_key() -> bytes:
    """The key for keyed hashes and signed codes: data folder/secret.key, created on first use (mode 600).
    COURSE_SECRET_KEY (64 hex digits) sets it instead, for a hub where every user's server must hash alike."""
    given = os.environ.get("COURSE_SECRET_KEY", "").strip()
    if given:
        return bytes.fromhex(given)
    path = data_dir() / "secret.key"
    try:
        text = path.read_text().strip()
        if len(text) >= 64:
            return bytes.fromhex(text)
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    tmp = path.with_name(f"secret.key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    try:
        os.link(tmp, path)  # atomic, and never replaces a key another process wrote first
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return bytes.fromhex(path.read_text().strip())


def keyed_hash(kind: str, value: str) -> str:
    return hmac.new(secret_key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def hub_learner_id(user: str) -> str:
    """The id of a JupyterHub user: a keyed hash, so the hub's user name is never stored."""
    return "h" + keyed_hash("hub-user", user)[:39]


def new_learner_id() -> str:
    return "s" + secrets.token_hex(16)


def new_code(length: int = 8, group: int = 4) -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + group] for i in range(0, length, group))


def normalise_code(text: str) -> str:
    """What a trainee typed as a code: case, spaces and dashes do not matter."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return cleaned


def normalise_pseudonym(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def handoff_path(kernel_id: str) -> Path:
    """Where the app leaves the learner id for a preheated kernel it hands to a page (only the app writes it:
    the folder is the app's own, mode 700)."""
    safe = "".join(ch for ch in kernel_id if ch.isalnum() or ch == "-")[:64]
    return data_dir() / "handoff" / safe


def write_handoff(kernel_id: str, learner: str, notebook: str = "") -> None:
    """The note: the learner id ("" for nobody) and the page's notebook path (a preheated kernel's
    environment has no request path)."""
    import json

    path = handoff_path(kernel_id)
    path.parent.mkdir(exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"learner": learner, "notebook": notebook}, fh)
    os.replace(tmp, path)  # the kernel never reads half a note


def kernel_learner() -> str | None:
    """The learner of this kernel: set by the app (standalone) or the hub's user (hashed), else None."""
    learner = os.environ.get(LEARNER_ENV, "").strip()
    if learner:
        return learner
    user = os.environ.get("JUPYTERHUB_USER", "").strip()
    if user:
        return hub_learner_id(user)
    return None
