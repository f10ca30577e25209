"""The `pathweaver` command: `serve`, `export`, `import`, `user` and `index`, on the same core the server uses."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import re
import sys
from pathlib import Path
from typing import Any

from server.config import Settings
from server.storage import without_password

# Far above the protocol's own frame limit, so an oversize frame gets a protocol error rather than a cut socket.
WS_TRANSPORT_MAX_BYTES = 1024 * 1024


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server import memory
    from server.app import create_app
    from server.logs import redact_root_handlers, uvicorn_log_config

    memory.limit_arenas()  # before any thread starts: threads pick their arena when they first allocate

    _, storage = _storage(args)  # a database that cannot be opened is one line here, not a startup traceback
    storage.close()
    settings = Settings.from_env(database_url=args.database_url, allowed_origins=args.allowed_origins)
    # The name it listens on is one it answers to (any IP address is anyway: see server/web/security.py).
    settings = dataclasses.replace(settings, allowed_hosts=(*settings.allowed_hosts, args.host.lower()))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact_root_handlers()
    print(
        f"Pathweaver on http://{args.host}:{args.port} (storage: {without_password(settings.database_url)})", flush=True
    )
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        log_config=uvicorn_log_config(),
        ws_max_size=WS_TRANSPORT_MAX_BYTES,
        # Compressing many small frames costs more CPU than it saves on a local network.
        ws_per_message_deflate=False,
        # X-Forwarded-For is believed only from PATHWEAVER_TRUSTED_PROXIES (the app applies it), never by default.
        proxy_headers=False,
    )
    return 0


class CommandError(Exception):
    """An expected failure (a missing file, an unreachable database): reported on one line, no traceback."""


def _storage(args: argparse.Namespace) -> tuple[Settings, Any]:
    import sqlalchemy.exc

    from server.storage import open_storage

    settings = Settings.from_env(database_url=args.database_url)
    try:
        return settings, open_storage(settings.database_url)
    except (ValueError, sqlalchemy.exc.SQLAlchemyError) as exc:
        # The first line only: what went wrong, not the driver's traceback.
        raise CommandError(f"cannot open the database: {str(exc).splitlines()[0]}") from exc


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from exc


def _secret_key(settings: Settings) -> bytes:
    try:
        return settings.secret_key()
    except OSError as exc:
        raise CommandError(f"{settings.secret_key_file}: {exc.strerror or exc}") from exc


def export_map(args: argparse.Namespace) -> int:
    from server import export
    from server.clock import now_ms

    _, storage = _storage(args)
    try:
        stored = storage.load_board(args.workshop)
    finally:
        storage.close()
    if stored is None:
        where = without_password(args.database_url) if args.database_url else "the default database"
        print(f"pathweaver: no workshop {args.workshop!r} in {where}", file=sys.stderr)
        return 1
    snapshot = stored.board.to_dict()
    try:
        data = export.export(snapshot, args.format, now_ms(), args.impact, names=not args.no_names)
    except export.NamesKept as exc:
        raise CommandError(str(exc)) from None
    except export.subset.UnknownNote:
        raise CommandError(f"workshop {args.workshop!r} has no note {args.impact!r}") from None
    target = args.output or export.filename(snapshot["workshop"]["title"], args.format)
    if target == "-":
        sys.stdout.buffer.write(data)
    else:
        try:
            Path(target).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"{target}: {exc.strerror or exc}") from exc
        print(f"wrote {args.format} to {target} ({len(data):,} bytes)", file=sys.stderr)
    return 0


def import_map(args: argparse.Namespace) -> int:
    from server import imports, short_codes

    path = Path(args.file)
    # Read and parse every input before the database is opened: a bad file changes nothing.
    data = _read(path)
    links = _read(Path(args.links)) if path.suffix == ".csv" and args.links else None
    try:
        if links is not None:
            draft = imports.read_csv(data, links, args.title or path.name.split(".")[0])
        else:
            draft = imports.read_upload(data, path.name, args.title or "")
    except imports.ImportProblem as exc:
        raise CommandError(f"{path}: {exc}") from exc
    settings, storage = _storage(args)
    try:
        done = imports.import_map(storage, _secret_key(settings), draft)
    except imports.ImportProblem as exc:
        raise CommandError(f"{path}: {exc}") from exc
    finally:
        storage.close()
    base = args.base_url.rstrip("/")
    w = done.created
    print(f"imported {len(done.board.notes)} notes and {len(done.board.links)} links as workshop {w.workshop.id}")
    print(f"facilitator link (keep it secret): {base}/j/{w.facilitator_key}")
    print(f"participant join link:             {base}/j/{w.join_code}")
    print(f"or type the short code {short_codes.spaced(w.short_code)} at {base.split('://')[-1]}/join")
    return 0


def index(args: argparse.Namespace) -> int:
    from server.library import indexer

    _, storage = _storage(args)
    try:
        report = indexer.refresh(storage)
    finally:
        storage.close()
    print(f"indexed {report.workshops} workshops ({report.documents} items) in {report.seconds:.1f} s")
    if report.failed:
        print(f"{report.failed} workshops could not be indexed (see the log above)", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pathweaver", description="Live participatory impact-pathway mapping.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="run the server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--database-url", default=None, help="sqlite:///path or postgresql://... (default: SQLite in sessions/)"
    )
    p.add_argument(
        "--allowed-origins",
        default=None,
        help="comma-separated origins whose pages may also open websockets and make changes",
    )
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=serve)

    from server.export import FORMATS

    p = sub.add_parser(
        "export",
        help="write a workshop's map in one format",
        epilog="An id that starts with '-' may be given as it is, after '--', or as --workshop=ID.",
    )
    p.add_argument("workshop", nargs="?", help="the workshop id")
    p.add_argument("--workshop", "-w", dest="workshop_option", metavar="ID", help="the workshop id, as an option")
    p.add_argument("--format", "-f", choices=sorted(FORMATS), default="json")
    p.add_argument("--output", "-o", help="file to write (default: named after the title; - for standard output)")
    p.add_argument("--impact", metavar="NOTE_ID", help="only this note and the notes with a pathway to it")
    p.add_argument("--no-names", action="store_true", help="the reports without anyone's name")
    p.add_argument("--database-url", default=None)
    p.set_defaults(func=export_map)

    p = sub.add_parser("import", help="create a workshop from a Pathweaver JSON export, a CSV zip, or notes.csv")
    p.add_argument("file")
    p.add_argument("--links", help="links.csv to go with notes.csv")
    p.add_argument("--title", help="the new workshop's title (default: the file's, or its name)")
    p.add_argument("--database-url", default=None)
    p.add_argument("--base-url", default="http://127.0.0.1:8000", help="where the server runs, for the printed links")
    p.set_defaults(func=import_map)

    from server import cli_users

    cli_users.add_commands(sub)
    p = sub.add_parser("index", help="bring the library's search index up to date now (the server does it itself)")
    p.add_argument("--database-url", default=None)
    p.set_defaults(func=index)
    return parser


# A workshop id as the server makes them: 12 characters of base64url (9 random bytes).
_WORKSHOP_ID = re.compile(r"[A-Za-z0-9_-]{12}")
_EXPORT_OPTIONS_WITH_VALUES = {"--format", "-f", "--output", "-o", "--database-url", "--workshop", "-w", "--impact"}


def _names_the_workshop_option(word: str) -> bool:
    if word in ("-w", "--workshop") or word.startswith("--workshop="):
        return True
    return word.startswith("-w") and not word.startswith("--") and len(word) != 12  # `-wID`; `-w` + 10 is no id


def _workshop_ids_as_options(argv: list[str]) -> list[str]:
    """`pathweaver export -x3abcdEFGh1`: an id made before ids had to start with a letter or digit (1 in 64 did
    not) reads to argparse as an option. With no other workshop id given, a word shaped like an id that is not
    an option's value becomes `--workshop=ID`. No option of `export` is 12 such characters long: `-f` with a
    format is shorter or longer, `-h` takes no value, and a file name for `-o` is given apart from it."""
    if not argv or argv[0] != "export" or "--" in argv:
        return argv
    words = argv[1:]
    plain = [
        i
        for i, word in enumerate(words)
        if not word.startswith("-") and (i == 0 or words[i - 1] not in _EXPORT_OPTIONS_WITH_VALUES)
    ]
    if plain or any(_names_the_workshop_option(word) for word in words):
        return argv
    shaped = [
        i
        for i, word in enumerate(words)
        if _WORKSHOP_ID.fullmatch(word)
        and word not in _EXPORT_OPTIONS_WITH_VALUES
        and (i == 0 or words[i - 1] not in _EXPORT_OPTIONS_WITH_VALUES)
    ]
    if len(shaped) != 1:
        return argv
    words[shaped[0]] = f"--workshop={words[shaped[0]]}"
    return [argv[0], *words]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_workshop_ids_as_options(sys.argv[1:] if argv is None else argv))
    if args.command == "export":
        if args.workshop and args.workshop_option and args.workshop != args.workshop_option:
            parser.error("export: give the workshop id once")
        args.workshop = args.workshop or args.workshop_option
        if not args.workshop:
            parser.error("export: the workshop id is required (one that starts with '-' goes after '--')")
    try:
        return int(args.func(args))
    except CommandError as exc:
        print(f"pathweaver: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
