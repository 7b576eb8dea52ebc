"""The one door to git: every git call goes through `call` (or `Pending`, or `run`).

`call` runs the `git` command (never a library) in an explicit directory with
`git_env()` and raises `GitError` carrying the command, exit code and stderr.
Paths are read NUL-separated (`-z`) and decoded with `os.fsdecode`, so any
name git can store (newline, tab, quote, bytes that are not UTF-8) comes back
exactly and round-trips through `os.fsencode`. Also here: the questions every
command asks about the repository (top level, HEAD, branch, config).

Each question is one git process; nothing here runs git once per path.
Functions taking `repo` expect the top level of a work tree (see `toplevel`).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import GitError, GitTimeout

# Variables that only say how git runs or where its configuration lives: kept.
_CONFIGURING = (
    "GIT_CONFIG",  # GIT_CONFIG_PARAMETERS (git -c), _COUNT/_KEY_n/_VALUE_n, _GLOBAL, _SYSTEM, _NOSYSTEM
    "GIT_EXEC_PATH",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_SSL_",
    "GIT_SSH",
    "GIT_ASKPASS",
    "GIT_TERMINAL_PROMPT",
    "GIT_TRACE",
)
# Paths a hook is handed so that it sees what is being committed or pushed:
# kept, made absolute against the process's working directory.
_HOOK_PATHS = ("GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_QUARANTINE_PATH")
_HOOK_LISTS = ("GIT_ALTERNATE_OBJECT_DIRECTORIES",)  # git exports it absolute already


def git_env() -> dict[str, str]:
    """The environment for every git call: this process's, minus what git exports to hooks.

    Inside a hook git exports GIT_DIR, GIT_WORK_TREE, GIT_PREFIX, GIT_EDITOR,
    GIT_AUTHOR_* and more; left in place they would point our calls (which
    always pass an explicit working directory) at the wrong repository or
    prefix, so every GIT_* variable is dropped except:

    - GIT_INDEX_FILE, made absolute. `git commit -a` and `git commit <paths>`
      run the pre-commit hook against a temporary index (`.git/index.lock`,
      `.git/next-index-*.lock`) named only by this variable. Dropping it would
      make "staged" mean `.git/index`, which does not hold the files `-a` is
      about to commit, so `git commit -am` would slip an out-of-lane change
      past the hook. Hooks run at the top level, so a relative value is
      resolved against the process's working directory.
    - GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES and
      GIT_QUARANTINE_PATH: a pre-receive hook finds the pushed objects only
      through them.
    - variables that only configure git: GIT_CONFIG* (including `git -c`'s
      GIT_CONFIG_PARAMETERS), GIT_EXEC_PATH, GIT_CEILING_DIRECTORIES and the
      like (see _CONFIGURING).

    Two are set: GIT_OPTIONAL_LOCKS=0, so that reading never takes the index
    lock another agent's `git add` may need at the same moment, and
    GIT_LITERAL_PATHSPECS=1, so that a path is never read as a pattern.
    """
    env = {}
    for key, value in os.environ.items():
        if not key.startswith("GIT_") or key.startswith(_CONFIGURING) or key in _HOOK_LISTS:
            env[key] = value
        elif key in _HOOK_PATHS and value:
            env[key] = os.path.abspath(value)
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["GIT_LITERAL_PATHSPECS"] = "1"
    return env


_deadline: float | None = None  # time.monotonic() by which every git call must end (the guard's budget)


def set_deadline(when: float | None) -> None:
    """From now on, a git call still running at `when` (time.monotonic()) is killed and raises GitTimeout."""
    global _deadline
    _deadline = when


def _timeout() -> float | None:
    return None if _deadline is None else max(0.0, _deadline - time.monotonic())


def _timed_out(cmd: list[str]) -> GitTimeout:
    return GitTimeout(cmd, -9, "it did not finish in time and was stopped")


def call(
    args: Sequence[str],
    cwd: str | os.PathLike[str],
    *,
    input: bytes | None = None,
    ok: Iterable[int] = (0,),
) -> tuple[int, bytes, bytes]:
    """Run `git *args` in `cwd`: (exit code, stdout, stderr).

    Raises GitError unless the exit code is in `ok`. Without `input`, stdin is
    empty (a hook's stdin is never handed on to git).
    """
    return Pending(args, cwd, ok, input=input).result()


class Pending:
    """A git call started now and collected later, so independent questions overlap.

    `result()` returns and raises exactly as `call` does. Under a deadline (`set_deadline`) git runs in a
    process group of its own, so that what it started is stopped with it.
    """

    def __init__(
        self, args: Sequence[str], cwd: str | os.PathLike[str], ok: Iterable[int] = (0,), *, input: bytes | None = None
    ) -> None:
        self.cmd = ["git", *args]
        self.ok = tuple(ok)
        self.input = input
        self.error: GitError | None = None
        self.group = _deadline is not None
        try:
            self.proc = subprocess.Popen(
                self.cmd, cwd=cwd, env=git_env(), process_group=0 if self.group else None,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )  # fmt: skip
        except OSError as exc:  # no git on PATH, or cwd does not exist
            self.error = GitError(self.cmd, 127, str(exc))

    def result(self) -> tuple[int, bytes, bytes]:
        if self.error is not None:
            raise self.error
        try:
            out, err = self.proc.communicate(self.input, timeout=_timeout())
        except subprocess.TimeoutExpired:
            self._stop()
            raise _timed_out(self.cmd) from None
        if self.proc.returncode not in self.ok:
            raise GitError(self.cmd, self.proc.returncode, err.decode("utf-8", "replace"))
        return self.proc.returncode, out, err

    def _stop(self) -> None:
        import signal

        try:
            if self.group:
                os.killpg(self.proc.pid, signal.SIGKILL)
            else:
                self.proc.kill()
        except OSError:
            pass
        self.proc.wait()  # not communicate(): a grandchild may hold the pipes open


def run(args: Sequence[str], cwd: str | os.PathLike[str], *, input: bytes | None = None) -> bytes:
    """Run `git *args` in `cwd` and return its stdout; GitError unless it exits 0."""
    return call(args, cwd, input=input)[1]


def nul_paths(out: bytes) -> list[str]:
    """NUL-separated paths, decoded so that they round-trip."""
    return [os.fsdecode(p) for p in out.split(b"\0") if p]


# --- the repository ---------------------------------------------------------


def toplevel(cwd: str | os.PathLike[str]) -> str | None:
    """The top level of the work tree holding `cwd`, or None outside one."""
    rc, out, _ = call(["rev-parse", "--show-toplevel"], cwd, ok=(0, 128))
    return os.fsdecode(out[:-1]) if rc == 0 and out.endswith(b"\n") else None


def has_head(repo: str | os.PathLike[str]) -> bool:
    """Whether HEAD names a commit (False on an unborn branch)."""
    rc, _, _ = call(["rev-parse", "--verify", "-q", "HEAD^{commit}"], repo, ok=(0, 1))
    return rc == 0


def config_bool(value: str | None) -> bool:
    """A config value read as git reads a boolean: unset is false, a key with no value is true."""
    if value is None:
        return False
    word = value.strip().lower()
    if word in ("", "true", "yes", "on"):
        return True
    if word in ("false", "no", "off"):
        return False
    try:
        return int(word) != 0
    except ValueError:
        return False


def current_branch(repo: str | os.PathLike[str]) -> str | None:
    """The checked-out branch (also on an unborn branch), or None when HEAD is detached."""
    rc, out, _ = call(["symbolic-ref", "-q", "HEAD"], repo, ok=(0, 1))
    ref = out.decode("utf-8", "replace").rstrip("\n")
    return ref.removeprefix("refs/heads/") if rc == 0 else None


def author_email(repo: str | os.PathLike[str]) -> str | None:
    """The e-mail the next commit will carry: $GIT_AUTHOR_EMAIL (git exports it to hooks), else git's config."""
    email = os.environ.get("GIT_AUTHOR_EMAIL")
    if email is None:
        ident = run(["var", "GIT_AUTHOR_IDENT"], repo).decode("utf-8", "replace")
        email = ident.partition("<")[2].partition(">")[0]
    return email or None


# --- one call for the questions every command asks ----------------------------


@dataclass(frozen=True, slots=True)
class RepoInfo:
    """The work tree's top level, its git folder, HEAD (None on an unborn branch) and the merge in progress."""

    top: str
    git_dir: str
    head: str | None
    merging: tuple[str, ...]


def repo_info(cwd: str | os.PathLike[str]) -> RepoInfo | None:
    """Everything `toplevel`, `has_head` and `merge_heads` tell, in one git call; None outside a work tree."""
    rc, out, _ = call(
        ["rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-path", "MERGE_HEAD", "HEAD"], cwd, ok=(0, 128)
    )
    lines = out.split(b"\n")
    if len(lines) < 4:
        return None  # not in a work tree (a bare repository or outside any)
    top, git_dir, merge_path = (os.fsdecode(line) for line in lines[:3])
    head = lines[3].decode("ascii", "replace") if rc == 0 else None
    try:
        with open(os.path.join(top, merge_path), encoding="ascii") as handle:
            merging = tuple(handle.read().split())
    except (FileNotFoundError, UnicodeDecodeError):
        merging = ()
    return RepoInfo(top, git_dir, head, merging)


def start_config_values(repo: str | os.PathLike[str], *keys: str) -> Pending:
    pattern = "^(" + "|".join(k.replace(".", r"\.") for k in keys) + ")$"
    return Pending(["config", "-z", "--get-regexp", pattern], repo, ok=(0, 1))


def config_values(repo: str | os.PathLike[str], *keys: str, started: Pending | None = None) -> dict[str, str]:
    """Several config keys in one call: {key: last value} for those that are set (keys lower-case)."""
    _, out, _ = (started or start_config_values(repo, *keys)).result()
    values = {}
    for entry in out.split(b"\0"):
        if entry:
            key, _, value = entry.partition(b"\n")
            values[key.decode("utf-8", "replace").lower()] = value.decode("utf-8", "replace")
    return values
