"""The HTTP API: an app factory, thin routers, content negotiation in one place."""
