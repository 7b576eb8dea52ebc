"""Files → Contract: readers (working tree or commit), ownership.yaml, agent Markdown files, safe YAML.

readers.py      Reader, WorkTreeReader, discover, escape_glob, the size limit, Collector (text + problems)
yaml_safety.py  YAML parsed without aliases, tags or deep nesting; errors at their line
agent_file.py   one agent file: front matter + Markdown sections → Agent
contract_file.py  ownership.yaml (or one agent file, or the discovered agents) → Contract: `load`
"""

from ..core.model import CONTRACT_CANDIDATES
from .contract_file import load
from .readers import DISCOVERED_AGENTS, MAX_FILE_BYTES, Reader, WorkTreeReader, discover, escape_glob
from .yaml_safety import MAX_NESTING

__all__ = [
    "CONTRACT_CANDIDATES", "DISCOVERED_AGENTS", "MAX_FILE_BYTES", "MAX_NESTING",
    "Reader", "WorkTreeReader", "discover", "escape_glob", "load",
]  # fmt: skip
