"""SHACL shapes (required, recommended, editorial) and SPARQL checks, as Turtle files."""
