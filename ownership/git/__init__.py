"""The only package that runs git: door (every call), changes, commits, tree; cache (contracts read from commits).

Call sites write `from ownership import git` and `git.staged_changes(...)`:
the names below are re-exported from the modules that define them. `cache`
is imported where it is used, not here, so that it stays off paths that do
not need it.
"""

from .changes import (
    RENAMED_AWAY,
    Change,
    merge_heads,
    staged_changes,
    start_staged_changes,
    worktree_changes,
    written_paths,
)
from .commits import (
    BATCH,
    CommitInfo,
    changes_of,
    commit_changes,
    commit_info,
    commit_infos,
    range_commits,
    read_commits,
    signatures,
    trailer,
    unpushed_commits,
)
from .door import (
    Pending,
    RepoInfo,
    author_email,
    call,
    config_bool,
    config_values,
    current_branch,
    git_env,
    has_head,
    nul_paths,
    repo_info,
    run,
    set_deadline,
    start_config_values,
    toplevel,
)
from .tree import ignored, list_tree, ls_files, read_blob, read_objects, tree_entries

__all__ = [
    "BATCH", "RENAMED_AWAY", "Change", "CommitInfo", "Pending", "RepoInfo",
    "author_email", "call", "changes_of", "commit_changes", "commit_info", "commit_infos", "config_bool", "config_values",
    "current_branch", "git_env", "has_head", "ignored", "list_tree", "ls_files", "merge_heads", "nul_paths", "range_commits",
    "read_blob", "read_commits", "read_objects", "repo_info", "run", "set_deadline", "signatures", "staged_changes", "start_config_values",
    "start_staged_changes", "toplevel", "tree_entries", "trailer", "unpushed_commits", "worktree_changes",
    "written_paths",
]  # fmt: skip
