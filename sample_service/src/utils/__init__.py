"""Small helpers shared by the server code."""
