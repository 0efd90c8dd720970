"""Settings from the environment (prefix ``WCOKG_``); risky features default off."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BASE = "https://w3id.org/wcokg/"


class Settings(BaseSettings):
    """Where the graph lives and how IRIs are minted."""

    model_config = SettingsConfigDict(env_prefix="WCOKG_", env_file=".env", extra="ignore")

    base: str = DEFAULT_BASE
    """Base of every IRI the project mints; must end with '/'."""

    store: Path = Path("var/store")
    """Folder of the embedded on-disk store (versions plus a `current` link)."""

    keep_versions: int = 2
    """How many built graph versions the store keeps (embedded: on disk, at least 1; external:
    versioned data graphs, at least 2)."""

    store_in_memory: bool = False
    """Serve from an in-memory copy of the current version (read once from disk at start-up)."""

    sparql_query_url: str | None = None
    """SPARQL 1.1 Query endpoint of an external triplestore; when set, it replaces the embedded store."""

    sparql_update_url: str | None = None
    """SPARQL 1.1 Update endpoint of the external store (default: the query URL)."""

    graph_store_url: str | None = None
    """Graph Store Protocol endpoint of the external store, used by `wcokg build` to write each
    named graph with one `PUT ?graph=` (without it: `DROP SILENT GRAPH` + `INSERT DATA` batches)."""

    sparql_update_batch: int = 1000
    """Most triples in one `INSERT DATA` request when building into an external store without
    a Graph Store Protocol endpoint."""

    sparql_user: str | None = None
    """User name for the external store (HTTP basic authentication)."""

    sparql_password: SecretStr | None = None
    """Password for the external store."""

    sparql_timeout: float = 60.0
    """Seconds to wait for the external store."""

    update_enabled: bool = False
    """Accept SPARQL Update at `/sparql` (also needs `update_token`). Off by default."""

    update_token: SecretStr | None = None
    """Bearer token a client must send (`Authorization: Bearer ...`) to run an update."""

    # -- limits on the HTTP API (SECURITY.md) --------------------------------------------------

    query_timeout: float = 10.0
    """Seconds a query (SPARQL endpoint, named query, page data) may run before it is stopped."""

    query_workers: int = 3
    """Worker processes running queries (killed and replaced on a timeout); 0 runs queries
    in the serving process, without a time limit."""

    query_queue: int = 64
    """Queries that may wait for a busy worker; more at once are refused (429). Waiting costs
    nothing (a waiting query waits at most about one time limit), so this is sized for normal
    concurrency; the runaway protection is the number of workers and the time limit."""

    max_result_rows: int = 100_000
    """Most rows (solutions or triples) one answer may have."""

    max_response_bytes: int = 32 * 1024 * 1024
    """Most bytes one serialised query answer may have."""

    max_body_bytes: int = 1024 * 1024
    """Most bytes a request body may have (413 beyond)."""

    # -- answers kept per graph version (README, Settings) --------------------------------------

    sparql_cache: bool = True
    """Keep `/sparql` answers per graph version (emptied by a new version or an update)."""

    sparql_cache_entries: int = 1024
    """Most answers the `/sparql` cache keeps (least recently used out)."""

    sparql_cache_bytes: int = 64 * 1024 * 1024
    """Most bytes the `/sparql` cache keeps in all."""

    sparql_cache_entry_bytes: int = 1024 * 1024
    """Larger `/sparql` answers are not kept."""

    warm_up: bool = True
    """At start-up and after a new graph version, compute in a background thread what pages
    and parameterless named queries need, so that the first requests do not pay for it."""

    federation_allow: list[str] = []
    """SPARQL endpoints a query may call with SERVICE (or an update LOAD from); exact IRIs,
    as a JSON list: `WCOKG_FEDERATION_ALLOW='["https://query.wikidata.org/sparql"]'`."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
