"""Settings from the environment (prefix ``WCOKG_``); risky features default off."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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
    """How many built graph versions the embedded store keeps on disk."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
