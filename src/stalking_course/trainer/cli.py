"""The command line: `python -m stalking_course.trainer build|keys|readme|serve` (see the package's docstring)."""

from __future__ import annotations

import argparse
import datetime
import functools
import sys
from pathlib import Path

from ..content import LANGS, ContentError
from .base import BUILD_DIR, SlidesError

PROG = "python -m stalking_course.trainer"


def serve(out: Path = BUILD_DIR, port: int = 8000, host: str = "127.0.0.1") -> None:
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        print(f"The slides are at http://{host}:{port}/  (Ctrl+C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def parser() -> argparse.ArgumentParser:
    from . import __doc__ as doc

    parser = argparse.ArgumentParser(prog=PROG, description=doc.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build every deck, the index pages and the answer keys")
    b.add_argument("--out", type=Path, default=BUILD_DIR)
    b.add_argument("--lang", action="append", choices=LANGS)
    b.add_argument("--lesson", action="append", help="a lesson id (repeatable); default: every lesson")
    b.add_argument("--jobs", type=int, default=None, help="notebooks run at the same time (default: CPUs, at most 4)")
    k = sub.add_parser("keys", help="index pages and answer keys only")
    k.add_argument("--out", type=Path, default=BUILD_DIR)
    r = sub.add_parser("readme", help="refresh the generated blocks of slides/README.md")
    r.add_argument("--check", action="store_true", help="only check; exit 1 when they are out of date")
    s = sub.add_parser("serve", help="serve slides/build on localhost")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--out", type=Path, default=BUILD_DIR)
    return parser


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "build":
            from .build import build

            build(args.out, tuple(args.lang or LANGS), args.lesson, args.jobs)
        elif args.command == "keys":
            from .build import validate, write_pages

            validate()
            for path in write_pages(args.out, LANGS, datetime.date.today().isoformat()):
                print(path)
        elif args.command == "readme":
            from .readme import update_readme

            current = update_readme(check=args.check)
            if current:
                print("slides/README.md is up to date")
            elif args.check:
                print(f"slides/README.md is out of date: run {PROG} readme")
            else:
                print("slides/README.md updated")
            return 0 if current or not args.check else 1
        elif args.command == "serve":
            serve(args.out, args.port)
    except ContentError as error:
        print(f"content error: {error}", file=sys.stderr)
        return 1
    except SlidesError as error:
        print(f"The slides were not built: {error}", file=sys.stderr)
        return 1
    return 0
