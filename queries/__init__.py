"""Named SPARQL queries, one `.rq` file each, with a `#+` header read by wcokg.registry."""
