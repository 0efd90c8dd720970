"""`wcokg users …`: accounts kept in the private folder (never in the graph). Passwords are read
from standard input (`--password-stdin`, one line) or a hidden prompt; never printed or logged."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Annotated, ParamSpec, TypeVar

import typer

from wcokg.accounts import ROLES, AccountError, UserStore
from wcokg.settings import get_settings

P = ParamSpec("P")
R = TypeVar("R")

users_app = typer.Typer(help="Manage the accounts that may log in and edit.", no_args_is_help=True)


def user_store() -> UserStore:
    """The users of the configured private folder (`private_dir/users.sqlite`)."""
    return UserStore(get_settings().private_path() / "users.sqlite")


def read_password(from_stdin: bool) -> str:
    """One line from standard input, or a hidden prompt asked twice."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise AccountError("no password on standard input")
        return line.rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _reports(func: Callable[P, R]) -> Callable[P, R]:
    """`wcokg.cli.reports_errors`, imported when called (wcokg.cli imports this module)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from wcokg.cli import reports_errors

        return reports_errors(func)(*args, **kwargs)

    return wrapper


@users_app.command("add")
@_reports
def add(
    name: Annotated[str, typer.Argument(help="User name: lowercase letters, digits, . _ -")],
    role: Annotated[str, typer.Option("--role", help="viewer, editor or admin")],
    body: Annotated[
        list[str] | None,
        typer.Option("--body", help="A body the editor edits for (id, e.g. swg); repeatable."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a user (an editor needs at least one --body)."""
    from wcokg.loaders.reference import BODY_BASE, load_reference, resources_under

    bodies = [b.strip().lower() for b in body or []]
    known = resources_under(load_reference().graph, BODY_BASE)
    unknown = [b for b in bodies if b not in known]
    if unknown:
        raise AccountError(
            f"unknown body {', '.join(unknown)}; expected ids such as {', '.join(sorted(known)[:8])}"
        )
    if role not in ROLES:
        raise AccountError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    settings = get_settings()
    user = user_store().add(
        name, role, bodies, read_password(password_stdin), settings.password_min_length
    )
    suffix = f" for {', '.join(user.bodies)}" if user.bodies else ""
    typer.echo(f"added {user.name} ({user.role}{suffix})")


@users_app.command("list")
@_reports
def list_users() -> None:
    """Users with their role, bodies and creation time (no password hashes)."""
    for user in user_store().list():
        typer.echo(f"{user.name}\t{user.role}\t{' '.join(user.bodies) or '-'}\t{user.created}")


@users_app.command("remove")
@_reports
def remove(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Delete a user; their tokens and sessions stop working at once."""
    user_store().remove(name)
    typer.echo(f"removed {name}")


@users_app.command("passwd")
@_reports
def passwd(
    name: Annotated[str, typer.Argument(help="User name.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password; the user's earlier tokens and sessions stop working."""
    store = user_store()
    if store.get(name) is None:
        raise AccountError(f"no user {name!r}")
    store.set_password(name, read_password(password_stdin), get_settings().password_min_length)
    typer.echo(f"password of {name} changed")
