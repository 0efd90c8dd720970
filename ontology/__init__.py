"""The OWL ontology, SKOS vocabularies and curated reference data, as Turtle files."""
