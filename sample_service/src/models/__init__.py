"""Pydantic models: what the API accepts and returns."""
