"""The `pathweaver` command: `serve` now; `export` and `import` share the same core later."""

from __future__ import annotations

import argparse
import logging
import sys

from server.config import Settings

# Far above the protocol's own frame limit, so an oversize frame gets a protocol error rather than a cut socket.
WS_TRANSPORT_MAX_BYTES = 1024 * 1024


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.app import create_app

    settings = Settings.from_env(database_url=args.database_url, allowed_origins=args.allowed_origins)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    print(f"Pathweaver on http://{args.host}:{args.port} (storage: {settings.database_url})", flush=True)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        ws_max_size=WS_TRANSPORT_MAX_BYTES,
        # Compressing many small frames costs more CPU than it saves on a local network.
        ws_per_message_deflate=False,
    )
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
    p.add_argument("--allowed-origins", default=None, help="comma-separated extra origins allowed to open websockets")
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
