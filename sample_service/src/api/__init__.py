"""HTTP routes: the health check and the versioned API."""
