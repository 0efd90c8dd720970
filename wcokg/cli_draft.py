"""`wcokg draft …`: publish the draft revision of edits under a document code, or discard it
(README: Editing). Both are an admin's, named with `--as`, and recorded in the edit log."""

from __future__ import annotations

from typing import Annotated

import typer

from wcokg.accounts import User
from wcokg.cli_users import _reports, user_store
from wcokg.edits.errors import EditForbidden
from wcokg.settings import get_settings
from wcokg.store import open_store

draft_app = typer.Typer(
    help="Publish or discard the draft revision of edits.", no_args_is_help=True
)

AS = typer.Option("--as", help="The admin account doing it (recorded in the edit log).")


def _admin(name: str) -> User:
    user = user_store().get(name)
    if user is None or user.role != "admin":
        raise EditForbidden(f"--as {name}: not an admin account (`wcokg users list`)")
    return user


@draft_app.command("publish")
@_reports
def publish(
    code: Annotated[
        str, typer.Option("--code", help="Document code of the revision, e.g. PC0800.")
    ],
    admin: Annotated[str, AS],
) -> None:
    """Make the draft a revision with document code CODE; new edits start a new draft."""
    from wcokg.edits.service import EditService

    closing = EditService(open_store(), get_settings()).publish(_admin(admin), code)
    typer.echo(f"published edits up to {closing.through} as revision {closing.code}")


@draft_app.command("discard")
@_reports
def discard(admin: Annotated[str, AS]) -> None:
    """Drop the draft: the graph as last built or published is current again (the edits stay in
    the log, closed)."""
    from wcokg.edits.service import EditService

    closing = EditService(open_store(), get_settings()).discard(_admin(admin))
    typer.echo(f"discarded the draft (edits up to {closing.through})")
