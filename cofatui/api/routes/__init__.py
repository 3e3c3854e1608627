"""The API routes, one module per area of the Repository protocol."""
