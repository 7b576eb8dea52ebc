"""What the guard protects whatever the contract says, and the scratch space it opens by default.

Always protected (no contract setting opens them; the main session with
`coordinator: allow` excepted): every file that could switch the guard or the
commit-time check off.

- Anything in a git folder (`.git/` at any depth, and the git folder of the
  repository the guard runs in wherever it lies): git's hooks, its settings
  (`core.hooksPath`), `info/exclude` and `info/attributes`, the refs, and
  ownership's cache (`<git dir>/ownership/`, git/cache.py). An agent changes a
  repository with git commands, which the guard judges apart (guard/binding.py).
- In every governed work tree: each host's hook settings (adapters/base.py
  HOOK_FILES) and the git hook managers' configuration (COMMIT_HOOK_FILES).
- In the home folder: each host's user settings (HOOK_FILES again: a user's
  `~/.claude/settings.json` can disable every hook) and git's user settings.

The contract's own files are protected by the contract itself (sources/contract_file.py).

Scratch space (`scratch:` in ownership.yaml, both on by default): a path outside
every governed repository that lies in the system temp folder (`scratch.temp`),
and a path git ignores that no rule of the contract names (`scratch.ignored`),
are every agent's to write. The guard decides it (guard/decide.py); `explain`
and `check` judge by the contract alone.
"""

from __future__ import annotations

import os

from ..report.common import always_protected

# Git hook managers whose configuration decides which hooks run at commit (pre-commit, husky, lefthook).
COMMIT_HOOK_FILES = (".pre-commit-config.yaml", ".husky/", "lefthook.yml", ".lefthook.yml")
HOME_GIT_FILES = (".gitconfig", ".config/git/")


def listed(relative: str, files: tuple[str, ...]) -> bool:
    """Whether a relative path is, holds or lies in one of `files` (a name ending with '/' covers the folder)."""
    path = relative.rstrip("/")
    return any(
        path == f.rstrip("/") or (f.endswith("/") and path.startswith(f)) or f.startswith(path + "/") for f in files
    )


def protection(
    path: str, folder: bool, relative: str | None, git_dirs: tuple[str, ...], shown_top: str | None
) -> str | None:
    """Why an absolute, resolved path is always protected (`protected: ...`), or None.

    `relative`: the path in its governed work tree (None outside every one); `git_dirs`: git folders known
    by their location (resolved); `shown_top`: the folder paths are shown relative to in messages.
    """
    from .adapters.base import HOOK_FILES

    parts = path.split(os.sep)
    if ".git" in parts:
        git_dir = os.sep.join(parts[: parts.index(".git") + 1])
        return always_protected("git", folder=_shown(git_dir, shown_top))
    for git_dir in git_dirs:
        if path == git_dir or path.startswith(git_dir + os.sep):
            return always_protected("git", folder=_shown(git_dir, shown_top))
    if relative is not None:
        inside = relative + "/" if folder and relative else relative
        if listed(inside, HOOK_FILES):
            return always_protected("hooks")
        if listed(inside, COMMIT_HOOK_FILES):
            return always_protected("commit_hooks")
    home = os.path.realpath(os.path.expanduser("~"))
    if home != os.sep and path.startswith(home + os.sep):
        inside = os.path.relpath(path, home).replace(os.sep, "/") + ("/" if folder else "")
        if listed(inside, HOOK_FILES):
            return always_protected("hooks")
        if listed(inside, HOME_GIT_FILES):
            return always_protected("git_config")
    return None


def temp_folder(path: str) -> str | None:
    """The system temp folder holding an absolute, resolved path (tempfile.gettempdir(), /tmp), or None.

    A $TMPDIR set as wide as '/' or a folder holding the home folder is no scratch space (/tmp always is).
    """
    import tempfile

    home = os.path.realpath(os.path.expanduser("~"))
    system = os.path.realpath("/tmp")
    for folder in dict.fromkeys(os.path.realpath(f) for f in (tempfile.gettempdir(), "/tmp")):
        if folder == os.sep or (folder != system and (home == folder or home.startswith(folder + os.sep))):
            continue
        if path.startswith(folder + os.sep):
            return folder
    return None


def _shown(path: str, top: str | None) -> str:
    if top and path.startswith(top + os.sep):
        return os.path.relpath(path, top).replace(os.sep, "/")
    return path
