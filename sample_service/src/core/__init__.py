"""Configuration, security primitives and the request dependencies."""
