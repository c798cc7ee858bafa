"""Progress: who the trainee is (without storing who they are), what they answered, certificates.

Layout:
- `identity`  the data folder, the key file, keyed hashes and codes (standard library only);
- `store`     the database (SQLAlchemy 2): SQLite in the data folder by default, PostgreSQL with
              `COURSE_DB_URL`; schema migrations with Alembic (`migrations/`);
- `hook`      the kernel side: the shared Attempts base calls it on every checked answer; it records,
              and replays earlier answers when a lesson is opened again (light to import: the database
              is only touched for a trainee who joined);
- `web`       the app side: join page, "my data", certificate, /verify/<code>, the trainer's view;
- `certificate` the PDF (reportlab, built-in fonts).

Nothing here stores a name, e-mail address or address: a trainee is a random id (standalone) or a keyed
hash of the hub's user name (JupyterHub). See docs/data-protection.md.
"""
