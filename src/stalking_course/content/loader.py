"""The one way to read a data file: read it once, check it against its JSON Schema, cache it until it changes.

Every mistake becomes a ContentError whose message names the file and the field ("data/cases.yaml:
cases[2] (id anna).relation: must be one of ..."), so a maintainer can fix it and a trainee never sees a
traceback. The structure of each file lives in content/schemas/<name>.schema.json; Python keeps only the
rules that span files (a fact that must exist, a relation the referral rules know).
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

import yaml

LANGS = ("nl", "en")
REPO_ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = Path(__file__).resolve().parent / "schemas"
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")  # kebab-case ids; the schemas use the same pattern ($defs/id)


class ContentError(ValueError):
    """A data file is missing, unreadable or breaks its schema."""

    def __init__(self, file, field: str, problem: str):
        self.file, self.field, self.problem = str(file), field, problem
        super().__init__(f"{self.file}: {field}: {problem}")


def data_dir() -> Path:
    """The data folder; STALKING_COURSE_DATA points elsewhere (tests use it for broken copies)."""
    return Path(os.environ.get("STALKING_COURSE_DATA") or REPO_ROOT / "data")


def display_name(name: str) -> str:
    """How errors name a data file: data/<name> for the course's own data, else the full path."""
    path = data_dir() / name
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def stamp(name: str) -> tuple:
    """What changes when data/<name> changes (path and mtime); a missing file is a ContentError."""
    path = data_dir() / name
    try:
        return (str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise ContentError(display_name(name), "file", "does not exist") from None


def cached(*names: str):
    """Cache a function of data files until one of them changes.

    `names` are file names under data/, formatted with the function's arguments:
    `@cached("questions/{0}.yaml", "facts.yaml")` keys a bank on its own file and on the facts it fills in."""

    def decorate(func):
        @functools.lru_cache(maxsize=256)
        def by_stamp(args, stamps):
            return func(*args)

        @functools.wraps(func)
        def wrapper(*args):
            return by_stamp(args, tuple(stamp(n.format(*args)) for n in names))

        wrapper.cache_clear = by_stamp.cache_clear
        return wrapper

    return decorate


@functools.cache
def _read_yaml(path: str, mtime: int, shown: str):
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        raise ContentError(shown, where, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except UnicodeDecodeError:
        raise ContentError(shown, "file", "is not UTF-8 text") from None
    if not isinstance(data, dict):
        raise ContentError(shown, "top level", "must be a mapping of keys to values")
    return data


def load_yaml(name: str, schema: str | None = None) -> dict:
    """data/<name>, parsed (cached until the file changes) and checked against schemas/<schema>.schema.json."""
    path, mtime = stamp(name)
    data = _read_yaml(path, mtime, display_name(name))
    if schema:
        _check(data, schema, display_name(name), (path, mtime))
    return data


def read_csv(name: str):
    """data/<name> as a table of strings (pandas imported here, only by the pages that need it)."""
    import pandas as pd

    shown = display_name(name)
    try:
        return pd.read_csv(data_dir() / name, dtype=str, keep_default_na=False, encoding="utf-8", skipinitialspace=True)
    except FileNotFoundError:
        raise ContentError(shown, "file", "does not exist") from None
    except pd.errors.EmptyDataError:
        raise ContentError(shown, "file", "is empty (it needs a header line and at least one row)") from None
    except pd.errors.ParserError as exc:
        raise ContentError(shown, "file", f"not valid CSV ({str(exc).strip()})") from None
    except UnicodeDecodeError:
        raise ContentError(shown, "file", "is not UTF-8 text") from None


# ---------------------------------------------------------------- JSON Schema


@functools.cache
def validator(schema: str):
    """A Draft 2020-12 validator for schemas/<schema>.schema.json, with the shared $defs of common.schema.json."""
    import jsonschema

    raw = json.loads((SCHEMAS / f"{schema}.schema.json").read_text(encoding="utf-8"))
    common = json.loads((SCHEMAS / "common.schema.json").read_text(encoding="utf-8"))
    raw.setdefault("$defs", {})
    for key, value in common["$defs"].items():
        raw["$defs"].setdefault(key, value)
    jsonschema.Draft202012Validator.check_schema(raw)
    return jsonschema.Draft202012Validator(raw)


_checked = set()  # (schema, path, mtime) of files that passed: a file is checked once per change


def _check(data, schema: str, shown: str, key) -> None:
    if (schema, *key) in _checked:
        return
    check(data, schema, shown)
    _checked.add((schema, *key))


def check(data, schema: str, shown: str) -> None:
    """Check data against schemas/<schema>.schema.json; the error nearest the top is reported."""
    errors = list(validator(schema).iter_errors(data))
    if errors:
        raise schema_error(min(errors, key=lambda e: (len(e.absolute_path), e.validator != "required")), data, shown)


def field_path(path, data) -> str:
    """questions[3] (id anna).options[2].correct: 1-based list positions, a list item's id where it has one."""
    out, node = "", data
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            out += f"[{part + 1}]" + (f" (id {ident})" if isinstance(ident, str) else "")
        else:
            out += f".{part}" if out else str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return out


def _problem(error) -> tuple:
    """(extra field part, problem) in the words the course's messages have always used."""
    custom = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    kind, value = error.validator, error.validator_value
    if kind == "required":
        missing = next((k for k in value if k not in (error.instance or {})), value[0])
        return missing, "missing"
    if custom:
        return "", custom
    if kind == "type":
        names = {
            "object": "mapping",
            "array": "list",
            "string": "text",
            "integer": "whole number",
            "number": "number",
            "boolean": "true or false",
        }
        wanted = value if isinstance(value, list) else [value]
        return "", "must be a " + " or ".join(names.get(v, v) for v in wanted)
    if kind == "enum":
        return "", "must be one of " + ", ".join(map(str, value))
    if kind == "const":
        return "", f"must be {value}"
    if kind in ("minLength", "pattern") and not str(error.instance).strip():
        return "", "missing or empty"
    if kind == "minItems":
        return "", f"needs at least {value}" + (" item" if value == 1 else " items")
    if kind == "maxItems":
        return "", f"has more than {value} items"
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return (extra[0] if extra else ""), "unknown field (a typo?)"
    if kind in ("minimum", "exclusiveMinimum"):
        return "", f"must be at least {value}" if kind == "minimum" else f"must be more than {value}"
    if kind in ("maximum", "exclusiveMaximum"):
        return "", f"must be at most {value}" if kind == "maximum" else f"must be less than {value}"
    if kind == "uniqueItems":
        return "", "lists something twice"
    return "", error.message


def schema_error(error, data, shown: str) -> ContentError:
    extra, problem = _problem(error)
    field = field_path(list(error.absolute_path), data)
    if extra:
        field = f"{field}.{extra}" if field else extra
    return ContentError(shown, field or "top level", problem)


# ---------------------------------------------------------------- rules that span files


def require_known(value, known, shown: str, field: str, what: str) -> None:
    """A reference to something defined elsewhere (a fact, a relation, a lesson): a ContentError if unknown."""
    if value not in known:
        raise ContentError(shown, field, f"unknown {what} {value!r}; known: {', '.join(sorted(map(str, known)))}")


def check_unique_ids(items, shown: str, field: str) -> None:
    seen = set()
    for item in items:
        ident = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
        if ident in seen:
            raise ContentError(shown, f"{field} (id {ident})", "id used twice")
        seen.add(ident)
