"""The command line: click only. main.py (the group, main()), queries, check, agents, ecosystem."""

from .main import cli, main

__all__ = ["cli", "main"]
