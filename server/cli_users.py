"""`pathweaver user add EMAIL --org NAME` (the first owner, with no web sign-up needed) and `pathweaver user
reset-link EMAIL` (a one-time password reset link: the server sends no email, so whoever runs it passes it on)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from server.cli import CommandError, _storage


def _password(args: argparse.Namespace) -> str:
    """From standard input when it is not a terminal (a script pipes it), else asked for twice, unechoed."""
    if not sys.stdin.isatty():
        return sys.stdin.readline(4096).rstrip("\r\n")
    first = getpass.getpass("Password (at least 10 characters): ")
    if getpass.getpass("The same again: ") != first:
        raise CommandError("the two passwords differ")
    return first


def add_user(args: argparse.Namespace) -> int:
    from server.accounts import rules, service
    from server.accounts.passwords import Passwords
    from server.accounts.rules import AccountProblem
    from server.clock import now_ms

    try:  # everything checked before anything is stored: a bad name makes no account either
        rules.normalise_email(args.email)
        name = rules.organisation_name(args.org) if args.org is not None else None
    except AccountProblem as problem:
        raise CommandError(str(problem)) from None
    password = _password(args)
    settings, storage = _storage(args)
    try:
        store: Any = storage
        account = service.create_account(store, Passwords(settings.password_hashing), args.email, password, now_ms())
        organisation = service.create_organisation(store, account.id, name, now_ms()) if name else None
    except AccountProblem as problem:
        raise CommandError(str(problem)) from None
    finally:
        storage.close()
    print(f"account {account.email} made", end="")
    print(f", owner of {organisation.name!r} ({args.base_url.rstrip('/')}/o/{organisation.id})" if organisation else "")
    return 0


def reset_link(args: argparse.Namespace) -> int:
    from server.accounts import service
    from server.accounts.rules import AccountProblem
    from server.clock import now_ms

    _, storage = _storage(args)
    try:
        store: Any = storage
        token = service.reset_token(store, args.email, now_ms())
    except AccountProblem as problem:
        raise CommandError(str(problem)) from None
    finally:
        storage.close()
    print(f"{args.base_url.rstrip('/')}/reset/{token}")
    print("works once, within an hour; setting the password signs the account out everywhere", file=sys.stderr)
    return 0


def add_commands(sub: Any) -> None:
    user = sub.add_parser("user", help="facilitator accounts: add one, or make a password reset link")
    commands = user.add_subparsers(dest="user_command", required=True)
    p = commands.add_parser("add", help="make an account (the password is read from standard input, or asked for)")
    p.add_argument("email")
    p.add_argument("--org", help="also make an organisation of this name, the account its owner")
    p.add_argument("--database-url", default=None)
    p.add_argument("--base-url", default="http://127.0.0.1:8000", help="where the server runs, for the printed link")
    p.set_defaults(func=add_user)
    p = commands.add_parser("reset-link", help="print a one-time password reset link for the account")
    p.add_argument("email")
    p.add_argument("--database-url", default=None)
    p.add_argument("--base-url", default="http://127.0.0.1:8000", help="where the server runs, for the printed link")
    p.set_defaults(func=reset_link)
