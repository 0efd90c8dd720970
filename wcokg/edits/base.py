"""The base of the draft: the graph as last built, kept as N-Triples in the private folder so
the draft can be replayed on it after a restart or a crash (the store keeps only the draft).

Written to a temporary file, fsync'd and renamed over the old one: a reader sees the old base
or the new one. The first line records the store version it was built as.
"""

from __future__ import annotations

import os
from pathlib import Path

from rdflib import Graph

from wcokg.errors import StoreError

_HEADER = "# wcokg draft base version "


def save_base(folder: Path, graph: Graph, version: str) -> None:
    """Keep `graph` as the base built as `version`."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "base.nt"
    temporary = folder / f".base-{os.getpid()}.nt"
    data = graph.serialize(format="nt", encoding="utf-8")
    try:
        with open(temporary, "wb") as out:
            out.write(f"{_HEADER}{version}\n".encode())
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError as error:
        raise StoreError(f"draft base: cannot write ({error.strerror})") from None


def load_base(folder: Path, version: str) -> Graph:
    """The base built as `version`; StoreError when it is missing or another version."""
    path = folder / "base.nt"
    try:
        data = path.read_bytes()
    except OSError:
        raise StoreError(
            "draft base missing: run `wcokg build` (the edit log is replayed on the new graph)"
        ) from None
    first, _, rest = data.partition(b"\n")
    if first.decode("utf-8", "replace") != f"{_HEADER}{version}":
        raise StoreError(
            "draft base is of another version: run `wcokg build` (the edit log is replayed)"
        )
    graph = Graph()
    graph.parse(data=rest, format="nt")
    return graph
