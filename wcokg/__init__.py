"""wcokg: a linked-data knowledge graph of WCO work programmes."""

__version__ = "0.1.0"
