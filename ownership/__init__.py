"""ownership: keep teams of coding agents inside their file lanes."""

__version__ = "0.1.0"
