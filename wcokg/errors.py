"""Domain errors: raised deep, mapped once (CLI: one line + exit code; API: problem+json)."""

from __future__ import annotations


class WcokgError(Exception):
    """Base of every error the project reports to a person."""

    exit_code = 1


class SourceFormatError(WcokgError):
    """An input document is missing, unreadable or not a work programme in the expected template."""

    exit_code = 2

    def __init__(self, source: str, expected: str) -> None:
        super().__init__(f"{source}: {expected}")
        self.source = source
        self.expected = expected


class StoreError(WcokgError):
    """The graph store is missing, locked or cannot be written."""

    exit_code = 2


class QueryError(WcokgError):
    """A SPARQL or named query is malformed, unknown or badly parameterised."""

    exit_code = 2


class SettingError(WcokgError):
    """A setting (`WCOKG_…`) has a value it cannot have; the message names it and what is expected."""

    exit_code = 2
