"""Thin routers: parse the request, call the store or registry, answer in the negotiated format."""
