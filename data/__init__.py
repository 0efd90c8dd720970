"""Bundled source documents (data/sources/)."""
