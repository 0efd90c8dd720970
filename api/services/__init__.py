"""Services the routers call: the catalogue of typed models, dereferencing, pictures, pages."""
