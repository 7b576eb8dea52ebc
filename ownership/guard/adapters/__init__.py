"""One thin adapter a host: its payload → the guard's request (a HookInput), the verdict → its answer.

Each module holds one `HOST` (a `base.Host`): how the host's JSON names the
agent, the tool, the paths or command and the folder; how the host wants allow,
deny and failure said (and how it fails open, which the answer avoids); and
where `ownership install` writes its hook. Only the adapter asked for is
imported: the hook's import path stays light.
"""

from __future__ import annotations

import importlib

from ...errors import UsageError

NAMES = ("claude", "codex", "gemini", "cursor", "copilot", "windsurf", "cline", "opencode", "kiro")


def get(name: str):
    """The adapter of host `name` (UsageError naming the hosts when it is unknown)."""
    if name not in NAMES:
        raise UsageError(f"unknown host {name!r}; hosts: {', '.join(NAMES)}")
    return importlib.import_module(f"{__name__}.{name}").HOST
