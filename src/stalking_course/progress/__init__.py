"""Progress: who the trainee is (without storing who they are), what they answered, certificates.

Layout:
- `identity`  the data folder, the key file, keyed hashes and codes (standard library only);
- `store`     the database (SQLAlchemy 2): SQLite in the data folder by default, PostgreSQL with
              `COURSE_DB_URL`; schema migrations with Alembic (`migrations/`); its tables in `schema`,
              a trainee's records in `records`, the trainer's numbers and CSV in `reports`;
- `hook`      the kernel side: the shared Checkable base (elements/base.py) calls it on every checked
              answer; it records, and replays earlier answers when a lesson is opened again (light to
              import: the database is only touched for a trainee who joined);
- `web`       the app side: installs the pages and hands the trainee's id to page kernels; the pages
              are in `webbase` (shell, cookies, trainer token), `trainee_web` (join, "my data",
              certificate, /verify/<code>), `trainer_web` (the trainer's view, with `labels`), and
              `hub_web` (the same pages on JupyterHub, with the hub's identity);
- `bench`     the cost of recording, measured (`python -m stalking_course.progress.bench`, `make bench`);
- `certificate` the PDF (reportlab, built-in fonts).

Nothing here stores a name, e-mail address or address: a trainee is a random id (standalone) or a keyed
hash of the hub's user name (JupyterHub). See docs/data-protection.md.
"""
