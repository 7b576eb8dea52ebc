"""The agent guard: one Claude Code hook call → a decision.

`parse_input` (protocol.py) reads the hook's JSON; `Guard.decide` answers with a `Verdict`:
for PreToolUse, every path the tool would write and whether the acting agent
may write it, with the deciding rule and the reason Claude is shown; for
SubagentStart, the agent's lane to announce. Nothing here prints, exits or
reads stdin: the `guard` command does (guard/hook.py, cli/agents.py).

Who acts: `checking.identity.resolve`, the one resolver of every door: the
payload's `agent_type` (a `plugin-name:` prefix stripped), then the hook
process's `$OWNERSHIP_AGENT`, the worktree's `ownership.agent`, its branch and
the author mapping. A payload with an `agent_id` and no name from any clue is
an agent nobody named; a name the contract does not know follows
`unknown_agent`. With no clue at all the main session acts, for which the
contract's `coordinator` names a lane or says `allow`.

Where a path lies: its folders are resolved (symlinks followed, '.' and '..'
collapsed), and the git top level of its nearest existing folder makes it
repository-relative, whatever the payload's cwd. A symlink is judged twice:
where it is and where it leads. A path in a work tree with no committed contract
is judged by the enclosing governed work tree, if any; a path in none follows
`outside_repo`. A folder that exists is judged by the files in it.

Which contract: `Workspace.contract_in_force()`, as for `ownership check
--staged`: the one committed at HEAD; in the repository the guard runs in, the
working tree's only before the first commit or before any contract is
committed (its first adoption: the contract being added protects itself). Any
other repository (nested, or elsewhere) is governed only by a contract
committed at its HEAD: `git init bob` plus an uncommitted `bob/ownership.yaml`
governs nothing, and bob's paths stay the enclosing contract's.

Whatever the contract says, the files that could switch the guard off are
denied (guard/guarded.py), and its scratch space is open (`scratch:`): the
system temp folder outside every governed repository, and unlisted paths git
ignores. The decision runs within the time budget (guard/budget.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .. import git
from ..core.engine import Engine
from ..core.model import Contract, Rule
from ..report.common import reason, scratch, sentence
from ..workspace import Workspace
from . import budget
from .protocol import FILE_TOOLS, GUARDED_TOOLS, WRAPPED_TOOLS, Check, HookInput, Verdict

# --- the contract in force ----------------------------------------------------


@dataclass(frozen=True)
class Governed:
    """A repository under a contract."""

    top: str
    contract: Contract
    engine: Engine
    where: str  # for messages: "contract/ownership.yaml at HEAD"


def governed(ws: Workspace) -> Governed:
    """The contract in force in a workspace (`Workspace.contract_in_force`: HEAD's, as for `check --staged`)."""
    ws.prefetch_config()  # overlaps the settings with reading the contract
    contract, label = ws.contract_in_force()
    source = contract.source or ".claude/agents/*.md"
    where = f"{source} at HEAD" if label == "HEAD" else f"{source} in {label}"
    return Governed(os.path.realpath(ws.repo), contract, Engine(contract, ws.ignorecase), where)


def _has_contract(top: str) -> bool:
    """Whether a repository has a contract committed at HEAD (its working tree does not count), in one git call."""
    from ..sources import CONTRACT_CANDIDATES

    rc, out, _ = git.call(
        ["ls-tree", "-r", "-z", "--name-only", "--full-tree", "--end-of-options", "HEAD", *CONTRACT_CANDIDATES,
         ".claude/agents"], top, ok=(0, 128),
    )  # fmt: skip
    return rc == 0 and any(f in CONTRACT_CANDIDATES or f.endswith(".md") for f in git.nul_paths(out))


# --- deciding -----------------------------------------------------------------


class Guard:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.main_top = os.path.realpath(ws.repo) if ws.in_git else None
        self._main: Governed | None = None
        self._governed: dict[str, Governed | None] = {}
        self._tops: dict[str, str | None] = {}
        self._session: dict | None = None
        self._writes = None  # the last Bash command read (guard/shell.py's Writes)

    # --- the contracts ---

    def main(self) -> Governed:
        """The contract of the repository the guard runs in (`-C`, `--contract`): its settings rule the session."""
        if self._main is None:
            self._main = governed(self.ws)
        return self._main

    def governed(self, top: str) -> Governed | None:
        """The contract of the repository at `top`; None when it has none (it is then not governed)."""
        if top == self.main_top:
            return self.main()
        if top not in self._governed:
            found = governed(Workspace(top)) if _has_contract(top) else None
            # Only a committed contract governs another repository (no first-adoption from its working tree).
            self._governed[top] = found if found is not None and found.where.endswith(" at HEAD") else None
        return self._governed[top]

    def audit_log(self) -> str | None:
        """Where to append the audit records (absolute), when the contract asks for them."""
        main = self._main
        if main is None or not main.contract.audit_log:
            return None
        return os.path.join(main.top, main.contract.audit_log)

    # --- the decision ---

    def decide(self, hook: HookInput) -> Verdict:
        if hook.event == "SubagentStart":
            return Verdict(hook.event, context=self.lane_summary(hook.agent or ""))
        adapted = hook.paths is not None or hook.command is not None  # another host's call (guard/adapters/)
        if hook.event != "PreToolUse" or (hook.tool not in GUARDED_TOOLS and not adapted):
            return Verdict(hook.event)
        budget.note("reading the command" if hook.tool == "Bash" or hook.command is not None else "reading the paths")
        targets = self.targets(hook)
        budget.note("judging the paths")
        writes, self._writes = self._writes, None
        unread = writes.unknown if writes is not None else ()
        if writes is not None and writes.late and self.sandbox_agent(hook) is None:
            unread = (*unread, *writes.late)  # in the OS sandbox the kernel places a write known only at run time
        if writes is not None:
            from .git_commands import relevant

            text = hook.shell_text
            quiet = "OWNERSHIP_AGENT" not in text and not any(relevant(argv) for argv, _ in writes.commands)
            if writes.understood and quiet:
                writes = None
            elif not writes.understood and "git" not in text and "OWNERSHIP_AGENT" not in text:
                writes = None
        if not targets and writes is None and not unread:
            return Verdict(hook.event)
        main = self.main()
        checks: list[Check] = self._unread(unread, hook, main)
        for target in targets:
            checks.extend(self.check(target, hook, main))
        if writes is not None:  # git commands judged as the agent really acting (guard/binding.py)
            from .binding import binding_checks

            checks.extend(binding_checks(self, hook, writes.commands, writes.understood, main))
        return Verdict(hook.event, tuple(checks))

    def sandbox_agent(self, hook: HookInput) -> str | None:
        """The agent whose OS sandbox this call runs in when it is allowed (guard/wrap.py); None: it runs unwrapped.

        `OWNERSHIP_SANDBOX=off` in the environment the host runs its hooks in (the person's: an agent's command
        cannot change its host's environment) leaves commands unwrapped, judged by reading and the audit.
        """
        if hook.event != "PreToolUse" or hook.tool not in WRAPPED_TOOLS or hook.command is not None:
            return None  # only Claude Code's own tools are wrapped (`command` is another host's, guard/adapters/)
        from .sandbox import landlock_abi, sandbox_off

        if sandbox_off() or not landlock_abi()[0]:
            return None
        kind, name, _ = self.actor(self.main().contract, hook)
        return name if kind == "agent" else None

    def targets(self, hook: HookInput) -> list[str]:
        """The absolute paths the tool call writes, folders resolved as the kernel resolves them; a folder ends with '/'.

        A backslash is a separator only where the host's own paths use it (Windows, `os.sep`): on POSIX
        `bob/..\\alice\\x.py` is a file with backslashes in its name inside bob/, and is judged there.
        """
        from .paths import place

        if hook.paths is not None:  # an existing folder is judged by its files
            found = [place(os.path.join(hook.cwd, p)) for p in hook.paths]
            return [p + "/" if os.path.isdir(p) and p != "/" else p for p in found]
        if hook.tool == "Bash" or hook.command is not None:
            from .shell import written_paths

            def top(folder: str) -> str | None:
                return self.top_of_folder(os.path.realpath(folder)) if os.path.isdir(folder) else None

            command = hook.shell_text
            self._writes = written_paths(command, hook.cwd, top)
            return list(self._writes.paths)
        typed = hook.tool_input[FILE_TOOLS[hook.tool]]
        path = place(os.path.join(hook.cwd, typed))
        return [path + "/" if typed.endswith(("/", os.sep)) and path != "/" else path]

    def check(self, target: str, hook: HookInput, main: Governed) -> list[Check]:
        """The checks of one path: where it is, where it leads when it is a symlink, its other hard-linked names."""
        from .paths import leads as leads_to
        from .paths import place as place_of

        folder = target.endswith("/") and target != "/"
        bare = target.rstrip("/") or "/"
        place = place_of(bare)
        leads = leads_to(bare)
        checks = [self.check_one(place, folder, hook, main, None)]
        if leads != place:
            checks.append(self.check_one(leads, folder, hook, main, place))
        for name in self._hard_links(leads, main):
            checks.append(self.check_one(name, False, hook, main, None))
        return checks

    def _hard_links(self, path: str, main: Governed) -> list[str]:
        """The other names of a file with several hard links, found in its repository: a write changes them all."""
        try:
            stat = os.lstat(path)
        except OSError:
            return []
        if stat.st_nlink < 2 or not os.path.isfile(path):
            return []
        located = self.locate(path)
        top = located[0].top if located else None
        if top is None:
            return []
        found = []
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames if d != ".git"]
            for name in filenames:
                other = os.path.join(dirpath, name)
                if other == path:
                    continue
                try:
                    same = os.lstat(other)
                except OSError:
                    continue
                if (same.st_dev, same.st_ino) == (stat.st_dev, stat.st_ino):
                    found.append(other)
            if len(found) >= stat.st_nlink - 1:
                break
        return found

    def locate(self, path: str) -> tuple[Governed, str] | None:
        """(governing repository, repository-relative path), or None outside every governed repository."""
        folder = path
        while not os.path.isdir(folder):
            parent = os.path.dirname(folder)
            if parent == folder:
                return None
            folder = parent
        top = self.top_of_folder(folder)
        governed = self.governed(top) if top else None
        while top and governed is None and top != self.main_top:  # a work tree no contract governs: the enclosing one
            parent = os.path.dirname(top)
            top = self.top_of_folder(parent) if parent != top else None
            governed = self.governed(top) if top else None
        if governed is None:
            return None
        relative = os.path.relpath(path, top).replace(os.sep, "/")
        if relative == ".." or relative.startswith("../"):
            return None
        return governed, "" if relative == "." else relative

    def top_of_folder(self, folder: str) -> str | None:
        """The work tree's top level holding an existing folder (None inside `.git` or outside every work tree)."""
        if ".git" in folder.split(os.sep):
            return None
        main = self.main_top
        if main and (folder == main or folder.startswith(main + os.sep)):
            # No '.git' between the folder and the top: the same work tree, no git process needed.
            inner = folder
            while inner != main and not os.path.lexists(os.path.join(inner, ".git")):
                inner = os.path.dirname(inner)
            if inner == main:
                return main
        if folder not in self._tops:
            top = git.toplevel(folder)
            self._tops[folder] = os.path.realpath(top) if top else None
        return self._tops[folder]

    def session_clues(self, hook: HookInput):
        """The resolver's clues for this call: the payload's word, then the session's (environment, worktree)."""
        from ..checking.identity import harness_clues

        if hook.agent is not None:
            return harness_clues(hook.agent_type, hook.agent_id)
        if self._session is None:
            ws, weaker = self.ws, {"env": os.environ.get("OWNERSHIP_AGENT") or None}
            if ws.in_git:
                weaker.update(config=ws.config.get("ownership.agent"), branch=ws.branch)
            self._session = weaker
        return harness_clues(hook.agent_type, hook.agent_id, **self._session)

    def acting(self, contract: Contract, hook: HookInput):
        """The Actor under one contract (`checking.identity.resolve`)."""
        from ..checking.identity import resolve

        clues = self.session_clues(hook)
        actor = resolve(contract, clues)
        if actor.kind == "person" and contract.identity.authors and self.ws.in_git:
            actor = resolve(contract, clues.for_commit(None, git.author_email(self.ws.repo)))
        return actor

    def actor(self, contract: Contract, hook: HookInput) -> tuple[str, str | None, str]:
        """(kind, name, who): ('allow', None, ...) for a coordinator with free hands, 'agent' or 'unknown'."""
        acting = self.acting(contract, hook)
        if acting.kind == "person":
            if contract.coordinator == "allow":
                return "allow", None, "the main session"
            name = contract.coordinator
            kind = "agent" if contract.agent(name) else "unknown"
            return kind, name, f"the main session (coordinator: {name})"
        if acting.agent is None:
            return "unknown", None, "an agent the harness did not name (agent_id without agent_type)"
        who = acting.agent if acting.how == "the harness's agent_type" else f"{acting.agent} (named by {acting.how})"
        return acting.kind, acting.agent, who

    def check_one(self, path: str, folder: bool, hook: HookInput, main: Governed, link: str | None) -> Check:
        located = self.locate(path)
        governed = located[0] if located else main
        kind, name, who = self.actor(governed.contract, hook)
        guarded = self._always_protected(path, folder, located, link, who) if kind != "allow" else None
        if guarded is not None:
            return guarded
        if located is None:
            shown = path + "/" if folder else path
            if kind == "allow":
                return Check(shown, True, "coordinator")
            if kind == "unknown" and main.contract.unknown_agent == "deny":
                return self._unknown(shown, who, name, main, [])
            if main.contract.outside_repo == "allow":
                return Check(shown, True, "outside_repo")
            temp = _temp_scratch(path, main.contract)
            if temp is not None:
                said = sentence(
                    who, _shown(shown, link), True, scratch("temp", _setting_source(main.contract), folder=temp)
                )
                return Check(shown, True, "scratch", None, "ownership: " + said)
            why = reason("outside_repo", False, source=_setting_source(main.contract))
            return Check(
                shown, False, "outside_repo", None, "ownership: " + sentence(who, _shown(shown, link), False, why)
            )
        governed, relative = located
        shown_path = relative + "/" if folder and relative else relative or "."
        if governed is not main:
            shown_path = os.path.join(governed.top, relative) + ("/" if folder else "")
        engine = governed.engine
        if kind == "allow":
            return Check(shown_path, True, "coordinator")
        if kind == "unknown":
            if governed.contract.unknown_agent == "allow":
                return Check(shown_path, True, "unknown_agent")
            return self._unknown(shown_path, who, name, governed, engine.owners(relative) if relative else [])
        decisions = list(self._decisions(engine, name, path, relative, folder, governed.contract))
        ignored = self._ignored_scratch(governed, decisions)
        for file, decision in decisions:
            if not decision.can_write and file not in ignored:
                shown = shown_path if file == relative else file
                if governed is not main and file != relative:
                    shown = os.path.join(governed.top, file)
                inside = "the whole repository" if relative == "" else shown_path
                note = _shown(shown, link) + (f" (in {inside})" if file != relative else "")
                why = reason(decision.access, False, decision.rule)
                said = "ownership: " + sentence(who, note, False, why, engine.owners(file))
                return Check(shown, False, decision.access, decision.rule, said)
        first_file, first = decisions[0]
        if first_file in ignored:
            why = scratch("ignored", _setting_source(governed.contract))
            return Check(
                shown_path, True, "scratch", None, "ownership: " + sentence(who, _shown(shown_path, link), True, why)
            )
        return Check(shown_path, True, first.access, first.rule)

    # --- what no contract opens, and the scratch space (guard/guarded.py) ---

    def _always_protected(self, path: str, folder: bool, located, link: str | None, who: str) -> Check | None:
        """The denial of a file that could switch the guard off, whatever the contract says; None for others."""
        from .guarded import protection

        git_dirs = (os.path.realpath(self.ws.info.git_dir),) if self.ws.in_git else ()
        relative = located[1] if located else None
        why = protection(path, folder, relative, git_dirs, self.main_top)
        if why is None:
            return None
        if located is not None and located[0] is self._main:
            shown = relative + "/" if folder and relative else relative or "."
        elif self.main_top and path.startswith(self.main_top + os.sep):
            shown = os.path.relpath(path, self.main_top).replace(os.sep, "/") + ("/" if folder else "")
        else:
            shown = path + ("/" if folder else "")
        said = "ownership: " + sentence(who, _shown(shown, link), False, why, [])
        return Check(shown, False, "protected", None, said)

    def _ignored_scratch(self, governed: Governed, decisions: list) -> set[str]:
        """The denied files that are scratch space: unlisted for every agent, ignored by git (`scratch.ignored`)."""
        contract = governed.contract
        if not contract.scratch_ignored:
            return set()
        engine = governed.engine
        unlisted = {
            file: decision.path
            for file, decision in decisions
            if not decision.can_write and decision.access == "unlisted"
            and all(engine.decide(decision.path, other).access == "unlisted" for other in contract.names)
        }  # fmt: skip
        if not unlisted:
            return set()
        said = git.ignored(governed.top, sorted(set(unlisted.values())))
        return {file for file, asked in unlisted.items() if asked in said}

    def _decisions(self, engine: Engine, name: str, path: str, relative: str, folder: bool, contract: Contract):
        """(path, decision) pairs that must all allow: the file, or every file of an existing folder, however many."""
        if relative == "":  # the whole repository, the contract's own files with it
            yield from ((f, engine.decide(f, name)) for f in contract.files)
        files = _files_in(path) if folder and os.path.isdir(path) else None
        if not files:
            if relative:
                yield relative, engine.decide(relative + "/" if folder else relative, name)
            return
        from ..core.bulk import decisions_for

        prefix = relative + "/" if relative else ""
        decisions = decisions_for(engine, [prefix + f for f in files])
        yield from ((decisions.paths[i], decisions.decide(i, name)) for i in range(len(files)))

    def _unread(self, unread: tuple[str, ...], hook: HookInput, main: Governed) -> list[Check]:
        """A write whose target the guard cannot know is denied, naming what it could not read."""
        kind, name, who = self.actor(main.contract, hook)
        if not unread or kind == "allow" or (kind == "unknown" and main.contract.unknown_agent == "allow"):
            return []
        return [
            Check(f"`{what}`", False, "unreadable", None, f"ownership: {who} may not run this command: {what}; "
                  "the guard denies a write it cannot place (write the path out, or split the command)")
            for what in unread
        ]  # fmt: skip

    def _unknown(self, shown: str, who: str, name: str | None, governed: Governed, owners: list[str]) -> Check:
        contract = governed.contract
        unnamed = "no clue names it" if name is None else f"{name} is not an agent of the contract"
        why = reason(
            "unknown_agent", False, unnamed=unnamed, agents=", ".join(contract.names), source=_setting_source(contract)
        )
        # The owners are named when the path has some: whom to hand the work to.
        said = "ownership: " + sentence(who, shown, False, why, owners or None)
        return Check(shown, False, "unknown_agent", None, said)

    # --- SubagentStart ---

    def lane_summary(self, name: str) -> str:
        """What a starting subagent is told about its lane."""
        main = self.main()
        contract = main.contract
        agent = contract.agent(name)
        if agent is None:
            verdict = (
                "it may write no file this contract governs (unknown_agent: deny)"
                if contract.unknown_agent == "deny"
                else "unknown agents may write (unknown_agent: allow)"
            )
            return (
                f"ownership: '{name}' is not an agent of the file-ownership contract ({main.where}; "
                f"its agents: {', '.join(contract.names)}); {verdict}."
            )
        root = (contract.root or ".") + "/"
        protected = [r.pattern for r in contract.protected if r.line is not None]
        lines = [
            f"ownership: you are '{name}' in the file-ownership contract ({main.where}). "
            f"Globs are gitignore patterns relative to {root}; a write outside your lane is blocked before it happens.",
            *_section("You own (may write):", agent.owns),
            *_section("You read (context only, never write):", agent.reads),
            *_section("You cannot touch:", agent.cannot_touch),
            "Protected (no agent writes them): "
            + ", ".join([*protected, "the contract's own files (" + ", ".join(contract.files) + ")"])
            + "; always: .git/, every agent host's hook settings, the git hook managers' configuration",
            "Paths no section names: "
            + ("yours to write (unlisted: allow)." if contract.unlisted == "allow" else "not yours (unlisted: deny)."),
            *_scratch_line(contract),
            "Hand a change outside your lane to its owner; `ownership explain PATH` names it.",
        ]
        unread = [w for w in contract.warnings if w.source == agent.source]
        if unread:  # what the contract could not read of this agent's file: the agent should know its lane is partial
            lines.append(f"Parts of your agent file were not read as lanes ({len(unread)}); ask for them to be fixed:")
            lines += [f"  {w.location}: {w.message}" for w in unread[:5]]
        return "\n".join(lines)


def _temp_scratch(path: str, contract: Contract) -> str | None:
    """The system temp folder holding a path outside every governed repository, when `scratch.temp` opens it."""
    if not contract.scratch_temp:
        return None
    from .guarded import temp_folder

    return temp_folder(path)


def _scratch_line(contract: Contract) -> list[str]:
    """What a starting agent may use as scratch space (`scratch:`), when anything."""
    open_ = [
        *(["the system temp folder"] if contract.scratch_temp else []),
        *(["paths git ignores that no rule names (node_modules/, build output)"] if contract.scratch_ignored else []),
    ]
    return ["Scratch space, anyone's to write: " + " and ".join(open_) + "."] if open_ else []


def _shown(path: str, link: str | None) -> str:
    return f"{path} (where the symlink {link} leads)" if link else path


def _setting_source(contract: Contract) -> str:
    source = contract.source
    return source if source and not source.endswith(".md") else "the default; no ownership.yaml sets it"


def _section(title: str, rules: tuple[Rule, ...]) -> list[str]:
    if not rules:
        return [title + " nothing"]
    return [title, *(f"  {r.pattern}  # {r.comment}" if r.comment else f"  {r.pattern}" for r in rules)]


def _files_in(folder: str) -> list[str]:
    """Every file under an existing folder, relative to it and sorted, leaving out .git and nested work trees."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        rel = os.path.relpath(dirpath, folder).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        dirnames[:] = [d for d in dirnames if d != ".git" and not os.path.lexists(os.path.join(dirpath, d, ".git"))]
        found.extend(prefix + f for f in filenames if f != ".git")
    return sorted(found)
