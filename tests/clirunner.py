"""Run the `wcokg` command as a user does: a real subprocess with its own settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_wcokg(
    store: Path | None, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`wcokg ARGS…` with WCOKG_STORE pointing at `store` (when given) and extra `env`."""
    environment = {**os.environ, **(env or {})}
    if store is not None:
        environment["WCOKG_STORE"] = str(store)
    return subprocess.run(
        [sys.executable, "-m", "wcokg.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
    )
