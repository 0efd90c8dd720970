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

    bounded_scan_rows: int = 1000
    """A one-pattern query (constant subject or object, `wcokg.store.bounded`) is answered in
    the serving process, without a worker, when its constant has at most this many triples in
    the default graph; 0 sends every such query to a worker."""

    bounded_path_edges: int = 1000
    """A one-predicate `+`/`*` path from a constant is answered in the serving process when the
    predicate has at most this many triples in the default graph; 0 sends them to a worker."""

    # -- answers kept per graph version (README, Settings) --------------------------------------

    sparql_cache: bool = True
    """Keep `/sparql` answers per graph version (emptied by a new version or an update)."""

    sparql_cache_entries: int = 1024
    """Most answers the `/sparql` cache keeps (least recently used out)."""

    sparql_cache_bytes: int = 64 * 1024 * 1024
    """Most bytes the `/sparql` cache keeps in all."""

    sparql_cache_entry_bytes: int = 1024 * 1024
    """Larger `/sparql` answers are not kept."""

    edit_process: bool = True
    """Make edits in a process of their own (`wcokg.edits.process`), so that readers never wait
    for an edit's work; off: in the serving process (one process fewer, slower reads while
    editors save)."""

    warm_up: bool = True
    """At start-up and after a new graph version, compute in a background thread what pages
    and parameterless named queries need, so that the first requests do not pay for it."""

    iati_organisation_ref: str = "XI-IATI-WCO"
    """The WCO's IATI organisation identifier (`reporting-org/@ref`, the prefix of every
    `iati-identifier`). A placeholder until the WCO is allocated one: `XI-IATI` is an approved
    registration agency; `WCO` stands for the number the IATI Secretariat would give."""

    publisher_corporate_body: str = ""
    """The WCO's IRI in the EU corporate-body authority table
    (`http://publications.europa.eu/resource/authority/corporate-body/CODE`), the DCAT export's
    `dct:publisher` when set; empty (the default): the project's own agent IRI `{base}org/wco`,
    which DCAT-AP's vocabulary shapes warn about (README, Exports). Set it only to an entry
    confirmed in the table; never a guess."""

    federation_allow: list[str] = []
    """SPARQL endpoints a query may call with SERVICE (or an update LOAD from); exact IRIs,
    as a JSON list: `WCOKG_FEDERATION_ALLOW='["https://query.wikidata.org/sparql"]'`."""

    # -- accounts and edits (SECURITY.md, README: Editing) --------------------------------------

    private_dir: Path | None = None
    """Folder of the users, the edit log, the draft's base and the signing secret; never served
    (default: `private` inside the store folder, e.g. `var/store/private`)."""

    token_lifetime: int = 3600
    """Seconds a log-in (bearer token or session cookie) stays valid."""

    secure_cookies: bool = False
    """Mark the session cookie `Secure` on every answer (it is always `Secure` over HTTPS)."""

    login_attempts: int = 5
    """Failed log-ins allowed per user name and per client address within `login_window`
    seconds; more are refused with 429 until the window passes."""

    login_window: int = 300
    """Seconds over which failed log-ins are counted."""

    password_min_length: int = 12
    """Shortest password `wcokg users add|passwd` accepts (at most 1024 characters)."""

    secret_key: SecretStr | None = None
    """Key signing tokens and session cookies (default: a random key made once and kept in
    `private_dir/secret-key`, readable by its owner only)."""

    def private_path(self) -> Path:
        """The folder of users, edit log and secret (created by whoever writes there first)."""
        return self.private_dir or Path(self.store) / "private"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
