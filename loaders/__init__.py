"""Loaders: source documents -> tables -> typed records -> RDF (one way, pure until rdf.py)."""
