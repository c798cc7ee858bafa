"""Maintenance of the progress database: `python -m stalking_course.progress status|migrate|purge [DAYS]`.

The app and the page kernels migrate the schema on first use by themselves; these commands are for an
administrator who wants to do it before an upgrade goes live, or to apply the retention period by hand.
"""

from __future__ import annotations

import sys

from sqlalchemy.engine import make_url

from .store import HEAD, Store, db_url


def main(argv=None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "status"
    store = Store(db_url())
    where = make_url(store.url).render_as_string(hide_password=True)
    if command == "status":
        print(f"database: {where}\nschema revision: {store.current_revision() or 'none yet'} (newest: {HEAD})")
    elif command == "migrate":
        store.migrate()
        print(f"database: {where}\nschema revision: {store.current_revision()}")
    elif command == "purge" and len(args) == 2 and args[1].isdigit():
        store.migrate()
        print(f"deleted {store.purge(int(args[1]))} records older than {args[1]} days from {where}")
    else:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
