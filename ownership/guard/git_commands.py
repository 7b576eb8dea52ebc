"""Commands that make commits, write git's index or change who git thinks is acting, judged as the real agent.

`judge(argv, cwd, acting, contract)` reads one simple command, already split
into words (assignments and wrappers such as `env` or `sudo` still in front),
the way guard/shell.py or any other shell reader hands it over, and says what
the guard must do about it:

- `Refusal`: the command claims another identity or goes round the doors:
  an `OWNERSHIP_AGENT` or `GIT_AUTHOR_EMAIL` naming someone else (assignment,
  `export`, `env`, `unset`), `GIT_INDEX_FILE`/`GIT_DIR`/`GIT_CONFIG_*`
  assignments, `git -c`/`--config-env` of `ownership.*`, `core.hooksPath` or an
  e-mail mapped to another agent, `git config` of the same, a commit whose
  message, `--trailer` or `--author` names another agent, `--no-verify`,
  a branch (`checkout -b`, `switch`, `branch`, `worktree add`) named for another
  agent, and plumbing that writes commits, refs or the index wholesale
  (`commit-tree`, `read-tree`, `update-ref`, `replace`, `notes` writes,
  `fast-import`, `filter-branch`, `update-index --index-info|--stdin`).
- `CommitCheck`: a `git commit`: the guard runs the staged check as the acting
  agent before it runs (`scope` 'staged', or 'all' when the commit or the
  command line may stage more: `-a`, paths, `git add` in the same call).
- `IndexWrite`: paths `git add` or `git update-index` (`--cacheinfo` too) put in
  the index: judged as writes by the acting agent, like a file written.

`hash-object -w` alone is allowed: an object no index entry, commit or ref
points at changes nothing, and every way of pointing at one is judged here.
Nothing in this module runs git or reads files; guard/binding.py acts on its answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..checking.identity import branch_agent
from ..core.model import Contract
from ..git import trailer


@dataclass(frozen=True)
class Refusal:
    command: str  # as shown to the agent: "git commit-tree"
    why: str


@dataclass(frozen=True)
class CommitCheck:
    command: str
    cwd: str | None
    scope: str  # "staged" | "all" | "paths" (`git commit [--only] -- PATHSPEC`: those paths' work tree content)
    reuse: str | None = None  # -C/-c REV: the commit whose message (and its trailer) is reused
    paths: tuple[str, ...] = ()  # the pathspecs of scope "paths", as typed (relative to cwd)


@dataclass(frozen=True)
class IndexWrite:
    command: str
    cwd: str | None
    paths: tuple[str, ...]  # as typed, relative to cwd
    everything: bool = False  # `git add -A`, `git add .`: every change of the work tree


Finding = Refusal | CommitCheck | IndexWrite

_IDENTITY_VARIABLES = {"OWNERSHIP_AGENT", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL", "EMAIL"}
_ROUNDABOUT_VARIABLES = ("GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG", "GIT_OBJECT_DIRECTORY")
_VARIABLE_PREFIXES = (*_IDENTITY_VARIABLES, *_ROUNDABOUT_VARIABLES)
# Commands that run the command after them, with their options that take a separate value (coreutils, sudo(8)).
_SUDO = ("-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-T", "-U", "--user", "--group", "--chdir")
_WRAPPERS = {
    "exec": ("-a",),
    "nohup": (),
    "time": (),
    "builtin": (),
    "command": (),
    "sudo": _SUDO,
    "doas": ("-u", "-C"),
    "nice": ("-n", "--adjustment"),
    "stdbuf": ("-i", "-o", "-e"),
    "timeout": ("-s", "-k", "--signal", "--kill-after"),
    "xargs": ("-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s"),
}
_PLUMBING = {
    "commit-tree": "writes a commit no hook or check sees",
    "read-tree": "replaces the index wholesale",
    "update-ref": "points a ref at any commit",
    "replace": "makes git show one object in place of another",
    "fast-import": "writes commits no hook or check sees",
    "filter-branch": "rewrites commits no hook or check sees",
    "filter-repo": "rewrites commits no hook or check sees",
}
_NOTES_WRITES = {"add", "append", "copy", "edit", "merge", "remove", "prune"}
_EMAIL_KEYS = {"user.email", "author.email", "committer.email"}


def relevant(argv: Sequence[str]) -> bool:
    """Whether `judge` may find anything in a command: a cheap test that keeps the hook's common path light."""
    dynamic_name = bool(argv) and ("$" in argv[0] or "`" in argv[0] or "\0" in argv[0])
    return dynamic_name or any(
        word.rsplit("/", 1)[-1] == "git" or word.startswith(_VARIABLE_PREFIXES) or word in ("unset", "export")
        for word in argv
    )


def hidden_variable(text: str, commands: Sequence[tuple[Sequence[str], object]]) -> bool:
    """Whether `OWNERSHIP_AGENT` occurs in the command text more often than in the words read from it.

    A shell reader folds `OWNERSHIP_AGENT=$(...)` into one word of unknown value; the name then
    vanishes from the words, and only this count shows that it was assigned.
    """
    seen = sum(w.count("OWNERSHIP_AGENT") for argv, _ in commands for w in argv)
    return text.count("OWNERSHIP_AGENT") > seen


def judge(argv: Sequence[str], cwd: str | None, acting: str | None, contract: Contract) -> list[Finding]:
    """What one simple command asks of the guard, for `acting` (None: an agent nobody named)."""
    claims = _Claims(acting, contract)
    words = list(argv)
    findings: list[Finding] = []
    while words and _assignment(words[0]):
        findings += claims.variable(words.pop(0), "an assignment")
    while words:
        name = words[0].rsplit("/", 1)[-1]
        if name == "env":
            words = words[1:]
            while words and (words[0].startswith("-") or _assignment(words[0])):
                if _assignment(words[0]):
                    findings += claims.variable(words[0], "env")
                elif words[0] in ("-u", "--unset") and len(words) > 1:
                    words = words[1:]
                    findings += claims.variable(words[0] + "=", "env -u")
                words = words[1:]
        elif name in _WRAPPERS:
            words = words[1:]
            while words and words[0].startswith("-"):
                takes_value = words[0] in _WRAPPERS[name] and "=" not in words[0]
                words = words[2:] if takes_value else words[1:]
            if name == "timeout" and words:
                words = words[1:]
        else:
            break
    if not words:
        return findings
    git_words = {"git", *_SUBCOMMANDS, *_PLUMBING, "notes"}
    if ("$" in words[0] or "`" in words[0] or "\0" in words[0]) and any(
        w.rsplit("/", 1)[-1] in git_words for w in words
    ):
        why = "a word known only when the command runs stands before git, so the guard cannot read it"
        return [*findings, Refusal("git", why)]
    name = words[0].rsplit("/", 1)[-1]
    if name in ("export", "declare", "typeset", "readonly", "local"):
        for word in words[1:]:
            if _assignment(word):
                findings += claims.variable(word, name)
        return findings
    if name == "unset":
        return findings + [f for w in words[1:] if not w.startswith("-") for f in claims.variable(w + "=", "unset")]
    if name == "git":
        findings += _git(words[1:], cwd, claims)
    return findings


class _Claims:
    """Whether a name, e-mail or branch claims someone other than the acting agent."""

    def __init__(self, acting: str | None, contract: Contract) -> None:
        self.acting = acting
        self.contract = contract
        self.authors = dict(contract.identity.authors)

    @property
    def who(self) -> str:
        return self.acting or "an agent nobody named"

    def refuse(self, command: str, claim: str, name: str | None) -> list[Finding]:
        if name and ("$" in name or "`" in name):  # a variable or $(...): known only when the shell runs it
            claimed = "names whoever a value known only when the command runs names"
        else:
            claimed = f"names {name}" if name else "names nobody"
        return [
            Refusal(
                command,
                f"{claim} {claimed}, but {self.who} is acting; a change made here carries {self.who}'s identity",
            )
        ]

    def name(self, command: str, claim: str, value: str) -> list[Finding]:
        value = value.strip()
        return [] if value and value == self.acting else self.refuse(command, claim, value or None)

    def email(self, command: str, claim: str, value: str) -> list[Finding]:
        other = self.authors.get(value.strip().lower())
        return [] if other is None or other == self.acting else self.refuse(command, claim, other)

    def branch(self, command: str, branch: str) -> list[Finding]:
        other = branch_agent(self.contract, branch.removeprefix("refs/heads/"))
        return [] if other is None or other == self.acting else self.refuse(command, f"the branch {branch}", other)

    def message(self, command: str, text: str) -> list[Finding]:
        key = self.contract.identity.trailer
        named = trailer(text, key)
        return [] if named is None else self.name(command, f"the trailer '{key}:'", named)

    def variable(self, word: str, how: str) -> list[Finding]:
        variable, _, value = word.partition("=")
        command = f"{how} {variable}".strip()
        if variable == "OWNERSHIP_AGENT":
            return self.name(command, "$OWNERSHIP_AGENT", value)
        if variable in _IDENTITY_VARIABLES:
            return self.email(command, f"${variable}", value)
        if variable.startswith(_ROUNDABOUT_VARIABLES):
            return [Refusal(command, f"${variable} points git past the index and config the checks read")]
        return []


def _assignment(word: str) -> bool:
    name, eq, _ = word.partition("=")
    return bool(eq) and name.isidentifier()


def _config_key(command: str, key: str, value: str | None, claims: _Claims) -> list[Finding]:
    """A config key set (value None: its value is unknown, or it is unset)."""
    key = key.lower()
    if key == "ownership.agent":
        return claims.name(command, "ownership.agent", value or "")
    if key.startswith("ownership."):
        return [Refusal(command, f"{key} is the contract's setting; only a person changes it")]
    if key == "core.hookspath":
        return [Refusal(command, "core.hooksPath decides which git hooks run; only a person changes it")]
    if key in _EMAIL_KEYS:
        return claims.email(command, key, value or "") if value is not None else []
    return []


def _git(args: list[str], cwd: str | None, claims: _Claims) -> list[Finding]:
    findings: list[Finding] = []
    i = 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        if arg == "-C" and i + 1 < len(args):
            cwd = _join(cwd, args[i + 1])
            i += 2
            continue
        if arg == "-c" and i + 1 < len(args):
            key, eq, value = args[i + 1].partition("=")
            findings += _config_key("git -c", key, value if eq else "true", claims)
            i += 2
            continue
        if arg in ("--config-env",) and i + 1 < len(args):
            findings += _config_key("git --config-env", args[i + 1].partition("=")[0], None, claims)
            i += 2
            continue
        if arg.startswith("--config-env="):
            findings += _config_key("git --config-env", arg.partition("=")[2].partition("=")[0], None, claims)
        elif arg.startswith(("--git-dir", "--work-tree", "--index-file")):
            findings.append(Refusal(f"git {arg.partition('=')[0]}", "points git past the index the checks read"))
        i += 1
    if i >= len(args):
        return findings
    sub, rest = args[i], args[i + 1 :]
    command = f"git {sub}"
    if sub in _PLUMBING:
        return findings + [Refusal(command, _PLUMBING[sub] + "; only a person runs it")]
    if sub == "notes":
        if rest and rest[0] in _NOTES_WRITES or any(a.startswith("--ref") for a in rest) and len(rest) > 1:
            return findings + [Refusal(command, "writes notes no check reads; only a person runs it")]
        return findings
    handler = _SUBCOMMANDS.get(sub)
    return findings + (handler(command, rest, cwd, claims) if handler else [])


def _join(cwd: str | None, path: str) -> str | None:
    import os

    if os.path.isabs(path):
        return path
    return os.path.join(cwd, path) if cwd else None


def _commit(command: str, args: list[str], cwd: str | None, claims: _Claims) -> list[Finding]:
    findings: list[Finding] = []
    scope, reuse, messages, positional = "staged", None, [], []
    i = 0
    while i < len(args):
        arg = args[i]
        value = args[i + 1] if i + 1 < len(args) else ""
        long, eq, attached = arg.partition("=")
        if arg == "--":
            positional += args[i + 1 :]
            break
        if long in ("--message", "--author", "--trailer", "--file", "--reuse-message", "--reedit-message"):
            if not eq:
                attached, i = value, i + 1
            if long == "--message":
                messages.append(attached)
            elif long == "--author":
                email = attached.partition("<")[2].partition(">")[0] or attached
                findings += claims.email(command + " --author", "the author", email)
            elif long == "--trailer":
                findings += claims.message(command + " --trailer", "title\n\n" + attached.replace("=", ":", 1))
            elif long in ("--reuse-message", "--reedit-message"):
                reuse = attached
            i += 1
            continue
        if arg == "--no-verify":
            return findings + [Refusal(command + " --no-verify", "skips the git hooks that check the commit")]
        if arg in ("--all", "--include", "--only", "--interactive", "--patch"):
            scope = "all"
        elif arg.startswith("-") and not arg.startswith("--") and len(arg) > 1:
            # Short options, bundled (-am msg): a, i, o, p stage more; m, F, C, c take a value.
            for at, letter in enumerate(arg[1:], 1):
                if letter in "naiop":
                    scope = "all" if letter != "n" else scope
                    if letter == "n":
                        return findings + [Refusal(command + " -n", "skips the git hooks that check the commit")]
                elif letter in "mFCct":
                    text = arg[at + 1 :] or value
                    if not arg[at + 1 :]:
                        i += 1
                    if letter == "m":
                        messages.append(text)
                    elif letter in "Cc":
                        reuse = text
                    break
        elif not arg.startswith("-"):
            positional.append(arg)
        i += 1
    if positional:  # `git commit -- PATHS` commits only those paths (--only); with -a, -i or -p: everything
        scope = "paths" if scope == "staged" else "all"
    for text in messages:
        findings += claims.message(command + " -m", text)
    return findings + [CommitCheck(command, cwd, scope, reuse, tuple(positional) if scope == "paths" else ())]


def _add(command: str, args: list[str], cwd: str | None, claims: _Claims) -> list[Finding]:
    if any(a in ("-n", "--dry-run") for a in args):
        return []
    paths = [a for a in args if not a.startswith("-") or a == "--"]
    paths = [p for p in paths if p != "--"]
    everything = any(a in ("-A", "--all", "-u", "--update") for a in args) or not paths
    if any(a.startswith("--pathspec-from-file") for a in args):
        everything = True
    return [IndexWrite(command, cwd, tuple(paths), everything)]


def _update_index(command: str, args: list[str], cwd: str | None, claims: _Claims) -> list[Finding]:
    if any(a in ("--index-info", "--stdin") for a in args):
        return [Refusal(command, "reads the index entries from stdin, which the guard cannot see")]
    paths, i = [], 0
    while i < len(args):
        arg = args[i]
        if arg == "--cacheinfo":
            following = args[i + 1 : i + 4]
            if following and following[0].count(",") == 2:
                paths.append(following[0].split(",", 2)[2])
                i += 2
                continue
            if len(following) == 3:
                paths.append(following[2])
            i += 4
            continue
        if arg.startswith("--chmod") or arg in ("--add", "--remove", "--force-remove", "--replace", "-q", "--"):
            i += 1
            continue
        if arg.startswith("-"):
            i += 1
            continue
        paths.append(arg)
        i += 1
    return [IndexWrite(command, cwd, tuple(paths))] if paths else []


def _config(command: str, args: list[str], cwd: str | None, claims: _Claims) -> list[Finding]:
    options = [a for a in args if a.startswith("-")]
    words = [a for a in args if not a.startswith("-")]
    if words and words[0] in ("set", "unset"):  # git 2.46 subcommands: `git config set KEY VALUE`
        options.append("--unset" if words[0] == "unset" else "--set")
        words = words[1:]
    reading = any(o in ("--get", "--get-all", "--get-regexp", "-l", "--list", "--show-origin") for o in options)
    if reading or not words:
        return []
    unset = any(o.startswith("--unset") or o == "--remove-section" for o in options)
    if len(words) == 1 and not unset:
        return []  # `git config KEY` reads it
    value = None if unset else words[1]
    if unset and words[0].lower() == "ownership.agent":
        return claims.refuse(command + " --unset ownership.agent", "unsetting ownership.agent", None)
    return _config_key(command + " " + words[0], words[0], value, claims)


def _branch_words(command: str, args: list[str], claims: _Claims, creates: tuple[str, ...]) -> list[Finding]:
    findings: list[Finding] = []
    names = [a for a in args if not a.startswith("-")]
    for at, arg in enumerate(args):
        if arg in creates and at + 1 < len(args):
            findings += claims.branch(command, args[at + 1])
    for name in names:
        findings += claims.branch(command, name)
    return list(dict.fromkeys(findings))


def _checkout(command: str, args: list[str], cwd: str | None, claims: _Claims) -> list[Finding]:
    before = args[: args.index("--")] if "--" in args else args
    return _branch_words(command, before, claims, ("-b", "-B", "--orphan"))


def _switch(command: str, args: list[str], cwd: str | None, claims: _Claims) -> list[Finding]:
    return _branch_words(command, args, claims, ("-c", "-C", "--create", "--force-create", "--orphan"))


def _branch(command: str, args: list[str], cwd: str | None, claims: _Claims) -> list[Finding]:
    if any(a in ("-d", "-D", "--delete", "-l", "--list", "-a", "-r", "--show-current") for a in args):
        return []
    return _branch_words(command, args, claims, ())


def _worktree(command: str, args: list[str], cwd: str | None, claims: _Claims) -> list[Finding]:
    if not args or args[0] != "add":
        return []
    return _branch_words(command + " add", args[1:], claims, ("-b", "-B"))


_SUBCOMMANDS = {
    "commit": _commit,
    "add": _add,
    "update-index": _update_index,
    "config": _config,
    "checkout": _checkout,
    "switch": _switch,
    "branch": _branch,
    "worktree": _worktree,
}
